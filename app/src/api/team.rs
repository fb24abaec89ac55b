//! Members and invitations of the current team.
use leptos::prelude::*;
use uuid::Uuid;

use super::types::{InviteCreated, InviteInfo, InviteRow, Member};
use crate::error::AppError;

/// Members of the current team.
#[server(prefix = "/api", endpoint = "list_members", output = crate::api::encoding::TextJson)]
pub async fn list_members() -> Result<Vec<Member>, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.list_members(&req).await)
}

/// Gives a member another role (admins and owners only).
#[server(prefix = "/api", endpoint = "change_member_role", output = crate::api::encoding::TextJson)]
pub async fn change_member_role(user_id: Uuid, role: String) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    let role = crate::ssr::parse_role(&role)?;
    crate::ssr::status(backend.change_member_role(&req, user_id, role).await)
}

/// Removes a member from the current team (admins and owners only).
#[server(prefix = "/api", endpoint = "remove_member", output = crate::api::encoding::TextJson)]
pub async fn remove_member(user_id: Uuid) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.remove_member(&req, user_id).await)
}

/// Pending invitations of the current team.
#[server(prefix = "/api", endpoint = "list_invites", output = crate::api::encoding::TextJson)]
pub async fn list_invites() -> Result<Vec<InviteRow>, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.list_invites(&req).await)
}

/// Invites someone by email with a role; returns the link to hand over.
#[server(prefix = "/api", endpoint = "create_invite", output = crate::api::encoding::TextJson)]
pub async fn create_invite(email: String, role: String) -> Result<InviteCreated, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    let role = crate::ssr::parse_role(&role)?;
    crate::ssr::status(backend.create_invite(&req, &email, role).await)
}

/// Withdraws a pending invitation.
#[server(prefix = "/api", endpoint = "revoke_invite", output = crate::api::encoding::TextJson)]
pub async fn revoke_invite(invite_id: Uuid) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.revoke_invite(&req, invite_id).await)
}

/// What an invitation link offers. Needs no session: the token is the credential.
#[server(prefix = "/api", endpoint = "get_invite", output = crate::api::encoding::TextJson)]
pub async fn get_invite(token: String) -> Result<InviteInfo, AppError> {
    let (backend, _req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.invite_info(&token).await)
}

/// Accepts an invitation: creates the account (or checks its password) and signs in.
#[server(prefix = "/api", endpoint = "accept_invite", output = crate::api::encoding::TextJson)]
pub async fn accept_invite(
    token: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(
        backend
            .accept_invite(&req, &token, &display_name, &password)
            .await,
    )?;
    leptos_axum::redirect(crate::routes::HOME);
    Ok(())
}
