//! SCF `Invoke` and `GetFunctionLogs`: running a function and querying its invocation logs.
use std::time::Duration;

use serde_json::{json, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use super::api::{cloud_time, opt_str, req_str, ApiError};
use super::runtime::{self, Job};
use super::scf::{find_function, paging, FunctionRow};
use super::verify::CallContext;
use super::Emulator;

/// Asynchronous invocations carry at most this much event.
const ASYNC_EVENT_LIMIT: usize = 128 * 1024;
/// Synchronous invocations carry at most this much event (the API's body may be larger,
/// for code uploads).
const SYNC_EVENT_LIMIT: usize = 6 * 1024 * 1024;

/// Where a function runs, for [`execute`].
pub(crate) struct Target<'a> {
    pub account_id: i64,
    pub region: &'a str,
    pub function: &'a FunctionRow,
    /// Earlier attempts at delivering the same event (0 for the first, and for calls).
    pub retry_num: i32,
    /// The MPS event delivery this run is an attempt at, if any.
    pub delivery_id: Option<i64>,
}

/// SCF's RetCode of an invocation still running.
pub const RUNNING: i32 = 2;
/// SCF's RetCode of an invocation interrupted: here, by the server stopping mid-run.
pub const INTERRUPTED: i32 = 3;

/// Runs `function` on `event` and records the invocation log, first as running (so a
/// run cut off by the server's death is still in the log, see [`mark_interrupted`]),
/// then with its outcome; returns the log row as the API shows it.
///
/// # Errors
/// Database errors while recording.
pub(crate) async fn execute(
    emu: &Emulator,
    target: Target<'_>,
    event: &str,
    invoke_type: &str,
    request_id: Uuid,
) -> Result<Value, ApiError> {
    let function = target.function;
    let start_time = OffsetDateTime::now_utc();
    let rid = request_id.to_string();
    // Before the code folder exists, so that an error here cannot leave it behind.
    let env = environment(emu, target.account_id, target.region, function).await?;
    sqlx::query(
        "insert into emulator.scf_invocation
           (request_id, account_id, region, namespace, function_name, invoke_type, start_time,
            duration_ms, billed_ms, mem_usage, ret_code, ret_msg, err_msg, log, retry_num, delivery_id)
         values ($1, $2, $3, $4, $5, $6, $7, 0, 0, 0, $8, '', '', $9, $10, $11)",
    )
    .bind(request_id)
    .bind(target.account_id)
    .bind(target.region)
    .bind(&function.namespace)
    .bind(&function.function_name)
    .bind(invoke_type)
    .bind(start_time)
    .bind(RUNNING)
    .bind(format!("START RequestId: {rid}\n"))
    .bind(target.retry_num)
    .bind(target.delivery_id)
    .execute(&emu.db)
    .await?;
    let prepared = if function.runtime.starts_with("Nodejs") {
        super::code::prepare(&emu.db, function, &rid).await
    } else {
        Err(format!(
            "the emulator runs Node.js functions only; {} functions are kept but not run",
            function.runtime
        ))
    };
    let outcome = match prepared {
        Err(message) => runtime::Outcome {
            ret_code: 500,
            ret_msg: String::new(),
            err_msg: message,
            output: String::new(),
            duration_ms: 0.0,
            mem_usage: 0,
        },
        Ok(dir) => {
            let outcome = runtime::run(Job {
                code_dir: &dir,
                handler: &function.handler,
                event,
                timeout: Duration::from_secs(function.timeout.max(1) as u64),
                memory_mb: function.memory_size.into(),
                env,
                request_id: &rid,
                function_name: &function.function_name,
                namespace: &function.namespace,
                node: runtime::node_binary(),
                slot_wait: (invoke_type == "RequestResponse").then_some(runtime::SYNC_SLOT_WAIT),
            })
            .await;
            let _ = tokio::fs::remove_dir_all(&dir).await;
            outcome
        }
    };
    let billed_ms = outcome.duration_ms.ceil().max(1.0) as i64;
    // PostgreSQL text holds no NUL; a function may well print or return one.
    let mut outcome = outcome;
    for text in [
        &mut outcome.ret_msg,
        &mut outcome.err_msg,
        &mut outcome.output,
    ] {
        if text.contains('\0') {
            *text = text.replace('\0', "\u{fffd}");
        }
    }
    let log = runtime::log_text(&rid, &outcome, billed_ms, function.memory_size.into());
    // The run has happened: its outcome is worth waiting a little for a database that is
    // restarting (left running, the row would read interrupted after the next start).
    let mut wait = Duration::from_millis(250);
    loop {
        let recorded = sqlx::query(
            "update emulator.scf_invocation set duration_ms = $2, billed_ms = $3, mem_usage = $4,
               ret_code = $5, ret_msg = $6, err_msg = $7, log = $8, logged_at = clock_timestamp()
             where request_id = $1",
        )
        .bind(request_id)
        .bind(outcome.duration_ms)
        .bind(billed_ms)
        .bind(outcome.mem_usage)
        .bind(outcome.ret_code)
        .bind(&outcome.ret_msg)
        .bind(&outcome.err_msg)
        .bind(&log)
        .execute(&emu.db)
        .await;
        match recorded {
            Ok(_) => break,
            Err(err) if wait < RECORD_RETRY_UNTIL => {
                tracing::warn!(request_id = %rid, "recording an invocation's outcome, again in {wait:?}: {err}");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok(json!({
        "Log": log, "RetMsg": outcome.ret_msg, "ErrMsg": outcome.err_msg,
        "MemUsage": outcome.mem_usage, "Duration": outcome.duration_ms,
        "BillDuration": billed_ms, "FunctionRequestId": rid,
        "InvokeResult": if outcome.ret_code == 0 { 0 } else { -1 },
    }))
}

/// Recording an outcome is retried with waits doubling from 250 ms up to this one.
const RECORD_RETRY_UNTIL: Duration = Duration::from_secs(8);

/// Marks the invocations that a server which stopped mid-run left running (started
/// before `before`, this server's start) as interrupted. One server runs per database,
/// so at its start nothing else runs them. Returns how many there were.
///
/// # Errors
/// Database errors.
pub async fn mark_interrupted(
    db: &crate::db::Db,
    before: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    let message = "The invocation was interrupted: the server stopped while the function ran.";
    let done = sqlx::query(
        "update emulator.scf_invocation set ret_code = $1, err_msg = $2,
           log = log || 'ERROR RequestId: ' || request_id || ' ' || $2 || E'\n'
                     || 'END RequestId: ' || request_id || E'\n',
           logged_at = clock_timestamp()
         where ret_code = $3 and start_time < $4",
    )
    .bind(INTERRUPTED)
    .bind(message)
    .bind(RUNNING)
    .bind(before)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The function's variables plus those SCF sets, with temporary credentials when the
/// function has an execution role.
async fn environment(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    function: &FunctionRow,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut env: Vec<(String, String)> = function
        .environment
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            Some((
                v["Key"].as_str()?.to_owned(),
                v["Value"].as_str()?.to_owned(),
            ))
        })
        // Refused on create and update; also dropped here for functions stored before a
        // name was reserved (NODE_OPTIONS would let a function's variables run code).
        .filter(|(key, _)| !app::scf_rules::reserved_variable(key))
        .collect();
    let (app_id, uin): (i64, String) =
        sqlx::query_as("select app_id, uin from emulator.account where account_id = $1")
            .bind(account_id)
            .fetch_one(&emu.db)
            .await?;
    env.extend([
        (
            "SCF_FUNCTIONNAME".to_owned(),
            function.function_name.clone(),
        ),
        ("SCF_NAMESPACE".to_owned(), function.namespace.clone()),
        ("SCF_FUNCTIONVERSION".to_owned(), "$LATEST".to_owned()),
        ("SCF_RUNTIME".to_owned(), function.runtime.clone()),
        ("TENCENTCLOUD_REGION".to_owned(), region.to_owned()),
        ("TENCENTCLOUD_APPID".to_owned(), app_id.to_string()),
        ("TENCENTCLOUD_UIN".to_owned(), uin),
        ("COS_ENDPOINT".to_owned(), format!("{}/cos", emu.public_url)),
    ]);
    // Like SCF's execution role: temporary keys (that outlive the run by a little) only
    // when the role exists in CAM, so a role authorized later starts working then.
    let role_exists: bool = !function.role.is_empty()
        && sqlx::query_scalar(
            "select exists (select 1 from emulator.cam_role where account_id = $1 and role_name = $2)",
        )
        .bind(account_id)
        .bind(&function.role)
        .fetch_one(&emu.db)
        .await?;
    if role_exists {
        let ttl = std::time::Duration::from_secs(function.timeout.max(1) as u64 + 600);
        let (id, key, token) = super::account::mint_temporary(&emu.db, account_id, ttl).await?;
        env.push(("TENCENTCLOUD_SECRETID".to_owned(), id));
        env.push(("TENCENTCLOUD_SECRETKEY".to_owned(), key));
        env.push(("TENCENTCLOUD_SESSIONTOKEN".to_owned(), token));
    }
    Ok(env)
}

/// What `Invoke` and `InvokeFunction` both read: the function, which must be active, and
/// the event (a JSON text, `{}` when absent) from the parameter `event_param`.
async fn function_and_event<'a>(
    emu: &Emulator,
    ctx: &CallContext,
    region: &str,
    params: &'a Value,
    event_param: &str,
) -> Result<(FunctionRow, &'a str), ApiError> {
    // Taken and not acted on (the log comes back whole; one version runs), but typed.
    for name in ["LogType", "RoutingKey"] {
        opt_str(params, name)?;
    }
    let function = find_function(emu, ctx.account_id, region, params).await?;
    function.require_active()?;
    let event = opt_str(params, event_param)?.unwrap_or("{}");
    if serde_json::from_str::<Value>(event).is_err() {
        return Err(ApiError::new(
            "InvalidParameterValue.ClientContext",
            format!("{event_param} must be a JSON string."),
        )
        .zh(format!("{event_param} 必须是 JSON 字符串。")));
    }
    Ok((function, event))
}

/// `Invoke`: synchronous (`RequestResponse`) or asynchronous (`Event`).
pub async fn invoke(
    emu: &Emulator,
    ctx: &CallContext,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let (function, event) = function_and_event(emu, ctx, region, params, "ClientContext").await?;
    let invoke_type = opt_str(params, "InvocationType")?.unwrap_or("RequestResponse");
    match invoke_type {
        "RequestResponse" => {
            run_sync(
                emu,
                ctx.account_id,
                region,
                function,
                event,
                "ClientContext",
            )
            .await
        }
        "Event" => {
            if event.len() > ASYNC_EVENT_LIMIT {
                return Err(ApiError::new(
                    "InvalidParameterValue.ClientContext",
                    "An asynchronous event may be at most 128 KB.",
                ));
            }
            let request_id = Uuid::new_v4();
            let (emu, account_id, region, event) = (
                emu.clone(),
                ctx.account_id,
                region.to_owned(),
                event.to_owned(),
            );
            tokio::spawn(async move {
                let target = Target {
                    account_id,
                    region: &region,
                    function: &function,
                    retry_num: 0,
                    delivery_id: None,
                };
                if let Err(err) = execute(&emu, target, &event, "Event", request_id).await {
                    tracing::error!(code = %err.code, "recording an asynchronous invocation failed");
                }
            });
            Ok(json!({ "Result": {
                "Log": "", "RetMsg": "", "ErrMsg": "", "MemUsage": 0, "Duration": 0,
                "BillDuration": 0, "FunctionRequestId": request_id.to_string(), "InvokeResult": 0,
            }}))
        }
        _ => Err(ApiError::new(
            "InvalidParameterValue.InvocationType",
            "InvocationType must be RequestResponse or Event.",
        )),
    }
}

/// Runs `function` on `event` and waits for its outcome: `Invoke`'s `RequestResponse`
/// and `InvokeFunction`. `param` names the event's parameter in errors.
async fn run_sync(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    function: FunctionRow,
    event: &str,
    param: &str,
) -> Result<Value, ApiError> {
    if event.len() > SYNC_EVENT_LIMIT {
        return Err(ApiError::new(
            "InvalidParameterValue.ClientContext",
            format!("{param}: a synchronous event may be at most 6 MB."),
        ));
    }
    let request_id = Uuid::new_v4();
    // In a task of its own: a caller that hangs up does not stop the run halfway (its
    // processes, folder and log would be left as they were), as SCF runs an invocation
    // through whoever waits for it.
    let (emu, region, event) = (emu.clone(), region.to_owned(), event.to_owned());
    let run = tokio::spawn(async move {
        let target = Target {
            account_id,
            region: &region,
            function: &function,
            retry_num: 0,
            delivery_id: None,
        };
        execute(&emu, target, &event, "RequestResponse", request_id).await
    });
    let result = run.await.map_err(ApiError::internal)??;
    Ok(json!({ "Result": result }))
}

/// `InvokeFunction`: `Invoke`'s synchronous call, with the event in `Event`.
pub async fn invoke_function(
    emu: &Emulator,
    ctx: &CallContext,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let (function, event) = function_and_event(emu, ctx, region, params, "Event").await?;
    run_sync(emu, ctx.account_id, region, function, event, "Event").await
}

/// `GetRequestStatus`: one invocation's outcome, looked up by its request id within a
/// time range (by default the last 15 minutes). RetCode is 0 for success, 1 while it
/// runs and -1 for any failure; MemUsage is in bytes, as SCF's own example shows it
/// (its documentation says MB).
pub async fn get_request_status(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let function = find_function(emu, account_id, region, params).await?;
    let request_id = request_id_param(req_str(params, "FunctionRequestId")?)?;
    let bad_time =
        |message: &str| ApiError::new("InvalidParameterValue.StartTimeOrEndTime", message);
    let parse = |t| {
        parse_cloud_time(t)
            .ok_or_else(|| bad_time("StartTime and EndTime are YYYY-MM-DD HH:MM:SS."))
    };
    // Without a StartTime, the 15 minutes before EndTime (now by default).
    let (from, to) = match (opt_str(params, "StartTime")?, opt_str(params, "EndTime")?) {
        (None, end) => {
            let end = end.map_or_else(|| Ok(OffsetDateTime::now_utc()), parse)?;
            (end - time::Duration::minutes(15), end)
        }
        (Some(_), None) => return Err(bad_time("A StartTime needs an EndTime.")),
        (Some(a), Some(b)) => {
            let (a, b) = (parse(a)?, parse(b)?);
            if b <= a {
                return Err(bad_time("EndTime must be later than StartTime."));
            }
            (a, b)
        }
    };
    let row: Option<LogRow> = sqlx::query_as(&format!(
        "select {LOG_COLUMNS} from emulator.scf_invocation
         where request_id = $1 and account_id = $2 and region = $3 and namespace = $4
           and function_name = $5 and start_time between $6 and $7"
    ))
    .bind(request_id)
    .bind(account_id)
    .bind(region)
    .bind(&function.namespace)
    .bind(&function.function_name)
    .bind(from)
    .bind(to)
    .fetch_optional(&emu.db)
    .await?;
    let data: Vec<Value> = row
        .into_iter()
        .map(|r| {
            let ret_code = match r.ret_code {
                0 => 0,
                RUNNING => 1,
                _ => -1,
            };
            json!({
                "FunctionName": r.function_name, "RetMsg": r.ret_msg,
                "RequestId": r.request_id.to_string(), "StartTime": cloud_time(r.start_time),
                "RetCode": ret_code, "Duration": r.duration_ms, "MemUsage": r.mem_usage,
                "RetryNum": r.retry_num,
            })
        })
        .collect();
    Ok(json!({ "TotalCount": data.len(), "Data": data }))
}

/// Parses `YYYY-MM-DD HH:MM:SS`, Beijing time, as the SCF API writes times.
pub fn parse_cloud_time(text: &str) -> Option<OffsetDateTime> {
    let (date, clock) = text.trim().split_once(' ')?;
    let mut d = date.split('-').map(str::parse::<u32>);
    let mut c = clock.split(':').map(str::parse::<u8>);
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let (h, min, s) = (c.next()?.ok()?, c.next()?.ok()?, c.next()?.ok()?);
    if d.next().is_some() || c.next().is_some() {
        return None;
    }
    let date = time::Date::from_calendar_date(
        i32::try_from(y).ok()?,
        time::Month::try_from(u8::try_from(m).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let clock = time::Time::from_hms(h, min, s).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_offset(time::UtcOffset::from_hms(8, 0, 0).ok()?),
    )
}

/// The columns of [`LogRow`].
const LOG_COLUMNS: &str =
    "request_id, function_name, start_time, duration_ms, billed_ms, mem_usage, ret_code, ret_msg, log, retry_num";

/// A `FunctionRequestId` parameter as a request id.
fn request_id_param(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        ApiError::new(
            "InvalidParameterValue.FunctionRequestId",
            "FunctionRequestId is not a request id.",
        )
        .zh("FunctionRequestId 不是有效的请求 ID。")
    })
}

