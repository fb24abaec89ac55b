//! Server-side errors and their translation into what a user may see.
use app::error::AppError;

/// A failure inside the server. Shown to users only as a reference to quote.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error("secrets: {0}")]
    Secrets(String),
}

impl From<ServerError> for AppError {
    fn from(err: ServerError) -> Self {
        let reference = crate::auth::token::random_hex(4);
        tracing::error!(%reference, error = %err, "internal error");
        AppError::Internal { reference }
    }
}

/// Shorthand for backend methods.
pub type AppResult<T> = Result<T, AppError>;

/// Converts any server error into an [`AppError`] with `?`.
pub trait OrInternal<T> {
    /// # Errors
    /// The converted error.
    fn internal(self) -> AppResult<T>;
}

impl<T, E: Into<ServerError>> OrInternal<T> for Result<T, E> {
    fn internal(self) -> AppResult<T> {
        self.map_err(|e| AppError::from(e.into()))
    }
}
