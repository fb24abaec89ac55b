//! `known_device`: browsers that have signed in to an account with its password.
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// A user keeps this many known browsers at most; a new one pushes out the oldest.
pub const PER_USER: i64 = 20;

/// Records a device token (its hash) for the user, forgetting the user's oldest beyond
/// [`PER_USER`].
///
/// # Errors
/// Database errors.
pub async fn insert(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    user_id: Uuid,
    expires_at: OffsetDateTime,
) -> sqlx::Result<()> {
    // The delete does not see the row the insert adds (one snapshot): it keeps the
    // user's newest PER_USER - 1 others.
    sqlx::query(
        "with added as (
             insert into known_device (token_hash, app_user_id, expires_at) values ($1, $2, $3)
         )
         delete from known_device where app_user_id = $2 and token_hash in (
             select token_hash from known_device where app_user_id = $2
             order by created_at desc, token_hash offset $4 - 1)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .bind(PER_USER)
    .execute(db)
    .await?;
    Ok(())
}

/// The user a token belongs to, if it has not expired. Looked up by the token alone, so
/// that a sign-in costs the same queries whether its email has an account or not.
///
/// # Errors
/// Database errors.
pub async fn owner(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "select app_user_id from known_device where token_hash = $1 and expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(db)
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
