//! The connection pool (`server::db::Db`): a connection comes back usable whatever was
//! left on it, and no more than the limit are open.
use std::time::Duration;

use server::db::Db;

async fn pool() -> Db {
    Db::new(integration_tests::fresh_db().await)
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_rolls_back_and_frees_its_locks() {
    let db = pool().await;
    sqlx::query("create table t (v int)")
        .execute(&db)
        .await
        .unwrap();
    {
        let mut tx = db.begin().await.unwrap();
        sqlx::query("insert into t values (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("select pg_advisory_xact_lock(42)")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    // Blocks until the dropped transaction has rolled back (in the background).
    let mut tx = db.begin().await.unwrap();
    tokio::time::timeout(
        Duration::from_secs(5),
        sqlx::query("select pg_advisory_xact_lock(42)").execute(&mut *tx),
    )
    .await
    .expect("the lock is released")
    .unwrap();
    sqlx::query("insert into t values (2)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let rows: Vec<i32> = sqlx::query_scalar("select v from t")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![2],
        "the dropped insert is gone, the committed one kept"
    );
}

#[tokio::test]
async fn connections_answer_their_own_queries_after_one_was_abandoned_or_failed() {
    let db = pool().await;
    let slow = sqlx::query_scalar::<_, i32>("select 7 from pg_sleep(0.5)").fetch_one(&db);
    assert!(
        tokio::time::timeout(Duration::from_millis(50), slow)
            .await
            .is_err(),
        "the query is dropped while PostgreSQL still runs it"
    );
    let failed = sqlx::query("select 1 / 0").execute(&db).await;
    assert!(failed.is_err());
    // Concurrent queries take every connection there is, the abandoned one included
    // once it is settled; each must get its own answer, never the 7.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let db = db.clone();
        tasks.spawn(async move {
            let v: i32 = sqlx::query_scalar("select $1::int")
                .bind(i)
                .fetch_one(&db)
                .await
                .unwrap();
            assert_eq!(v, i);
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

#[tokio::test]
async fn no_more_than_the_limit_are_out_and_a_waiter_gets_the_next_one_back() {
    let db = pool().await;
    let max = db.max_connections();
    assert!(max >= 4);
    let mut held = Vec::new();
    for _ in 0..max {
        held.push(db.acquire().await.unwrap());
    }
    let open: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity where datname = current_database()
           and backend_type = 'client backend' and pid <> pg_backend_pid()",
    )
    .fetch_one(&mut *held[0])
    .await
    .unwrap();
    // The pool's own, and the sqlx pool the test database was created with (at most 4).
    assert!(open >= max as i64 - 1 && open <= max as i64 + 3);
    let waiter = tokio::spawn({
        let db = db.clone();
        async move { db.acquire().await.map(drop) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiter.is_finished(), "one more connection waits");
    held.pop();
    tokio::time::timeout(Duration::from_secs(5), waiter)
        .await
        .expect("the waiter gets the connection given back")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn an_idle_connection_the_server_closed_is_replaced() {
    let db = pool().await;
    let pid: i32 = sqlx::query_scalar("select pg_backend_pid()")
        .fetch_one(&db)
        .await
        .unwrap();
    let killed: bool = sqlx::query_scalar("select pg_terminate_backend($1)")
        .bind(pid)
        .fetch_one(db.sqlx())
        .await
        .unwrap();
    assert!(killed);
    // Idle longer than the pool trusts a connection without checking it.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let other: i32 = sqlx::query_scalar("select pg_backend_pid()")
        .fetch_one(&db)
        .await
        .expect("a new connection serves the query");
    assert_ne!(other, pid);
}
