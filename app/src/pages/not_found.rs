//! The page for unknown paths (HTTP 404).
use leptos::prelude::*;

use crate::i18n::{t, use_lang};
use crate::routes;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <main class="auth-page" id="main" tabindex="-1">
            <div class="auth-card">
                <h1>{t(lang, "notfound.title")}</h1>
                <p><a href=routes::HOME>{t(lang, "notfound.home")}</a></p>
            </div>
        </main>
    }
}
