//! Create another team and switch to it.
use leptos::prelude::*;

use crate::api::auth::CreateTeam;
use crate::components::form::{unit_result, FieldError, FormError};
use crate::i18n::{t, use_lang};

#[component]
pub fn NewTeamPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateTeam>::new();
    let result = unit_result(create.value());
    view! {
        <h1>{t(lang, "nav.new_team")}</h1>
        <ActionForm action=create attr:class="form card">
            <label for="name">{t(lang, "field.team_name")}</label>
            <input id="name" name="name" required=true maxlength="64"/>
            <FieldError result=result field="name"/>
            <FormError result=result/>
            <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                {t(lang, "action.create")}
            </button>
        </ActionForm>
    }
}
