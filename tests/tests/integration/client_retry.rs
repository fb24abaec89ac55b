//! The client retries what is safe to retry, and nothing else, against injected faults.
use std::time::Duration;

use serde_json::{json, Value};
use server::cloud::client::{Call, CloudClient, Credentials, Endpoint};
use server::cloud::error::CloudError;
use server::emulator::fault;

fn cam(action: &str, idempotent: bool) -> Call<'_> {
    Call {
        service: "cam",
        version: "2019-01-16",
        action,
        region: None,
        idempotent,
    }
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_and_other_errors_are_not() {
    let emu = integration_tests::spawn_emulator().await;
    let client = emu.client.clone().with_retry_base(Duration::from_millis(5));
    let id = emu.account.account_id;

    fault::inject(&emu.db, id, "DescribeRoleList", "RequestLimitExceeded", 2)
        .await
        .unwrap();
    let ok: Value = client
        .call(&emu.creds, cam("DescribeRoleList", false), &json!({}))
        .await
        .expect("retried past two throttles");
    assert_eq!(ok["TotalNum"], 0);

    fault::inject(&emu.db, id, "DescribeRoleList", "RequestLimitExceeded", 10)
        .await
        .unwrap();
    match client
        .call::<Value>(&emu.creds, cam("DescribeRoleList", false), &json!({}))
        .await
    {
        Err(CloudError::Api { code, .. }) => assert_eq!(code, "RequestLimitExceeded"),
        other => panic!("expected the throttle after the last retry, got {other:?}"),
    }
    let left: i32 = sqlx::query_scalar("select remaining from emulator.fault where remaining > 0")
        .fetch_one(&emu.db)
        .await
        .unwrap();
    assert_eq!(left, 6, "one call and three retries");
    sqlx::query("delete from emulator.fault")
        .execute(&emu.db)
        .await
        .unwrap();

    fault::inject(&emu.db, id, "*", "InternalError", 1)
        .await
        .unwrap();
    match client
        .call::<Value>(&emu.creds, cam("DescribeRoleList", true), &json!({}))
        .await
    {
        Err(CloudError::Api {
            code, request_id, ..
        }) => {
            assert_eq!(code, "InternalError", "not retried");
            assert!(!request_id.is_empty());
        }
        other => panic!("expected InternalError, got {other:?}"),
    }
}

#[tokio::test]
async fn lost_requests_are_retried_only_when_idempotent() {
    // Nothing listens on this port: every attempt is a connection failure.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let client = CloudClient::new(Endpoint::Custom(format!("http://{addr}")))
        .unwrap()
        .with_retry_base(Duration::from_millis(20));
    let creds = Credentials::new("AKIDx", "key");
    let started = std::time::Instant::now();
    let once = client
        .call::<Value>(&creds, cam("GetRole", false), &json!({}))
        .await;
    let single = started.elapsed();
    assert!(matches!(once, Err(CloudError::Transport(_))), "{once:?}");
    let started = std::time::Instant::now();
    let retried = client
        .call::<Value>(&creds, cam("GetRole", true), &json!({}))
        .await;
    assert!(
        matches!(retried, Err(CloudError::Transport(_))),
        "{retried:?}"
    );
    // Three back-offs of at least 10, 20 and 40 ms happened only for the idempotent call.
    assert!(
        started.elapsed() >= single + Duration::from_millis(70),
        "no retries seen"
    );
}
