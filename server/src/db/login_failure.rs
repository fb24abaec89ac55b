//! `login_failure`: failed sign-ins, for throttling.
use sqlx::PgExecutor;

/// Records a failed sign-in.
///
/// # Errors
/// Database errors.
pub async fn insert(db: impl PgExecutor<'_>, email: &str, ip: &str) -> sqlx::Result<()> {
    sqlx::query("insert into login_failure (email, ip) values ($1, $2)")
        .bind(email)
        .bind(ip)
        .execute(db)
        .await?;
    Ok(())
}

/// Failures for the account and for the address within the last `window_secs`, and the
/// seconds until the oldest of them leaves the window.
///
/// # Errors
/// Database errors.
pub async fn recent(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: &str,
    window_secs: i64,
) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as(
        "select count(*) filter (where lower(email) = lower($1)),
                count(*) filter (where ip = $2),
                coalesce(ceil(extract(epoch from (min(created_at) + make_interval(secs => $3) - now())))::bigint, 0)
         from login_failure
         where (lower(email) = lower($1) or ip = $2) and created_at > now() - make_interval(secs => $3)",
    )
    .bind(email)
    .bind(ip)
    .bind(window_secs as f64)
    .fetch_one(db)
    .await
}

/// Forgets the account's failures after a successful sign-in.
///
/// # Errors
/// Database errors.
pub async fn clear_account(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<()> {
    sqlx::query("delete from login_failure where lower(email) = lower($1)")
        .bind(email)
        .execute(db)
        .await?;
    Ok(())
}

/// Drops failures older than the window (run periodically).
///
/// # Errors
/// Database errors.
pub async fn prune(db: impl PgExecutor<'_>, window_secs: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "delete from login_failure where created_at < now() - make_interval(secs => $1)",
    )
    .bind(window_secs as f64)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