#[derive(sqlx::FromRow)]
struct LogRow {
    request_id: Uuid,
    function_name: String,
    start_time: OffsetDateTime,
    duration_ms: f64,
    billed_ms: i64,
    mem_usage: i64,
    ret_code: i32,
    ret_msg: String,
    log: String,
    retry_num: i32,
}

/// The log query's conditions. Only those asked for reach the SQL, so that each query
/// gets the plan its filters allow (RequestId by key, keyword through the trigram index).
struct LogFilter<'a> {
    account_id: i64,
    region: &'a str,
    function: &'a FunctionRow,
    from: OffsetDateTime,
    to: OffsetDateTime,
    request_id: Option<Uuid>,
    keyword: Option<&'a str>,
    /// A fixed SQL condition on `ret_code`.
    ret_filter: &'static str,
}

impl<'a> LogFilter<'a> {
    /// The function's key, which the invocations and their hourly counts share.
    fn push_function(&self, q: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>) {
        q.push("account_id = ")
            .push_bind(self.account_id)
            .push(" and region = ")
            .push_bind(self.region)
            .push(" and namespace = ")
            .push_bind(&self.function.namespace)
            .push(" and function_name = ")
            .push_bind(&self.function.function_name);
    }

    fn push(&self, q: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>) {
        self.push_function(q);
        q.push(" and start_time between ")
            .push_bind(self.from)
            .push(" and ")
            .push_bind(self.to);
        if let Some(id) = self.request_id {
            q.push(" and request_id = ").push_bind(id);
        }
        if let Some(keyword) = self.keyword {
            // The trigram index looks up the distinctive part only; the whole keyword is
            // then checked on the rows found (`log || ''` keeps it out of the index scan,
            // whose cost grows with the commonest trigram it reads).
            let token = index_token(keyword);
            q.push(" and log like ")
                .push_bind(like_pattern(token.unwrap_or(keyword)));
            if token.is_some() {
                q.push(" and (log || '') like ")
                    .push_bind(like_pattern(keyword));
            }
        }
        q.push(" and ").push(self.ret_filter);
    }

