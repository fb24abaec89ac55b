//! The button that switches the UI to the other language and comes back to this page,
//! with what was typed on it.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::SetLanguage;
use crate::components::typed_values;
use crate::i18n::{use_lang, Lang};
use crate::routes;

/// A form posting to `set_language`, so it works before the WASM has loaded, and without
/// a session (sign-in, first-run setup and invitation pages have it too).
#[component]
pub fn LangToggle() -> impl IntoView {
    let set_language = ServerAction::<SetLanguage>::new();
    let location = use_location();
    let back_to = move || routes::here(&location.pathname.get(), &location.search.get());
    let other = match use_lang() {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    view! {
        <ActionForm action=set_language attr:class="lang-toggle">
            <input type="hidden" name="lang" value=other.code()/>
            <input type="hidden" name="back_to" value=back_to/>
            <button type="submit" class="btn btn-ghost" lang=other.code() on:click=|_| typed_values::keep_for_reload()>
                {other.native_name()}
            </button>
        </ActionForm>
    }
}
