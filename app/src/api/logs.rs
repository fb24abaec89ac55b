//! The log query of a function, and the team's audit log.
// Server functions take one argument per form field; the macro's generated functions
// do not inherit an item-level allow.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;

use super::cloud_types::{AuditPage, LogPage};
use crate::error::AppError;

/// Invocations per page of the log query.
pub const PAGE_SIZE: u32 = 20;

/// The time-range presets of the log query, in seconds back from now.
pub const RANGES: [(&str, i64); 3] = [("15m", 15 * 60), ("1h", 3600), ("1d", MAX_SPAN)];

/// What the log query can keep to: every invocation, or those that succeeded or failed.
pub const OUTCOMES: [&str; 3] = ["all", "success", "failure"];

/// The longest range one query may cover: `GetFunctionLogs` takes at most a day.
pub const MAX_SPAN: i64 = 86_400;

/// The deepest page: `GetFunctionLogs` serves at most Offset + Limit = 10000.
pub const MAX_PAGE: u32 = 10_000 / PAGE_SIZE;

/// Invocations of a function. `range` is a preset from [`RANGES`] or `custom`, which takes
/// `start` and `end` (Unix seconds); `outcome` is `all`, `success` or `failure`;
/// `keyword` is text the log must contain (an MPS TaskId, say).
#[server(prefix = "/api", endpoint = "function_logs", output = crate::api::encoding::TextJson)]
pub async fn function_logs(
    rid: u32,
    ns: String,
    name: String,
    range: String,
    start: i64,
    end: i64,
    request_id: String,
    keyword: String,
    outcome: String,
    page: u32,
) -> Result<LogPage, AppError> {
    use crate::ssr::{function_call, status, LogQuery};
    let now = time_now();
    let (start, end) = match RANGES.iter().find(|(k, _)| *k == range) {
        Some((_, secs)) => (now - secs, now),
        None if range == "custom" => {
            // 0 is what the page sends for an empty or unreadable field.
            if start <= 0 {
                return status(Err(AppError::invalid("start", "range_incomplete")));
            }
            if end <= 0 {
                return status(Err(AppError::invalid("end", "range_incomplete")));
            }
            if end <= start {
                return status(Err(AppError::invalid("start", "range_invalid")));
            }
            if end - start > MAX_SPAN {
                return status(Err(AppError::invalid("end", "range_too_long")));
            }
            // Nothing is logged in the future; a day of slack covers clocks that differ.
            if end > now + MAX_SPAN {
                return status(Err(AppError::invalid("end", "range_future")));
            }
            (start, end)
        }
        None => return status(Err(AppError::invalid("range", "range_invalid"))),
    };
    if !OUTCOMES.contains(&outcome.as_str()) {
        return status(Err(AppError::invalid("outcome", "outcome_unknown")));
    }
    let request_id = request_id.trim().to_owned();
    // SCF's request ids are UUIDs; anything else is said by the field, not by the cloud.
    if !request_id.is_empty() && uuid::Uuid::parse_str(&request_id).is_err() {
        return status(Err(AppError::invalid("request_id", "request_id_invalid")));
    }
    let keyword = keyword.trim().to_owned();
    if keyword.chars().count() > 200 {
        return status(Err(AppError::invalid("keyword", "keyword_too_long")));
    }
    let (cloud, req, function) = function_call(rid, ns, name)?;
    let q = LogQuery {
        function,
        start,
        end,
        request_id,
        keyword,
        outcome,
        page: page.clamp(1, MAX_PAGE),
        page_size: PAGE_SIZE,
    };
    status(cloud.function_logs(&req, q).await)
}

/// Now in Unix seconds, rounded up: the cloud takes whole seconds, and a range ending at
/// the second begun would leave out what was logged in it (a task just run, say).
#[cfg(feature = "ssr")]
fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64 + i64::from(d.subsec_nanos() > 0))
        .unwrap_or_default()
}

/// The team's audit log, newest first, 50 per page.
#[server(prefix = "/api", endpoint = "audit_log", output = crate::api::encoding::TextJson)]
pub async fn audit_log(page: u32) -> Result<AuditPage, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.audit_log(&req, page.max(1)).await)
}
