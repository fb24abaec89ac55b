//! CLS (`cls`, 2020-10-16) `SearchLog` over the functions' invocation logs, as SCF writes
//! them to CLS: each region has one log topic for the account's functions, and each
//! invocation is a run of log lines (START, the function's output, Response or ERROR,
//! END, Report) with the `SCF_*` fields.
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::api::{opt_i64, opt_str, service_region, ApiError};
use super::scf::scf_region;
use super::verify::CallContext;
use super::Emulator;
use cloud_wire::cls_query::{self, FieldValue, Line, Match, Query, QueryError};

/// The CLS API version this module speaks.
pub const VERSION: &str = "2020-10-16";

/// Invocations read from the database at a time while searching.
const BATCH: i64 = 500;

/// Invocations one search reads at most before giving up with `SearchTimeout`.
const SCAN_LIMIT: i64 = 20_000;

/// CLS keeps at most this much of a line's `SCF_Message`.
const MESSAGE_MAX: usize = 8 * 1024;

/// How long before `From` an invocation may have started and still log after it (SCF's
/// longest timeout).
const LONGEST_RUN_SECS: i64 = 900;

/// The account's log topic in `region`, where its functions' logs go
/// (`GetFunction.ClsTopicId`).
pub fn topic_id(account_id: i64, region: &str) -> String {
    derived_id("topic", account_id, region)
}

/// The log set holding [`topic_id`] (`GetFunction.ClsLogsetId`).
pub fn logset_id(account_id: i64, region: &str) -> String {
    derived_id("logset", account_id, region)
}

