//! The form that changes a function's configuration: description, memory, timeout,
//! environment variables and execution role. Each field's problem shows as it is typed
//! (the server checks them again, all at once).
use leptos::prelude::*;

use super::FnLoc;
use crate::api::cloud_types::FunctionDetail;
use crate::api::functions::UpdateFunction;
use crate::components::form::{unit_result, variables_problem_text, FieldError, FormError};
use crate::error::AppError;
use crate::i18n::{error_text, t, use_lang};
use crate::pages::function_fields::{description_check, ConfigChecks, MemoryTimeoutFields};

#[component]
pub fn ConfigEdit(
    f: FnLoc,
    d: FunctionDetail,
    /// Called with true once saved, false when cancelled.
    on_done: Callback<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<UpdateFunction>::new();
    let result = unit_result(save.value());
    let description = RwSignal::new(d.description.clone());
    let memory = RwSignal::new(d.memory_size);
    let timeout = RwSignal::new(d.timeout.to_string());
    let variables = RwSignal::new(
        d.variables
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let role = RwSignal::new(d.role.clone());
    let description_problem = description_check(description);
    let checks = ConfigChecks::new(timeout, variables, role);
    let ok = move || description_problem.get().is_none() && checks.ok();
    Effect::new(move || {
        if let Some(Ok(())) = save.value().get() {
            on_done.run(true);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !ok() {
            return;
        }
        save.dispatch(UpdateFunction {
            rid: f.rid,
            ns: f.ns.clone(),
            name: f.name.clone(),
            description: description.get_untracked(),
            memory_size: memory.get_untracked(),
            timeout: timeout.get_untracked().trim().parse().unwrap_or_default(),
            variables: variables.get_untracked(),
            role: role.get_untracked(),
        });
    };
    let problem = move |field: &str, code: &str| error_text(lang, &AppError::invalid(field, code));
    view! {
        <section class="card" id="config-edit">
            <h2>{t(lang, "scf.edit_title")}</h2>
            <form class="form" on:submit=submit>
                <label for="edit-description">{t(lang, "scf.col.description")}</label>
                <textarea id="edit-description" rows="2" maxlength="1000" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                {move || description_problem.get().map(|code| view! {
                    <p class="field-error" role="alert" id="edit-description-problem">{problem("description", code)}</p>
                })}
                <FieldError result=result field="description"/>
                <MemoryTimeoutFields prefix="edit" memory=memory timeout=timeout problem=checks.timeout result=result/>
                <label for="edit-variables">{t(lang, "scf.variables")}</label>
                <textarea id="edit-variables" rows="4" class="mono" prop:value=move || variables.get() on:input=move |ev| variables.set(event_target_value(&ev))></textarea>
                <p class="field-hint">{t(lang, "scf.variables_hint_blank")}</p>
                {move || checks.variables.get().map(|p| view! {
                    <p class="field-error" role="alert" id="edit-variables-problem">{variables_problem_text(lang, p)}</p>
                })}
                <FieldError result=result field="variables"/>
                <label for="edit-role">{t(lang, "scf.exec_role")}</label>
                <input id="edit-role" autocomplete="off" maxlength="128" prop:value=move || role.get() on:input=move |ev| role.set(event_target_value(&ev))/>
                {move || checks.role.get().map(|code| view! {
                    <p class="field-error" role="alert" id="edit-role-problem">{problem("role", code)}</p>
                })}
                <FieldError result=result field="role"/>
                <FormError result=result/>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="edit-save" disabled=move || !ok() || save.pending().get()>
                        {t(lang, "action.save")}
                    </button>
                    <button type="button" class="btn" id="edit-cancel" on:click=move |_| on_done.run(false)>
                        {t(lang, "action.cancel")}
                    </button>
                </div>
            </form>
        </section>
    }
}
