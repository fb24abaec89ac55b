//! First run: create the first team and its owner.
use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::auth_frame::AuthFrame;
use crate::api::auth::SetupOwner;
use crate::api::types::SessionInfo;
use crate::components::form::{unit_result, FieldError, FormError};
use crate::components::states::Loading;
use crate::contexts::use_session;
use crate::i18n::{t, use_lang};
use crate::routes;

#[component]
pub fn SetupPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let setup = ServerAction::<SetupOwner>::new();
    let result = unit_result(setup.value());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match session.0.await {
                    Ok(SessionInfo { needs_setup: true, .. }) => {
                        view! {
                            <AuthFrame title=t(lang, "setup.title").to_owned()>
                                <p class="auth-note">{t(lang, "setup.intro")}</p>
                                <ActionForm action=setup attr:class="form">
                                    <label for="team_name">{t(lang, "field.team_name")}</label>
                                    <input id="team_name" name="team_name" required=true maxlength="64"/>
                                    <FieldError result=result field="team_name"/>
                                    <label for="display_name">{t(lang, "field.display_name")}</label>
                                    <input id="display_name" name="display_name" autocomplete="name" required=true maxlength="64"/>
                                    <FieldError result=result field="display_name"/>
                                    <label for="email">{t(lang, "field.email")}</label>
                                    <input id="email" name="email" type="email" autocomplete="username" required=true/>
                                    <FieldError result=result field="email"/>
                                    <label for="password">{t(lang, "field.new_password")}</label>
                                    <input id="password" name="password" type="password" autocomplete="new-password" required=true/>
                                    <p class="field-hint">{t(lang, "field.password_hint")}</p>
                                    <FieldError result=result field="password"/>
                                    <FormError result=result/>
                                    <button type="submit" class="btn btn-primary" disabled=move || setup.pending().get()>
                                        {t(lang, "setup.submit")}
                                    </button>
                                </ActionForm>
                            </AuthFrame>
                        }
                            .into_any()
                    }
                    _ => view! { <Redirect path=routes::HOME/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
