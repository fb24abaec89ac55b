//! The button that switches the UI to the other language and comes back to this page.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::SetLanguage;
use crate::i18n::{use_lang, Lang};

/// A form posting to `set_language`, so it works before the WASM has loaded, and without
/// a session (sign-in, first-run setup and invitation pages have it too).
#[component]
pub fn LangToggle() -> impl IntoView {
    let set_language = ServerAction::<SetLanguage>::new();
    let location = use_location();
    let back_to = move || back_to(&location.pathname.get(), &location.search.get());
    let other = match use_lang() {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    view! {
        <ActionForm action=set_language attr:class="lang-toggle">
            <input type="hidden" name="lang" value=other.code()/>
            <input type="hidden" name="back_to" value=back_to/>
            <button type="submit" class="btn btn-ghost" lang=other.code()>
                {other.native_name()}
            </button>
        </ActionForm>
    }
}

/// The page to come back to: the path and, when there is one, the query (the router gives
/// it without its `?`).
fn back_to(path: &str, search: &str) -> String {
    match search.trim_start_matches('?') {
        "" => path.to_owned(),
        query => format!("{path}?{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn comes_back_with_the_query() {
        assert_eq!(back_to("/team/members", ""), "/team/members");
        assert_eq!(
            back_to("/scf/functions", "rid=8&ns=default"),
            "/scf/functions?rid=8&ns=default"
        );
        assert_eq!(back_to("/cos", "?bucket=b"), "/cos?bucket=b");
    }
}
