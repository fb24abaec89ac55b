//! Trigger management: the function's triggers, and creating an MPS trigger after the
//! service roles it needs are authorized.
use leptos::prelude::*;

use super::FnLoc;
use crate::api::cloud_types::{MpsBinding, TriggerRow};
use crate::api::triggers::{
    list_triggers, mps_bindings, service_roles, AuthorizeRole, CreateMpsTrigger, DeleteTrigger,
    MPS_EVENT_TYPES,
};
use crate::api::types::Role;
use crate::components::confirm::ConfirmDialog;
use crate::components::form::{unit_result, FieldError, FormError};
use crate::components::modal::ModalFrame;
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::contexts::{use_me, use_toasts};
use crate::error::AppError;
use crate::i18n::{error_text, t, use_lang, Lang};

/// Who holds an event type already: each is bound to one function per account.
#[derive(Clone, Debug, PartialEq)]
pub enum Holder {
    /// The function whose trigger dialog this is.
    This,
    /// Another function.
    Other(MpsBinding),
}

/// Who holds `event_type`, if anyone, seen from the function `f` in `region`.
pub fn holder(
    bindings: &[MpsBinding],
    event_type: &str,
    f: &FnLoc,
    region: &str,
) -> Option<Holder> {
    bindings
        .iter()
        .find(|b| b.event_type == event_type)
        .map(|b| {
            if b.region == region && b.namespace == f.ns && b.function_name == f.name {
                Holder::This
            } else {
                Holder::Other(b.clone())
            }
        })
}

fn event_label(lang: Lang, event_type: &str) -> &'static str {
    match event_type {
        "WorkflowTask" => t(lang, "trigger.workflow_task"),
        "EditMediaTask" => t(lang, "trigger.edit_media_task"),
        _ => "",
    }
}

#[component]
pub fn TriggersTab(f: FnLoc) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let toasts = use_toasts();
    let bind = ServerAction::<CreateMpsTrigger>::new();
    let delete = ServerAction::<DeleteTrigger>::new();
    let open = RwSignal::new(false);
    let key = f.clone();
    let triggers = Resource::new(
        move || (key.clone(), bind.version().get(), delete.version().get()),
        |(f, _, _)| list_triggers(f.rid, f.ns, f.name),
    );
    Effect::new(move || {
        if let Some(Ok(())) = bind.value().get() {
            open.set(false);
            toasts.success(t(lang, "trigger.created"));
        }
    });
    Effect::new(move || match delete.value().get() {
        Some(Ok(())) => toasts.success(t(lang, "trigger.deleted")),
        Some(Err(e)) => toasts.error(error_text(lang, &e)),
        None => {}
    });
    let f_rows = f.clone();

    // Offered once the function's triggers are listed: not beside an error (a function
    // deleted meanwhile has none to add).
    let toolbar = move || {
        can_edit.then(|| view! {
            <div class="toolbar">
                <button type="button" class="btn btn-primary" id="create-trigger" on:click=move |_| open.set(true)>
                    {t(lang, "trigger.create")}
                </button>
            </div>
        })
    };
    view! {
        <Transition fallback=Loading>
            {move || triggers.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(rows) if rows.is_empty() => view! {
                    {toolbar()}
                    <EmptyState title=t(lang, "trigger.empty").to_owned() hint=t(lang, "trigger.empty_hint")/>
                }.into_any(),
                Ok(rows) => view! {
                    {toolbar()}
                    <TriggerTable rows=rows f=f_rows.clone() can_edit=can_edit delete=delete/>
                }.into_any(),
            })}
        </Transition>
        <Show when=move || open.get()>
            // The dialog shows at once, its body once what it needs is loaded: in a boundary
            // of its own, as the dialog's resources would otherwise suspend the console
            // layout's, which blanks the page (and takes the focus) while they load.
            {
                let f = f.clone();
                view! {
                    <ModalFrame id="trigger-dialog" labelledby="trigger-title" on_close=Callback::new(move |()| open.set(false))>
                        <h2 class="modal-title" id="trigger-title">{t(lang, "trigger.create")}</h2>
                        <Transition fallback=Loading>
                            <CreateTriggerForm f=f.clone() open=open bind=bind/>
                        </Transition>
                    </ModalFrame>
                }
            }
        </Show>
    }
}