/// A stable id for one account and region: no table to keep, and the same after a restart.
fn derived_id(kind: &str, account_id: i64, region: &str) -> String {
    let digest = Sha256::digest(format!("cls-{kind}/{account_id}/{region}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn topic_name(region: &str) -> String {
    format!("SCF_logtopic_{region}")
}

/// Dispatches a CLS action.
pub async fn handle(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    // SCF's logs are searchable where SCF runs.
    let region = service_region(ctx, "CLS", scf_region)?;
    match ctx.action.as_str() {
        "SearchLog" => search_log(emu, ctx.account_id, region, params).await,
        other => Err(ApiError::new(
            "InvalidAction",
            format!("The action {other} is not supported by service cls."),
        )),
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameter", message).zh("参数错误。")
}

/// A search's parameters once read.
struct Search {
    from_ms: i64,
    to_ms: i64,
    query: Query,
    desc: bool,
    offset: i64,
    limit: i64,
    /// What a `Context` token is bound to: the same search with another offset.
    fingerprint: u64,
}

fn read_search(account_id: i64, region: &str, params: &Value) -> Result<Search, ApiError> {
    if params.get("Topics").is_some_and(|t| !t.is_null()) {
        return Err(invalid(
            "Topics is not emulated: search the region's one topic with TopicId.",
        ));
    }
    let topic = opt_str(params, "TopicId")?.ok_or_else(|| {
        ApiError::new("MissingParameter", "TopicId is required.").zh("缺少参数错误。")
    })?;
    if topic != topic_id(account_id, region) {
        return Err(ApiError::new(
            "ResourceNotFound.TopicNotExist",
            "The log topic does not exist.",
        )
        .zh("日志主题不存在。"));
    }
    let required_ms = |name: &str| -> Result<i64, ApiError> {
        opt_i64(params, name)?.ok_or_else(|| {
            ApiError::new("MissingParameter", format!("{name} is required (Unix ms)."))
                .zh("缺少参数错误。")
        })
    };
    let (from_ms, to_ms) = (required_ms("From")?, required_ms("To")?);
    if from_ms < 0 || to_ms < from_ms {
        return Err(invalid("From and To are Unix times in ms, From first."));
    }
    // QueryString (CQL unless QuerySyntax says 0); the deprecated Query and SyntaxRule
    // still work. Both syntaxes read the same here.
    let statement = match opt_str(params, "QueryString")? {
        Some(q) => q,
        None => opt_str(params, "Query")?.unwrap_or(""),
    };
    if statement.len() > 12 * 1024 {
        return Err(invalid("The search statement is longer than 12 KB."));
    }
    for name in ["QuerySyntax", "SyntaxRule"] {
        if !matches!(opt_i64(params, name)?, None | Some(0 | 1)) {
            return Err(invalid(format!("{name} is 0 (Lucene) or 1 (CQL).")));
        }
    }
    let query = cls_query::parse(statement).map_err(|e| match e {
        QueryError::Syntax(why) => ApiError::new(
            "FailedOperation.SyntaxError",
            format!("An error occurred while parsing the query statement: {why}."),
        )
        .zh(format!("查询语句解析错误：{why}。")),
        QueryError::Analysis => ApiError::new(
            "FailedOperation.QueryError",
            "The query statement failed to run: SQL analysis (| select …) is not emulated.",
        )
        .zh("查询语句运行失败：模拟器不支持 SQL 分析（| select …）。"),
    })?;
    let desc = match opt_str(params, "Sort")?.unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        _ => return Err(invalid("Sort is asc or desc.")),
    };
    let limit = opt_i64(params, "Limit")?.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(invalid("Limit is 1 to 1000."));
    }
    let fingerprint_input =
        format!("{account_id}/{region}/{from_ms}/{to_ms}/{desc}/{limit}/{statement}");
    let fingerprint = u64::from_be_bytes(
        Sha256::digest(fingerprint_input.as_bytes())[..8]
            .try_into()
            .unwrap_or_default(),
    );
    let offset = opt_i64(params, "Offset")?;
    let context = opt_str(params, "Context")?.filter(|c| !c.is_empty());
    let offset = match (offset, context) {
        (Some(_), Some(_)) => return Err(invalid("Offset and Context cannot be used together.")),
        (Some(o), None) if o < 0 => return Err(invalid("Offset is 0 or more.")),
        (Some(o), None) => o,
        (None, Some(c)) => context_offset(c, fingerprint).ok_or_else(|| {
            ApiError::new(
                "FailedOperation.InvalidContext",
                "The search cursor is invalid or does not exist.",
            )
            .zh("检索游标已失效或不存在。")
        })?,
        (None, None) => 0,
    };
    Ok(Search {
        from_ms,
        to_ms,
        query,
        desc,
        offset,
        limit,
        fingerprint,
    })
}

/// The `Context` that continues a search at `offset`.
fn context_token(offset: i64, fingerprint: u64) -> String {
    format!("{offset:x}-{fingerprint:016x}")
}

fn context_offset(token: &str, fingerprint: u64) -> Option<i64> {
    let (offset, print) = token.split_once('-')?;
    (u64::from_str_radix(print, 16).ok()? == fingerprint)
        .then(|| i64::from_str_radix(offset, 16).ok())
        .flatten()
        .filter(|o| *o >= 0)
}

#[derive(sqlx::FromRow)]
struct Invocation {
    request_id: Uuid,
    namespace: String,
    function_name: String,
    start_time: OffsetDateTime,
    duration_ms: f64,
    mem_usage: i64,
    ret_code: i32,
    ret_msg: String,
    err_msg: String,
    log: String,
    retry_num: i32,
}

/// One log line of an invocation, with the fields CLS indexes.
struct LogLine<'a> {
    inv: &'a Invocation,
    /// The RequestId as text.
    id: &'a str,
    message: String,
    platform: bool,
    /// Whether the invocation's outcome is known on this line (Response or ERROR and
    /// after).
    finished: bool,
    time_ms: i64,
}

