//! The log query on Tencent Cloud, where SCF's `GetFunctionLogs` is retired and function
//! logs live in CLS: `SearchLog` over the function's log topic (`GetFunction.ClsTopicId`).
//! Each invocation is a run of lines there; its Report line carries the outcome, duration
//! and memory, so a page is the Report lines that match, then all lines of those
//! invocations. CLS does not count matches, so the page says only whether more follow.
use std::collections::HashMap;

use app::api::cloud_types::{LogPage, LogRow};
use app::error::AppError;
use app::ssr::LogQuery;
use serde_json::Value;

use super::functions::fn_ref;
use super::logs::cloud_time;
use super::Session;
use crate::cloud::actions::cls::{SearchLogRequest, SearchLogResponse};
use crate::cloud::actions::Api;
use crate::error::AppResult;

/// Lines a keyword search reads to find its invocations (newest first).
const KEYWORD_LINES: u32 = 1000;

/// Lines read for one page of invocations' logs.
const PAGE_LINES: u32 = 1000;

/// A value quoted for CQL.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `(SCF_RequestId:"a" OR SCF_RequestId:"b" …)`.
fn any_request(ids: &[String]) -> String {
    let terms: Vec<String> = ids
        .iter()
        .map(|id| format!("SCF_RequestId:{}", quote(id)))
        .collect();
    format!("({})", terms.join(" OR "))
}

/// A field of a line's `LogJson`; CLS gives numbers as strings, and either is read.
fn field<'a>(line: &'a Value, name: &str) -> Option<&'a Value> {
    line.get(name).filter(|v| !v.is_null())
}

fn text(line: &Value, name: &str) -> String {
    match field(line, name) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn number(line: &Value, name: &str) -> Option<f64> {
    match field(line, name)? {
        Value::String(s) => s.trim().parse().ok(),
        v => v.as_f64(),
    }
}

/// The text after `key` in a line, up to the next space (`BilledDuration:13ms` → `13ms`).
fn after<'a>(message: &'a str, key: &str) -> Option<&'a str> {
    let at = message.find(key)? + key.len();
    message[at..].split_whitespace().next()
}

struct Search<'a> {
    api: Api<'a>,
    topic: String,
    from: i64,
    to: i64,
}

impl Search<'_> {
    async fn lines(
        &self,
        statement: String,
        limit: u32,
        offset: u32,
        sort: &str,
    ) -> AppResult<(Vec<Value>, bool)> {
        let req = SearchLogRequest {
            topic_id: self.topic.clone(),
            from: self.from,
            to: self.to,
            query_string: statement,
            query_syntax: 1,
            limit,
            offset,
            sort: sort.to_owned(),
        };
        let res: SearchLogResponse = self.api.search_log(&req).await?;
        let lines = res
            .results
            .into_iter()
            .filter_map(|r| serde_json::from_str::<Value>(&r.log_json).ok())
            .collect();
        Ok((lines, !res.list_over))
    }
}

pub(super) async fn query(s: &Session<'_>, q: LogQuery) -> AppResult<LogPage> {
    let f = &q.function;
    let api = s.api(&f.region);
    let topic = api.get_function(&fn_ref(f)).await?.cls_topic_id;
    if topic.is_empty() {
        return Err(AppError::Conflict {
            code: "logs_no_topic".to_owned(),
        });
    }
    let search = Search {
        api,
        topic,
        from: q.start.saturating_mul(1000),
        // The range is in whole seconds; its last second counts whole.
        to: q.end.saturating_mul(1000).saturating_add(999),
    };
    let mut scope = format!(
        "SCF_Namespace:{} AND SCF_FunctionName:{}",
        quote(&f.namespace),
        quote(&f.name)
    );
    if !q.request_id.is_empty() {
        scope.push_str(&format!(" AND SCF_RequestId:{}", quote(&q.request_id)));
    }
    let mut reports = format!("{scope} AND SCF_Type:Platform AND SCF_Message:Report*");
    match q.outcome.as_str() {
        "success" => reports.push_str(" AND SCF_StatusCode:200"),
        "failure" => reports.push_str(" AND NOT SCF_StatusCode:200"),
        _ => {}
    }
    let offset = (q.page - 1).saturating_mul(q.page_size);
    let (reports, more) = if q.keyword.is_empty() {
        search.lines(reports, q.page_size, offset, "desc").await?
    } else {
        // The invocations with a line holding the keyword, newest first.
        let statement = format!("{scope} AND {}", quote(&q.keyword));
        let (hits, truncated) = search.lines(statement, KEYWORD_LINES, 0, "desc").await?;
        let mut ids: Vec<String> = Vec::new();
        for hit in &hits {
            let id = text(hit, "SCF_RequestId");
            if !id.is_empty() && !ids.contains(&id) {
                ids.push(id);
            }
        }
        let start = (offset as usize).min(ids.len());
        let end = (start + q.page_size as usize).min(ids.len());
        let page_ids = &ids[start..end];
        if page_ids.is_empty() {
            (Vec::new(), false)
        } else {
            let statement = format!("{reports} AND {}", any_request(page_ids));
            let (found, _) = search.lines(statement, q.page_size, 0, "desc").await?;
            (found, end < ids.len() || truncated)
        }
    };
    let ids: Vec<String> = reports.iter().map(|r| text(r, "SCF_RequestId")).collect();
    let mut logs: HashMap<String, Vec<String>> = HashMap::new();
    if !ids.is_empty() {
        let statement = format!("{scope} AND {}", any_request(&ids));
        let (lines, _) = search.lines(statement, PAGE_LINES, 0, "asc").await?;
        for line in lines {
            logs.entry(text(&line, "SCF_RequestId"))
                .or_default()
                .push(text(&line, "SCF_Message"));
        }
    }
    let items = reports
        .iter()
        .map(|report| {
            row(
                report,
                logs.remove(&text(report, "SCF_RequestId"))
                    .unwrap_or_default(),
            )
        })
        .collect();
    Ok(LogPage {
        total: None,
        more,
        items,
        start: cloud_time(q.start),
        end: cloud_time(q.end),
    })
}

