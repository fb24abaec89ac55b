//! A function's page: configuration, code, trigger management and log query, as tabs kept in
//! the URL (`&tab=triggers`).
mod code_tab;
mod config_edit;
mod config_tab;
mod logs_tab;
pub mod triggers_tab;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::components::last_place::use_last_place;
use crate::components::region_bar::use_scf_loc;
use crate::components::states::ReadOnlyNotice;
use crate::i18n::{t, use_lang};
use crate::routes;
use code_tab::CodeTab;
use config_tab::ConfigTab;
use logs_tab::LogsTab;
use triggers_tab::TriggersTab;

/// The function a detail page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnLoc {
    pub rid: u32,
    pub ns: String,
    pub name: String,
}

impl FnLoc {
    /// This function's page, on `tab`.
    pub fn href(&self, tab: &str) -> String {
        format!(
            "{}?rid={}&ns={}&name={}&tab={tab}",
            routes::FUNCTION_DETAIL,
            self.rid,
            self.ns,
            self.name
        )
    }
}

#[component]
pub fn FunctionDetailPage() -> impl IntoView {
    let lang = use_lang();
    let loc = use_scf_loc();
    let query = use_query_map();
    let last = use_last_place();
    let f = Memo::new(move |_| {
        let l = loc.get();
        // Names that break SCF's rules cannot exist; keep them out of links and calls.
        let name = query
            .with(|q| q.get("name"))
            .filter(|n| crate::scf_rules::function_name_problem(n).is_none())
            .unwrap_or_default();
        FnLoc {
            rid: l.rid,
            ns: l.ns,
            name,
        }
    });
    let tab = Memo::new(move |_| {
        query
            .with(|q| q.get("tab"))
            .unwrap_or_else(|| "config".to_owned())
    });
    let tab_link = move |key: &'static str, label: &'static str| {
        view! {
            // A plain link (the router still navigates in place): <A> would mark every
            // tab aria-current, as they share the path and differ only in the query.
            <a
                href=move || f.get().href(key)
                role="tab"
                aria-selected=move || (tab.get() == key).to_string()
                class=move || if tab.get() == key { "tab current" } else { "tab" }
                id=format!("tab-{key}")
            >
                {t(lang, label)}
            </a>
        }
    };

    view! {
        <div class="page-head">
            // Back to the list as it was left (its search and page), in this region.
            <A href=move || last.list_href(&loc.get()) attr:class="back-link">
                {t(lang, "scf.back_to_list")}
            </A>
            <h1 class="mono">{move || f.get().name}</h1>
        </div>
        <ReadOnlyNotice/>
        <nav class="tabs" role="tablist">
            {tab_link("config", "scf.tab_config")}
            {tab_link("code", "scf.tab_code")}
            {tab_link("triggers", "scf.tab_triggers")}
            {tab_link("logs", "scf.tab_logs")}
        </nav>
        <div role="tabpanel">
            {move || match tab.get().as_str() {
                "code" => view! { <CodeTab f=f.get()/> }.into_any(),
                "triggers" => view! { <TriggersTab f=f.get()/> }.into_any(),
                "logs" => view! { <LogsTab f=f.get()/> }.into_any(),
                _ => view! { <ConfigTab f=f.get()/> }.into_any(),
            }}
        </div>
    }
}
