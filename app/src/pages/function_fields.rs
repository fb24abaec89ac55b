//! The fields of a function's configuration that the new-function form and the edit form
//! share: their rules, checked as they are typed, and the memory and timeout fields.
use leptos::prelude::*;

use crate::components::form::FieldError;
use crate::i18n::{error_text, t, use_lang};
use crate::scf_rules;

/// The description's problem as typed, if it has one (checked trimmed, as the server
/// saves it).
pub fn description_check(description: RwSignal<String>) -> Memo<Option<&'static str>> {
    Memo::new(move |_| description.with(|d| scf_rules::description_problem(d.trim())))
}

/// The variables' problem as typed, if they have one: the line it is on and its code.
pub fn variables_check(variables: RwSignal<String>) -> Memo<Option<(usize, &'static str)>> {
    Memo::new(move |_| variables.with(|v| scf_rules::parse_variables(v).err()))
}

/// The configuration fields' rules, checked as they are typed (the new-function form's
/// step 2 and the edit form): each field's problem, if it has one.
#[derive(Clone, Copy)]
pub struct ConfigChecks {
    pub timeout: Memo<Option<&'static str>>,
    pub variables: Memo<Option<(usize, &'static str)>>,
    pub role: Memo<Option<&'static str>>,
}

impl ConfigChecks {
    pub fn new(
        timeout: RwSignal<String>,
        variables: RwSignal<String>,
        role: RwSignal<String>,
    ) -> Self {
        Self {
            timeout: Memo::new(move |_| {
                let ok = timeout.with(|t| t.trim().parse::<i64>().is_ok_and(scf_rules::timeout_ok));
                (!ok).then_some("timeout_invalid")
            }),
            variables: variables_check(variables),
            role: Memo::new(move |_| role.with(|r| scf_rules::role_problem(r.trim()))),
        }
    }

    /// No field has a problem.
    pub fn ok(&self) -> bool {
        self.timeout.get().is_none() && self.variables.get().is_none() && self.role.get().is_none()
    }
}

/// The memory and timeout fields of a function's configuration, with their problems
/// (`timeout` as typed, `result` from the server); element ids start with `prefix`.
#[component]
pub fn MemoryTimeoutFields(
    prefix: &'static str,
    memory: RwSignal<i64>,
    timeout: RwSignal<String>,
    problem: Memo<Option<&'static str>>,
    #[prop(into)] result: Signal<Option<Result<(), crate::error::AppError>>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label for=format!("{prefix}-memory")>{t(lang, "scf.memory")}</label>
        <select id=format!("{prefix}-memory") on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse() { memory.set(v); } }>
            {scf_rules::memory_choices().into_iter().map(|mb| view! {
                <option value=mb.to_string() selected=move || memory.get() == mb>{format!("{mb} MB")}</option>
            }).collect_view()}
        </select>
        <FieldError result=result field="memory_size"/>
        <label for=format!("{prefix}-timeout")>{t(lang, "scf.timeout")}</label>
        <input id=format!("{prefix}-timeout") type="number" min="1" max="900" prop:value=move || timeout.get() on:input=move |ev| timeout.set(event_target_value(&ev))/>
        <p class="field-hint">{t(lang, "scf.timeout_hint")}</p>
        {move || problem.get().map(|code| view! {
            <p class="field-error" role="alert" id=format!("{prefix}-timeout-problem")>{error_text(lang, &crate::error::AppError::invalid("timeout", code))}</p>
        })}
        <FieldError result=result field="timeout"/>
    }
}
