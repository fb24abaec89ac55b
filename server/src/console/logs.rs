//! The log query of a function, and the team's audit log.
use app::api::cloud_types::{AuditPage, AuditRow, LogPage, LogRow};
use app::api::types::Role;
use app::ssr::{LogQuery, Req};
use time::{OffsetDateTime, UtcOffset};

use super::functions::fn_ref;
use super::{CloudConsole, Session};
use crate::cloud::actions::scf::{GetFunctionLogsRequest, LogFilter, LogSearch};
use crate::cloud::client::Endpoint;
use crate::db::audit_event;
use crate::error::{AppResult, OrInternal};

/// Audit entries per page.
const AUDIT_PAGE: i64 = 50;

/// `YYYY-MM-DD HH:MM:SS` in Beijing time, as SCF's log API takes times.
pub fn cloud_time(unix: i64) -> String {
    let beijing = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    // The query's bounds are checked before; the epoch stands in for what `time` cannot hold.
    let t = OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.checked_to_offset(beijing))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub(super) async fn query(s: &Session<'_>, q: LogQuery) -> AppResult<LogPage> {
    // Tencent Cloud answers `GetFunctionLogs` no more; the emulator does, and counts.
    if s.endpoint == Endpoint::Tencent {
        return super::logs_cls::query(s, q).await;
    }
    let f = &q.function;
    let (start, end) = (cloud_time(q.start), cloud_time(q.end));
    let filter = match q.outcome.as_str() {
        "success" => Some("is0"),
        "failure" => Some("not0"),
        _ => None,
    };
    let mut request = GetFunctionLogsRequest {
        offset: (q.page - 1).saturating_mul(q.page_size),
        limit: q.page_size,
        order: Some("desc".to_owned()),
        order_by: Some("start_time".to_owned()),
        filter: filter.map(|c| LogFilter {
            ret_code: c.to_owned(),
        }),
        function_request_id: (!q.request_id.is_empty()).then(|| q.request_id.clone()),
        start_time: Some(start.clone()),
        end_time: Some(end.clone()),
        search_context: (!q.keyword.is_empty()).then(|| LogSearch {
            keyword: q.keyword.clone(),
        }),
        ..GetFunctionLogsRequest::default()
    };
    let r = fn_ref(f);
    request.function_name = r.function_name;
    request.namespace = r.namespace;
    let res = s.api(&f.region).get_function_logs(&request).await?;
    let shown = u64::from(q.page).saturating_mul(u64::from(q.page_size));
    Ok(LogPage {
        total: Some(res.total_count),
        more: shown < res.total_count,
        items: res
            .data
            .into_iter()
            .map(|l| LogRow {
                request_id: l.request_id,
                start_time: l.start_time,
                ret_code: l.ret_code,
                ret_msg: l.ret_msg,
                duration_ms: l.duration,
                billed_ms: l.bill_duration,
                memory_bytes: l.mem_usage,
                log: l.log,
                retry_num: l.retry_num,
            })
            .collect(),
        start,
        end,
    })
}

pub(super) async fn audit(c: &CloudConsole, req: &Req, page: u32) -> AppResult<AuditPage> {
    let actor = c.backend.actor(req, Role::Viewer).await?;
    let offset = i64::from(page.saturating_sub(1)) * AUDIT_PAGE;
    // One row more than a page tells whether there is a next one.
    let mut rows = audit_event::page(c.backend.db(), actor.team_id, offset, AUDIT_PAGE + 1)
        .await
        .internal()?;
    let more = rows.len() as i64 > AUDIT_PAGE;
    rows.truncate(AUDIT_PAGE as usize);
    let rows = rows
        .into_iter()
        .map(|r| AuditRow {
            at: r.at.unix_timestamp(),
            actor: r.actor.unwrap_or_default(),
            action: r.action,
            target: r.target,
            region: r.region,
            request_id: r.request_id,
        })
        .collect();
    Ok(AuditPage { rows, more })
}

#[cfg(test)]
mod tests {
    #[test]
    fn beijing_time() {
        assert_eq!(super::cloud_time(0), "1970-01-01 08:00:00");
        assert_eq!(super::cloud_time(1_700_000_000), "2023-11-15 06:13:20");
    }
}
