//! No password, session id or invitation token reaches the logs.
use std::io::Write;
use std::sync::{Arc, Mutex};

use integration_tests::*;
use reqwest::StatusCode;

const CLOUD_KEY: &str = "cloud-secret-key-never-logged";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_reach_the_log() {
    let capture = Capture::default();
    let writer = capture.clone();
    // The server's own default filter, with our crates turned up to the most verbose level.
    let filter = format!(
        "{},server=trace,app=trace",
        server::telemetry::DEFAULT_FILTER
    );
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(move || writer.clone())
        .init();

    let srv = spawn().await;
    let owner = srv.owner().await;
    let r = owner
        .call(
            "login",
            &[
                ("email", "owner@example.com"),
                ("password", "a-wrong-password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = owner
        .call(
            "create_invite",
            &[("email", "dev@example.com"), ("role", "developer")],
        )
        .await;
    let token = invite_token(&r);
    let _ = owner.get(&format!("/invite/{token}")).await;
    let dev = srv.browser();
    dev.call(
        "accept_invite",
        &[
            ("token", &token),
            ("display_name", "Dev"),
            ("password", MEMBER_PASSWORD),
        ],
    )
    .await;
    // A key the cloud refuses, then one it accepts: neither may be logged.
    let r = owner
        .call(
            "save_cloud_account",
            &[
                ("kind", "tencent"),
                ("secret_id", "AKIDlogcheck1234"),
                ("secret_key", CLOUD_KEY),
                ("app_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    let (secret_id, accepted_key) = srv.emulator_keys(&owner).await;
    let r = owner
        .call(
            "save_cloud_account",
            &[
                ("kind", "tencent"),
                ("secret_id", &secret_id),
                ("secret_key", &accepted_key),
                ("app_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let cookies = [
        owner.session_cookie().expect("cookie"),
        dev.session_cookie().expect("cookie"),
    ];

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("signed in"), "the capture saw nothing: {log}");
    for secret in [
        OWNER_PASSWORD,
        MEMBER_PASSWORD,
        "a-wrong-password",
        CLOUD_KEY,
        &accepted_key,
        &token,
        &cookies[0],
        &cookies[1],
    ] {
        assert!(!log.contains(secret), "secret {secret:?} found in the log");
    }
}
