//! Why a call was refused, with the code and message the cloud reports for it.
use std::fmt;

use crate::verify::MAX_SKEW_SECS;

/// A refused call. [`code`](Self::code) is the API 3.0 error code and the `Display` text
/// its message, exactly as the emulator answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// `Authorization` is missing or not a TC3-HMAC-SHA256 signature.
    InvalidAuthorization,
    /// `X-TC-Action` is missing or empty.
    MissingAction,
    /// `X-TC-Version` is missing.
    MissingVersion,
    /// `X-TC-Timestamp` is missing or not an integer.
    MissingTimestamp,
    /// `X-TC-Timestamp` is more than [`MAX_SKEW_SECS`] from `now`.
    SignatureExpire { timestamp: i64, now: i64 },
    /// No key has the SecretId.
    SecretIdNotFound,
    /// A temporary key without its session token (`X-TC-Token`).
    TokenFailure,
    /// `SignedHeaders` lacks `content-type` or `host`.
    SignedHeadersIncomplete,
    /// A header named in `SignedHeaders` is not in the request.
    SignedHeaderMissing(String),
    /// The signature (or the date of its credential scope) does not match.
    SignatureFailure,
    /// The body is neither empty nor a JSON object.
    BodyNotObject,
    /// A string in the body holds a NUL character, which no parameter may contain.
    NulInParameter,
    /// A GET's query is not a parameter list (`A=1&B.0.C=x`); the text says why.
    QueryNotParams(String),
}

impl WireError {
    /// The API 3.0 error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidAuthorization
            | Self::SignedHeadersIncomplete
            | Self::SignedHeaderMissing(_) => "AuthFailure.InvalidAuthorization",
            Self::MissingAction | Self::MissingVersion | Self::MissingTimestamp => {
                "MissingParameter"
            }
            Self::SignatureExpire { .. } => "AuthFailure.SignatureExpire",
            Self::SecretIdNotFound => "AuthFailure.SecretIdNotFound",
            Self::TokenFailure => "AuthFailure.TokenFailure",
            Self::SignatureFailure => "AuthFailure.SignatureFailure",
            Self::BodyNotObject | Self::QueryNotParams(_) => "InvalidParameter",
            Self::NulInParameter => "InvalidParameterValue",
        }
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidAuthorization => f.write_str(
                "Authorization header is missing or not a TC3-HMAC-SHA256 signature.",
            ),
            Self::MissingAction => f.write_str("The request is missing X-TC-Action."),
            Self::MissingVersion => f.write_str("The request is missing X-TC-Version."),
            Self::MissingTimestamp => {
                f.write_str("The request is missing a valid X-TC-Timestamp.")
            }
            Self::SignatureExpire { timestamp, now } => write!(
                f,
                "Signature expired. Timestamp {timestamp} differs from server time {now} by more than {MAX_SKEW_SECS} seconds."
            ),
            Self::SecretIdNotFound => f.write_str(
                "The SecretId is not found, please ensure that your SecretId is correct.",
            ),
            Self::TokenFailure => f.write_str(
                "The temporary credentials need their session token (X-TC-Token).",
            ),
            Self::SignedHeadersIncomplete => {
                f.write_str("SignedHeaders must include content-type and host.")
            }
            Self::SignedHeaderMissing(name) => {
                write!(f, "Signed header {name} is missing from the request.")
            }
            Self::SignatureFailure => f.write_str(
                "The provided credentials could not be validated. Please check your signature is correct.",
            ),
            Self::BodyNotObject => f.write_str("The request body is not a valid JSON object."),
            Self::NulInParameter => {
                f.write_str("A parameter contains a NUL character (\\u0000), which is not allowed.")
            }
            Self::QueryNotParams(why) => write!(f, "The query string is not valid: {why}."),
        }
    }
}

impl std::error::Error for WireError {}