impl LogLine<'_> {
    fn status_code(&self) -> f64 {
        match (self.finished, self.inv.ret_code) {
            // 202: the request is still running when the line is written.
            (false, _) => 202.0,
            (true, 0) => 200.0,
            (true, code) => f64::from(code),
        }
    }

    fn start_ms(&self) -> i64 {
        unix_ms(self.inv.start_time)
    }

    fn mem_mb(&self) -> f64 {
        if self.finished {
            self.inv.mem_usage as f64 / 1_048_576.0
        } else {
            0.0
        }
    }

    fn duration(&self) -> f64 {
        if self.finished {
            self.inv.duration_ms.round()
        } else {
            0.0
        }
    }

    fn kind(&self) -> &'static str {
        if self.platform {
            "Platform"
        } else {
            "Custom"
        }
    }

    /// `LogJson`: the 14 fields of SCF's default log format, as strings (as CLS gives them).
    fn json(&self) -> String {
        json!({
            "SCF_FunctionName": self.inv.function_name,
            "SCF_Namespace": self.inv.namespace,
            "SCF_StartTime": self.start_ms().to_string(),
            "SCF_LogTime": (i128::from(self.time_ms) * 1_000_000).to_string(),
            "SCF_RequestId": self.id,
            "SCF_Duration": self.duration().to_string(),
            "SCF_Alias": "",
            "SCF_Qualifier": "$LATEST",
            "SCF_MemUsage": format!("{:.2}", self.mem_mb()),
            "SCF_Level": "INFO",
            "SCF_Message": self.message,
            "SCF_Type": self.kind(),
            "SCF_StatusCode": self.status_code().to_string(),
            "SCF_RetryNum": self.inv.retry_num.to_string(),
        })
        .to_string()
    }
}

impl Line for LogLine<'_> {
    fn field(&self, name: &str) -> Option<FieldValue<'_>> {
        Some(match name {
            "SCF_FunctionName" => FieldValue::Text(&self.inv.function_name),
            "SCF_Namespace" => FieldValue::Text(&self.inv.namespace),
            "SCF_RequestId" => FieldValue::Text(self.id),
            "SCF_Message" => FieldValue::Text(&self.message),
            "SCF_Type" => FieldValue::Text(self.kind()),
            "SCF_Level" => FieldValue::Text("INFO"),
            "SCF_Qualifier" => FieldValue::Text("$LATEST"),
            "SCF_Alias" => FieldValue::Text(""),
            "SCF_StatusCode" => FieldValue::Number(self.status_code()),
            "SCF_Duration" => FieldValue::Number(self.duration()),
            "SCF_MemUsage" => FieldValue::Number(self.mem_mb()),
            "SCF_RetryNum" => FieldValue::Number(f64::from(self.inv.retry_num)),
            "SCF_StartTime" => FieldValue::Number(self.start_ms() as f64),
            "SCF_LogTime" => FieldValue::Number(self.time_ms as f64),
            _ => return None,
        })
    }

    fn text(&self) -> &str {
        &self.message
    }
}

fn unix_ms(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// An invocation's lines in the order written. The stored log holds START, the output,
/// the error if any, END and Report; the return value (`Response RequestId:… RetMsg:…`)
/// or the error (`ERROR RequestId:… Result:…`) goes before END, as SCF writes it to CLS.
fn lines<'a>(inv: &'a Invocation, id: &'a str) -> Vec<LogLine<'a>> {
    let start = unix_ms(inv.start_time);
    let end = start.saturating_add(inv.duration_ms.round() as i64);
    let mut out: Vec<LogLine<'a>> = Vec::new();
    let line = |message: &str, platform: bool, finished: bool, time_ms: i64| LogLine {
        inv,
        id,
        message: truncate(message),
        platform,
        finished,
        time_ms,
    };
    for text in inv.log.lines().filter(|l| !l.is_empty()) {
        let is = |prefix: &str| {
            text.strip_prefix(prefix)
                .is_some_and(|rest| rest.trim_start().starts_with("RequestId:"))
        };
        if is("START") {
            out.push(line(text, true, false, start));
        } else if is("END") {
            let result = if inv.ret_code == 0 {
                format!("Response RequestId:{id} RetMsg:{}", inv.ret_msg)
            } else {
                let error = if inv.err_msg.is_empty() {
                    &inv.ret_msg
                } else {
                    &inv.err_msg
                };
                format!("ERROR RequestId:{id} Result:{error}")
            };
            out.push(line(&result, true, true, end));
            out.push(line(text, true, true, end));
        } else if is("ERROR") {
            // The runtime's own ERROR line: written again, in CLS's format, before END.
            continue;
        } else if is("Report") {
            out.push(line(text, true, true, end));
        } else {
            out.push(line(text, false, false, start));
        }
    }
    out
}

/// At most [`MESSAGE_MAX`] bytes, cut on a character boundary.
fn truncate(text: &str) -> String {
    if text.len() <= MESSAGE_MAX {
        return text.to_owned();
    }
    let mut at = MESSAGE_MAX;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].to_owned()
}

