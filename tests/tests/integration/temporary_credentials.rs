//! Temporary credentials, as functions with an execution role get them: they work only
//! with their session token and only until they expire.
use std::time::Duration;

use integration_tests::api_error_code as code;
use serde_json::{json, Value};
use server::cloud::client::{Call, Credentials};
use server::cloud::cos::CosClient;
use server::emulator::account::mint_temporary;

#[tokio::test]
async fn temporary_keys_need_their_token_and_expire() {
    let emu = integration_tests::spawn_emulator().await;
    let call = Call {
        service: "cam",
        version: "2019-01-16",
        action: "DescribeRoleList",
        region: None,
        idempotent: false,
    };
    let (id, key, token) = mint_temporary(
        &server::db::Db::new(emu.db.clone()),
        emu.account.account_id,
        Duration::from_secs(600),
    )
    .await
    .unwrap();

    let with_token = Credentials::new(id.clone(), key.clone()).with_token(token.clone());
    let ok: Value = emu
        .client
        .call(&with_token, call, &json!({}))
        .await
        .expect("temporary credentials work");
    assert_eq!(ok["TotalNum"], 0);
    let without = Credentials::new(id.clone(), key.clone());
    assert_eq!(
        code(emu.client.call::<Value>(&without, call, &json!({})).await),
        "AuthFailure.TokenFailure"
    );
    let wrong = Credentials::new(id.clone(), key.clone()).with_token("not-the-token");
    assert_eq!(
        code(emu.client.call::<Value>(&wrong, call, &json!({})).await),
        "AuthFailure.TokenFailure"
    );

    // COS takes the token as x-cos-security-token.
    let bucket = emu.create_bucket("temp").await;
    let cos = CosClient::new(
        server::cloud::client::Endpoint::Custom(emu.base.clone()),
        with_token,
    )
    .unwrap();
    cos.put_object(&bucket, "ap-beijing", "a.txt", b"hi".to_vec())
        .await
        .expect("COS with a token");
    let tokenless = CosClient::new(
        server::cloud::client::Endpoint::Custom(emu.base.clone()),
        without,
    )
    .unwrap();
    assert_eq!(
        code(tokenless.get_object(&bucket, "ap-beijing", "a.txt").await),
        "InvalidSecurityToken"
    );

    sqlx::query("update emulator.temp_credential set expires_at = now() - interval '1 second'")
        .execute(&emu.db)
        .await
        .unwrap();
    // The emulator keeps keys it looked up for up to 2 s: a change made behind its back
    // (as this one) applies after that.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = Credentials::new(id, key).with_token(token);
    assert_eq!(
        code(emu.client.call::<Value>(&expired, call, &json!({})).await),
        "AuthFailure.SecretIdNotFound"
    );
}
