//! Sign in.
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::auth_frame::AuthFrame;
use crate::api::auth::Login;
use crate::api::types::SessionInfo;
use crate::components::form::{unit_result, FieldError, FormError};
use crate::components::states::Loading;
use crate::contexts::use_session;
use crate::i18n::{t, use_lang};
use crate::routes;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let login = ServerAction::<Login>::new();
    let result = unit_result(login.value());
    // After a refused sign-in posted without JavaScript, the email typed (the server's
    // render only: hydration keeps what it rendered).
    #[cfg(feature = "ssr")]
    let typed_email = crate::ssr::typed_email();
    #[cfg(not(feature = "ssr"))]
    let typed_email: Option<String> = None;
    // Where sign-in was asked for (a page opened signed out), to go back to.
    let next = use_query_map()
        .with_untracked(|q| q.get("next"))
        .map_or_else(|| routes::HOME.to_owned(), |n| routes::safe_local_path(&n));
    view! {
        <Suspense fallback=Loading>
            {move || {
                let (next, typed_email) = (next.clone(), typed_email.clone());
                Suspend::new(async move {
                    match session.0.await {
                        Ok(SessionInfo { needs_setup: true, .. }) => {
                            view! { <Redirect path=routes::SETUP/> }.into_any()
                        }
                        Ok(SessionInfo { me: Some(_), .. }) => {
                            view! { <Redirect path=next.clone()/> }.into_any()
                        }
                        _ => {
                            view! {
                                <AuthFrame title=t(lang, "login.title").to_owned()>
                                    <ActionForm action=login attr:class="form">
                                        <input type="hidden" name="next" value=next.clone()/>
                                        <label for="email">{t(lang, "field.email")}</label>
                                        <input id="email" name="email" type="email" autocomplete="username" required=true value=typed_email.clone()/>
                                        <label for="password">{t(lang, "field.password")}</label>
                                        <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
                                        <FormError result=result/>
                                        <FieldError result=result field="email"/>
                                        <button type="submit" class="btn btn-primary" disabled=move || login.pending().get()>
                                            {move || if login.pending().get() { t(lang, "login.signing_in") } else { t(lang, "login.submit") }}
                                        </button>
                                    </ActionForm>
                                    <p class="auth-note">{t(lang, "login.invite_note")}</p>
                                </AuthFrame>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
