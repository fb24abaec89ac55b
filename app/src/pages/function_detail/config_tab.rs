//! The function's configuration, with its edit form, and deleting it.
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::config_edit::ConfigEdit;
use super::FnLoc;
use crate::api::functions::{get_function, DeleteFunction};
use crate::api::types::Role;
use crate::components::confirm::ConfirmDialog;
use crate::components::form::{unit_result, FormError};
use crate::components::states::{ErrorBanner, Loading};
use crate::contexts::{use_me, use_toasts};
use crate::i18n::{t, use_lang};
use crate::pages::functions::status_badge;
use crate::routes;

#[component]
pub fn ConfigTab(f: FnLoc) -> impl IntoView {
    let lang = use_lang();
    let can_edit = use_me().role().unwrap_or(Role::Viewer).can_edit();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let delete = ServerAction::<DeleteFunction>::new();
    let delete_result = unit_result(delete.value());
    // The edit form in place of the facts; each save reads the function again.
    let editing = RwSignal::new(false);
    let saves = RwSignal::new(0u32);
    let key = f.clone();
    let detail = Resource::new(
        move || (key.clone(), saves.get()),
        |(f, _)| get_function(f.rid, f.ns, f.name),
    );
    let on_done = Callback::new(move |saved: bool| {
        editing.set(false);
        if saved {
            saves.update(|n| *n += 1);
            toasts.success(t(lang, "scf.saved"));
        }
    });
    let back = format!("{}?rid={}&ns={}", routes::FUNCTIONS, f.rid, f.ns);
    Effect::new(move || {
        if let Some(Ok(())) = delete.value().get() {
            toasts.success(t(lang, "scf.deleted"));
            navigate(&back, Default::default());
        }
    });

    view! {
        <Transition fallback=Loading>
            {move || detail.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(d) if editing.get() => view! { <ConfigEdit f=f.clone() d=d on_done=on_done/> }.into_any(),
                Ok(d) => {
                    let (class, label) = status_badge(lang, &d.status);
                    view! {
                        <section class="card">
                            <div class="card-head">
                                <h2>{t(lang, "scf.basic")}</h2>
                                {can_edit.then(|| view! {
                                    <button type="button" class="btn btn-small" id="edit-config" on:click=move |_| editing.set(true)>{t(lang, "action.edit")}</button>
                                })}
                            </div>
                            <dl class="facts" id="function-facts">
                                <dt>{t(lang, "scf.col.name")}</dt><dd class="mono">{d.name.clone()}</dd>
                                <dt>{t(lang, "scf.col.status")}</dt><dd><span class=class>{label}</span></dd>
                                <dt>{t(lang, "scf.namespace")}</dt><dd>{d.namespace.clone()}</dd>
                                <dt>{t(lang, "scf.col.runtime")}</dt><dd>{d.runtime.clone()}</dd>
                                <dt>{t(lang, "scf.handler")}</dt><dd class="mono">{d.handler.clone()}</dd>
                                <dt>{t(lang, "scf.memory")}</dt><dd>{format!("{} MB", d.memory_size)}</dd>
                                <dt>{t(lang, "scf.timeout")}</dt><dd>{format!("{} {}", d.timeout, t(lang, "unit.seconds"))}</dd>
                                <dt>{t(lang, "scf.exec_role")}</dt><dd>{if d.role.is_empty() { "—".to_owned() } else { d.role.clone() }}</dd>
                                <dt>{t(lang, "scf.col.description")}</dt><dd>{d.description.clone()}</dd>
                                <dt>{t(lang, "scf.col.created")}</dt><dd>{d.add_time.clone()}</dd>
                                <dt>{t(lang, "scf.col.modified")}</dt><dd>{d.mod_time.clone()}</dd>
                            </dl>
                        </section>
                        <section class="card">
                            <h2>{t(lang, "scf.variables")}</h2>
                            {if d.variables.is_empty() {
                                view! { <p class="muted">{t(lang, "scf.no_variables")}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table">
                                        <thead><tr><th>{t(lang, "scf.var_key")}</th><th>{t(lang, "scf.var_value")}</th></tr></thead>
                                        <tbody>
                                            {d.variables.iter().map(|(k, v)| view! {
                                                <tr><td class="mono">{k.clone()}</td><td class="mono">{v.clone()}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        </section>
                        {can_edit.then(|| {
                            let (rid, ns, name) = (f.rid.to_string(), f.ns.clone(), f.name.clone());
                            view! {
                            <section class="card danger-zone">
                                <ConfirmDialog
                                    trigger_label=t(lang, "scf.delete").to_owned()
                                    title=t(lang, "scf.delete_title").to_owned()
                                    message=format!("{} {}", t(lang, "scf.delete_message"), d.name)
                                >
                                    <ActionForm action=delete>
                                        <input type="hidden" name="rid" value=rid/>
                                        <input type="hidden" name="ns" value=ns/>
                                        <input type="hidden" name="name" value=name/>
                                        <button type="submit" class="btn btn-danger">{t(lang, "action.delete")}</button>
                                    </ActionForm>
                                </ConfirmDialog>
                                <FormError result=delete_result/>
                            </section>
                            }
                        })}
                    }.into_any()
                }
            })}
        </Transition>
    }
}
