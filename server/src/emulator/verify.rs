//! Authenticating API calls: TC3 signature, clock skew, known key. The checks are
//! `cloud_wire::verify` (pure, fuzzed in `fuzz/`); this adds the key lookup.
use axum::http::HeaderMap;
use cloud_wire::verify::{Headers, SigningSecret, Tc3Call};
use cloud_wire::WireError;

use crate::db::Db;

use super::account::{self, SigningKey};
use super::api::ApiError;

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
    /// Whether the account has injected failures waiting ([`super::fault`]).
    pub faults_armed: bool,
}

/// The header pairs as the wire checks read them.
fn header_pairs(headers: &HeaderMap) -> Vec<(&str, &[u8])> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect()
}

/// `headers` (and a GET's `query`) read as a TC3 call over `body`.
fn parse<'a>(
    pairs: &'a [(&'a str, &'a [u8])],
    query: Option<&'a str>,
    body: &'a [u8],
) -> Result<Tc3Call<'a>, WireError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match query {
        Some(query) => Tc3Call::parse_request("GET", query, Headers::new(pairs), body, now),
        None => Tc3Call::parse(Headers::new(pairs), body, now),
    }
}

/// The checks that need no body: a well-formed `Authorization`, the action, version and
/// timestamp headers, a clock within 5 minutes and a known SecretId, whose key it
/// returns. A call that fails them is answered before its body (up to
/// [`super::BODY_LIMIT`]) is read.
pub async fn check_headers(
    db: &Db,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<SigningKey, ApiError> {
    let pairs = header_pairs(headers);
    let call = parse(&pairs, query, b"")?;
    match account::find_signing_key(db, call.secret_id()).await? {
        Some(key) => Ok(key),
        None => Err(WireError::SecretIdNotFound.into()),
    }
}

/// Checks the request's signature, with the `key` [`check_headers`] found for it, as the
/// real API does and names the calling account. `query` is a GET's parameters (`None`
/// for a POST, whose body holds them).
pub fn authenticate(
    key: SigningKey,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<CallContext, ApiError> {
    let pairs = header_pairs(headers);
    let verified = parse(&pairs, query, body)?.verify(Some(SigningSecret {
        secret_key: &key.account.secret_key,
        session_token: key.session_token.as_deref(),
    }))?;
    let account = key.account;
    Ok(CallContext {
        account_id: account.account_id,
        app_id: account.app_id,
        uin: account.uin,
        service: verified.service,
        action: verified.action,
        version: verified.version,
        region: verified.region,
        language: verified.language,
        faults_armed: key.faults_armed,
    })
}
