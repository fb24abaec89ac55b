//! `login_failure`: failed sign-ins, for throttling.
use sqlx::PgExecutor;

/// Records a failed sign-in, from a browser known to the account (`known_device`) or not.
///
/// # Errors
/// Database errors.
pub async fn insert(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: &str,
    device: Option<&[u8]>,
) -> sqlx::Result<()> {
    sqlx::query("insert into login_failure (email, ip, device_hash) values ($1, $2, $3)")
        .bind(email)
        .bind(ip)
        .bind(device)
        .execute(db)
        .await?;
    Ok(())
}

/// Recent failures: each count, with the seconds until it drops below its limit.
pub struct Recent {
    /// Failures at the account: only those from `device` when a known browser asks.
    pub account: (i64, i64),
    /// Failures from the address.
    pub ip: (i64, i64),
}

/// Failures within the last `window_secs` for the account (from the known browser
/// `device`, when given) and for the address, each with the seconds until it is below
/// its limit (`max_account`, `max_ip`): until its limit-th newest failure leaves the
/// window (there can be more: a browser's failures also count for the account's limit
/// on other browsers).
///
/// # Errors
/// Database errors.
pub async fn recent(
    db: impl PgExecutor<'_>,
    email: &str,
    ip: &str,
    device: Option<&[u8]>,
    window_secs: i64,
    (max_account, max_ip): (i64, i64),
) -> sqlx::Result<Recent> {
    let (account, account_wait, by_ip, ip_wait): (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where a),
                coalesce(ceil(extract(epoch from ((array_agg(created_at order by created_at desc) filter (where a))[$5]
                                                  + make_interval(secs => $3) - now())))::bigint, 0),
                count(*) filter (where ip = $2),
                coalesce(ceil(extract(epoch from ((array_agg(created_at order by created_at desc) filter (where ip = $2))[$6]
                                                  + make_interval(secs => $3) - now())))::bigint, 0)
         from (select created_at, ip,
                      lower(email) = lower($1) and ($4::bytea is null or device_hash = $4) as a
               from login_failure
               where (lower(email) = lower($1) or ip = $2) and created_at > now() - make_interval(secs => $3)) f",
    )
    .bind(email)
    .bind(ip)
    .bind(window_secs as f64)
    .bind(device)
    .bind(max_account.max(1) as i32)
    .bind(max_ip.max(1) as i32)
    .fetch_one(db)
    .await?;
    Ok(Recent {
        account: (account, account_wait),
        ip: (by_ip, ip_wait),
    })
}

/// Forgets the account's failures after a successful sign-in: only those of the known
/// browser `device` when it signed in (others' failures keep the account closed to them).
///
/// # Errors
/// Database errors.
pub async fn clear_account(
    db: impl PgExecutor<'_>,
    email: &str,
    device: Option<&[u8]>,
) -> sqlx::Result<()> {
    sqlx::query(
        "delete from login_failure where lower(email) = lower($1) and ($2::bytea is null or device_hash = $2)",
    )
    .bind(email)
    .bind(device)
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
