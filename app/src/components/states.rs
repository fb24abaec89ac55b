//! Empty, loading and error states, so every list and page shows them the same way.
use leptos::prelude::*;

use crate::api::types::Role;
use crate::contexts::use_me;
use crate::error::AppError;
use crate::i18n::{cloud_message, error_text, role_label, t, use_lang};

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
    /// What to do about it; none when empty.
    #[prop(optional, into)]
    hint: Option<String>,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
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
    // The cloud's message, then its code and RequestId on a line of their own (the full
    // text would say them twice).
    let (title, detail) = match &error {
        AppError::Cloud {
            code,
            message,
            request_id,
        } if !message.is_empty() => (
            cloud_message(lang, code, message).into_owned(),
            Some(format!("{code} · RequestId {request_id}")),
        ),
        _ => (error_text(lang, &error), None),
    };
    // Signed out meanwhile (the session revoked or expired): the way back in, to this
    // page, as a full load since who is signed in changes.
    let sign_in = matches!(error, AppError::Unauthenticated).then(|| {
        let location = leptos_router::hooks::use_location();
        let here = crate::routes::here(&location.pathname.get_untracked(), &location.search.get_untracked());
        view! {
            <p><a class="btn btn-small btn-primary" rel="external" id="sign-in-again" href=crate::routes::login_returning_to(&here)>{t(lang, "login.submit")}</a></p>
        }
    });
    view! {
        <div class="state state-error" role="alert">
            <p class="state-title">{title}</p>
            {detail.map(|d| view! { <p class="state-hint mono">{d}</p> })}
            {sign_in}
        </div>
    }
}

/// On a page that changes things, says so when the member's role can only view (the
/// page's buttons are disabled for it); renders nothing for other roles.
#[component]
pub fn ReadOnlyNotice() -> impl IntoView {
    let lang = use_lang();
    let role = use_me().role().unwrap_or(Role::Viewer);
    (!role.can_edit()).then(|| {
        view! {
            <p class="notice notice-warn" id="read-only-notice" role="note">
                {format!("{} ({}) {}", t(lang, "role.your_role"), role_label(lang, role), t(lang, "role.read_only_notice"))}
            </p>
        }
    })
}
