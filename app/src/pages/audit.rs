//! The team's audit log: who changed which cloud resource, member or setting, when, with
//! the cloud's RequestId.
use leptos::prelude::*;

use crate::api::logs::audit_log;
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::format::{datetime_cell, utc8_column};
use crate::i18n::{t, use_lang, Lang};

fn action_label(lang: Lang, action: &str) -> String {
    match action {
        "function_created" => t(lang, "audit.function_created"),
        "function_updated" => t(lang, "audit.function_updated"),
        "function_deleted" => t(lang, "audit.function_deleted"),
        "role_authorized" => t(lang, "audit.role_authorized"),
        "trigger_bound" => t(lang, "audit.trigger_bound"),
        "trigger_deleted" => t(lang, "audit.trigger_deleted"),
        "task_started" => t(lang, "audit.task_started"),
        "cloud_account_saved" => t(lang, "audit.cloud_account_saved"),
        "invite_created" => t(lang, "audit.invite_created"),
        "invite_revoked" => t(lang, "audit.invite_revoked"),
        "member_joined" => t(lang, "audit.member_joined"),
        "member_role_changed" => t(lang, "audit.member_role_changed"),
        "member_removed" => t(lang, "audit.member_removed"),
        other => other,
    }
    .to_owned()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let lang = use_lang();
    let page = RwSignal::new(1u32);
    let rows = Resource::new(move || page.get(), audit_log);
    view! {
        <h1>{t(lang, "nav.audit")}</h1>
        <p class="muted">{t(lang, "audit.intro")}</p>
        <Transition fallback=Loading>
            {move || rows.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(p) if p.rows.is_empty() && page.get() == 1 => view! {
                    <EmptyState title=t(lang, "audit.empty").to_owned()/>
                }.into_any(),
                Ok(p) => {
                    let more = p.more;
                    view! {
                        <table class="table" id="audit-table">
                            <thead>
                                <tr>
                                    <th>{utc8_column(t(lang, "audit.when"))}</th>
                                    <th>{t(lang, "audit.who")}</th>
                                    <th>{t(lang, "audit.what")}</th>
                                    <th>{t(lang, "audit.target")}</th>
                                    <th>{t(lang, "scf.region")}</th>
                                    <th>"RequestId"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {p.rows.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{datetime_cell(e.at)}</td>
                                        <td>{e.actor}</td>
                                        <td>{action_label(lang, &e.action)}</td>
                                        <td class="mono">{e.target}</td>
                                        <td>{crate::regions::by_id(&e.region).map_or(e.region.clone(), |r| crate::components::region_bar::region_name(lang, r).to_owned())}</td>
                                        <td class="mono">{e.request_id}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <nav class="pager" aria-label=t(lang, "pager.label")>
                            <button type="button" class="btn btn-small" disabled=move || { page.get() <= 1 } on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>{t(lang, "pager.prev")}</button>
                            <span>{move || page.get()}</span>
                            <button type="button" class="btn btn-small" disabled=!more on:click=move |_| page.update(|p| *p += 1)>{t(lang, "pager.next")}</button>
                        </nav>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
