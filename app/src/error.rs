//! The error type every server function returns, shared by browser and server.
//!
//! Variants are things the UI can act on. Internal details never travel: the server logs
//! them and the user sees a reference to quote.
use crate::api::encoding::TextJsonEncoding;
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
    /// Bad input on one field; `code` is an i18n key under `err.`. `also` holds the
    /// problems of the form's other fields, so that a form shows them all at once.
    #[error("invalid {field}: {code}")]
    Invalid {
        field: String,
        code: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        also: Vec<FieldProblem>,
    },
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
    /// The console's database cannot be reached for now (restarting, say); retrying later
    /// may work.
    #[error("the database is unavailable (ref {reference})")]
    Unavailable { reference: String },
}

/// One more field's problem in [`AppError::Invalid`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
}

impl AppError {
    /// Bad input on `field`, described by the i18n key `err.<code>`.
    pub fn invalid(field: &str, code: &str) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            code: code.to_owned(),
            also: Vec::new(),
        }
    }

    /// A field's check as a result: `problem` is its i18n code, if it has one.
    pub fn check(field: &str, problem: Option<&str>) -> Result<(), AppError> {
        problem.map_or(Ok(()), |code| Err(AppError::invalid(field, code)))
    }

    /// The checks of a form's fields as one result: `Ok` when all passed, else the first
    /// failure with the other fields' problems in its `also`.
    pub fn all_fields(checks: Vec<Result<(), AppError>>) -> Result<(), AppError> {
        let mut errors = checks.into_iter().filter_map(Result::err);
        let Some(mut first) = errors.next() else {
            return Ok(());
        };
        if let AppError::Invalid { also, .. } = &mut first {
            also.extend(errors.filter_map(|e| match e {
                AppError::Invalid { field, code, .. } => Some(FieldProblem { field, code }),
                _ => None,
            }));
        }
        Err(first)
    }

    /// The problem with `field` in this error (its first or one of the others), as an
    /// error of its own.
    pub fn on_field(&self, field: &str) -> Option<AppError> {
        let AppError::Invalid { code, also, .. } = self else {
            return None;
        };
        if self.field()? == field {
            return Some(AppError::invalid(field, code));
        }
        also.iter()
            .find(|p| p.field == field)
            .map(|p| AppError::invalid(&p.field, &p.code))
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
            AppError::Cloud { code, .. } => cloud_status(code),
            AppError::CloudUnreachable { .. } | AppError::Network { .. } => 502,
            AppError::Internal { .. } => 500,
            AppError::Unavailable { .. } => 503,
        }
    }

    /// The field this error belongs to, for showing it next to that input.
    pub fn field(&self) -> Option<&str> {
        match self {
            // A request the server could not decode is shown with the form, not by one
            // input: the field it names may have no input of its own.
            AppError::Invalid { field, code, .. } if !field.is_empty() && code != BAD_REQUEST => {
                Some(field)
            }
            _ => None,
        }
    }
}

/// The code of a request the server could not decode (a missing or mistyped argument).
pub const BAD_REQUEST: &str = "bad_request";

/// The argument a decoding error names (serde's "missing field `timeout`"), or "request"
/// when it names none (a number that does not parse says only that; "provided string was
/// not `true` or `false`" quotes values, not fields).
fn named_argument(message: &str) -> &str {
    ["missing field `", "duplicate field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.split_once(prefix))
        .and_then(|(_, rest)| rest.split('`').next())
        .filter(|f| {
            (1..=64).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .unwrap_or("request")
}

/// The status for an error the cloud answered. A refusal of what the user asked for
/// (a bad value, a name in use, a missing resource, a state that forbids it, a denied
/// permission) is the client's mistake passed through, so it keeps a 4xx; the cloud
/// failing or throttling is a gateway error.
fn cloud_status(code: &str) -> u16 {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "ResourceNotFound" | "NoSuchBucket" | "NoSuchKey" => 404,
        // FailedOperation: the resource's state forbids it now (not Active yet, a service
        // role missing, a trigger bound elsewhere), which the user can change.
        "ResourceInUse" | "FailedOperation" | "BucketAlreadyOwnedByYou" | "BucketAlreadyExists" => {
            409
        }
        "InvalidParameter"
        | "InvalidParameterValue"
        | "MissingParameter"
        | "UnknownParameter"
        | "LimitExceeded"
        | "UnsupportedOperation"
        | "UnsupportedRegion"
        | "InvalidArgument"
        | "InvalidBucketName"
        | "KeyTooLong" => 400,
        "UnauthorizedOperation" | "AccessDenied" => 403,
        "InvalidRange" => 416,
        "AuthFailure" if code == "AuthFailure.UnauthorizedOperation" => 403,
        _ => 502,
    }
}

impl FromServerFnError for AppError {
    type Encoder = TextJsonEncoding;

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
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => {
                AppError::invalid(named_argument(&message), BAD_REQUEST)
            }
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Response(message) => {
                AppError::Network { message }
            }
            _ => AppError::Internal {
                reference: "server-fn".to_owned(),
            },
        }
    }
}

