//! MPS `DescribeTasks`: the account's tasks of the last 7 days in one status, newest
//! first, optionally by creation time and by whether a sub-task failed, paged by a scroll
//! token (the last TaskId of the page).
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::cloud::actions::mps::NOT_FINISHED;

use super::api::{iso_time, opt_i64, opt_str, req_str, ApiError};
use super::verify::CallContext;
use super::Emulator;

/// A task's sub-task results (`[]` before it finishes), as SQL over `event` and `kind`.
const RESULTS: &str =
    "case when jsonb_typeof(event #> array[kind || 'Event', 'MediaProcessResultSet']) = 'array'
    then event #> array[kind || 'Event', 'MediaProcessResultSet'] else '[]' end";

/// The filters both queries of a listing share: $1 account, $2 status, $3 StartTime,
/// $4 EndTime, $5 SubTaskHasFailed, $6 region (MPS lists a region's tasks). A task failed when its event, or one of its
/// sub-task results, carries a non-zero ErrCode.
fn filter() -> String {
    format!(
        "account_id = $1 and status = $2 and region = $6
        and created_at > now() - interval '7 days'
        and ($3::timestamptz is null or created_at >= $3)
        and ($4::timestamptz is null or created_at < $4)
        and ($5::bool is null or $5 = (
            coalesce(event #>> array[kind || 'Event', 'ErrCode'], '0') <> '0'
            or exists (
                select 1 from jsonb_array_elements({RESULTS}) r,
                    jsonb_each(case when jsonb_typeof(r) = 'object' then r else '{{}}' end) sub
                where jsonb_typeof(sub.value) = 'object'
                  and coalesce(sub.value ->> 'ErrCode', '0') <> '0')))"
    )
}

fn opt_time(params: &Value, name: &str) -> Result<Option<OffsetDateTime>, ApiError> {
    opt_str(params, name)?
        .map(|s| {
            OffsetDateTime::parse(s, &Rfc3339)
                .ok()
                // In UTC (how it is stored and compared) it must still be a valid time:
                // 9999-12-31T23:59:59-12:00 is not.
                .filter(|t| t.checked_to_offset(time::UtcOffset::UTC).is_some())
                .ok_or_else(|| {
                    ApiError::new(
                        &format!("InvalidParameterValue.{name}"),
                        format!("{name} must be an ISO 8601 time such as 2019-07-16T06:21:27Z."),
                    )
                })
        })
        .transpose()
}

fn opt_bool(params: &Value, name: &str) -> Result<Option<bool>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::new(
            "InvalidParameter",
            format!("The parameter {name} must be a boolean."),
        )),
    }
}

type Row = (
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Value,
);

/// `DescribeTasks`.
pub async fn describe_tasks(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let status = req_str(params, "Status")?;
    if !matches!(status, "WAITING" | "PROCESSING" | "FINISH") {
        return Err(ApiError::new(
            "InvalidParameterValue.Status",
            "Status must be WAITING, PROCESSING or FINISH.",
        ));
    }
    let limit = opt_i64(params, "Limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::new(
            "InvalidParameterValue.Limit",
            "Limit must be 1 to 100.",
        ));
    }
    let start = opt_time(params, "StartTime")?;
    let end = opt_time(params, "EndTime")?;
    let failed = opt_bool(params, "SubTaskHasFailed")?;
    let region = super::mps_task::call_region(ctx);
    let after = match opt_str(params, "ScrollToken")?.filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => {
            let created: Option<OffsetDateTime> = sqlx::query_scalar(
                "select created_at from emulator.mps_task where task_id = $1 and account_id = $2 and region = $3",
            )
            .bind(token)
            .bind(ctx.account_id)
            .bind(region)
            .fetch_optional(&emu.db)
            .await?;
            let created = created.ok_or_else(|| {
                ApiError::new(
                    "InvalidParameterValue.ScrollToken",
                    "ScrollToken does not come from a task list of this account.",
                )
            })?;
            Some((created, token))
        }
    };
    let filter = filter();
    let total: i64 = sqlx::query_scalar(&format!(
        "select count(*) from emulator.mps_task where {filter}"
    ))
    .bind(ctx.account_id)
    .bind(status)
    .bind(start)
    .bind(end)
    .bind(failed)
    .bind(region)
    .fetch_one(&emu.db)
    .await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "select task_id, kind, created_at, finished_at, {RESULTS} from emulator.mps_task
         where {filter} and ($7::timestamptz is null or (created_at, task_id) < ($7, $8))
         order by created_at desc, task_id desc limit $9"
    ))
    .bind(ctx.account_id)
    .bind(status)
    .bind(start)
    .bind(end)
    .bind(failed)
    .bind(region)
    .bind(after.map(|a| a.0))
    .bind(after.map_or("", |a| a.1))
    .bind(limit + 1)
    .fetch_all(&emu.db)
    .await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let token = if more {
        rows.last().map(|r| r.0.clone()).unwrap_or_default()
    } else {
        String::new()
    };
    let set: Vec<Value> = rows
        .iter()
        .map(|(id, kind, created, finished, results)| {
            let sub_types: Vec<&Value> = results
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.get("Type"))
                .collect();
            json!({
                "TaskId": id, "TaskType": kind, "CreateTime": iso_time(*created),
                "BeginProcessTime": iso_time(*created),
                "FinishTime": finished.map_or_else(|| NOT_FINISHED.to_owned(), iso_time),
                "SubTaskTypes": sub_types,
            })
        })
        .collect();
    Ok(json!({"TaskSet": set, "ScrollToken": token, "TotalCount": total}))
}
