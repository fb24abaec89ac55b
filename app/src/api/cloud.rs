//! The team's cloud account: the embedded emulator or Tencent Cloud credentials.
use leptos::prelude::*;

use super::types::CloudAccountView;
use crate::error::AppError;

/// The current team's cloud account (the SecretKey is never included).
#[server(prefix = "/api", endpoint = "get_cloud_account", output = crate::api::encoding::TextJson)]
pub async fn get_cloud_account() -> Result<CloudAccountView, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    crate::ssr::status(backend.cloud_account(&req).await)
}

/// Points the team at the emulator (`kind = emulator`, keys ignored) or at Tencent Cloud.
/// A blank `secret_key` keeps the stored one: the key is write-only.
#[server(prefix = "/api", endpoint = "save_cloud_account", output = crate::api::encoding::TextJson)]
pub async fn save_cloud_account(
    kind: String,
    secret_id: String,
    secret_key: String,
    app_id: String,
) -> Result<CloudAccountView, AppError> {
    let (backend, req) = crate::ssr::backend_and_req()?;
    let kind = crate::api::types::CloudKind::parse(&kind)
        .ok_or_else(|| AppError::invalid("kind", "cloud_kind_unknown"));
    let kind = crate::ssr::status(kind)?;
    let input = crate::ssr::CloudAccountInput {
        kind,
        secret_id,
        secret_key,
        app_id,
    };
    let result = crate::ssr::status(backend.save_cloud_account(&req, input).await);
    // The key the cloud refused is the one just typed: the form's mistake, not a failing
    // gateway (elsewhere an AuthFailure is the stored key failing, and a 502).
    if let Err(AppError::Cloud { code, .. }) = &result {
        if code.starts_with("AuthFailure") {
            crate::ssr::set_status(400);
        }
    }
    result
}
