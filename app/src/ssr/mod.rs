//! Server-only glue: the backend port the `server` crate implements, and helpers that
//! server function bodies use. Nothing here is compiled into the wasm build.
mod cloud_port;

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use leptos::prelude::*;
use tower_sessions::Session;
use uuid::Uuid;

use crate::api::types::{
    CloudAccountView, CloudKind, InviteCreated, InviteInfo, InviteRow, Member, Role, SessionInfo,
    SessionRow,
};
use crate::error::AppError;

pub use cloud_port::{
    cloud_and_req, function_call, region_of, BucketRef, ChunkSource, CloudPort, FnRef,
    FunctionConfig, FunctionQuery, LogQuery, NewFunction, NewTask, ObjectDownload, SharedCloud,
};

/// The client address, put into request extensions by the server before routing.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// What the backend needs to know about the request a server function answers.
#[derive(Clone)]
pub struct Req {
    pub session: Session,
    pub ip: Option<IpAddr>,
    pub user_agent: String,
    /// The well-formed [`DEVICE_COOKIE`] tokens the browser sent (at most four: a cookie
    /// planted for a parent domain may come beside the console's own).
    pub device_tokens: Vec<String>,
    /// The request's extensions, where the server keeps what it memoizes per request.
    pub extensions: http::Extensions,
}

impl Req {
    /// The request's details from its session, its extensions (the client address and
    /// memos the server put there) and its headers (the User-Agent, cut to 300 characters).
    pub fn from_parts(
        session: Session,
        extensions: &http::Extensions,
        headers: &http::HeaderMap,
    ) -> Self {
        Self {
            session,
            ip: extensions.get::<ClientIp>().map(|c| c.0),
            user_agent: headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect(),
            device_tokens: device_tokens(headers),
            extensions: extensions.clone(),
        }
    }
}

/// The cookie a browser gets when it signs in with a password: its sign-ins are then
/// throttled by its own failures only, so others failing at the account do not lock
/// the owner out. Sent only to `/api/login`.
pub const DEVICE_COOKIE: &str = "mcc_device";

/// The device tokens among the request's cookies: 64 hex digits, anything else ignored.
fn device_tokens(headers: &http::HeaderMap) -> Vec<String> {
    cookie_pairs(headers)
        .filter(|(k, t)| {
            *k == DEVICE_COOKIE && t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, t)| t.to_owned())
        .take(4)
        .collect()
}

/// Input of the first-run setup form.
pub struct SetupInput {
    pub team_name: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for SetupInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupInput")
            .field("team_name", &self.team_name)
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Input of the cloud account form.
pub struct CloudAccountInput {
    pub kind: CloudKind,
    pub secret_id: String,
    /// Blank keeps the stored key.
    pub secret_key: String,
    pub app_id: String,
}

impl std::fmt::Debug for CloudAccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudAccountInput")
            .field("kind", &self.kind)
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("app_id", &self.app_id)
            .finish()
    }
}

/// Everything server functions ask of the server. Each method authenticates and
/// authorizes the request itself, so no server function can forget to.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    async fn session_info(&self, req: &Req) -> Result<SessionInfo, AppError>;
    async fn setup_owner(&self, req: &Req, input: SetupInput) -> Result<(), AppError>;
    /// Signs in; answers the `Set-Cookie` value of a new [`DEVICE_COOKIE`], if one is due.
    async fn login(
        &self,
        req: &Req,
        email: &str,
        password: &str,
    ) -> Result<Option<String>, AppError>;
    async fn logout(&self, req: &Req) -> Result<(), AppError>;
    async fn switch_team(&self, req: &Req, team_id: Uuid) -> Result<(), AppError>;
    async fn create_team(&self, req: &Req, name: &str) -> Result<(), AppError>;
    async fn list_sessions(&self, req: &Req) -> Result<Vec<SessionRow>, AppError>;
    async fn revoke_session(&self, req: &Req, session_id: Uuid) -> Result<(), AppError>;
    async fn revoke_other_sessions(&self, req: &Req) -> Result<u64, AppError>;
    async fn list_members(&self, req: &Req) -> Result<Vec<Member>, AppError>;
    async fn change_member_role(
        &self,
        req: &Req,
        user_id: Uuid,
        role: Role,
    ) -> Result<(), AppError>;
    async fn remove_member(&self, req: &Req, user_id: Uuid) -> Result<(), AppError>;
    async fn list_invites(&self, req: &Req) -> Result<Vec<InviteRow>, AppError>;
    async fn create_invite(
        &self,
        req: &Req,
        email: &str,
        role: Role,
    ) -> Result<InviteCreated, AppError>;
    async fn revoke_invite(&self, req: &Req, invite_id: Uuid) -> Result<(), AppError>;
    async fn invite_info(&self, token: &str) -> Result<InviteInfo, AppError>;
    async fn accept_invite(
        &self,
        req: &Req,
        token: &str,
        display_name: &str,
        password: &str,
    ) -> Result<(), AppError>;
    async fn cloud_account(&self, req: &Req) -> Result<CloudAccountView, AppError>;
    async fn save_cloud_account(
        &self,
        req: &Req,
        input: CloudAccountInput,
    ) -> Result<CloudAccountView, AppError>;
}