/// A check's result without its value, for [`AppError::all_fields`].
pub fn outcome<T>(checked: &Result<T, AppError>) -> Result<(), AppError> {
    checked.as_ref().map(|_| ()).map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cloud(code: &str) -> u16 {
        AppError::Cloud {
            code: code.to_owned(),
            message: String::new(),
            request_id: String::new(),
        }
        .status()
    }

    #[test]
    fn a_form_gets_every_field_problem_at_once() {
        assert_eq!(AppError::all_fields(vec![Ok(()), Ok(())]), Ok(()));
        let error = AppError::all_fields(vec![
            Ok(()),
            Err(AppError::invalid("email", "email_invalid")),
            Err(AppError::invalid("password", "password_too_short")),
        ])
        .expect_err("two problems");
        assert_eq!(error.field(), Some("email"));
        assert_eq!(
            error.on_field("email"),
            Some(AppError::invalid("email", "email_invalid"))
        );
        assert_eq!(
            error.on_field("password"),
            Some(AppError::invalid("password", "password_too_short"))
        );
        assert_eq!(error.on_field("team_name"), None);
        // One problem travels as before: no `also` in its JSON.
        let one = serde_json::to_string(&AppError::invalid("email", "email_invalid"))
            .expect("serializes");
        assert!(!one.contains("also"), "{one}");
        let back: AppError = serde_json::from_str(&serde_json::to_string(&error).expect("json"))
            .expect("deserializes");
        assert_eq!(back, error);
    }

    #[test]
    fn undecodable_requests_name_the_argument_when_they_can() {
        let missing =
            AppError::from_framework(ServerFnErrorErr::Args("missing field `timeout`".to_owned()));
        assert_eq!(missing, AppError::invalid("timeout", BAD_REQUEST));
        // Shown with the form, whatever it names.
        assert_eq!(missing.field(), None);
        let number = AppError::from_framework(ServerFnErrorErr::Args(
            "invalid digit found in string".to_owned(),
        ));
        assert_eq!(number, AppError::invalid("request", BAD_REQUEST));
        let odd = AppError::from_framework(ServerFnErrorErr::Args("unknown field `<b>`".into()));
        assert_eq!(odd, AppError::invalid("request", BAD_REQUEST));
        let boolean = AppError::from_framework(ServerFnErrorErr::Args(
            "provided string was not `true` or `false`".into(),
        ));
        assert_eq!(boolean, AppError::invalid("request", BAD_REQUEST));
    }

    #[test]
    fn cloud_refusals_of_the_request_keep_a_client_status() {
        assert_eq!(cloud("ResourceNotFound.FunctionName"), 404);
        assert_eq!(cloud("NoSuchKey"), 404);
        assert_eq!(cloud("ResourceInUse.Trigger"), 409);
        assert_eq!(cloud("FailedOperation.QcsRoleNotFound"), 409);
        assert_eq!(cloud("FailedOperation.FunctionStatusError"), 409);
        assert_eq!(cloud("InvalidParameterValue.Memory"), 400);
        assert_eq!(cloud("MissingParameter"), 400);
        assert_eq!(cloud("UnauthorizedOperation.CAM"), 403);
        assert_eq!(cloud("AuthFailure.UnauthorizedOperation"), 403);
        // The cloud failing, throttling or refusing the team's key is the gateway's.
        for code in [
            "InternalError",
            "RequestLimitExceeded",
            "AuthFailure.SecretIdNotFound",
            "ResourceUnavailable",
        ] {
            assert_eq!(cloud(code), 502, "{code}");
        }
    }
}
