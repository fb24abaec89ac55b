//! The left navigation.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;

use crate::components::region_bar::ScfLoc;
use crate::i18n::{t, use_lang};
use crate::routes;

/// Where the regional pages last looked, from the address of the page shown (`path`, `q`)
/// and what was known before: the SCF pages give region and namespace, the MPS page its
/// region. The navigation opens Functions and Media processing there again rather than
/// on the default region.
fn last_place(path: &str, q: &ParamsMap, before: Option<ScfLoc>) -> Option<ScfLoc> {
    if q.get("rid").is_none() {
        return before;
    }
    let here = ScfLoc::from_query(q);
    if path.starts_with("/scf/") {
        Some(here)
    } else if path.starts_with(routes::MPS) {
        let ns = before.map_or_else(|| "default".to_owned(), |b| b.ns);
        Some(ScfLoc { rid: here.rid, ns })
    } else {
        before
    }
}

#[component]
pub fn SideNav() -> impl IntoView {
    let lang = use_lang();
    // The list, a new function and a function's page (`/scf/function`) are all Functions.
    let pathname = use_location().pathname;
    let query = use_query_map();
    let last = Memo::new(move |before: Option<&Option<ScfLoc>>| {
        let before = before.cloned().flatten();
        pathname.with(|p| query.with(|q| last_place(p, q, before)))
    });
    let functions_href = move || match last.get() {
        Some(l) => format!("{}?{}", routes::FUNCTIONS, l.query()),
        None => routes::FUNCTIONS.to_owned(),
    };
    let mps_href = move || match last.get() {
        Some(l) => format!("{}?rid={}", routes::MPS, l.rid),
        None => routes::MPS.to_owned(),
    };
    let in_functions = move || {
        pathname
            .with(|p| p.starts_with("/scf/function"))
            .then_some("page")
    };
    // On a phone the navigation is a strip that scrolls sideways: bring the current page's
    // link into it (the page itself is not scrolled).
    let strip = NodeRef::<leptos::html::Nav>::new();
    Effect::new(move || {
        pathname.track();
        let Some(nav) = strip.get() else { return };
        request_animation_frame(move || {
            use leptos::wasm_bindgen::JsCast;
            let current = nav
                .query_selector("a[aria-current=\"page\"]")
                .ok()
                .flatten()
                .and_then(|a| a.dyn_into::<leptos::web_sys::HtmlElement>().ok());
            // The strip is positioned (CSS), so offsets count from its start.
            if let Some(link) = current {
                let centre = link.offset_left() + link.offset_width() / 2;
                nav.set_scroll_left(centre - nav.client_width() / 2);
            }
        });
    });
    view! {
        <nav class="sidenav" aria-label=t(lang, "nav.label") node_ref=strip>
            <ul>
                <li><A href=routes::HOME exact=true>{t(lang, "nav.overview")}</A></li>
                <li class="nav-group">{t(lang, "nav.group_cloud")}</li>
                <li><A href=routes::WIZARD>{t(lang, "nav.wizard")}</A></li>
                <li><a href=functions_href aria-current=in_functions>{t(lang, "nav.functions")}</a></li>
                <li><A href=mps_href>{t(lang, "nav.mps")}</A></li>
                <li><A href=routes::COS>{t(lang, "nav.cos")}</A></li>
                <li><A href=routes::AUDIT>{t(lang, "nav.audit")}</A></li>
                <li class="nav-group">{t(lang, "nav.group_team")}</li>
                <li><A href=routes::MEMBERS>{t(lang, "nav.members")}</A></li>
                <li class="nav-group">{t(lang, "nav.group_settings")}</li>
                <li><A href=routes::CLOUD_ACCOUNT>{t(lang, "nav.cloud")}</A></li>
                <li class="nav-group">{t(lang, "nav.group_account")}</li>
                <li><A href=routes::SESSIONS>{t(lang, "nav.sessions")}</A></li>
            </ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut m = ParamsMap::new();
        for (k, v) in pairs {
            m.insert(*k, (*v).to_owned());
        }
        m
    }

    #[test]
    fn remembers_the_last_region_and_namespace() {
        let gz = |ns: &str| {
            Some(ScfLoc {
                rid: 1,
                ns: ns.to_owned(),
            })
        };
        // An SCF page gives both; the MPS page its region, keeping the namespace.
        let place = last_place("/scf/functions", &q(&[("rid", "1"), ("ns", "prod")]), None);
        assert_eq!(place, gz("prod"));
        let place = last_place("/mps", &q(&[("rid", "4")]), place);
        assert_eq!(
            place,
            Some(ScfLoc {
                rid: 4,
                ns: "prod".to_owned()
            })
        );
        assert_eq!(last_place("/mps", &q(&[("rid", "1")]), None), gz("default"));
        // Pages without a region, and regional pages without one in the address, keep it.
        assert_eq!(last_place("/members", &q(&[]), gz("prod")), gz("prod"));
        assert_eq!(
            last_place("/scf/functions", &q(&[]), gz("prod")),
            gz("prod")
        );
        assert_eq!(
            last_place("/cos", &q(&[("rid", "4")]), gz("prod")),
            gz("prod")
        );
    }
}
