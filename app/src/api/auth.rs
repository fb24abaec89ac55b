//! Sign-up of the first owner, sign in/out, team switching and the language cookie.
use leptos::prelude::*;
use uuid::Uuid;

use super::types::SessionInfo;
use crate::error::AppError;

/// Who is signed in, and whether the console still needs its first owner.
#[server(prefix = "/api", endpoint = "get_session_info", output = crate::api::encoding::TextJson)]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.session_info(&req).await)
}

/// Creates the first team and its owner, then signs the owner in.
#[server(prefix = "/api", endpoint = "setup_owner", output = crate::api::encoding::TextJson)]
pub async fn setup_owner(
    team_name: String,
    display_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    let input = crate::ssr::SetupInput {
        team_name,
        display_name,
        email,
        password,
    };
    crate::ssr::status(backend.setup_owner(&req, input).await)?;
    leptos_axum::redirect(crate::routes::HOME);
    Ok(())
}

/// Signs in with email and password, then goes to `next` (a local path; home without).
#[server(prefix = "/api", endpoint = "login", output = crate::api::encoding::TextJson)]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    let outcome = crate::ssr::status(backend.login(&req, &email, &password).await);
    crate::ssr::remember_typed_email(outcome.is_err().then_some(email.as_str()));
    if let Some(cookie) = outcome? {
        crate::ssr::set_cookie(&cookie);
    }
    leptos_axum::redirect(&crate::routes::safe_local_path(&next));
    Ok(())
}

/// Ends this login session.
#[server(prefix = "/api", endpoint = "logout", output = crate::api::encoding::TextJson)]
pub async fn logout() -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.logout(&req).await)?;
    leptos_axum::redirect(crate::routes::LOGIN);
    Ok(())
}

/// Makes another of the user's teams the current one for this login session, and comes
/// back to the page it was chosen on (`back_to`) as far as the other team has it.
#[server(prefix = "/api", endpoint = "switch_team", output = crate::api::encoding::TextJson)]
pub async fn switch_team(team_id: Uuid, back_to: Option<String>) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.switch_team(&req, team_id).await)?;
    let from = back_to.unwrap_or_default();
    leptos_axum::redirect(&crate::routes::after_team_switch(&from));
    Ok(())
}

/// Creates a new team owned by the user and switches to it.
#[server(prefix = "/api", endpoint = "create_team", output = crate::api::encoding::TextJson)]
pub async fn create_team(name: String) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.create_team(&req, &name).await)?;
    leptos_axum::redirect(crate::routes::HOME);
    Ok(())
}

/// Stores the UI language in a cookie and reloads the page in it.
#[server(prefix = "/api", endpoint = "set_language", output = crate::api::encoding::TextJson)]
pub async fn set_language(lang: String, back_to: String) -> Result<(), AppError> {
    let lang = crate::i18n::Lang::from_code(&lang);
    crate::ssr::set_cookie(&format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Strict",
        crate::i18n::LANG_COOKIE,
        lang.code()
    ));
    leptos_axum::redirect(&crate::routes::safe_local_path(&back_to));
    Ok(())
}
