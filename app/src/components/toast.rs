//! The corner where toasts appear.
use leptos::prelude::*;

use crate::contexts::{use_toasts, ToastKind};
use crate::i18n::{t, use_lang};

/// Renders the toast queue; announced politely to screen readers.
#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    let lang = use_lang();
    view! {
        <div class="toasts" aria-live="polite">
            <For each=move || toasts.items.get() key=|toast| toast.id let:toast>
                <div class=move || match toast.kind {
                    ToastKind::Success => "toast toast-success",
                    ToastKind::Error => "toast toast-error",
                }>
                    <span>{toast.text.clone()}</span>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label=t(lang, "action.dismiss")
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
