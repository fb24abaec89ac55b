//! The error type every server function returns, shared by browser and server.
//!
//! Variants are things the UI can act on. Internal details never travel: the server logs
//! them and the user sees a reference to quote.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A failure as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthenticated,
    /// Sign-in failed: one message whether the email or the password was wrong.
    #[error("email or password is incorrect")]
    BadCredentials,
    #[error("permission denied")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Bad input on one field; `code` is an i18n key under `err.`.
    #[error("invalid {field}: {code}")]
    Invalid { field: String, code: String },
    /// The request clashes with the current state; `code` is an i18n key under `err.`.
    #[error("conflict: {code}")]
    Conflict { code: String },
    #[error("too many attempts, retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// An error answered by the cloud API, with its own code and RequestId.
    #[error("{code}: {message} (RequestId {request_id})")]
    Cloud {
        code: String,
        message: String,
        request_id: String,
    },
    /// The cloud API did not answer, or answered something unreadable (timeout, HTTP 500,
    /// malformed JSON), after the retries the call allows.
    #[error("cloud API unreachable: {message}")]
    CloudUnreachable { message: String },
    /// The browser could not reach the console server, or could not read its answer.
    #[error("network error: {message}")]
    Network { message: String },
    #[error("something went wrong (ref {reference})")]
    Internal { reference: String },
}

impl AppError {
    /// Bad input on `field`, described by the i18n key `err.<code>`.
    pub fn invalid(field: &str, code: &str) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            code: code.to_owned(),
        }
    }

    /// A clash with the current state, described by the i18n key `err.<code>`.
    pub fn conflict(code: &str) -> Self {
        AppError::Conflict {
            code: code.to_owned(),
        }
    }

    /// The HTTP status the server answers this error with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 400,
            AppError::Conflict { .. } => 409,
            AppError::TooManyRequests { .. } => 429,
            AppError::Cloud { .. }
            | AppError::CloudUnreachable { .. }
            | AppError::Network { .. } => 502,
            AppError::Internal { .. } => 500,
        }
    }

    /// The field this error belongs to, for showing it next to that input.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } if !field.is_empty() => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = Self::from_framework(value);
        // Undecodable arguments fail before the function body runs; without this the
        // framework would answer them with 500.
        #[cfg(feature = "ssr")]
        crate::ssr::set_status_for(&error);
        error
    }
}

impl AppError {
    fn from_framework(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::invalid("request", "bad_request"),
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                AppError::Network { message }
            }
            _ => AppError::Internal {
                reference: "server-fn".to_owned(),
            },
        }
    }
}
