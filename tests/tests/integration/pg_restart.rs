//! PostgreSQL restarts while MPS events are being delivered: the console and the emulator
//! reconnect, and every event reaches the function. At-least-once allows a repeat only for
//! a delivery cut off mid-way, so repeats are counted and bounded by the deliveries that
//! can be in flight at once.
use std::time::{Duration, Instant};

use integration_tests::*;
use reqwest::StatusCode;
use server::db::embedded::EmbeddedPostgres;

use crate::console_forms::{MpsTask, NewFunction};

const TASKS: usize = 12;

/// A cluster of the test's own under `target/test-pg-<name>-<uuid>`, with its `console`
/// database: its folder, its handle and a pool on the database.
async fn own_cluster(name: &str) -> (std::path::PathBuf, EmbeddedPostgres, sqlx::PgPool) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../target/test-pg-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let pg = EmbeddedPostgres::start(&dir).await.expect("cluster starts");
    let url = server::ensure_database(&pg, "console")
        .await
        .expect("database");
    let db = server::db::connect(&url).await.expect("connect");
    (dir, pg, db)
}

#[tokio::test]
async fn events_survive_a_database_restart() {
    // A cluster of its own: the shared test cluster must not restart under other tests.
    let (dir, pg, db) = own_cluster("restart").await;
    let srv = spawn_on(db, |_| None).await;
    let owner = srv.owner().await;

    let state = owner.call("wizard_state", &[]).await;
    let bucket = state.body["demo_bucket"]
        .as_str()
        .expect("bucket")
        .to_owned();
    let variables = format!("COS_BUCKET={bucket}\nCOS_REGION=ap-beijing");
    let f = [("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")];
    let r = NewFunction::named("MPSAnalysis")
        .variables(&variables)
        .role("SCF_QcsRole")
        .send(&owner)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    wait_active(&owner, "MPSAnalysis").await;
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        let r = owner.call("authorize_role", &[("name", role)]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
    let mut bind = f.to_vec();
    bind.push(("event_type", "WorkflowTask"));
    let r = owner.call("create_mps_trigger", &bind).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    let mut task_ids = Vec::new();
    for _ in 0..TASKS {
        let r = MpsTask::workflow(&bucket, "input/sample.mp4")
            .output_dir("/restart/")
            .without_snapshot()
            .send(&owner)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        task_ids.push(r.body.as_str().expect("task id").to_owned());
    }

    // Restart once the first invocation is logged, with the rest still on their way.
    let count = |sql: &'static str| {
        let db = srv.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&db).await }
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while count("select count(*) from emulator.scf_invocation")
        .await
        .unwrap_or(0)
        == 0
    {
        assert!(
            Instant::now() < deadline,
            "no invocation before the restart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    pg.restart().await.expect("restart");

    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let delivered =
            count("select count(*) from emulator.event_delivery where state = 'delivered'")
                .await
                .unwrap_or(0);
        if delivered as usize == TASKS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{delivered} of {TASKS} delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let dead = count("select count(*) from emulator.event_delivery where state <> 'delivered'")
        .await
        .expect("count");
    assert_eq!(dead, 0, "no event given up");

    // Every task reached the function; repeats only for deliveries cut off by the restart.
    let mut repeats = 0;
    for id in &task_ids {
        let runs: i64 = sqlx::query_scalar(
            "select count(*) from emulator.scf_invocation where strpos(log, $1) > 0 and ret_code = 0",
        )
        .bind(id)
        .fetch_one(&srv.db)
        .await
        .expect("count");
        assert!(runs >= 1, "{id} never reached the function");
        repeats += runs - 1;
    }
    let workers = server::emulator::delivery::worker_count();
    println!("{TASKS} events, {repeats} delivered twice after the restart");
    assert!(
        repeats as usize <= workers,
        "{repeats} repeats, more than the {workers} deliveries in flight"
    );

    // The console's own state (sessions, audit) came back too.
    assert_eq!(owner.me().await["email"], "owner@example.com");
    let r = owner.call("mps_bindings", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    pg.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_killed_cluster_is_started_again_with_its_data() {
    let (dir, pg, db) = own_cluster("killed").await;
    sqlx::raw_sql("create table kept (n int); insert into kept values (1), (2)")
        .execute(&db)
        .await
        .expect("write");
    let supervisor = tokio::spawn(pg.clone().supervise());

    let pid = pg.postmaster_pid().expect("postmaster running");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(90);
    let rows = loop {
        if let Ok(n) = sqlx::query_scalar::<_, i64>("select count(*) from kept")
            .fetch_one(&db)
            .await
        {
            break n;
        }
        assert!(
            Instant::now() < deadline,
            "the cluster was not started again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(rows, 2);
    assert_ne!(pg.postmaster_pid(), Some(pid), "a new postmaster");

    supervisor.abort();
    db.close().await;
    pg.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&dir);
}
