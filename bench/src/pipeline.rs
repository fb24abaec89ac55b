//! The callback pipeline under load: MPS tasks started through the console, each task's
//! event delivered by the MPS trigger to the template function, timed in the database.
use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::console::Console;
use crate::load::quantile;
use crate::BenchError;

pub const FUNCTION: &str = "MPSAnalysis";
const TEMPLATE: &str = "demo-nodejs89-mps-webhook";

/// What [`setup`] made: the bucket the tasks read from and write to.
pub struct Pipeline {
    pub bucket: String,
}

/// The user's setup, clicked through the console's server functions: the function from
/// the MPS template, both service roles authorized, the WorkflowTask trigger.
pub async fn setup(owner: &Console) -> Result<Pipeline, BenchError> {
    let state = owner.call("wizard_state", &[]).await?;
    let bucket = state["demo_bucket"]
        .as_str()
        .ok_or_else(|| BenchError::new("the account has no demo bucket".to_owned()))?
        .to_owned();
    let variables = format!("COS_BUCKET={bucket}\nCOS_REGION=ap-beijing");
    let f = [("rid", "8"), ("ns", "default"), ("name", FUNCTION)];
    let mut create = f.to_vec();
    create.extend([
        ("template_id", TEMPLATE),
        ("description", "benchmark"),
        ("memory_size", "128"),
        ("timeout", "3"),
        ("variables", &variables),
        ("role", "SCF_QcsRole"),
    ]);
    owner.call("create_function", &create).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while owner.call("get_function", &f).await?["status"] != "Active" {
        if Instant::now() > deadline {
            return Err(BenchError::new(format!("{FUNCTION} never became Active")));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        owner.call("authorize_role", &[("name", role)]).await?;
    }
    let mut bind = f.to_vec();
    bind.push(("event_type", "WorkflowTask"));
    owner.call("create_mps_trigger", &bind).await?;
    Ok(Pipeline { bucket })
}

/// Figures of one pipeline run.
pub struct PipelineFigures {
    pub tasks: usize,
    pub submit_secs: f64,
    /// Event created (task finished) → invocation logged, less the function's run time.
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    pub events_per_sec: f64,
    pub invocations: i64,
    pub failed: i64,
}

/// Starts `tasks` ProcessMedia tasks from `clients` sessions at once and waits until
/// every event has been delivered.
pub async fn run(
    db: &PgPool,
    clients: &[Console],
    p: &Pipeline,
    tasks: usize,
) -> Result<PipelineFigures, BenchError> {
    // Deliveries of earlier runs are left out.
    let (base, since): (i64, f64) = sqlx::query_as(
        "select coalesce(max(delivery_id), 0), extract(epoch from now())::float8
         from emulator.event_delivery",
    )
    .fetch_one(db)
    .await?;
    let started = Instant::now();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut senders = tokio::task::JoinSet::new();
    for c in clients {
        let (c, next, bucket) = (c.clone(), next.clone(), p.bucket.clone());
        senders.spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < tasks {
                c.call(
                    "start_mps_task",
                    &[
                        ("rid", "8"),
                        ("kind", "WorkflowTask"),
                        ("input_bucket", &bucket),
                        ("input_region", "ap-beijing"),
                        ("object", "input/sample.mp4"),
                        ("output_bucket", &bucket),
                        ("output_region", "ap-beijing"),
                        ("output_dir", "/bench/"),
                        ("transcode", "true"),
                        ("snapshot", "false"),
                        ("clip_start", "0"),
                        ("clip_end", "0"),
                    ],
                )
                .await?;
            }
            Ok::<(), BenchError>(())
        });
    }
    while let Some(done) = senders.join_next().await {
        done.map_err(|e| BenchError::new(e.to_string()))??;
    }
    let submit_secs = started.elapsed().as_secs_f64();
    let mut last_report = Instant::now();
    loop {
        let (done, dead): (i64, i64) = sqlx::query_as(
            "select count(*) filter (where state = 'delivered'), count(*) filter (where state = 'dead')
             from emulator.event_delivery where delivery_id > $1",
        )
        .bind(base)
        .fetch_one(db)
        .await?;
        if (done + dead) as usize >= tasks {
            break;
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            eprintln!("  … {done} of {tasks} events delivered");
            last_report = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut latencies: Vec<f64> = sqlx::query_scalar(
        "select extract(epoch from (i.logged_at - d.created_at)) * 1000 - i.duration_ms
         from emulator.event_delivery d join emulator.scf_invocation i using (request_id)
         where d.delivery_id > $1 and d.state = 'delivered'",
    )
    .bind(base)
    .fetch_all(db)
    .await?;
    latencies.sort_by(f64::total_cmp);
    let span: f64 = sqlx::query_scalar(
        "select extract(epoch from (max(i.logged_at) - min(d.created_at)))::float8
         from emulator.event_delivery d join emulator.scf_invocation i using (request_id)
         where d.delivery_id > $1",
    )
    .bind(base)
    .fetch_one(db)
    .await?;
    // Every invocation of the run, retries included: at least one per task.
    let (invocations, failed): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where ret_code <> 0) from emulator.scf_invocation
         where function_name = $1 and start_time >= to_timestamp($2)",
    )
    .bind(FUNCTION)
    .bind(since)
    .fetch_one(db)
    .await?;
    Ok(PipelineFigures {
        tasks,
        submit_secs,
        latency_p50_ms: quantile(&latencies, 0.5),
        latency_p99_ms: quantile(&latencies, 0.99),
        events_per_sec: latencies.len() as f64 / span.max(f64::EPSILON),
        invocations,
        failed,
    })
}
