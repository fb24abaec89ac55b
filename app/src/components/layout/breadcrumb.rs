//! Where the user is, derived from the path.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{t, use_lang};
use crate::routes;

/// The labels of the trail to `path`, after the console root.
pub fn trail(path: &str) -> Vec<&'static str> {
    match path.trim_end_matches('/') {
        routes::MEMBERS => vec!["nav.group_team", "nav.members"],
        routes::NEW_TEAM => vec!["nav.group_team", "nav.new_team"],
        routes::SESSIONS => vec!["nav.group_account", "nav.sessions"],
        routes::CLOUD_ACCOUNT => vec!["nav.group_settings", "nav.cloud"],
        routes::WIZARD => vec!["nav.group_cloud", "nav.wizard"],
        routes::FUNCTIONS | routes::FUNCTION_NEW | routes::FUNCTION_DETAIL => {
            vec!["nav.group_cloud", "nav.functions"]
        }
        routes::MPS => vec!["nav.group_cloud", "nav.mps"],
        routes::COS => vec!["nav.group_cloud", "nav.cos"],
        routes::AUDIT => vec!["nav.group_cloud", "nav.audit"],
        _ => vec![],
    }
}

#[component]
pub fn Breadcrumb() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    view! {
        <nav class="breadcrumb" aria-label=t(lang, "nav.breadcrumb")>
            <ol>
                <li><a href=routes::HOME>{t(lang, "app.short")}</a></li>
                {move || {
                    trail(&location.pathname.get())
                        .into_iter()
                        .map(|key| view! { <li>{t(lang, key)}</li> })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trails_follow_routes() {
        assert_eq!(
            trail("/team/members/"),
            vec!["nav.group_team", "nav.members"]
        );
        assert_eq!(
            trail("/scf/function"),
            vec!["nav.group_cloud", "nav.functions"]
        );
        assert!(trail("/").is_empty());
    }
}
