//! Failure injection: tests (and people trying the console) make the emulator answer the
//! next calls of an action with a chosen error, to see retries and error displays work.
//! Besides API error codes, three codes break the transport instead: [`HTTP_500`],
//! [`MALFORMED`] and [`TIMEOUT`]. The call is not carried out in any case.
use std::time::Duration;

use sqlx::PgExecutor;

use super::api::ApiError;

/// Answer HTTP 500 with a plain-text body, as a failing gateway would.
pub const HTTP_500: &str = "@http500";
/// Answer HTTP 200 with a body that is cut short and is not JSON.
pub const MALFORMED: &str = "@malformed";
/// Answer nothing for [`HANG`], so that the caller's timeout fires first.
pub const TIMEOUT: &str = "@timeout";
/// How long a [`TIMEOUT`] fault holds the request.
pub const HANG: Duration = Duration::from_secs(120);

/// What an armed fault does to a call.
#[derive(Debug)]
pub enum Injected {
    /// The API's error envelope with this code.
    Api(ApiError),
    Http500,
    Malformed,
    Timeout,
}

/// Makes the next `times` calls of `action` (`*` for any) by the account fail with `code`.
///
/// # Errors
/// Database errors.
pub async fn inject(
    db: impl PgExecutor<'_>,
    account_id: i64,
    action: &str,
    code: &str,
    times: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into emulator.fault (account_id, action, code, remaining) values ($1, $2, $3, $4)",
    )
    .bind(account_id)
    .bind(action)
    .bind(code)
    .bind(times)
    .execute(db)
    .await?;
    // Calls learn whether failures are armed along with their key, which is cached.
    super::account::forget_keys();
    Ok(())
}

/// Consumes one injected failure for this call, if any is armed.
///
/// # Errors
/// The injected failure, or a database error (as an API error).
pub async fn check(db: impl PgExecutor<'_>, account_id: i64, action: &str) -> Result<(), Injected> {
    let code: Option<String> = sqlx::query_scalar(
        "update emulator.fault set remaining = remaining - 1
         where fault_id = (select fault_id from emulator.fault
                           where account_id = $1 and (action = $2 or action = '*') and remaining > 0
                           order by fault_id limit 1 for update skip locked)
         returning code",
    )
    .bind(account_id)
    .bind(action)
    .fetch_optional(db)
    .await
    .map_err(|e| Injected::Api(e.into()))?;
    match code.as_deref() {
        None => Ok(()),
        Some(HTTP_500) => Err(Injected::Http500),
        Some(MALFORMED) => Err(Injected::Malformed),
        Some(TIMEOUT) => Err(Injected::Timeout),
        Some(code) => Err(Injected::Api(ApiError::new(
            code,
            "Injected failure (emulator fault injection).",
        ))),
    }
}
