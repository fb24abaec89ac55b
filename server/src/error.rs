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
        // The database gone for a while (a restart) is not a fault of the request: 503.
        if let ServerError::Db(
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed,
        ) = &err
        {
            tracing::warn!(%reference, error = %err, "database unavailable");
            return AppError::Unavailable { reference };
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_is_unavailable_and_other_faults_internal() {
        let gone = std::io::Error::new(std::io::ErrorKind::NotFound, "no socket");
        for err in [
            sqlx::Error::Io(gone),
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
        ] {
            let e = AppError::from(ServerError::Db(err));
            assert!(matches!(e, AppError::Unavailable { .. }), "{e:?}");
            assert_eq!(e.status(), 503);
        }
        let e = AppError::from(ServerError::Db(sqlx::Error::RowNotFound));
        assert!(matches!(e, AppError::Internal { .. }), "{e:?}");
    }
}
