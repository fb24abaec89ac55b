//! Members of the current team and their invitations.
use leptos::prelude::*;

use crate::api::team::{
    list_invites, list_members, ChangeMemberRole, CreateInvite, RemoveMember, RevokeInvite,
};
use crate::api::types::{Member, Role};
use crate::components::confirm::ConfirmDialog;
use crate::components::form::{unit_result, FieldError, FormError};
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::contexts::{use_me, use_toasts};
use crate::format::{datetime, datetime_cell, utc8_column};
use crate::i18n::{error_text, role_label, t, use_lang, Lang};

#[component]
pub fn MembersPage() -> impl IntoView {
    let lang = use_lang();
    let me = use_me();
    let my_role = me.role().unwrap_or(Role::Viewer);
    let toasts = use_toasts();
    let change_role = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let invite = ServerAction::<CreateInvite>::new();
    let revoke_invite = ServerAction::<RevokeInvite>::new();
    let members = Resource::new(
        move || (change_role.version().get(), remove.version().get()),
        |_| list_members(),
    );
    let invites = Resource::new(
        move || (invite.version().get(), revoke_invite.version().get()),
        |_| list_invites(),
    );
    for (action, key) in [
        (unit_result(change_role.value()), "members.role_changed"),
        (unit_result(remove.value()), "members.removed"),
        (unit_result(revoke_invite.value()), "invites.revoked"),
    ] {
        Effect::new(move || match action.get() {
            Some(Ok(())) => toasts.success(t(lang, key)),
            Some(Err(e)) => toasts.error(error_text(lang, &e)),
            None => {}
        });
    }
    let invite_result = unit_result(invite.value());
    // A new invitation empties the email field, and its link stays shown only while the
    // invitation is pending: revoked (after it was made), the link works no more.
    let email_input = NodeRef::<leptos::html::Input>::new();
    let revokes_at_invite = RwSignal::new(0usize);
    Effect::new(move || {
        if matches!(invite.value().get(), Some(Ok(_))) {
            revokes_at_invite.set(revoke_invite.version().get_untracked());
            if let Some(input) = email_input.get_untracked() {
                input.set_value("");
            }
        }
    });
    let still_pending = move |id| {
        revoke_invite.version().get() == revokes_at_invite.get()
            || invites.get().is_none_or(|listed| match listed {
                Ok(rows) => rows.iter().any(|row| row.id == id),
                Err(_) => true,
            })
    };

    view! {
        <h1>{t(lang, "nav.members")}</h1>
        <Transition fallback=Loading>
            {move || members.get().map(|result| match result {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(rows) => view! {
                    <MemberTable rows=rows my_role=my_role me=me.user_id change_role=change_role remove=remove lang=lang/>
                }
                    .into_any(),
            })}
        </Transition>

        <Show when=move || my_role.can_manage_members()>
            <section class="card">
                <h2>{t(lang, "invites.new")}</h2>
                <ActionForm action=invite attr:class="form-inline">
                    <label for="invite-email">{t(lang, "field.email")}</label>
                    <input id="invite-email" name="email" type="email" required=true node_ref=email_input/>
                    <label for="invite-role">{t(lang, "field.role")}</label>
                    <select id="invite-role" name="role">
                        {Role::ALL
                            .into_iter()
                            .filter(|r| *r != Role::Owner && my_role.can_assign(*r))
                            .map(|r| view! {
                                <option value=r.as_str() selected=r == Role::Developer>{role_label(lang, r)}</option>
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="btn btn-primary" disabled=move || invite.pending().get()>
                        {t(lang, "invites.create")}
                    </button>
                </ActionForm>
                <FieldError result=invite_result field="email"/>
                <FormError result=invite_result/>
                {move || invite.value().get().and_then(Result::ok).filter(|c| still_pending(c.id)).map(|created| {
                    let link = absolute(&created.path);
                    view! {
                    <div class="callout" role="status">
                        <p>{format!("{} {}", t(lang, "invites.link_for"), created.email)}</p>
                        <p>{t(lang, "invites.link_once")}</p>
                        <div class="copy-row">
                            <input
                                class="mono invite-link"
                                id="invite-link"
                                readonly=true
                                aria-label=t(lang, "invites.link")
                                value=link
                            />
                            <button type="button" class="btn btn-small" id="copy-invite-link" on:click=move |_| copy_invite_link(toasts, lang)>
                                {t(lang, "action.copy")}
                            </button>
                        </div>
                        <p class="muted">{format!("{} {}", t(lang, "invite.expires"), datetime(created.expires_at))}</p>
                    </div>
                    }
                })}
            </section>
        </Show>
            <section class="card">
                <h2>{t(lang, "invites.pending")}</h2>
                <Transition fallback=Loading>
                    {move || invites.get().map(|result| match result {
                        Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! {
                            <EmptyState title=t(lang, "invites.empty").to_owned()/>
                        }
                            .into_any(),
                        Ok(rows) => view! {
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th>{t(lang, "field.email")}</th>
                                        <th>{t(lang, "field.role")}</th>
                                        <th>{t(lang, "invites.by")}</th>
                                        <th>{utc8_column(t(lang, "invite.expires"))}</th>
                                        <th><span class="sr-only">{t(lang, "table.actions")}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! {
                                        <tr>
                                            <td>{row.email.clone()}</td>
                                            <td>{role_label(lang, row.role)}</td>
                                            <td>{row.invited_by.clone()}</td>
                                            <td>{datetime_cell(row.expires_at)}</td>
                                            <td>
                                                {my_role.can_manage_members().then(|| view! {
                                                <ConfirmDialog
                                                    trigger_label=t(lang, "action.revoke").to_owned()
                                                    title=t(lang, "invites.revoke_title").to_owned()
                                                    message=format!("{} {}", t(lang, "invites.revoke_confirm"), row.email)
                                                >
                                                    <ActionForm action=revoke_invite>
                                                        <input type="hidden" name="invite_id" value=row.id.to_string()/>
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
            </section>
    }
}

/// Copies the invitation link shown, saying whether it worked. Through the selection, not
/// the Clipboard API, which browsers offer only on https or localhost.
fn copy_invite_link(toasts: crate::contexts::Toasts, lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let input = document()
            .get_element_by_id("invite-link")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let copied = input.is_some_and(|input| {
            input.select();
            document()
                .dyn_into::<web_sys::HtmlDocument>()
                .ok()
                .and_then(|d| d.exec_command("copy").ok())
                .unwrap_or(false)
        });
        if copied {
            toasts.success(t(lang, "invites.copied"));
        } else {
            toasts.error(t(lang, "invites.copy_failed"));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (toasts, lang);
}

/// The full invitation URL as the browser sees this site.
fn absolute(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(origin) = window().location().origin() {
        return format!("{origin}{path}");
    }
    path.to_owned()
}

#[component]
fn MemberTable(
    rows: Vec<Member>,
    my_role: Role,
    me: uuid::Uuid,
    change_role: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    lang: Lang,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyState title=t(lang, "members.empty").to_owned()/> }.into_any();
    }
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th>{t(lang, "field.display_name")}</th>
                    <th>{t(lang, "field.email")}</th>
                    <th>{t(lang, "field.role")}</th>
                    <th>{utc8_column(t(lang, "members.joined"))}</th>
                    <th><span class="sr-only">{t(lang, "table.actions")}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|m| {
                    let editable = m.user_id != me && my_role.can_assign(m.role);
                    let role_aria = format!("{} {}", t(lang, "field.role"), m.display_name);
                    let role_cell = if editable {
                        view! {
                            <ActionForm action=change_role attr:class="form-inline">
                                <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                <select name="role" aria-label=role_aria>
                                    {Role::ALL
                                        .into_iter()
                                        .filter(|r| my_role.can_assign(*r))
                                        .map(|r| view! { <option value=r.as_str() selected=r == m.role>{role_label(lang, r)}</option> })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="btn btn-small">{t(lang, "action.save")}</button>
                            </ActionForm>
                        }
                            .into_any()
                    } else {
                        view! { <span>{role_label(lang, m.role)}</span> }.into_any()
                    };
                    view! {
                        <tr>
                            <td>{m.display_name.clone()}</td>
                            <td>{m.email.clone()}</td>
                            <td>{role_cell}</td>
                            <td>{datetime_cell(m.joined_at)}</td>
                            <td>
                                {editable.then(|| view! {
                                    <ConfirmDialog
                                        trigger_label=t(lang, "action.remove").to_owned()
                                        title=t(lang, "members.remove_title").to_owned()
                                        message=format!("{} {}", t(lang, "members.remove_confirm"), m.display_name)
                                    >
                                        <ActionForm action=remove>
                                            <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                            <button type="submit" class="btn btn-danger">{t(lang, "action.remove")}</button>
                                        </ActionForm>
                                    </ConfirmDialog>
                                })}
                            </td>
                        </tr>
                    }
                    .into_any()
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
