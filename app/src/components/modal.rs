//! The frame of the console's modal dialogs, with the keyboard behaviour of a native one:
//! focus moves into the dialog when it opens, Tab and Shift+Tab stay inside it, Escape
//! and a click on the backdrop close it, and focus goes back to what opened it.
use leptos::html;
use leptos::prelude::*;

/// A modal dialog over a backdrop; `on_close` closes it (the caller owns whether it shows).
#[component]
pub fn ModalFrame(
    /// The dialog element's id.
    id: &'static str,
    /// The id of the dialog's title.
    labelledby: &'static str,
    /// Closes the dialog.
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    #[cfg(feature = "hydrate")]
    keyboard::install(dialog, on_close);
    view! {
        <div
            class="modal-backdrop"
            on:click=move |ev| {
                if ev.target() == ev.current_target() {
                    on_close.run(());
                }
            }
        >
            <div
                class="modal modal-wide"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelledby
                id=id
                tabindex="-1"
                node_ref=dialog
            >
                {children()}
            </div>
        </div>
    }
}

/// The keyboard behaviour of [`ModalFrame`] for a dialog shown another way (the
/// confirmation dialog is a `<details>`, which opens without JavaScript too): rendered
/// while the dialog shows, it renders nothing itself.
#[component]
pub fn DialogKeys(dialog: NodeRef<html::Div>, on_close: Callback<()>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    keyboard::install(dialog, on_close);
    #[cfg(not(feature = "hydrate"))]
    let _ = (dialog, on_close);
}

#[cfg(feature = "hydrate")]
mod keyboard {
    use leptos::html;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement, KeyboardEvent};

    /// While the dialog shows: Escape closes it and Tab keeps within it, wherever the
    /// focus is (a button that disappears, say after Authorize, leaves it on the page's
    /// body, where a listener on the dialog would hear nothing). Focus moves into the
    /// dialog once it is in the page, and goes back to what had it when the dialog closes.
    pub fn install(dialog: NodeRef<html::Div>, on_close: Callback<()>) {
        let keys = window_event_listener(leptos::ev::keydown, move |ev| match ev.key().as_str() {
            "Escape" => on_close.run(()),
            "Tab" => keep_tab_inside(&ev, dialog),
            _ => {}
        });
        let opener = active().map(send_wrapper::SendWrapper::new);
        on_cleanup(move || {
            keys.remove();
            if let Some(opener) = opener.filter(|o| o.is_connected()) {
                let _ = opener.focus();
            }
        });
        Effect::new(move || {
            if let Some(dialog) = dialog.get() {
                let inside = active().is_some_and(|a| dialog.contains(Some(a.as_ref())));
                if !inside {
                    let _ = dialog.focus();
                }
            }
        });
    }

    /// At the last focusable element Tab goes to the first, and at the first (or on the
    /// dialog itself) Shift+Tab goes to the last, instead of leaving for the page behind;
    /// from outside the dialog, Tab comes back to its first element.
    fn keep_tab_inside(ev: &KeyboardEvent, dialog: NodeRef<html::Div>) {
        let Some(dialog) = dialog.get() else {
            return;
        };
        let mut items = Vec::new();
        focusables(&dialog, &mut items);
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            ev.prevent_default();
            return;
        };
        let active = active();
        let on = |e: &HtmlElement| active.as_ref() == Some(e);
        let inside = active
            .as_ref()
            .is_some_and(|a| dialog.contains(Some(a.as_ref())));
        let target = if !inside {
            first
        } else if ev.shift_key() && (on(first) || on(&dialog)) {
            last
        } else if !ev.shift_key() && on(last) {
            first
        } else {
            return;
        };
        ev.prevent_default();
        let _ = target.focus();
    }

    fn active() -> Option<HtmlElement> {
        document()
            .active_element()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    }

    /// The elements under `root` that Tab stops at, in document order.
    fn focusables(root: &Element, out: &mut Vec<HtmlElement>) {
        let mut child = root.first_element_child();
        while let Some(el) = child {
            if stops_tab(&el) {
                if let Ok(el) = el.clone().dyn_into::<HtmlElement>() {
                    out.push(el);
                }
            }
            focusables(&el, out);
            child = el.next_element_sibling();
        }
    }

    fn stops_tab(el: &Element) -> bool {
        if el.has_attribute("disabled") || el.get_attribute("tabindex").as_deref() == Some("-1") {
            return false;
        }
        match el.tag_name().to_ascii_lowercase().as_str() {
            "a" => el.has_attribute("href"),
            "input" => el.get_attribute("type").as_deref() != Some("hidden"),
            "button" | "select" | "textarea" | "summary" => true,
            "video" | "audio" => el.has_attribute("controls"),
            _ => el.has_attribute("tabindex"),
        }
    }
}
