//! `known_device`: browsers that have signed in to an account with its password.
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// Records a device token (its hash) for the user.
///
/// # Errors
/// Database errors.
pub async fn insert(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: Uuid,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into known_device (token_hash, app_user_id, expires_at) values ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the token is the user's and has not expired.
///
/// # Errors
/// Database errors.
pub async fn is_known(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from known_device
                        where token_hash = $1 and app_user_id = $2 and expires_at > now())",
    )
    .bind(token_hash)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Drops expired tokens (run periodically).
///
/// # Errors
/// Database errors.
pub async fn prune(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    let done = sqlx::query("delete from known_device where expires_at < now()")
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
