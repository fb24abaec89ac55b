//! Each team's cloud account: the emulator by default, Tencent Cloud credentials on
//! request; the SecretKey is encrypted at rest and never sent back.
use integration_tests::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::cloud::client::{Call, CloudClient, Credentials, Endpoint};

const TENCENT_KEY: &str = "tencent-secret-key-0123456789abcdef";

/// The cloud account form, for Tencent Cloud.
fn tencent<'a>(id: &'a str, key: &'a str, app_id: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "tencent"),
        ("secret_id", id),
        ("secret_key", key),
        ("app_id", app_id),
    ]
}

#[tokio::test]
async fn teams_start_on_a_working_emulator_account() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let r = owner.call("get_cloud_account", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["kind"], "Emulator");
    assert_eq!(r.body["endpoint"], srv.emulator_url.as_str());
    let secret_id = r.body["secret_id"].as_str().expect("SecretId").to_owned();
    assert!(secret_id.starts_with("AKID"));
    assert_eq!(
        owner.call("get_cloud_account", &[]).await.body,
        r.body,
        "created once"
    );

    let key: String =
        sqlx::query_scalar("select secret_key from emulator.account where secret_id = $1")
            .bind(&secret_id)
            .fetch_one(&srv.db)
            .await
            .unwrap();
    assert!(
        !r.body.to_string().contains(&key),
        "the SecretKey reached the browser"
    );
    let sealed: Vec<u8> = sqlx::query_scalar("select secret_key_sealed from cloud_account")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert!(
        !sealed.windows(key.len()).any(|w| w == key.as_bytes()),
        "stored in clear"
    );

    // The account works against the emulator.
    let client = CloudClient::new(Endpoint::Custom(srv.emulator_url.clone())).unwrap();
    let call = Call {
        service: "cam",
        version: "2019-01-16",
        action: "DescribeRoleList",
        region: None,
        idempotent: true,
    };
    let roles: Value = client
        .call(&Credentials::new(secret_id, key), call, &json!({}))
        .await
        .expect("signed call");
    assert_eq!(roles["TotalNum"], 0);
}

