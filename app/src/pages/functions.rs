//! The function list of a region and namespace.
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use crate::api::cloud_types::FunctionRow;
use crate::api::functions::{list_functions, PAGE_SIZE};
use crate::api::types::Role;
use crate::components::region_bar::{use_scf_loc, RegionBar};
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::contexts::use_me;
use crate::i18n::{t, use_lang, Lang};
use crate::routes;

/// SCF's status as a badge class and a label.
pub fn status_badge(lang: Lang, status: &str) -> (&'static str, String) {
    let (class, label) = match status {
        "Active" => ("badge badge-ok", t(lang, "status.active")),
        "Creating" => ("badge badge-busy", t(lang, "status.creating")),
        "Updating" => ("badge badge-busy", t(lang, "status.updating")),
        "CreateFailed" => ("badge badge-bad", t(lang, "status.create_failed")),
        other => ("badge badge-bad", other),
    };
    (class, label.to_owned())
}

#[component]
pub fn FunctionsPage() -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let loc = use_scf_loc();
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| {
        query.with(|q| q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32))
    });
    let functions = Resource::new(
        move || (loc.get(), search.get(), page.get()),
        |(loc, search, page)| list_functions(loc.rid, loc.ns, search, page),
    );

    view! {
        <div class="page-head">
            <h1>{t(lang, "nav.functions")}</h1>
            <RegionBar path=routes::FUNCTIONS/>
        </div>
        <div class="toolbar">
            {can_edit.then(|| view! {
                <A href=move || format!("{}?{}", routes::FUNCTION_NEW, loc.get().query()) attr:class="btn btn-primary" attr:id="new-function">
                    {t(lang, "scf.new")}
                </A>
            })}
            // The router's Form adds the submit button's name and value, a stray `&=`.
            <Form method="GET" action=routes::FUNCTIONS attr:class="search-form" on_form_data=std::sync::Arc::new(|d: &leptos::web_sys::FormData| d.delete(""))>
                <input type="hidden" name="rid" value=move || loc.get().rid.to_string()/>
                <input type="hidden" name="ns" value=move || loc.get().ns/>
                <label class="sr-only" for="fn-search">{t(lang, "scf.search")}</label>
                <input id="fn-search" type="search" name="q" maxlength="60" placeholder=t(lang, "scf.search") value=move || search.get() prop:value=move || search.get()/>
                <button type="submit" class="btn">{t(lang, "action.search")}</button>
            </Form>
        </div>
        <Transition fallback=Loading>
            {move || functions.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                // A page past the last (an old link, or after deletions): the pager leads back.
                Ok(list) if list.items.is_empty() && list.total > 0 => {
                    let pages = page_count(list.total);
                    view! {
                        <EmptyState title=t(lang, "scf.page_empty").to_owned()/>
                        <Pager page=page.get() pages=pages total=list.total/>
                    }.into_any()
                }
                Ok(list) if list.items.is_empty() && search.get().is_empty() => view! {
                    <EmptyState
                        title=t(lang, "scf.empty").to_owned()
                        hint=if can_edit { t(lang, "scf.empty_hint") } else { "" }
                    />
                }.into_any(),
                Ok(list) if list.items.is_empty() => view! { <EmptyState title=t(lang, "scf.no_match").to_owned()/> }.into_any(),
                Ok(list) => {
                    let pages = page_count(list.total);
                    view! {
                        <FunctionTable rows=list.items lang=lang/>
                        <Pager page=page.get() pages=pages total=list.total/>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn FunctionTable(rows: Vec<FunctionRow>, lang: Lang) -> impl IntoView {
    let loc = use_scf_loc();
    view! {
        <table class="table" id="function-table">
            <thead>
                <tr>
                    <th>{t(lang, "scf.col.name")}</th>
                    <th>{t(lang, "scf.col.status")}</th>
                    <th>{t(lang, "scf.col.runtime")}</th>
                    <th>{t(lang, "scf.col.description")}</th>
                    <th>{t(lang, "scf.col.created")}</th>
                    <th>{t(lang, "scf.col.modified")}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|f| {
                    let (class, label) = status_badge(lang, &f.status);
                    let href = format!("{}?{}&name={}", routes::FUNCTION_DETAIL, loc.get_untracked().query(), f.name);
                    view! {
                        <tr>
                            <td><A href=href>{f.name.clone()}</A></td>
                            <td><span class=class>{label}</span></td>
                            <td>{f.runtime}</td>
                            <td class="muted">{f.description}</td>
                            <td>{f.add_time}</td>
                            <td>{f.mod_time}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Previous/next links that keep the rest of the query.
/// Pages of `total` functions; one when there are none.
fn page_count(total: u64) -> u64 {
    total.div_ceil(u64::from(PAGE_SIZE)).max(1)
}

#[component]
fn Pager(page: u32, pages: u64, total: u64) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let href = move |p: u32| {
        let mut q = query.get_untracked();
        q.replace("page", p.to_string());
        format!("{}{}", routes::FUNCTIONS, q.to_query_string())
    };
    view! {
        <nav class="pager" aria-label=t(lang, "pager.label")>
            <span class="muted">{format!("{} {total}", t(lang, "pager.total"))}</span>
            {(page > 1).then(|| view! { <A href=href(page - 1)>{t(lang, "pager.prev")}</A> })}
            <span>{format!("{page} / {pages}")}</span>
            {(u64::from(page) < pages).then(|| view! { <A href=href(page + 1)>{t(lang, "pager.next")}</A> })}
        </nav>
    }
}
