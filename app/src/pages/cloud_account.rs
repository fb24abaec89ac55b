//! The team's cloud account: the embedded emulator or Tencent Cloud credentials.
use leptos::prelude::*;

use crate::api::cloud::{get_cloud_account, SaveCloudAccount};
use crate::api::types::{CloudKind, Role};
use crate::components::form::{unit_result, FieldError, FormError};
use crate::components::states::{ErrorBanner, Loading};
use crate::contexts::{use_me, use_toasts};
use crate::format::datetime;
use crate::i18n::{t, use_lang};

#[component]
pub fn CloudAccountPage() -> impl IntoView {
    let lang = use_lang();
    let can_manage = use_me().role().unwrap_or(Role::Viewer).can_manage_members();
    let toasts = use_toasts();
    let save = ServerAction::<SaveCloudAccount>::new();
    // Counts successful saves: the account is read again (and the form rebuilt) only
    // then, so that a refused save keeps what was typed beside its error.
    let saved = RwSignal::new(0u32);
    let account = Resource::new(move || saved.get(), |_| get_cloud_account());
    let result = unit_result(save.value());
    Effect::new(move || {
        if let Some(Ok(_)) = save.value().get() {
            toasts.success(t(lang, "cloud.saved"));
            saved.update(|n| *n = n.wrapping_add(1));
        }
    });

    view! {
        <h1>{t(lang, "nav.cloud")}</h1>
        <p class="muted">{t(lang, "cloud.intro")}</p>
        <Transition fallback=Loading>
            {move || account.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(acct) => {
                    let on_tencent = acct.kind == CloudKind::Tencent;
                    view! {
                        <section class="card">
                            <dl class="facts">
                                <dt>{t(lang, "cloud.kind")}</dt>
                                <dd>{if on_tencent { t(lang, "cloud.tencent") } else { t(lang, "cloud.emulator") }}</dd>
                                <dt>"SecretId"</dt>
                                <dd class="mono">{acct.secret_id.clone()}</dd>
                                <dt>"SecretKey"</dt>
                                <dd>{t(lang, "cloud.key_hidden")}</dd>
                                <dt>"APPID"</dt>
                                <dd class="mono">{acct.app_id.map(|a| a.to_string()).unwrap_or_else(|| "—".to_owned())}</dd>
                                <dt>{t(lang, "cloud.endpoint")}</dt>
                                <dd class="mono">{acct.endpoint.clone()}</dd>
                                <dt>{t(lang, "cloud.updated")}</dt>
                                <dd>{datetime(acct.updated_at)}</dd>
                            </dl>
                        </section>
                        {can_manage.then(|| view! {
                            <section class="card">
                                <h2>{t(lang, "cloud.change")}</h2>
                                <ActionForm action=save attr:class="form">
                                    <fieldset class="choice">
                                        <legend>{t(lang, "cloud.kind")}</legend>
                                        <label>
                                            <input type="radio" name="kind" value="emulator" checked=!on_tencent/>
                                            {t(lang, "cloud.emulator")}
                                        </label>
                                        <label>
                                            <input type="radio" name="kind" value="tencent" checked=on_tencent/>
                                            {t(lang, "cloud.tencent")}
                                        </label>
                                    </fieldset>
                                    <FieldError result=result field="kind"/>
                                    <label for="secret_id">"SecretId"</label>
                                    <input id="secret_id" name="secret_id" autocomplete="off" value=if on_tencent { acct.secret_id.clone() } else { String::new() }/>
                                    <FieldError result=result field="secret_id"/>
                                    <label for="secret_key">"SecretKey"</label>
                                    <input
                                        id="secret_key"
                                        name="secret_key"
                                        type="password"
                                        autocomplete="new-password"
                                        placeholder=if on_tencent { t(lang, "cloud.key_keep") } else { "" }
                                    />
                                    <p class="field-hint">{t(lang, "cloud.key_hint")}</p>
                                    <FieldError result=result field="secret_key"/>
                                    <label for="app_id">"APPID"</label>
                                    <input id="app_id" name="app_id" inputmode="numeric" value=if on_tencent { acct.app_id.map(|a| a.to_string()).unwrap_or_default() } else { String::new() }/>
                                    <FieldError result=result field="app_id"/>
                                    <FormError result=result/>
                                    {move || matches!(result.get(), Some(Err(_))).then(|| view! {
                                        <p class="form-error" role="status" id="cloud-not-saved">{t(lang, "cloud.not_saved")}</p>
                                    })}
                                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                                        {t(lang, "action.save")}
                                    </button>
                                </ActionForm>
                            </section>
                        })}
                    }
                        .into_any()
                }
            })}
        </Transition>
    }
}