    /// The query counting the rows that match. A range over whole hours adds up their
    /// hourly counts and counts rows only before the first whole hour and from the end of
    /// the last; a RequestId or a keyword is counted row by row, as it matches a few.
    fn count(&self) -> sqlx::QueryBuilder<'a, sqlx::Postgres> {
        let mut q = sqlx::QueryBuilder::new("select ");
        let hours = whole_hours(self.from, self.to);
        match hours {
            Some((first, end)) if self.request_id.is_none() && self.keyword.is_none() => {
                q.push("(select coalesce(sum(n), 0)::bigint from emulator.scf_invocation_hourly where ");
                self.push_function(&mut q);
                q.push(" and hour >= ")
                    .push_bind(first)
                    .push(" and hour < ")
                    .push_bind(end)
                    .push(" and ")
                    .push(self.ret_filter)
                    .push(") + (select count(*) from emulator.scf_invocation where ");
                // Two counts, not one with `or`: each is an index-only scan, where `or`
                // gets a bitmap scan that reads the rows (at 10M rows, the page and its
                // count took 632 ms at p95 instead of 16).
                self.push(&mut q);
                q.push(" and start_time < ")
                    .push_bind(hour_start(first))
                    .push(") + (select count(*) from emulator.scf_invocation where ");
                self.push(&mut q);
                q.push(" and start_time >= ")
                    .push_bind(hour_start(end))
                    .push(")");
            }
            _ => {
                q.push("count(*) from emulator.scf_invocation where ");
                self.push(&mut q);
            }
        }
        q
    }
}

