//! Errors of cloud API calls.
use serde::Deserialize;

/// An API call that failed, either answered by the cloud or lost on the way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudError {
    /// The cloud answered with its error envelope.
    #[error("{code}: {message} (RequestId {request_id})")]
    Api {
        code: String,
        message: String,
        request_id: String,
    },
    /// No usable answer: connection failure, timeout, a non-200 status or a body that is
    /// not the API's JSON.
    #[error("{0}")]
    Transport(String),
}

impl CloudError {
    /// The API error code, if the cloud answered.
    pub fn code(&self) -> Option<&str> {
        match self {
            CloudError::Api { code, .. } => Some(code),
            CloudError::Transport(_) => None,
        }
    }
}

impl From<CloudError> for app::error::AppError {
    fn from(err: CloudError) -> Self {
        match err {
            CloudError::Api {
                code,
                message,
                request_id,
            } => app::error::AppError::Cloud {
                code,
                message,
                request_id,
            },
            CloudError::Transport(message) => app::error::AppError::CloudUnreachable { message },
        }
    }
}

/// The `Error` object inside an error envelope.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(rename = "Code")]
    pub code: String,
    #[serde(rename = "Message")]
    pub message: String,
}
