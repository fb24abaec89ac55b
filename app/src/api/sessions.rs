//! The signed-in user's own login sessions.
use leptos::prelude::*;
use uuid::Uuid;

use super::types::SessionRow;
use crate::error::AppError;

/// The user's active login sessions, newest first.
#[server(prefix = "/api", endpoint = "list_my_sessions", output = crate::api::encoding::TextJson)]
pub async fn list_my_sessions() -> Result<Vec<SessionRow>, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.list_sessions(&req).await)
}

/// Ends one of the user's login sessions; that browser is signed out on its next request.
#[server(prefix = "/api", endpoint = "revoke_session", output = crate::api::encoding::TextJson)]
pub async fn revoke_session(session_id: Uuid) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.revoke_session(&req, session_id).await)
}

/// Ends every login session of the user but this one; returns how many ended.
#[server(prefix = "/api", endpoint = "revoke_other_sessions", output = crate::api::encoding::TextJson)]
pub async fn revoke_other_sessions() -> Result<u64, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.revoke_other_sessions(&req).await)
}
