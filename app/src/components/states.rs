//! Empty, loading and error states, so every list and page shows them the same way.
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{error_text, t, use_lang};

/// Shown while data loads.
#[component]
pub fn Loading() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="state state-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {t(lang, "state.loading")}
        </div>
    }
}

/// Shown when a list has nothing in it.
#[component]
pub fn EmptyState(
    /// The headline.
    title: String,
    /// What to do about it.
    #[prop(optional, into)]
    hint: Option<String>,
) -> impl IntoView {
    view! {
        <div class="state state-empty">
            <p class="state-title">{title}</p>
            {hint.map(|h| view! { <p class="state-hint">{h}</p> })}
        </div>
    }
}

/// Shows an error with what the user can do about it; cloud errors keep their code and
/// RequestId so they can be quoted to support.
#[component]
pub fn ErrorBanner(error: AppError) -> impl IntoView {
    let lang = use_lang();
    let detail = match &error {
        AppError::Cloud {
            code, request_id, ..
        } => Some(format!("{code} · RequestId {request_id}")),
        AppError::Internal { reference } => Some(format!("ref {reference}")),
        _ => None,
    };
    view! {
        <div class="state state-error" role="alert">
            <p class="state-title">{error_text(lang, &error)}</p>
            {detail.map(|d| view! { <p class="state-hint mono">{d}</p> })}
        </div>
    }
}
