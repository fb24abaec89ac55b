//! Previous/Next paging over a cloud list that hands out a cursor for the next page (a
//! COS marker, an MPS scroll token) and none for the previous one: the cursors of the
//! pages already passed are kept on a stack.
use leptos::prelude::*;

use crate::i18n::{t, use_lang};

/// Where a cursor-paged list is: the cursor of the page shown (empty for the first page)
/// and those of the pages before it.
#[derive(Clone, Copy)]
pub struct PageCursor {
    current: RwSignal<String>,
    passed: RwSignal<Vec<String>>,
}

impl PageCursor {
    /// At the first page.
    pub fn new() -> Self {
        Self {
            current: RwSignal::new(String::new()),
            passed: RwSignal::new(Vec::new()),
        }
    }

    /// The cursor of the page shown; tracked, so a resource keyed on it refetches.
    pub fn get(&self) -> String {
        self.current.get()
    }

    /// Back to the first page.
    pub fn reset(&self) {
        self.current.set(String::new());
        self.passed.set(Vec::new());
    }

    fn at_first(&self) -> bool {
        self.passed.with(Vec::is_empty)
    }

    fn back(&self) {
        let prev = self
            .passed
            .try_update(|m| m.pop())
            .flatten()
            .unwrap_or_default();
        self.current.set(prev);
    }

    fn forward(&self, next: String) {
        self.passed.update(|m| m.push(self.current.get_untracked()));
        self.current.set(next);
    }
}

impl Default for PageCursor {
    fn default() -> Self {
        Self::new()
    }
}

/// The Previous and Next buttons under a page of `cursor`'s list; `next` is the cursor
/// the cloud gave for the following page, if there is one.
#[component]
pub fn CursorPager(cursor: PageCursor, next: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let last = next.is_none();
    view! {
        <nav class="pager" aria-label=t(lang, "pager.label")>
            <button type="button" class="btn btn-small" disabled=move || cursor.at_first()
                on:click=move |_| cursor.back()>
                {t(lang, "pager.prev")}
            </button>
            <button type="button" class="btn btn-small" disabled=last
                on:click=move |_| if let Some(n) = next.clone() {
                    cursor.forward(n);
                }>
                {t(lang, "pager.next")}
            </button>
        </nav>
    }
}