/// The whole hours within `from..=to`, as hours since the Unix epoch: the first and the
/// one after the last. `None` when there is none.
fn whole_hours(from: OffsetDateTime, to: OffsetDateTime) -> Option<(i64, i64)> {
    let from_secs = from.unix_timestamp() + i64::from(from.nanosecond() > 0);
    let first = from_secs.div_euclid(3600) + i64::from(from_secs.rem_euclid(3600) > 0);
    let end = to.unix_timestamp().div_euclid(3600);
    (first < end).then_some((first, end))
}

fn hour_start(hour: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + time::Duration::hours(hour)
}

/// The part of a keyword worth looking up in the trigram index: the start (up to
/// [`INDEX_CHARS`]) of its longest run of letters and digits, when the keyword has
/// more. A TaskId such as `1250000000-WorkflowTask-7ffc2fa46fbc98fb9794` has a random
/// part whose trigrams are rare, and parts found in nearly every log; looking those up
/// reads posting lists as long as the table (45 ms at a million rows instead of 3).
/// Each trigram looked up costs a posting list, and six random ones already single out
/// a row among ten million (20 characters: 28 ms there; 8: 11 ms).
fn index_token(keyword: &str) -> Option<&str> {
    let run = keyword
        .split(|c: char| !c.is_alphanumeric())
        .max_by_key(|t| t.chars().count())?;
    let end = run
        .char_indices()
        .nth(INDEX_CHARS)
        .map_or(run.len(), |(i, _)| i);
    let token = &run[..end];
    (token.chars().count() >= 3 && token.len() < keyword.len()).then_some(token)
}