/// Conditions of the statement that the database can apply first, so that a search reads
/// only the invocations that can match. Each is implied by the statement; the statement
/// is still checked on every line.
#[derive(Default)]
struct Narrowing {
    namespace: Option<String>,
    function_name: Option<String>,
    request_ids: Option<Vec<Uuid>>,
    ret_code: Option<i32>,
    /// Text a line, and so the stored log, contains (case-insensitively).
    text: Vec<String>,
}

fn narrowing(query: &Query) -> Narrowing {
    let mut n = Narrowing::default();
    for condition in query.required() {
        match condition {
            Query::Term(term) => match (term.field.as_deref(), &term.value) {
                (Some("SCF_Namespace"), Match::Is(v)) => n.namespace = Some(v.clone()),
                (Some("SCF_FunctionName"), Match::Is(v)) => n.function_name = Some(v.clone()),
                (Some("SCF_RequestId"), Match::Is(v)) => {
                    // A RequestId that is no UUID matches nothing.
                    n.request_ids = Some(Uuid::parse_str(v).into_iter().collect());
                }
                // 202 is on the lines of every invocation; another code on its last lines.
                (Some("SCF_StatusCode"), Match::Is(v)) => match v.parse::<f64>() {
                    Ok(200.0) => n.ret_code = Some(0),
                    Ok(code) if code != 202.0 && code.fract() == 0.0 && code.abs() < 1e9 => {
                        n.ret_code = Some(code as i32);
                    }
                    _ => {}
                },
                (None, Match::Is(v) | Match::Prefix(v)) if stored_text(v) => {
                    n.text.push(v.clone());
                }
                _ => {}
            },
            // `SCF_RequestId:"a" OR SCF_RequestId:"b" …`: the invocations of a page.
            Query::Or(parts) => {
                let ids: Option<Vec<Uuid>> = parts
                    .iter()
                    .map(|p| match p {
                        Query::Term(t) if t.field.as_deref() == Some("SCF_RequestId") => {
                            match &t.value {
                                Match::Is(v) => Some(Uuid::parse_str(v).ok()),
                                _ => None,
                            }
                        }
                        _ => None,
                    })
                    .collect::<Option<Vec<Option<Uuid>>>>()
                    .map(|ids| ids.into_iter().flatten().collect());
                if let Some(ids) = ids {
                    n.request_ids = Some(ids);
                }
            }
            _ => {}
        }
    }
    n
}

/// Whether a line holding `needle` means the stored invocation holds it too: in its log,
/// its return value or its error. The Response and ERROR lines are made when read, so a
/// needle that may take in their own words, or run from them into the RequestId or the
/// value (across a space or a `:`), is only checked on the lines.
fn stored_text(needle: &str) -> bool {
    const MADE_WORDS: [&str; 5] = ["response", "requestid", "retmsg", "error", "result"];
    let lower = needle.to_lowercase();
    // ASCII only: `ilike` in the cluster's C locale folds no other letters' case.
    !needle.is_empty()
        && needle.is_ascii()
        && !needle.contains(|c: char| c.is_whitespace() || c == ':')
        && !MADE_WORDS.iter().any(|w| w.contains(lower.as_str()))
}

