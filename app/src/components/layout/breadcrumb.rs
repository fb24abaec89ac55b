//! Where the user is, derived from the path.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

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

/// Below a function list's own pages (a new function, a function), the list they belong
/// to (`?rid=…&ns=…`) and the page itself; `param` reads the address's query.
pub fn below_functions(
    path: &str,
    param: impl Fn(&str) -> Option<String>,
) -> Option<(String, Crumb)> {
    let path = path.trim_end_matches('/');
    if path != routes::FUNCTION_NEW && path != routes::FUNCTION_DETAIL {
        return None;
    }
    let mut list = routes::FUNCTIONS.to_owned();
    if let (Some(rid), Some(ns)) = (param("rid"), param("ns")) {
        list.push_str(&format!(
            "?rid={}&ns={}",
            crate::format::url_encode(&rid),
            crate::format::url_encode(&ns)
        ));
    }
    let last = match param("name") {
        Some(name) if path == routes::FUNCTION_DETAIL && !name.is_empty() => Crumb::Text(name),
        _ if path == routes::FUNCTION_NEW => Crumb::Key("scf.new_title"),
        _ => return Some((list, Crumb::None)),
    };
    Some((list, last))
}

/// The trail's last crumb on a function list's own pages.
#[derive(Debug, PartialEq, Eq)]
pub enum Crumb {
    Key(&'static str),
    Text(String),
    None,
}

#[component]
pub fn Breadcrumb() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let query = use_query_map();
    view! {
        <nav class="breadcrumb" aria-label=t(lang, "nav.breadcrumb")>
            <ol>
                <li><a href=routes::HOME>{t(lang, "app.short")}</a></li>
                {move || {
                    let path = location.pathname.get();
                    let below = below_functions(&path, |name| query.with(|q| q.get(name)));
                    let keys = trail(&path);
                    let count = keys.len();
                    let mut crumbs: Vec<AnyView> = keys
                        .into_iter()
                        .enumerate()
                        .map(|(i, key)| match &below {
                            // The list is a link from its own pages.
                            Some((list, _)) if i + 1 == count => view! { <li><a href=list.clone()>{t(lang, key)}</a></li> }.into_any(),
                            _ => view! { <li>{t(lang, key)}</li> }.into_any(),
                        })
                        .collect();
                    match below.map(|(_, last)| last) {
                        Some(Crumb::Key(key)) => crumbs.push(view! { <li aria-current="page">{t(lang, key)}</li> }.into_any()),
                        Some(Crumb::Text(text)) => crumbs.push(view! { <li aria-current="page" class="mono">{text}</li> }.into_any()),
                        _ => {}
                    }
                    crumbs
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

    #[test]
    fn function_pages_lead_back_to_their_list() {
        let query = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            below_functions(
                "/scf/function",
                query(&[("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")])
            ),
            Some((
                "/scf/functions?rid=8&ns=default".to_owned(),
                Crumb::Text("MPSAnalysis".to_owned())
            ))
        );
        assert_eq!(
            below_functions("/scf/functions/new", query(&[("rid", "1"), ("ns", "a&b")])),
            Some((
                "/scf/functions?rid=1&ns=a%26b".to_owned(),
                Crumb::Key("scf.new_title")
            ))
        );
        assert_eq!(
            below_functions("/scf/functions", query(&[("rid", "8")])),
            None
        );
    }
}
