//! The console's landing page once signed in.
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::last_place::use_last_place;
use crate::components::states::EmptyState;
use crate::contexts::use_me;
use crate::i18n::{role_label, t, use_lang};
use crate::routes;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let lang = use_lang();
    let me = use_me();
    // The regional pages open where they were last looked at.
    let last = use_last_place();
    view! {
        <h1>{t(lang, "overview.title")}</h1>
        {match me.team.clone() {
            None => view! {
                <EmptyState title=t(lang, "overview.no_team").to_owned() hint=t(lang, "overview.no_team_hint")/>
                <A href=routes::NEW_TEAM attr:class="btn btn-primary">{t(lang, "nav.new_team")}</A>
            }
                .into_any(),
            Some(team) => {
                // A viewer changes nothing: no wizard or invitations to offer.
                let can_edit = team.role.can_edit();
                let members_hint = if team.role.can_manage_members() {
                    "overview.members_hint"
                } else {
                    "overview.members_view_hint"
                };
                view! {
                <section class="card">
                    <h2>{team.name}</h2>
                    <p>{format!("{} {}", t(lang, "overview.your_role"), role_label(lang, team.role))}</p>
                    <p class="muted">{t(lang, "overview.pipeline")}</p>
                    <ol class="pipeline">
                        <li><A href=move || last.mps_href()>{t(lang, "overview.step_mps")}</A></li>
                        <li>{t(lang, "overview.step_trigger")}</li>
                        <li><A href=move || last.functions_href()>{t(lang, "overview.step_scf")}</A></li>
                        <li><A href=routes::COS>{t(lang, "overview.step_cos")}</A></li>
                    </ol>
                    <p>{t(lang, if can_edit { "overview.wizard_hint" } else { "overview.viewer_hint" })}</p>
                    <div class="form-actions">
                        {can_edit.then(|| view! {
                            <A href=routes::WIZARD attr:class="btn btn-primary" attr:id="open-wizard">{t(lang, "overview.open_wizard")}</A>
                        })}
                        <A href=move || last.functions_href() attr:class="btn">{t(lang, "nav.functions")}</A>
                    </div>
                </section>
                <section class="card">
                    <h2>{t(lang, "nav.members")}</h2>
                    <p>{t(lang, members_hint)}</p>
                    <A href=routes::MEMBERS attr:class="btn">{t(lang, "nav.members")}</A>
                </section>
                }
                .into_any()
            }
        }}
    }
}