/// `SearchLog`: the lines matching a statement in a time range, newest first (or oldest),
/// paged by `Offset` or by the `Context` a page returns.
async fn search_log(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let search = read_search(account_id, region, params)?;
    let n = narrowing(&search.query);
    let from = OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(search.from_ms.saturating_sub(LONGEST_RUN_SECS * 1000)) * 1_000_000,
    )
    .map_err(|_| invalid("From is out of range."))?;
    let to = OffsetDateTime::from_unix_timestamp_nanos(i128::from(search.to_ms) * 1_000_000)
        .map_err(|_| invalid("To is out of range."))?;
    let wanted = search.offset.saturating_add(search.limit);
    let topic = topic_id(account_id, region);
    let mut matched: Vec<Value> = Vec::new();
    let mut seen: i64 = 0;
    let mut more = false;
    let mut scanned: i64 = 0;
    'scan: loop {
        let mut q = sqlx::QueryBuilder::new(
            "select request_id, namespace, function_name, start_time, duration_ms, mem_usage, \
             ret_code, ret_msg, err_msg, log, retry_num from emulator.scf_invocation where account_id = ",
        );
        q.push_bind(account_id)
            .push(" and region = ")
            .push_bind(region)
            .push(" and start_time between ")
            .push_bind(from)
            .push(" and ")
            .push_bind(to);
        if let Some(ns) = &n.namespace {
            q.push(" and namespace = ").push_bind(ns.clone());
        }
        if let Some(name) = &n.function_name {
            q.push(" and function_name = ").push_bind(name.clone());
        }
        if let Some(ids) = &n.request_ids {
            q.push(" and request_id = any(")
                .push_bind(ids.clone())
                .push(")");
        }
        if let Some(code) = n.ret_code {
            q.push(" and ret_code = ").push_bind(code);
        }
        for text in &n.text {
            let pattern = super::invoke::like_pattern(text);
            q.push(" and (log ilike ")
                .push_bind(pattern.clone())
                .push(" or ret_msg ilike ")
                .push_bind(pattern.clone())
                .push(" or err_msg ilike ")
                .push_bind(pattern)
                .push(")");
        }
        let dir = if search.desc { "desc" } else { "asc" };
        q.push(format!(
            " order by start_time {dir}, request_id {dir} offset "
        ))
        .push_bind(scanned)
        .push(" limit ")
        .push_bind(BATCH);
        let batch: Vec<Invocation> = q.build_query_as().fetch_all(&emu.db).await?;
        let done = (batch.len() as i64) < BATCH;
        scanned += batch.len() as i64;
        for inv in &batch {
            let id = inv.request_id.to_string();
            let mut lines = lines(inv, &id);
            if search.desc {
                lines.reverse();
            }
            for line in lines {
                if line.time_ms < search.from_ms
                    || line.time_ms > search.to_ms
                    || !search.query.matches(&line)
                {
                    continue;
                }
                if seen >= wanted {
                    more = true;
                    break 'scan;
                }
                if seen >= search.offset {
                    matched.push(json!({
                        "Time": line.time_ms, "TimeNanos": line.time_ms.saturating_mul(1_000_000), "TopicId": topic, "TopicName": topic_name(region),
                        "Source": "", "FileName": "", "PkgId": "", "PkgLogId": "",
                        "HighLights": [], "LogJson": line.json(), "HostName": "",
                        "RawLog": "", "IndexStatus": "",
                    }));
                }
                seen += 1;
            }
        }
        if done {
            break;
        }
        if scanned >= SCAN_LIMIT {
            return Err(ApiError::new(
                "FailedOperation.SearchTimeout",
                "The query timed out: narrow the time range or the statement.",
            )
            .zh("查询超时：请缩小时间范围或检索条件。"));
        }
    }
    let next = search.offset + matched.len() as i64;
    Ok(json!({
        "Context": if more { context_token(next, search.fingerprint) } else { String::new() },
        "ListOver": !more,
        "Analysis": false,
        "ColNames": [],
        "Columns": null,
        "Results": matched,
        "AnalysisResults": [],
        "AnalysisRecords": null,
        "SamplingRate": 1,
        "Topics": null,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(ret_code: i32) -> Invocation {
        let id = Uuid::nil();
        Invocation {
            request_id: id,
            namespace: "default".into(),
            function_name: "MPSAnalysis".into(),
            start_time: OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("valid"),
            duration_ms: 12.4,
            mem_usage: 3 * 1_048_576,
            ret_code,
            ret_msg: "\"ok\"".into(),
            err_msg: if ret_code == 0 { String::new() } else { "boom".into() },
            log: format!(
                "START RequestId: {id}\nhello\nEND RequestId: {id}\nReport RequestId: {id} Duration:12.40ms BilledDuration:13ms Memory:128MB MemUsage:3.00MB\n"
            ),
            retry_num: 0,
        }
    }

    #[test]
    fn an_invocation_is_its_lines_with_the_outcome_at_the_end() {
        let inv = invocation(0);
        let id = inv.request_id.to_string();
        let lines = lines(&inv, &id);
        let messages: Vec<&str> = lines.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(messages.len(), 5);
        assert!(messages[0].starts_with("START RequestId:"));
        assert_eq!(messages[1], "hello");
        assert_eq!(
            messages[2],
            format!("Response RequestId:{id} RetMsg:\"ok\"")
        );
        assert!(messages[3].starts_with("END RequestId:"));
        assert!(messages[4].starts_with("Report RequestId:"));
        let report =
            cls_query::parse("SCF_Type:Platform AND SCF_Message:Report* AND SCF_StatusCode:200")
                .expect("valid");
        let hits: Vec<usize> = (0..5).filter(|i| report.matches(&lines[*i])).collect();
        assert_eq!(hits, vec![4]);
        assert_eq!(lines[4].time_ms, 1_700_000_000_012);
        assert_eq!(lines[1].kind(), "Custom");
        let json: Value = serde_json::from_str(&lines[4].json()).expect("json");
        assert_eq!(json["SCF_StatusCode"], "200");
        assert_eq!(json["SCF_Duration"], "12");
        assert_eq!(json["SCF_MemUsage"], "3.00");
        assert_eq!(json["SCF_RequestId"], id);
        // A line written while the request runs says 202.
        assert_eq!(lines[1].status_code(), 202.0);

        let mut failed = invocation(430);
        // The runtime's ERROR line is not repeated.
        failed.log = failed.log.replace(
            "END Request",
            &format!("ERROR RequestId: {id} boom\nEND Request"),
        );
        let lines = super::lines(&failed, &id);
        assert_eq!(lines.len(), 5);
        assert_eq!(
            lines[2].message,
            format!("ERROR RequestId:{id} Result:boom")
        );
        assert_eq!(lines[4].status_code(), 430.0);
    }

    #[test]
    fn the_database_gets_only_what_the_statement_implies() {
        let q = cls_query::parse(
            r#"SCF_Namespace:"default" AND SCF_FunctionName:"f" AND SCF_StatusCode:200 AND "task-1" AND (SCF_RequestId:"00000000-0000-0000-0000-000000000001" OR SCF_RequestId:"x")"#,
        )
        .expect("valid");
        let n = narrowing(&q);
        assert_eq!(n.namespace.as_deref(), Some("default"));
        assert_eq!(n.function_name.as_deref(), Some("f"));
        assert_eq!(n.ret_code, Some(0));
        assert_eq!(n.text, vec!["task-1".to_owned()]);
        // Words of the lines made when read are not looked up in the stored log.
        for made in ["Response", "rror", "RetMsg:\"ok", "a b"] {
            let q = cls_query::parse(&format!("\"{}\"", made.replace('"', "\\\""))).expect("valid");
            assert!(narrowing(&q).text.is_empty(), "{made}");
        }
        assert_eq!(n.request_ids.map(|ids| ids.len()), Some(1));
        // Under OR or NOT nothing is implied; 202 is on every invocation's lines.
        let n = narrowing(
            &cls_query::parse("SCF_FunctionName:f OR x NOT SCF_StatusCode:200 SCF_StatusCode:202")
                .expect("valid"),
        );
        assert!(n.function_name.is_none() && n.ret_code.is_none() && n.text.is_empty());
    }

    #[test]
    fn contexts_belong_to_their_search() {
        let token = context_token(120, 77);
        assert_eq!(context_offset(&token, 77), Some(120));
        assert_eq!(context_offset(&token, 78), None);
        assert_eq!(context_offset("junk", 77), None);
        assert_eq!(context_offset("-1-000000000000004d", 77), None);
    }

    #[test]
    fn topics_are_per_account_and_region() {
        assert_eq!(topic_id(1, "ap-beijing"), topic_id(1, "ap-beijing"));
        assert_ne!(topic_id(1, "ap-beijing"), topic_id(2, "ap-beijing"));
        assert_ne!(topic_id(1, "ap-beijing"), topic_id(1, "ap-shanghai"));
        assert_ne!(topic_id(1, "ap-beijing"), logset_id(1, "ap-beijing"));
    }

    #[test]
    fn long_messages_are_cut_on_a_character() {
        let long = "é".repeat(MESSAGE_MAX);
        let cut = truncate(&long);
        assert!(cut.len() <= MESSAGE_MAX && cut.chars().all(|c| c == 'é'));
    }
}
