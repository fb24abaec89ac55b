//! The log query over millions of invocation log rows: rows generated in the database,
//! queries sent as the Log query tab sends them (console → signed GetFunctionLogs →
//! emulator SQL).
use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::console::Console;
use crate::load::quantile;
use crate::pipeline::FUNCTION;
use crate::BenchError;

const TRIGRAM_INDEX: &str = "scf_invocation_log_trgm_idx";
/// Queries of each kind per measurement.
const QUERIES: usize = 50;

/// p95 latency of each kind of query at one table size.
pub struct LogFigures {
    pub rows: i64,
    pub load_secs: f64,
    pub range_p95: Duration,
    pub request_id_p95: Duration,
    pub keyword_p95: Duration,
    /// Rows the one-day range query counted (per query, the last one).
    pub day_total: u64,
}

/// Adds synthetic invocations of the benchmark function until the table holds `target`
/// rows. They spread over the last 30 days, each with a distinct RequestId and TaskId.
/// The trigram index is rebuilt after the load, as for any bulk load.
pub async fn grow_to(db: &PgPool, target: i64) -> Result<f64, BenchError> {
    let started = Instant::now();
    let have: i64 = sqlx::query_scalar("select count(*) from emulator.scf_invocation")
        .fetch_one(db)
        .await?;
    if have >= target {
        return Ok(0.0);
    }
    let account_id: i64 = sqlx::query_scalar(
        "select account_id from emulator.scf_invocation where function_name = $1 limit 1",
    )
    .bind(FUNCTION)
    .fetch_one(db)
    .await?;
    let index_def: String =
        sqlx::query_scalar("select indexdef from pg_indexes where indexname = $1")
            .bind(TRIGRAM_INDEX)
            .fetch_one(db)
            .await?;
    sqlx::query(&format!("drop index emulator.{TRIGRAM_INDEX}"))
        .execute(db)
        .await?;
    const CHUNK: i64 = 500_000;
    let mut from = have;
    while from < target {
        let to = (from + CHUNK).min(target);
        sqlx::query(
            "insert into emulator.scf_invocation
               (request_id, account_id, region, namespace, function_name, invoke_type, start_time,
                duration_ms, billed_ms, mem_usage, ret_code, ret_msg, err_msg, log, logged_at)
             select r.id, $3, 'ap-beijing', 'default', $4, 'Event', r.at,
                    r.ms, ceil(r.ms)::bigint, 31457280, case when i % 50 = 0 then 430 else 0 end,
                    '', '',
                    'START RequestId: ' || r.id || E'\\nMPS event WorkflowTask, TaskId 1250000000-WorkflowTask-'
                      || substr(md5(i::text), 1, 20) || E'\\nsummary stored in COS\\nEND RequestId: ' || r.id,
                    r.at + make_interval(secs => r.ms / 1000)
             from generate_series($1 + 1, $2) i,
                  lateral (select md5('bench' || i)::uuid as id,
                                  now() - random() * interval '30 days' as at,
                                  20 + random() * 200 as ms) r",
        )
        .bind(from)
        .bind(to)
        .bind(account_id)
        .bind(FUNCTION)
        .execute(db)
        .await?;
        from = to;
        eprintln!("  … {from} of {target} log rows");
    }
    eprintln!("  … rebuilding the trigram index");
    let mut conn = db.acquire().await?;
    sqlx::query("set maintenance_work_mem = '512MB'")
        .execute(&mut *conn)
        .await?;
    sqlx::query(&index_def).execute(&mut *conn).await?;
    sqlx::query("vacuum analyze emulator.scf_invocation")
        .execute(&mut *conn)
        .await?;
    Ok(started.elapsed().as_secs_f64())
}

/// Times [`QUERIES`] queries of each kind, one after another, over the last day.
pub async fn measure(db: &PgPool, c: &Console, load_secs: f64) -> Result<LogFigures, BenchError> {
    let rows: i64 = sqlx::query_scalar("select count(*) from emulator.scf_invocation")
        .fetch_one(db)
        .await?;
    // Rows from the last day (the range the queries cover), picked at random.
    let picks: Vec<(String, String)> = sqlx::query_as(
        "select request_id::text, substring(log from '([0-9]+-WorkflowTask-[0-9a-f]{20})')
         from emulator.scf_invocation
         where function_name = $1 and start_time > now() - interval '23 hours'
           and log like '%WorkflowTask-%'
         order by random() limit $2",
    )
    .bind(FUNCTION)
    .bind(QUERIES as i64)
    .fetch_all(db)
    .await?;
    if picks.is_empty() {
        return Err(BenchError::new("no log rows in the last day".to_owned()));
    }
    let query = |request_id: String, keyword: String| {
        let c = c.clone();
        async move {
            let t0 = Instant::now();
            let page = c
                .call(
                    "function_logs",
                    &[
                        ("rid", "8"),
                        ("ns", "default"),
                        ("name", FUNCTION),
                        ("range", "1d"),
                        ("start", "0"),
                        ("end", "0"),
                        ("request_id", &request_id),
                        ("keyword", &keyword),
                        ("outcome", "all"),
                        ("page", "1"),
                    ],
                )
                .await?;
            Ok::<_, BenchError>((t0.elapsed(), page["total"].as_u64().unwrap_or(0)))
        }
    };
    let (mut range, mut by_id, mut by_keyword) = (Vec::new(), Vec::new(), Vec::new());
    let mut day_total = 0;
    for (i, (id, task)) in picks.iter().cycle().take(QUERIES).enumerate() {
        let (t, total) = query(String::new(), String::new()).await?;
        range.push(t);
        day_total = total;
        let (t, total) = query(id.clone(), String::new()).await?;
        check_one(total, "RequestId", i)?;
        by_id.push(t);
        let (t, total) = query(String::new(), task.clone()).await?;
        check_one(total, "keyword", i)?;
        by_keyword.push(t);
    }
    for v in [&mut range, &mut by_id, &mut by_keyword] {
        v.sort_unstable();
    }
    Ok(LogFigures {
        rows,
        load_secs,
        range_p95: quantile(&range, 0.95),
        request_id_p95: quantile(&by_id, 0.95),
        keyword_p95: quantile(&by_keyword, 0.95),
        day_total,
    })
}

/// A query by a unique value must find exactly its row, or the timing means nothing.
fn check_one(total: u64, what: &str, i: usize) -> Result<(), BenchError> {
    if total == 1 {
        Ok(())
    } else {
        Err(BenchError::new(format!(
            "{what} query {i} found {total} rows, not 1"
        )))
    }
}