/// The shared backend handle the server provides as context.
pub type SharedBackend = Arc<dyn Backend>;

pub(crate) fn internal(what: &str) -> AppError {
    tracing::error!(missing = what, "server function context incomplete");
    AppError::Internal {
        reference: "context".to_owned(),
    }
}

/// The backend and this request's details.
///
/// # Errors
/// `Internal` when the server did not provide the context (a wiring bug).
pub fn backend_and_req() -> Result<(SharedBackend, Req), AppError> {
    let backend = use_context::<SharedBackend>().ok_or_else(|| internal("backend"))?;
    let parts = use_context::<http::request::Parts>().ok_or_else(|| internal("request"))?;
    let session = parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| internal("session layer"))?;
    Ok((
        backend,
        Req::from_parts(session, &parts.extensions, &parts.headers),
    ))
}

/// Passes a result through, setting the HTTP status of the response when it is an error.
pub fn status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        set_status_for(err);
    }
    result
}

/// Sets the HTTP status of the response to the one `err` calls for.
pub fn set_status_for(err: &AppError) {
    set_status(err.status());
}

/// Whether `path` is a server function's: every one is declared with `prefix = "/api"`.
pub fn is_server_fn_path(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Sets the HTTP status of the response; not for a plain form post to a server function
/// (JavaScript off): that is answered with a redirect back to its page, with the error
/// in the address for the page to show, and a 4xx status would replace the redirect (the
/// browser would then show the error's JSON).
pub fn set_status(code: u16) {
    let plain_form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
        is_server_fn_path(parts.uri.path())
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    });
    if plain_form_post {
        return;
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(
            http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
}

/// Parses a role name from a form.
///
/// # Errors
/// `Invalid` on the `role` field for an unknown name.
pub fn parse_role(name: &str) -> Result<Role, AppError> {
    status(Role::parse(name).ok_or_else(|| AppError::invalid("role", "role_unknown")))
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(cookie),
    ) {
        res.append_header(http::header::SET_COOKIE, value);
    }
}

/// The cookie keeping the email of a refused sign-in for a minute, so that the sign-in
/// page comes back with it filled in when it was posted without JavaScript.
const TYPED_EMAIL_COOKIE: &str = "mcc_login_email";

/// Whether `email` can be a cookie's value as it is (RFC 6265 cookie-octets); others are
/// not kept.
fn cookie_safe(email: &str) -> bool {
    (1..=254).contains(&email.len())
        && email
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

/// Keeps the email of a refused sign-in (`Some`) or forgets it (`None`, after a sign-in).
pub fn remember_typed_email(email: Option<&str>) {
    let (value, max_age) = match email.map(str::trim).filter(|e| cookie_safe(e)) {
        Some(email) => (email, 60),
        None => ("", 0),
    };
    set_cookie(&format!(
        "{TYPED_EMAIL_COOKIE}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Strict",
        crate::routes::LOGIN
    ));
}

/// The email of the sign-in refused just before, if any.
pub fn typed_email() -> Option<String> {
    request_cookie(TYPED_EMAIL_COOKIE).filter(|e| cookie_safe(e))
}

/// A cookie of the request being answered.
pub fn request_cookie(name: &str) -> Option<String> {
    cookie_in(&use_context::<http::request::Parts>()?.headers, name)
}

fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    cookie_pairs(headers)
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Every `name=value` pair of the request's `Cookie` headers.
fn cookie_pairs(headers: &http::HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// Sends the page's Content-Security-Policy: scripts only from this origin or inline with
/// this response's nonce (Leptos puts it on the hydration and resource scripts), WASM
/// compiled from this origin's files, no styles, media or connections elsewhere, no
/// plugins, no framing, and forms posting only here.
pub fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::cookie_safe;

    #[test]
    fn only_emails_a_cookie_holds_as_they_are_are_kept() {
        assert!(cookie_safe("olivia.owner+mps@example.com"));
        for refused in [
            "",
            "a b@example.com",
            "a;b@example.com",
            "\"a\"@example.com",
        ] {
            assert!(!cookie_safe(refused), "{refused}");
        }
        assert!(!cookie_safe(&format!("{}@example.com", "a".repeat(250))));
        assert!(!cookie_safe("名@example.com"));
    }
}
