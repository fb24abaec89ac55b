//! The user's active login sessions, with revoke.
use leptos::prelude::*;

use crate::api::sessions::{list_my_sessions, RevokeOtherSessions, RevokeSession};
use crate::components::confirm::ConfirmDialog;
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::contexts::use_toasts;
use crate::format::{datetime_cell, user_agent, utc8_column};
use crate::i18n::{error_text, t, use_lang};

#[component]
pub fn SessionsPage() -> impl IntoView {
    let lang = use_lang();
    let toasts = use_toasts();
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    let sessions = Resource::new(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_my_sessions(),
    );
    Effect::new(move || match revoke.value().get() {
        Some(Ok(())) => toasts.success(t(lang, "sessions.revoked")),
        Some(Err(e)) => toasts.error(error_text(lang, &e)),
        None => {}
    });
    Effect::new(move || match revoke_others.value().get() {
        Some(Ok(n)) => toasts.success(format!("{} {n}", t(lang, "sessions.revoked_n"))),
        Some(Err(e)) => toasts.error(error_text(lang, &e)),
        None => {}
    });

    view! {
        <div class="page-head">
            <h1>{t(lang, "nav.sessions")}</h1>
            <ConfirmDialog
                trigger_label=t(lang, "sessions.revoke_others").to_owned()
                title=t(lang, "sessions.revoke_others").to_owned()
                message=t(lang, "sessions.revoke_others_confirm").to_owned()
            >
                <ActionForm action=revoke_others>
                    <button type="submit" class="btn btn-danger">{t(lang, "action.confirm")}</button>
                </ActionForm>
            </ConfirmDialog>
        </div>
        <p class="muted">{t(lang, "sessions.intro")}</p>
        <Transition fallback=Loading>
            {move || sessions.get().map(|result| match result {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(rows) if rows.is_empty() => view! {
                    <EmptyState title=t(lang, "sessions.empty").to_owned()/>
                }
                    .into_any(),
                Ok(rows) => view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th>{t(lang, "sessions.device")}</th>
                                <th>{t(lang, "sessions.ip")}</th>
                                <th>{utc8_column(t(lang, "sessions.signed_in"))}</th>
                                <th>{utc8_column(t(lang, "sessions.last_seen"))}</th>
                                <th>{utc8_column(t(lang, "sessions.expires"))}</th>
                                <th><span class="sr-only">{t(lang, "table.actions")}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr>
                                    <td>
                                        {user_agent(&row.user_agent, lang)}
                                        {row.current.then(|| view! { <span class="badge">{t(lang, "sessions.this_one")}</span> })}
                                    </td>
                                    <td class="mono">{row.ip.clone()}</td>
                                    <td>{datetime_cell(row.created_at)}</td>
                                    <td>{datetime_cell(row.last_seen_at)}</td>
                                    <td>{datetime_cell(row.expires_at)}</td>
                                    <td>
                                        {(!row.current).then(|| view! {
                                            <ConfirmDialog
                                                trigger_label=t(lang, "action.revoke").to_owned()
                                                title=t(lang, "sessions.revoke_title").to_owned()
                                                message=t(lang, "sessions.revoke_confirm").to_owned()
                                            >
                                                <ActionForm action=revoke>
                                                    <input type="hidden" name="session_id" value=row.id.to_string()/>
                                                    <button type="submit" class="btn btn-danger">{t(lang, "action.revoke")}</button>
                                                </ActionForm>
                                            </ConfirmDialog>
                                        })}
                                    </td>
                                </tr>
                            }.into_any()).collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any(),
            })}
        </Transition>
    }
}
