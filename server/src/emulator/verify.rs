//! Authenticating API calls: TC3 signature, clock skew, known key.
use axum::http::HeaderMap;
use sqlx::PgPool;

use super::account;
use super::api::ApiError;
use crate::cloud::sign::{
    parse_tc3_authorization, signatures_match, tc3_sign, utc_date, Tc3Request,
};

/// How far a request's timestamp may be from our clock.
const MAX_SKEW_SECS: i64 = 300;

/// A verified call.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub account_id: i64,
    pub app_id: i64,
    pub uin: String,
    pub service: String,
    pub action: String,
    pub version: String,
    /// `X-TC-Region`, when sent.
    pub region: Option<String>,
    /// `X-TC-Language` (`zh-CN` or `en-US`), when sent.
    pub language: Option<String>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Checks the request's signature as the real API does and names the calling account.
pub async fn authenticate(
    db: &PgPool,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<CallContext, ApiError> {
    let auth = header(headers, "authorization")
        .and_then(parse_tc3_authorization)
        .ok_or_else(|| {
            ApiError::new(
                "AuthFailure.InvalidAuthorization",
                "Authorization header is missing or not a TC3-HMAC-SHA256 signature.",
            )
        })?;
    let action = header(headers, "x-tc-action")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::new("MissingParameter", "The request is missing X-TC-Action."))?;
    let version = header(headers, "x-tc-version")
        .ok_or_else(|| ApiError::new("MissingParameter", "The request is missing X-TC-Version."))?;
    let timestamp: i64 = header(headers, "x-tc-timestamp")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| {
            ApiError::new(
                "MissingParameter",
                "The request is missing a valid X-TC-Timestamp.",
            )
        })?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if (now - timestamp).abs() > MAX_SKEW_SECS {
        return Err(ApiError::new(
            "AuthFailure.SignatureExpire",
            format!("Signature expired. Timestamp {timestamp} differs from server time {now} by more than {MAX_SKEW_SECS} seconds."),
        ));
    }
    let key = account::find_signing_key(db, &auth.secret_id)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                "AuthFailure.SecretIdNotFound",
                "The SecretId is not found, please ensure that your SecretId is correct.",
            )
        })?;
    // A temporary key only works with its session token.
    if let Some(token) = &key.session_token {
        if header(headers, "x-tc-token") != Some(token.as_str()) {
            return Err(ApiError::new(
                "AuthFailure.TokenFailure",
                "The temporary credentials need their session token (X-TC-Token).",
            ));
        }
    }
    let account = key.account;
    if !auth.signed_headers.iter().any(|h| h == "host")
        || !auth.signed_headers.iter().any(|h| h == "content-type")
    {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            "SignedHeaders must include content-type and host.",
        ));
    }
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let value = header(headers, name).ok_or_else(|| {
            ApiError::new(
                "AuthFailure.InvalidAuthorization",
                format!("Signed header {name} is missing from the request."),
            )
        })?;
        signed.push((name, value));
    }
    let expected = tc3_sign(
        &account.secret_key,
        &Tc3Request {
            method: "POST",
            canonical_query: "",
            headers: &signed,
            payload: body,
            service: &auth.service,
            timestamp,
        },
    );
    if auth.date != utc_date(timestamp) || !signatures_match(&expected.signature, &auth.signature) {
        return Err(ApiError::new(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        ));
    }
    Ok(CallContext {
        account_id: account.account_id,
        app_id: account.app_id,
        uin: account.uin,
        service: auth.service,
        action: action.to_owned(),
        version: version.to_owned(),
        region: header(headers, "x-tc-region").map(str::to_owned),
        language: header(headers, "x-tc-language").map(str::to_owned),
    })
}