/// How much of a keyword's distinctive part goes to the trigram index.
const INDEX_CHARS: usize = 8;

/// A LIKE pattern matching text that contains `keyword` literally.
pub(super) fn like_pattern(keyword: &str) -> String {
    let mut pattern = String::with_capacity(keyword.len() + 2);
    pattern.push('%');
    for c in keyword.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// `GetFunctionLogs`: invocations of a function by time range, RequestId and outcome.
pub async fn get_function_logs(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    // Types first, as the cloud checks them: a RetCode of another type (a number, an
    // object) is refused below, not ignored.
    let ret_code = match params.get("Filter") {
        None | Some(Value::Null) => None,
        Some(Value::Object(filter)) => match filter.get("RetCode") {
            None | Some(Value::Null) => None,
            Some(Value::String(code)) => Some(code.as_str()),
            Some(_) => Some(""),
        },
        Some(_) => {
            return Err(ApiError::new(
                "InvalidParameter",
                "The parameter Filter must be an object.",
            ))
        }
    };
    let function = find_function(emu, account_id, region, params).await?;
    let (offset, limit) = paging(params)?;
    if offset.saturating_add(limit) > 10_000 {
        return Err(ApiError::new(
            "LimitExceeded.Offset",
            "Offset + Limit may be at most 10000.",
        ));
    }
    let order = match opt_str(params, "Order")?
        .unwrap_or("desc")
        .to_ascii_lowercase()
        .as_str()
    {
        "desc" => "desc",
        "asc" => "asc",
        _ => {
            return Err(ApiError::new(
                "InvalidParameterValue.Order",
                "Order must be desc or asc.",
            ))
        }
    };
    let order_by = match opt_str(params, "OrderBy")?.unwrap_or("start_time") {
        "start_time" => "start_time",
        "duration" => "duration_ms",
        "mem_usage" => "mem_usage",
        "function_name" => "function_name",
        _ => {
            return Err(ApiError::new(
                "InvalidParameterValue.OrderBy",
                "OrderBy must be function_name, duration, mem_usage or start_time.",
            ))
        }
    };
    let ret_filter = match ret_code {
        None => "true",
        Some("is0") => "ret_code = 0",
        Some("not0") => "ret_code <> 0",
        Some("TimeLimitExceeded") => "ret_code = 433",
        Some("ResourceLimitExceeded") => "ret_code = 434",
        Some("UserCodeException") => "ret_code = 430",
        Some(_) => return Err(ApiError::new("InvalidParameterValue.RetCode", "Filter.RetCode must be is0, not0, TimeLimitExceeded, ResourceLimitExceeded or UserCodeException.")),
    };
    let bad_time = || {
        ApiError::new(
            "InvalidParameterValue.StartTimeOrEndTime",
            "StartTime and EndTime are YYYY-MM-DD HH:MM:SS, StartTime first.",
        )
    };
    let now = OffsetDateTime::now_utc();
    let (from, to) = match (opt_str(params, "StartTime")?, opt_str(params, "EndTime")?) {
        (None, None) => (now - time::Duration::days(1), now),
        (Some(a), Some(b)) => {
            let (a, b) = (
                parse_cloud_time(a).ok_or_else(bad_time)?,
                parse_cloud_time(b).ok_or_else(bad_time)?,
            );
            if a > b {
                return Err(bad_time());
            }
            if b - a > time::Duration::days(1) {
                return Err(ApiError::new(
                    "InvalidParameterValue.StartTimeOrEndTime",
                    "StartTime and EndTime may be at most one day apart.",
                ));
            }
            (a, b)
        }
        _ => return Err(bad_time()),
    };
    let request_filter = opt_str(params, "FunctionRequestId")?
        .map(request_id_param)
        .transpose()?;
    // SearchContext.Keyword: text the log must contain (CLS's full-text search, simplified).
    let keyword = params
        .get("SearchContext")
        .and_then(|c| c.get("Keyword"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    let filter = LogFilter {
        account_id,
        region,
        function: &function,
        from,
        to,
        request_id: request_filter,
        keyword: keyword.as_deref(),
        ret_filter,
    };
    let mut select = sqlx::QueryBuilder::new(format!(
        "select {LOG_COLUMNS} from emulator.scf_invocation where "
    ));
    filter.push(&mut select);
    // `order_by` and `order` come from the fixed lists above.
    select.push(format!(" order by {order_by} {order}, request_id offset "));
    select.push_bind(offset).push(" limit ").push_bind(limit);
    let rows: Vec<LogRow> = select.build_query_as().fetch_all(&emu.db).await?;
    let total = match page_total(offset, limit, rows.len()) {
        Some(total) => total,
        None => {
            filter
                .count()
                .build_query_scalar()
                .fetch_one(&emu.db)
                .await?
        }
    };
    let data: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            json!({
                "FunctionName": r.function_name, "RetMsg": r.ret_msg,
                "RequestId": r.request_id.to_string(), "StartTime": cloud_time(r.start_time),
                "RetCode": r.ret_code, "InvokeFinished": i32::from(r.ret_code != RUNNING), "Duration": r.duration_ms,
                "BillDuration": r.billed_ms, "MemUsage": r.mem_usage, "Log": r.log,
                "Level": "", "Source": "", "RetryNum": r.retry_num,
            })
        })
        .collect();
    Ok(json!({
        "TotalCount": total, "Data": data,
        "SearchContext": {"Offset": "", "Limit": 0, "Keyword": keyword.unwrap_or_default(), "Type": ""},
    }))
}

/// The total a page of `len` rows at `offset` shows without counting: a page that is not
/// full ends the list. A search by RequestId or keyword matches a row or two, and its
/// count would cost as much as the search itself (the trigram index is walked again).
fn page_total(offset: i64, limit: i64, len: usize) -> Option<i64> {
    let len = i64::try_from(len).ok()?;
    (len < limit && (len > 0 || offset == 0)).then_some(offset + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_page_gives_the_total_and_a_full_or_empty_one_does_not() {
        assert_eq!(page_total(0, 20, 0), Some(0));
        assert_eq!(page_total(0, 20, 1), Some(1));
        assert_eq!(page_total(40, 20, 7), Some(47));
        assert_eq!(page_total(0, 20, 20), None);
        assert_eq!(page_total(40, 20, 0), None);
    }

    #[test]
    fn whole_hours_lie_within_the_range() {
        let at = |s: i64, ns: u32| {
            OffsetDateTime::from_unix_timestamp(s).unwrap() + time::Duration::nanoseconds(ns.into())
        };
        // 03:00:00 ..= 05:00:00: hours 3 and 4.
        assert_eq!(whole_hours(at(3 * 3600, 0), at(5 * 3600, 0)), Some((3, 5)));
        // 03:00:00.5 ..= 05:59:59: hour 4 only.
        assert_eq!(
            whole_hours(at(3 * 3600, 500_000_000), at(6 * 3600 - 1, 0)),
            Some((4, 5))
        );
        // 02:59:59 ..= 04:00:00: hour 3.
        assert_eq!(
            whole_hours(at(3 * 3600 - 1, 0), at(4 * 3600, 0)),
            Some((3, 4))
        );
        // Less than a whole hour.
        assert_eq!(whole_hours(at(3 * 3600 + 1, 0), at(4 * 3600, 0)), None);
        assert_eq!(whole_hours(at(3 * 3600, 0), at(3 * 3600, 0)), None);
        // Before 1970.
        assert_eq!(whole_hours(at(-2 * 3600, 0), at(0, 0)), Some((-2, 0)));
        assert_eq!(hour_start(5), at(5 * 3600, 0));
    }

    #[test]
    fn parses_cloud_times() {
        let t = parse_cloud_time("2026-11-25 09:31:00").expect("valid");
        assert_eq!(t.unix_timestamp(), 1_795_570_260);
        assert_eq!(cloud_time(t), "2026-11-25 09:31:00");
        for bad in [
            "",
            "2026-11-25",
            "2026-13-01 00:00:00",
            "2026-11-25 25:00:00",
            "2026-11-25 01:02:03:04",
            "x-y-z a:b:c",
        ] {
            assert!(parse_cloud_time(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_index_looks_up_a_keywords_distinctive_part() {
        assert_eq!(
            index_token("1250000000-WorkflowTask-7ffc2fa46fbc98fb9794"),
            Some("7ffc2fa4")
        );
        assert_eq!(index_token("summary stored"), Some("summary"));
        assert_eq!(index_token("ConnectionRefused"), Some("Connecti"));
        assert_eq!(index_token("任务超时了吗-x"), Some("任务超时了吗"));
        // A keyword that is one short run, or has no run of three, is looked up whole.
        assert_eq!(index_token("timeout"), None);
        assert_eq!(index_token("a-b"), None);
    }

    #[test]
    fn keywords_match_literally() {
        assert_eq!(like_pattern("task-1"), "%task-1%");
        assert_eq!(like_pattern(r"50%_a\b"), r"%50\%\_a\\b%");
    }
}
