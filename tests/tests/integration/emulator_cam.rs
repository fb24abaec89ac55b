//! The project's own client against the emulator over HTTP: CAM roles, and the
//! signature, clock and key checks every action goes through.
use std::sync::Arc;

use serde_json::{json, Value};
use server::cloud::client::{Call, Credentials};
use server::cloud::error::CloudError;

async fn emulator() -> integration_tests::TestEmulator {
    integration_tests::spawn_emulator().await
}

fn cam(action: &str) -> Call<'_> {
    Call {
        service: "cam",
        version: "2019-01-16",
        action,
        region: None,
        idempotent: false,
    }
}

const SCF_TRUST: &str = r#"{"version":"2.0","statement":[{"action":"name/sts:AssumeRole","effect":"allow","principal":{"service":"scf.qcloud.com"}}]}"#;

fn api_code(result: Result<Value, CloudError>) -> String {
    match result {
        Err(CloudError::Api {
            code, request_id, ..
        }) => {
            assert!(!request_id.is_empty(), "errors carry a RequestId");
            code
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn service_roles_are_missing_until_created_and_authorized() {
    let c = emulator().await;
    let missing = c
        .client
        .call::<Value>(
            &c.creds,
            cam("GetRole"),
            &json!({"RoleName": "SCF_QcsRole"}),
        )
        .await;
    assert_eq!(api_code(missing), "InvalidParameter.RoleNotExist");

    let created: Value = c
        .client
        .call(&c.creds, cam("CreateRole"), &json!({"RoleName": "SCF_QcsRole", "PolicyDocument": SCF_TRUST, "Description": "SCF service role"}))
        .await
        .expect("CreateRole");
    let role_id = created["RoleId"].as_str().expect("RoleId").to_owned();
    assert!(created["RequestId"].as_str().is_some());

    let again = c
        .client
        .call::<Value>(
            &c.creds,
            cam("CreateRole"),
            &json!({"RoleName": "SCF_QcsRole", "PolicyDocument": SCF_TRUST}),
        )
        .await;
    assert_eq!(api_code(again), "InvalidParameter.RoleNameInUse");

    let role: Value = c
        .client
        .call(
            &c.creds,
            cam("GetRole"),
            &json!({"RoleName": "SCF_QcsRole"}),
        )
        .await
        .expect("GetRole");
    assert_eq!(role["RoleInfo"]["RoleId"], role_id.as_str());
    assert_eq!(role["RoleInfo"]["PolicyDocument"], SCF_TRUST);
    assert!(role["RoleInfo"]["RoleArn"]
        .as_str()
        .unwrap()
        .ends_with(":roleName/SCF_QcsRole"));

    let attached: Value = c
        .client
        .call(
            &c.creds,
            cam("ListAttachedRolePolicies"),
            &json!({"RoleName": "SCF_QcsRole"}),
        )
        .await
        .expect("list");
    assert_eq!(attached["TotalNum"], 0);
    let _: Value = c
        .client
        .call(
            &c.creds,
            cam("AttachRolePolicy"),
            &json!({"PolicyName": "QcloudAccessForScfRole", "AttachRoleName": "SCF_QcsRole"}),
        )
        .await
        .expect("attach");
    let attached: Value = c
        .client
        .call(
            &c.creds,
            cam("ListAttachedRolePolicies"),
            &json!({"RoleId": role_id}),
        )
        .await
        .expect("list");
    assert_eq!(attached["TotalNum"], 1);
    assert_eq!(attached["List"][0]["PolicyName"], "QcloudAccessForScfRole");
    // PolicyType and Keyword narrow the list: the attached policy is a preset (QCS).
    for (filter, count) in [
        (json!({"PolicyType": "QCS"}), 1),
        (json!({"PolicyType": "User"}), 0),
        (json!({"Keyword": "ForScf"}), 1),
        (json!({"Keyword": "ForMPS"}), 0),
    ] {
        let mut params = json!({"RoleId": role_id});
        params
            .as_object_mut()
            .unwrap()
            .extend(filter.as_object().unwrap().clone());
        let listed: Value = c
            .client
            .call(&c.creds, cam("ListAttachedRolePolicies"), &params)
            .await
            .expect("list");
        assert_eq!(listed["TotalNum"], count, "{filter}");
    }
    let roles: Value = c
        .client
        .call(&c.creds, cam("DescribeRoleList"), &json!({}))
        .await
        .expect("roles");
    assert_eq!(roles["TotalNum"], 1);

    // Deleted, by name or id, with its policies: missing again, as before it was created.
    let gone = c
        .client
        .call::<Value>(&c.creds, cam("DeleteRole"), &json!({"RoleName": "Nope"}))
        .await;
    assert_eq!(api_code(gone), "InvalidParameter.RoleNotExist");
    let _: Value = c
        .client
        .call(&c.creds, cam("DeleteRole"), &json!({"RoleId": role_id}))
        .await
        .expect("DeleteRole");
    let missing = c
        .client
        .call::<Value>(
            &c.creds,
            cam("GetRole"),
            &json!({"RoleName": "SCF_QcsRole"}),
        )
        .await;
    assert_eq!(api_code(missing), "InvalidParameter.RoleNotExist");
    let roles: Value = c
        .client
        .call(&c.creds, cam("DescribeRoleList"), &json!({}))
        .await
        .expect("roles");
    assert_eq!(roles["TotalNum"], 0);
    let policies: i64 = sqlx::query_scalar("select count(*) from emulator.cam_role_policy")
        .fetch_one(&c.db)
        .await
        .expect("count");
    assert_eq!(policies, 0, "its policies went with it");
    let again: Value = c
        .client
        .call(
            &c.creds,
            cam("CreateRole"),
            &json!({"RoleName": "SCF_QcsRole", "PolicyDocument": SCF_TRUST}),
        )
        .await
        .expect("created again");
    assert_ne!(again["RoleId"], role_id.as_str());
}

#[tokio::test]
async fn cam_rejects_bad_input_with_the_real_codes() {
    let c = emulator().await;
    let cases = [
        (
            "CreateRole",
            json!({"RoleName": "bad name", "PolicyDocument": SCF_TRUST}),
            "InvalidParameter.RoleNameError",
        ),
        (
            "CreateRole",
            json!({"RoleName": "R", "PolicyDocument": "{"}),
            "InvalidParameter.PolicyDocumentError",
        ),
        (
            "CreateRole",
            json!({"PolicyDocument": SCF_TRUST}),
            "MissingParameter",
        ),
        (
            "CreateRole",
            json!({"RoleName": 5, "PolicyDocument": SCF_TRUST}),
            "InvalidParameter",
        ),
        ("GetRole", json!({}), "InvalidParameter.ParamError"),
        (
            "AttachRolePolicy",
            json!({"PolicyName": "NoSuchPolicy", "AttachRoleName": "R"}),
            "InvalidParameter.PolicyNameError",
        ),
        (
            "AttachRolePolicy",
            json!({"PolicyId": 42, "AttachRoleName": "R"}),
            "InvalidParameter.PolicyIdNotExist",
        ),
        (
            "AttachRolePolicy",
            json!({"PolicyName": "QcloudAccessForScfRole", "AttachRoleName": "Nobody"}),
            "InvalidParameter.RoleNotExist",
        ),
        ("DeleteEverything", json!({}), "InvalidAction"),
    ];
    for (action, params, code) in cases {
        let r = c.client.call::<Value>(&c.creds, cam(action), &params).await;
        assert_eq!(api_code(r), code, "{action} {params}");
    }
    let wrong_version = c
        .client
        .call::<Value>(
            &c.creds,
            Call {
                version: "2017-03-12",
                ..cam("GetRole")
            },
            &json!({"RoleName": "x"}),
        )
        .await;
    assert_eq!(api_code(wrong_version), "NoSuchVersion");
}

#[tokio::test]
async fn signatures_keys_and_clocks_are_checked() {
    let c = emulator().await;
    let params = json!({"RoleName": "SCF_QcsRole"});
    let wrong_key = Credentials::new(c.creds.secret_id.clone(), "not-the-key");
    assert_eq!(
        api_code(
            c.client
                .call::<Value>(&wrong_key, cam("GetRole"), &params)
                .await
        ),
        "AuthFailure.SignatureFailure"
    );
    let unknown = Credentials::new("AKIDunknown", "whatever");
    assert_eq!(
        api_code(
            c.client
                .call::<Value>(&unknown, cam("GetRole"), &params)
                .await
        ),
        "AuthFailure.SecretIdNotFound"
    );
    let now = || time::OffsetDateTime::now_utc().unix_timestamp();
    // Clearly past the 5-minute window: the two clocks read whole seconds apart in time.
    for skew in [-310, 310] {
        let skewed = c.client.clone().with_clock(Arc::new(move || now() + skew));
        assert_eq!(
            api_code(
                skewed
                    .call::<Value>(&c.creds, cam("GetRole"), &params)
                    .await
            ),
            "AuthFailure.SignatureExpire",
            "skew {skew}"
        );
    }
    let slightly = c.client.clone().with_clock(Arc::new(move || now() - 200));
    assert_eq!(
        api_code(
            slightly
                .call::<Value>(&c.creds, cam("GetRole"), &params)
                .await
        ),
        "InvalidParameter.RoleNotExist"
    );

    // Raw requests: no signature, a garbled one, a body that is not JSON.
    let http = reqwest::Client::new();
    for (auth, body) in [
        (None, "{}"),
        (Some("TC3-HMAC-SHA256 garbage"), "{}"),
        (Some("Basic dXNlcjpwYXNz"), "{}"),
    ] {
        let mut req = http
            .post(&c.base)
            .header("content-type", "application/json")
            .header("x-tc-action", "GetRole")
            .header("x-tc-version", "2019-01-16")
            .header("x-tc-timestamp", now().to_string())
            .body(body);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = req.send().await.expect("reaches the emulator");
        assert_eq!(res.status(), 200, "API errors are HTTP 200");
        let v: Value = res.json().await.expect("json envelope");
        assert_eq!(
            v["Response"]["Error"]["Code"],
            "AuthFailure.InvalidAuthorization"
        );
        assert!(v["Response"]["RequestId"].as_str().is_some());
    }
    let sig_for_bad_body = {
        let host = c.base.trim_start_matches("http://").to_owned();
        let ts = now();
        let body = b"{not json";
        let s = server::cloud::sign::tc3_sign(
            &c.account.secret_key,
            &server::cloud::sign::Tc3Request {
                method: "POST",
                canonical_query: "",
                headers: &[("content-type", "application/json"), ("host", &host)],
                payload: body,
                service: "cam",
                timestamp: ts,
            },
        );
        (s.authorization(&c.creds.secret_id), ts, body)
    };
    let res = http
        .post(&c.base)
        .header("content-type", "application/json")
        .header("x-tc-action", "GetRole")
        .header("x-tc-version", "2019-01-16")
        .header("x-tc-timestamp", sig_for_bad_body.1.to_string())
        .header("authorization", sig_for_bad_body.0)
        .body(sig_for_bad_body.2.to_vec())
        .send()
        .await
        .expect("reaches the emulator");
    let v: Value = res.json().await.expect("json");
    assert_eq!(v["Response"]["Error"]["Code"], "InvalidParameter");
}