#[component]
fn TriggerTable(
    rows: Vec<TriggerRow>,
    f: FnLoc,
    can_edit: bool,
    delete: ServerAction<DeleteTrigger>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="table" id="trigger-table">
            <thead>
                <tr>
                    <th>{t(lang, "trigger.col.name")}</th>
                    <th>{t(lang, "trigger.col.type")}</th>
                    <th>{t(lang, "trigger.col.event")}</th>
                    <th>{t(lang, "trigger.col.status")}</th>
                    <th>{t(lang, "trigger.col.created")}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|tr| {
                    let kind_label = if tr.kind == "mps" { t(lang, "trigger.mps").to_owned() } else { tr.kind.clone() };
                    let event = tr.event_type.as_deref().map(|e| format!("{} ({e})", event_label(lang, e))).unwrap_or_default();
                    let f = f.clone();
                    view! {
                        <tr>
                            <td class="mono">{tr.name.clone()}</td>
                            <td>{kind_label}</td>
                            <td>{event}</td>
                            <td>{if tr.bind_status.is_empty() || tr.bind_status == "on" { t(lang, "trigger.enabled") } else { t(lang, "trigger.disabled") }}</td>
                            <td>{tr.add_time.clone()}</td>
                            <td>
                                {can_edit.then(|| view! {
                                    <ConfirmDialog
                                        trigger_label=t(lang, "action.delete").to_owned()
                                        title=t(lang, "trigger.delete_title").to_owned()
                                        message=format!("{} {}", t(lang, "trigger.delete_message"), tr.name)
                                    >
                                        <ActionForm action=delete>
                                            <input type="hidden" name="rid" value=f.rid.to_string()/>
                                            <input type="hidden" name="ns" value=f.ns.clone()/>
                                            <input type="hidden" name="name" value=f.name.clone()/>
                                            <input type="hidden" name="trigger_name" value=tr.name.clone()/>
                                            <input type="hidden" name="kind" value=tr.kind.clone()/>
                                            <button type="submit" class="btn btn-danger">{t(lang, "action.delete")}</button>
                                        </ActionForm>
                                    </ConfirmDialog>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The body of the Create trigger dialog.
#[component]
fn CreateTriggerForm(
    f: FnLoc,
    open: RwSignal<bool>,
    bind: ServerAction<CreateMpsTrigger>,
) -> impl IntoView {
    let lang = use_lang();
    let roles_ok = RwSignal::new(false);
    let bindings = Resource::new(|| (), |_| mps_bindings());
    let event_type = RwSignal::new(MPS_EVENT_TYPES[0].to_owned());
    // Only what is submitted from this opening: the action outlives the dialog, and an
    // error from an earlier opening is not this one's.
    let opened_at = bind.version().get_untracked();
    let result = unit_result(Signal::derive(move || {
        (bind.version().get() > opened_at)
            .then(|| bind.value().get())
            .flatten()
    }));
    // Refused as taken (another tab or member bound it meanwhile): read the bindings
    // again, so that the dialog names the holder and stops offering the event type.
    Effect::new(move || {
        if let Some(Err(AppError::Cloud { code, .. })) = result.get() {
            if code.starts_with("ResourceInUse") {
                bindings.refetch();
            }
        }
    });
    let bindings_error = move || bindings.get().and_then(Result::err);
    let region = crate::regions::by_rid(f.rid)
        .map(|r| r.id)
        .unwrap_or_default();
    let f_holder = f.clone();
    let held = move || {
        bindings
            .get()
            .and_then(Result::ok)
            .and_then(|bs| holder(&bs, &event_type.get(), &f_holder, region))
    };
    // Start on the first event type that is still free, once the bindings are known.
    let f_free = f.clone();
    Effect::new(move |chosen: Option<bool>| {
        if chosen == Some(true) {
            return true;
        }
        let Some(Ok(bs)) = bindings.get() else {
            return false;
        };
        if let Some(free) = MPS_EVENT_TYPES
            .into_iter()
            .find(|e| holder(&bs, e, &f_free, region).is_none())
        {
            event_type.set(free.to_owned());
        }
        true
    });
    let held_for_submit = held.clone();
    // Focus starts in the dialog, so that Escape closes it.
    let first_field = NodeRef::<leptos::html::Select>::new();
    // Once the bindings are in: until then the dialog's Transition holds it out of the
    // document, and a focused node taken out loses the focus.
    Effect::new(move || {
        if let (true, Some(select)) = (bindings.with(Option::is_some), first_field.get()) {
            request_animation_frame(move || focus_once_shown(select.into(), 120));
        }
    });

    view! {
                <div class="form">
                    <label for="trigger-type">{t(lang, "trigger.col.type")}</label>
                    <select id="trigger-type" name="trigger_type" node_ref=first_field>
                        <option value="mps" selected=true>{t(lang, "trigger.mps")}</option>
                    </select>
                    <label for="event-type">{t(lang, "trigger.col.event")}</label>
                    <select id="event-type" on:change=move |ev| event_type.set(event_target_value(&ev))>
                        {MPS_EVENT_TYPES.into_iter().map(|e| view! {
                            <option value=e selected=move || event_type.get() == e>{format!("{} ({e})", event_label(lang, e))}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-hint">{t(lang, "trigger.account_wide")}</p>
                    {move || held().map(|h| view! {
                        <p class="notice notice-warn" id="event-holder">
                            {match h {
                                Holder::This => t(lang, "trigger.held_here").to_owned(),
                                Holder::Other(b) => format!("{} {}/{}/{} — {}", t(lang, "trigger.held_by"), b.region, b.namespace, b.function_name, t(lang, "trigger.held_hint")),
                            }}
                        </p>
                    })}
                    <FieldError result=result field="event_type"/>
                    // Without the account's bindings, who holds the event type is unknown.
                    {move || bindings_error().map(|error| view! { <ErrorBanner error=error/> })}
                </div>

                <h3>{t(lang, "roles.title")}</h3>
                <ServiceRoles ok=roles_ok/>
                <FormError result=result/>
                <div class="modal-actions">
                    <button type="button" class="btn" on:click=move |_| open.set(false)>{t(lang, "action.cancel")}</button>
                    <button
                        type="button"
                        class="btn btn-primary"
                        id="submit-trigger"
                        disabled=move || {
                            !roles_ok.get()
                                || bindings_error().is_some()
                                || held_for_submit().is_some()
                                || bind.pending().get()
                        }
                        on:click=move |_| {
                            bind.dispatch(CreateMpsTrigger {
                                rid: f.rid,
                                ns: f.ns.clone(),
                                name: f.name.clone(),
                                event_type: event_type.get_untracked(),
                            });
                        }
                    >
                        {t(lang, "action.submit")}
                    </button>
                </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_this_function_from_another() {
        let f = FnLoc {
            rid: 8,
            ns: "default".into(),
            name: "A".into(),
        };
        let b = |name: &str| MpsBinding {
            event_type: "WorkflowTask".into(),
            region: "ap-beijing".into(),
            namespace: "default".into(),
            function_name: name.into(),
        };
        assert_eq!(
            holder(&[b("A")], "WorkflowTask", &f, "ap-beijing"),
            Some(Holder::This)
        );
        assert_eq!(
            holder(&[b("B")], "WorkflowTask", &f, "ap-beijing"),
            Some(Holder::Other(b("B")))
        );
        assert_eq!(holder(&[b("B")], "EditMediaTask", &f, "ap-beijing"), None);
        // The same name in another region is another function.
        assert!(matches!(
            holder(&[b("A")], "WorkflowTask", &f, "ap-shanghai"),
            Some(Holder::Other(_))
        ));
    }
}

/// The service roles the MPS trigger needs, each with its status and, when missing, an
/// Authorize button; `ok` turns true once all exist with their policies.
#[component]
pub fn ServiceRoles(ok: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let authorize = ServerAction::<AuthorizeRole>::new();
    // Local (browser-only): the wizard renders this inside its own Transition, where a
    // server-side resource would not line up with the client's during hydration.
    let roles = LocalResource::new(move || {
        authorize.version().track();
        service_roles()
    });
    let authorize_result = unit_result(authorize.value());
    Effect::new(move || {
        ok.set(
            roles
                .get()
                .and_then(Result::ok)
                .is_some_and(|rs| rs.iter().all(|r| r.authorized)),
        );
    });
    view! {
        <Transition fallback=Loading>
            {move || roles.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(list) => view! {
                    <ul class="role-list" id="service-roles">
                        {list.into_iter().map(|role| {
                            let name = role.name.clone();
                            view! {
                                <li data-role=role.name.clone() data-authorized=role.authorized.to_string()>
                                    <span class="mono">{role.name.clone()}</span>
                                    {if role.authorized {
                                        view! { <span class="badge badge-ok">{t(lang, "roles.normal")}</span> }.into_any()
                                    } else {
                                        view! {
                                            <span class="badge badge-bad">{t(lang, "roles.abnormal")}</span>
                                            <button
                                                type="button"
                                                class="btn btn-small"
                                                disabled=move || !can_edit || authorize.pending().get()
                                                on:click=move |_| { authorize.dispatch(AuthorizeRole { name: name.clone() }); }
                                            >
                                                {t(lang, "roles.authorize")}
                                            </button>
                                        }.into_any()
                                    }}
                                    <span class="muted">{format!("{} {}", t(lang, "roles.policy"), role.policy)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Transition>
        <FormError result=authorize_result/>
        <Show when=move || !ok.get()>
            <p class="notice">{t(lang, "roles.needed")}</p>
        </Show>
    }
}

/// Focuses `field` once it is in the document (the node exists before it is inserted, and
/// the dialog shows once its data has loaded), checking again on the next `frames` frames.
fn focus_once_shown(field: leptos::web_sys::HtmlElement, frames: u8) {
    if field.is_connected() {
        let _ = field.focus();
    } else if frames > 0 {
        request_animation_frame(move || focus_once_shown(field, frames - 1));
    }
}
