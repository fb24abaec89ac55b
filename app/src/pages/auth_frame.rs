//! The centred card that sign-in, setup and invitation pages share.
use leptos::prelude::*;

use crate::components::lang_toggle::LangToggle;
use crate::i18n::{t, use_lang};

#[component]
pub fn AuthFrame(title: String, children: Children) -> impl IntoView {
    let lang = use_lang();
    view! {
        <main class="auth-page" id="main" tabindex="-1">
            <div class="auth-card">
                <div class="auth-head">
                    <p class="auth-brand">{t(lang, "app.title")}</p>
                    <LangToggle/>
                </div>
                <h1>{title}</h1>
                {children()}
            </div>
        </main>
    }
}
