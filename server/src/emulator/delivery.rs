//! Background work of the emulator: finishing MPS tasks and delivering their events to the
//! function bound by the MPS trigger, at least once, through the `event_delivery` queue.
use std::time::Duration;

use serde_json::Value;
use uuid::Uuid;

use crate::db::Db;

use super::invoke::{execute, Target};
use super::{mps_task, scf, Emulator};

/// Deliveries are tried this often before they are declared dead: the first try and two
/// retries, as SCF retries a failed asynchronous invocation twice.
pub const MAX_ATTEMPTS: i32 = 3;

/// How long a finished task waits before its event is sent (MPS processing time).
const POLL: Duration = Duration::from_millis(200);

/// Runs the workers until the task is dropped or aborted.
pub async fn run_workers(emu: Emulator) {
    loop {
        let mut busy = false;
        match mps_task::finish_one(&emu.db).await {
            Ok(found) => busy |= found,
            Err(err) => tracing::warn!("finishing an MPS task: {err}"),
        }
        match deliver_one(&emu).await {
            Ok(found) => busy |= found,
            Err(err) => tracing::warn!("delivering an MPS event: {err}"),
        }
        if !busy {
            tokio::time::sleep(POLL).await;
        }
    }
}

/// Back-off before attempt `attempts + 1`: 1 s, 2 s, 4 s, … capped at a minute.
fn backoff_secs(attempts: i32) -> f64 {
    f64::from(1u32 << attempts.clamp(0, 6)).min(60.0)
}

/// Delivers the oldest due event, if any. Returns whether there was one.
///
/// # Errors
/// Database errors; the row stays pending and is tried again.
pub async fn deliver_one(emu: &Emulator) -> Result<bool, sqlx::Error> {
    let mut tx = emu.db.begin().await?;
    let due: Option<(i64, i64, String, Value, i32)> = sqlx::query_as(
        "select delivery_id, account_id, event_type, payload, attempts from emulator.event_delivery
         where state = 'pending' and next_attempt_at <= now()
         order by delivery_id limit 1 for update skip locked",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((delivery_id, account_id, event_type, payload, attempts)) = due else {
        return Ok(false);
    };
    // Runs cut off by the server's death were rolled back here but are in the log: they
    // count as attempts (RetryNum, and towards the last).
    let ran: i64 =
        sqlx::query_scalar("select count(*) from emulator.scf_invocation where delivery_id = $1")
            .bind(delivery_id)
            .fetch_one(&mut *tx)
            .await?;
    let attempts = attempts.max(i32::try_from(ran).unwrap_or(i32::MAX));
    let outcome = invoke_bound(
        emu,
        account_id,
        &event_type,
        &payload,
        (delivery_id, attempts),
    )
    .await;
    let attempts = attempts + 1;
    match outcome {
        Ok(request_id) => {
            sqlx::query(
                "update emulator.event_delivery set state = 'delivered', attempts = $2, request_id = $3,
                   delivered_at = now(), last_error = '' where delivery_id = $1",
            )
            .bind(delivery_id)
            .bind(attempts)
            .bind(request_id)
            .execute(&mut *tx)
            .await?;
        }
        Err((error, request_id)) => {
            let dead = attempts >= MAX_ATTEMPTS;
            tracing::warn!(
                delivery_id,
                attempts,
                dead,
                "MPS event delivery failed: {error}"
            );
            sqlx::query(
                "update emulator.event_delivery set state = $2, attempts = $3, request_id = $4, last_error = $5,
                   next_attempt_at = now() + make_interval(secs => $6) where delivery_id = $1",
            )
            .bind(delivery_id)
            .bind(if dead { "dead" } else { "pending" })
            .bind(attempts)
            .bind(request_id)
            .bind(&error)
            .bind(backoff_secs(attempts))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Invokes the function bound to `event_type` asynchronously, as MPS triggers do.
/// `Err` carries the reason and the invocation's RequestId, if it ran.
async fn invoke_bound(
    emu: &Emulator,
    account_id: i64,
    event_type: &str,
    payload: &Value,
    (delivery_id, retry_num): (i64, i32),
) -> Result<Uuid, (String, Option<Uuid>)> {
    let bound: Option<(String, String, String)> = sqlx::query_as(
        "select scf_region, namespace, function_name from emulator.mps_trigger where account_id = $1 and event_type = $2",
    )
    .bind(account_id)
    .bind(event_type)
    .fetch_optional(&emu.db)
    .await
    .map_err(|e| (e.to_string(), None))?;
    let (region, namespace, name) =
        bound.ok_or_else(|| (format!("no function is bound to {event_type}"), None))?;
    let params = serde_json::json!({"FunctionName": name, "Namespace": namespace});
    let function = scf::find_function(emu, account_id, &region, &params)
        .await
        .map_err(|e| (format!("{}: {}", e.code, e.message), None))?;
    let request_id = Uuid::new_v4();
    let target = Target {
        account_id,
        region: &region,
        function: &function,
        retry_num,
        delivery_id: Some(delivery_id),
    };
    let row = execute(emu, target, &payload.to_string(), "Event", request_id)
        .await
        .map_err(|e| (format!("{}: {}", e.code, e.message), None))?;
    if row["InvokeResult"] == 0 {
        Ok(request_id)
    } else {
        Err((
            row["ErrMsg"]
                .as_str()
                .unwrap_or("the function failed")
                .to_owned(),
            Some(request_id),
        ))
    }
}

/// How many deliveries run at once: two per core, as an invocation mostly waits for its
/// Node.js process.
pub fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get() * 2)
        .clamp(2, 16)
}

/// Starts [`worker_count`] workers in the background, on a pool of their own beside
/// `db`'s: a worker holds its transaction while a function runs and may need a second
/// connection meanwhile, so they get two each and never take the ones requests use.
/// Aborting the handle stops them all.
pub fn spawn(db: Db, public_url: String) -> tokio::task::JoinHandle<()> {
    let emu = Emulator::new(db.sibling(2 * worker_count()), public_url);
    // Before anything runs here: what runs from now on is this server's.
    let started = time::OffsetDateTime::now_utc();
    tokio::spawn(async move {
        match super::invoke::mark_interrupted(&emu.db, started).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                "{n} invocations were cut off when the server last stopped; marked interrupted"
            ),
            Err(err) => tracing::warn!("marking interrupted invocations: {err}"),
        }
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..worker_count() {
            workers.spawn(run_workers(emu.clone()));
        }
        while workers.join_next().await.is_some() {}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff_secs(1), 2.0);
        assert_eq!(backoff_secs(3), 8.0);
        assert_eq!(backoff_secs(30), 60.0);
    }
}