/// An invocation from its Report line and all its lines.
fn row(report: &Value, lines: Vec<String>) -> LogRow {
    let message = text(report, "SCF_Message");
    let duration_ms = number(report, "SCF_Duration").unwrap_or_default();
    let billed_ms = after(&message, "BilledDuration:")
        .and_then(|v| v.trim_end_matches("ms").parse::<i64>().ok())
        .unwrap_or(duration_ms.ceil() as i64);
    let ret_code = match number(report, "SCF_StatusCode") {
        Some(200.0) => 0,
        Some(code) => code as i64,
        None => -1,
    };
    // The return value (Response) or the error (ERROR), as SCF writes them.
    let ret_msg = lines
        .iter()
        .find_map(|l| {
            let key = if l.starts_with("Response RequestId:") {
                "RetMsg:"
            } else if l.starts_with("ERROR RequestId:") {
                "Result:"
            } else {
                return None;
            };
            l.find(key).map(|at| l[at + key.len()..].to_owned())
        })
        .unwrap_or_default();
    let start_ms = number(report, "SCF_StartTime").unwrap_or_default() as i64;
    LogRow {
        request_id: text(report, "SCF_RequestId"),
        start_time: cloud_time(start_ms / 1000),
        ret_code,
        ret_msg,
        duration_ms,
        billed_ms,
        memory_bytes: (number(report, "SCF_MemUsage").unwrap_or_default() * 1_048_576.0) as i64,
        retry_num: number(report, "SCF_RetryNum").unwrap_or_default() as i64,
        log: lines.join("\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_for_cql() {
        assert_eq!(quote("MPSAnalysis"), r#""MPSAnalysis""#);
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            any_request(&["x".into(), "y".into()]),
            r#"(SCF_RequestId:"x" OR SCF_RequestId:"y")"#
        );
    }

    #[test]
    fn a_row_from_its_report_and_lines() {
        let report = serde_json::json!({
            "SCF_RequestId": "r1", "SCF_StartTime": "1700000000000", "SCF_Duration": "12",
            "SCF_MemUsage": "3.00", "SCF_StatusCode": "200",
            "SCF_Message": "Report RequestId: r1 Duration:12.40ms BilledDuration:13ms Memory:128MB MemUsage:3.00MB",
        });
        let lines = vec![
            "START RequestId: r1".to_owned(),
            "hello".to_owned(),
            r#"Response RequestId:r1 RetMsg:"ok""#.to_owned(),
        ];
        let row = row(&report, lines);
        assert_eq!(row.ret_code, 0);
        assert_eq!(row.billed_ms, 13);
        assert_eq!(row.memory_bytes, 3 * 1_048_576);
        assert_eq!(row.ret_msg, r#""ok""#);
        assert_eq!(row.start_time, "2023-11-15 06:13:20");
        assert_eq!(row.log.lines().count(), 3);
        let failed = serde_json::json!({"SCF_StatusCode": 433, "SCF_Duration": 3000.5, "SCF_Message": "Report"});
        let row = super::row(
            &failed,
            vec!["ERROR RequestId:r2 Result:timeout".to_owned()],
        );
        assert_eq!(
            (row.ret_code, row.billed_ms, row.ret_msg.as_str()),
            (433, 3001, "timeout")
        );
    }
}
