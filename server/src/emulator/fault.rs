//! Failure injection: tests (and people trying the console) make the emulator answer the
//! next calls of an action with a chosen error, to see retries and error displays work.
use sqlx::PgExecutor;

use super::api::ApiError;

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
    Ok(())
}

/// Consumes one injected failure for this call, if any is armed.
///
/// # Errors
/// The injected error, or a database error.
pub async fn check(db: impl PgExecutor<'_>, account_id: i64, action: &str) -> Result<(), ApiError> {
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
    .await?;
    match code {
        Some(code) => Err(ApiError::new(
            &code,
            "Injected failure (emulator fault injection).",
        )),
        None => Ok(()),
    }
}
