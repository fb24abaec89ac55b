//! The left navigation.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::components::last_place::use_last_place;
use crate::i18n::{t, use_lang};
use crate::routes;

#[component]
pub fn SideNav() -> impl IntoView {
    let lang = use_lang();
    // The list, a new function and a function's page (`/scf/function`) are all Functions.
    let pathname = use_location().pathname;
    // Functions and Media processing open on the region and namespace last used.
    let last = use_last_place();
    let functions_href = move || last.functions_href();
    let mps_href = move || last.mps_href();
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