#[tokio::test]
async fn tencent_credentials_are_checked_write_only_and_admin_only() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let dev = srv
        .invite_and_join(&owner, "dev@example.com", "developer", "Dev")
        .await;
    let viewer = srv
        .invite_and_join(&owner, "v@example.com", "viewer", "Vi")
        .await;
    let r = dev
        .call(
            "save_cloud_account",
            &tencent("AKIDvalid123456", TENCENT_KEY, "1250000000"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        viewer.call("get_cloud_account", &[]).await.status,
        StatusCode::OK
    );

    for (fields, field) in [
        (tencent("bad id!", TENCENT_KEY, ""), "secret_id"),
        (tencent("AKIDvalid123456", "", ""), "secret_key"),
        (tencent("AKIDvalid123456", TENCENT_KEY, "12x"), "app_id"),
    ] {
        let r = owner.call("save_cloud_account", &fields).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {r:?}");
        assert_eq!(r.body["Invalid"]["field"], field);
    }
    // All three wrong at once: each is named, in the form's order.
    let r = owner
        .call("save_cloud_account", &tencent("bad id!", "", "12x"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    assert_eq!(r.body["Invalid"]["field"], "secret_id");
    let also: Vec<&str> = r.body["Invalid"]["also"]
        .as_array()
        .expect("the other fields")
        .iter()
        .filter_map(|p| p["field"].as_str())
        .collect();
    assert_eq!(also, ["secret_key", "app_id"], "{r:?}");
    let r = owner
        .call(
            "save_cloud_account",
            &[
                ("kind", "aws"),
                ("secret_id", ""),
                ("secret_key", ""),
                ("app_id", ""),
            ],
        )
        .await;
    assert_eq!(r.body["Invalid"]["field"], "kind");

    // The cloud checks the key before it is stored (the tests' Tencent endpoint is the
    // emulator): an unknown SecretId, then a wrong SecretKey, are refused with the cloud's
    // code and RequestId, and the team stays on its emulator account.
    let (secret_id, key) = srv.emulator_keys(&owner).await;
    for (id, k, code) in [
        (
            "AKIDvalid123456",
            TENCENT_KEY,
            "AuthFailure.SecretIdNotFound",
        ),
        (
            secret_id.as_str(),
            TENCENT_KEY,
            "AuthFailure.SignatureFailure",
        ),
    ] {
        let r = owner
            .call("save_cloud_account", &tencent(id, k, "1250000000"))
            .await;
        // The typed key is the form's mistake: a 400, with the cloud's code.
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
        assert_eq!(r.body["Cloud"]["code"], code, "{r:?}");
        assert!(!r.body["Cloud"]["request_id"]
            .as_str()
            .unwrap_or("")
            .is_empty());
        assert!(!r.body.to_string().contains(TENCENT_KEY));
        let seen = owner.call("get_cloud_account", &[]).await;
        assert_eq!(seen.body["kind"], "Emulator", "{seen:?}");
    }
    // Read in Chinese, the cloud's message is Chinese too.
    let url = owner.base.parse().expect("base URL");
    owner.jar.add_cookie_str("lang=zh-CN; Path=/", &url);
    let r = owner
        .call(
            "save_cloud_account",
            &tencent("AKIDvalid123456", TENCENT_KEY, "1250000000"),
        )
        .await;
    assert!(
        r.body["Cloud"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("SecretId不存在")),
        "{r:?}"
    );
    owner.jar.add_cookie_str("lang=en; Path=/", &url);

    let r = owner
        .call(
            "save_cloud_account",
            &tencent(&secret_id, &key, "1250000000"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["kind"], "Tencent");
    assert_eq!(r.body["app_id"], 1_250_000_000);
    assert!(!r.body.to_string().contains(&key));
    let sealed_before: Vec<u8> = sqlx::query_scalar("select secret_key_sealed from cloud_account")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert!(!sealed_before
        .windows(key.len())
        .any(|w| w == key.as_bytes()));
    // The team now works through the Tencent client.
    let r = crate::console_forms::list_functions(&owner, "8", "").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // A blank key keeps the stored one, and is checked with the SecretId given.
    let r = owner
        .call("save_cloud_account", &tencent("AKIDrenamed12345", "", ""))
        .await;
    assert_eq!(
        r.body["Cloud"]["code"], "AuthFailure.SecretIdNotFound",
        "{r:?}"
    );
    let r = owner
        .call("save_cloud_account", &tencent(&secret_id, "", ""))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let sealed_after: Vec<u8> = sqlx::query_scalar("select secret_key_sealed from cloud_account")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert_eq!(sealed_before, sealed_after);
    let seen = viewer.call("get_cloud_account", &[]).await;
    assert_eq!(seen.body["secret_id"], secret_id.as_str());
    assert_eq!(seen.body["app_id"], Value::Null);
    assert!(!seen.body.to_string().contains(&key));

    // Back to the emulator.
    let r = owner
        .call(
            "save_cloud_account",
            &[
                ("kind", "emulator"),
                ("secret_id", ""),
                ("secret_key", ""),
                ("app_id", ""),
            ],
        )
        .await;
    assert_eq!(r.body["kind"], "Emulator");
}

#[tokio::test]
async fn tencent_credentials_are_not_saved_when_the_cloud_cannot_be_reached() {
    // Nothing listens on the discard port.
    let srv = spawn_with(|n| {
        (n == "TENCENT_API_ENDPOINT").then(|| "http://127.0.0.1:9/{service}".to_owned())
    })
    .await;
    let owner = srv.owner().await;
    let r = owner
        .call(
            "save_cloud_account",
            &[
                ("kind", "tencent"),
                ("secret_id", "AKIDvalid123456"),
                ("secret_key", TENCENT_KEY),
                ("app_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{r:?}");
    let message = r.body["CloudUnreachable"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "{r:?}");
    assert!(!message.contains(TENCENT_KEY));
    let seen = owner.call("get_cloud_account", &[]).await;
    assert_eq!(seen.body["kind"], "Emulator", "{seen:?}");
}

#[tokio::test]
async fn the_team_keeps_its_emulator_account_across_saves_and_a_tencent_spell() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let (first_id, _) = srv.emulator_keys(&owner).await;
    let r = crate::console_forms::NewFunction::named("Kept")
        .send(&owner)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    wait_active(&owner, "Kept").await;
    let emulator = [
        ("kind", "emulator"),
        ("secret_id", ""),
        ("secret_key", ""),
        ("app_id", ""),
    ];

    // Saving the emulator again changes nothing.
    let r = owner.call("save_cloud_account", &emulator).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["secret_id"], first_id.as_str());
    assert_eq!(crate::console_forms::function_names(&owner).await, ["Kept"]);

    // Another account "on Tencent Cloud" (the tests' Tencent endpoint is the emulator).
    let other = server::emulator::account::create(&srv.db).await.unwrap();
    let r = owner
        .call(
            "save_cloud_account",
            &tencent(&other.secret_id, &other.secret_key, ""),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert!(crate::console_forms::function_names(&owner)
        .await
        .is_empty());

    // Back on the emulator: the same account, its function still there.
    let r = owner.call("save_cloud_account", &emulator).await;
    assert_eq!(r.body["secret_id"], first_id.as_str(), "{r:?}");
    assert_eq!(crate::console_forms::function_names(&owner).await, ["Kept"]);

    // Each save is in the audit log.
    let r = owner.call("audit_log", &[("page", "1")]).await;
    let saves = r.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|e| e["action"] == "cloud_account_saved")
        .count();
    assert_eq!(saves, 3, "{r:?}");
}
