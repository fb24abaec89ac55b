//! Accept an invitation link: create the account (or confirm its password) and join.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::auth_frame::AuthFrame;
use crate::api::team::{get_invite, AcceptInvite};
use crate::components::form::{unit_result, FieldError, FormError};
use crate::components::states::{ErrorBanner, Loading};
use crate::format::datetime;
use crate::i18n::{role_label, t, use_lang};
use crate::routes;

#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let invite = Resource::new_blocking(token, get_invite);
    let accept = ServerAction::<AcceptInvite>::new();
    let result = unit_result(accept.value());
    view! {
        <AuthFrame title=t(lang, "invite.title").to_owned()>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match invite.await {
                        // A used, revoked or expired link: the way on is signing in.
                        Err(error) => view! {
                            <ErrorBanner error=error/>
                            <p class="auth-note">
                                <a href=routes::LOGIN id="invite-sign-in">{t(lang, "invite.sign_in_instead")}</a>
                            </p>
                        }.into_any(),
                        Ok(info) => {
                            let existing = info.existing_account;
                            view! {
                                <p class="auth-note">
                                    {format!(
                                        "{} {} · {} · {} {}",
                                        t(lang, "invite.team"),
                                        info.team_name,
                                        role_label(lang, info.role),
                                        t(lang, "invite.expires"),
                                        datetime(info.expires_at),
                                    )}
                                </p>
                                <ActionForm action=accept attr:class="form">
                                    <input type="hidden" name="token" value=token()/>
                                    <label for="email">{t(lang, "field.email")}</label>
                                    <input id="email" type="email" value=info.email readonly=true autocomplete="username"/>
                                    <Show when=move || !existing fallback=|| view! { <input type="hidden" name="display_name" value=""/> }>
                                        <label for="display_name">{t(lang, "field.display_name")}</label>
                                        <input id="display_name" name="display_name" autocomplete="name" required=true maxlength="64"/>
                                        <FieldError result=result field="display_name"/>
                                    </Show>
                                    <label for="password">
                                        {if existing { t(lang, "field.password") } else { t(lang, "field.new_password") }}
                                    </label>
                                    <input
                                        id="password"
                                        name="password"
                                        type="password"
                                        required=true
                                        autocomplete=if existing { "current-password" } else { "new-password" }
                                    />
                                    <Show when=move || !existing>
                                        <p class="field-hint">{t(lang, "field.password_hint")}</p>
                                    </Show>
                                    <FieldError result=result field="password"/>
                                    <FormError result=result/>
                                    <button type="submit" class="btn btn-primary" disabled=move || accept.pending().get()>
                                        {t(lang, "invite.accept")}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </AuthFrame>
    }
}
