//! A confirmation dialog for destructive actions.
//!
//! Built on `<details>` so it opens and submits without JavaScript too; with JavaScript,
//! it is used from the keyboard as the other dialogs are ([`DialogKeys`]), Cancel and a
//! click on the backdrop close it, and it closes itself once its form is submitted.
use leptos::html;
use leptos::prelude::*;

use crate::components::modal::DialogKeys;
use crate::i18n::{t, use_lang};

/// A button that opens a dialog asking to confirm; `children` holds the form whose
/// submit button does the deed.
#[component]
pub fn ConfirmDialog(
    /// Text of the button that opens the dialog.
    trigger_label: String,
    /// The dialog's question.
    title: String,
    /// What will happen.
    message: String,
    /// The form that carries out the action.
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let details = NodeRef::<html::Details>::new();
    let dialog = NodeRef::<html::Div>::new();
    let open = RwSignal::new(false);
    let close = move || {
        if let Some(d) = details.get() {
            d.set_open(false);
        }
    };
    view! {
        <details
            class="confirm"
            node_ref=details
            on:toggle=move |_| open.set(details.get().is_some_and(|d| d.open()))
        >
            <summary class="btn btn-danger btn-small">{trigger_label}</summary>
            <div
                class="modal-backdrop"
                on:click=move |ev| {
                    if ev.target() == ev.current_target() {
                        close();
                    }
                }
            >
                <div class="modal" role="dialog" aria-modal="true" aria-label=title.clone() tabindex="-1" node_ref=dialog>
                    <h2 class="modal-title">{title.clone()}</h2>
                    <p>{message}</p>
                    <div class="modal-actions" on:submit=move |_| close()>
                        <button type="button" class="btn" on:click=move |_| close()>
                            {t(lang, "action.cancel")}
                        </button>
                        {children()}
                    </div>
                </div>
            </div>
            <Show when=move || open.get()>
                <DialogKeys dialog=dialog on_close=Callback::new(move |()| close())/>
            </Show>
        </details>
    }
}
