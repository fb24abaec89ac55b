//! The MPS trigger in the emulator: service roles first, one function per event type
//! account-wide (even under concurrent binds), listed and deleted through SCF.
use serde_json::{json, Value};
use server::cloud::error::CloudError;

use integration_tests::TestEmulator as Cloud;

async fn emulator() -> Cloud {
    integration_tests::spawn_emulator().await
}

/// The fixtures these tests need.
trait Ops {
    async fn function(&self, name: &str);
    async fn authorize(&self, role: &str, service: &str, policy: &str);
    /// Both service roles the MPS trigger needs, with their policies.
    async fn authorize_both(&self);
}

impl Ops for Cloud {
    /// Creates the function and waits until it is Active (it may be deleted then).
    async fn function(&self, name: &str) {
        self.call("scf", "CreateFunction", json!({"FunctionName": name, "Runtime": "Nodejs8.9", "Code": {"DemoId": "demo-nodejs89-mps-webhook"}}))
            .await
            .expect("CreateFunction");
        self.wait_active(name).await;
    }

    async fn authorize_both(&self) {
        self.authorize("SCF_QcsRole", "scf.qcloud.com", "QcloudAccessForScfRole")
            .await;
        self.authorize(
            "MPS_QcsRole",
            "mps.cloud.tencent.com",
            "QcloudAccessForMPSRole",
        )
        .await;
    }

    async fn authorize(&self, role: &str, service: &str, policy: &str) {
        let trust = json!({"version": "2.0", "statement": [{"action": "name/sts:AssumeRole", "effect": "allow", "principal": {"service": service}}]});
        self.call(
            "cam",
            "CreateRole",
            json!({"RoleName": role, "PolicyDocument": trust.to_string()}),
        )
        .await
        .expect("CreateRole");
        self.call(
            "cam",
            "AttachRolePolicy",
            json!({"PolicyName": policy, "AttachRoleName": role}),
        )
        .await
        .expect("AttachRolePolicy");
    }
}

fn code(r: Result<Value, CloudError>) -> (String, String) {
    match r {
        Err(CloudError::Api { code, message, .. }) => (code, message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn bind(function: &str, event: &str) -> Value {
    json!({"ScfRegion": "ap-beijing", "EventType": event, "FunctionName": function, "Namespace": "default", "Qualifier": "$DEFAULT"})
}

#[tokio::test]
async fn binding_needs_both_service_roles() {
    let c = emulator().await;
    c.function("MPSAnalysis").await;
    let (code_, message) = code(
        c.call("mps", "BindTrigger", bind("MPSAnalysis", "WorkflowTask"))
            .await,
    );
    assert_eq!(code_, "FailedOperation.QcsRoleNotFound");
    assert!(
        message.contains("SCF_QcsRole") && message.contains("MPS_QcsRole"),
        "{message}"
    );
    c.authorize("SCF_QcsRole", "scf.qcloud.com", "QcloudAccessForScfRole")
        .await;
    let (_, message) = code(
        c.call("mps", "BindTrigger", bind("MPSAnalysis", "WorkflowTask"))
            .await,
    );
    assert!(
        !message.contains("SCF_QcsRole") && message.contains("MPS_QcsRole"),
        "{message}"
    );
    c.authorize(
        "MPS_QcsRole",
        "mps.cloud.tencent.com",
        "QcloudAccessForMPSRole",
    )
    .await;
    let bound = c
        .call("mps", "BindTrigger", bind("MPSAnalysis", "WorkflowTask"))
        .await
        .expect("bound");
    assert!(bound["ResourceId"]
        .as_str()
        .unwrap()
        .ends_with("/TriggerType/WorkflowTaskEvent"));
}

#[tokio::test]
async fn each_event_type_binds_one_function_account_wide() {
    let c = emulator().await;
    c.authorize_both().await;
    for name in ["MPSAnalysis", "Other", "Third"] {
        c.function(name).await;
    }
    let bound = c
        .call("mps", "BindTrigger", bind("MPSAnalysis", "WorkflowTask"))
        .await
        .expect("bind");
    let resource_id = bound["ResourceId"].as_str().unwrap().to_owned();
    let (code_, message) = code(
        c.call("mps", "BindTrigger", bind("Other", "WorkflowTask"))
            .await,
    );
    assert_eq!(code_, "ResourceInUse.Trigger");
    assert!(
        message.contains("ap-beijing/default/MPSAnalysis"),
        "the holder is named: {message}"
    );
    assert_eq!(
        code(
            c.call("mps", "BindTrigger", bind("Ghost", "EditMediaTask"))
                .await
        )
        .0,
        "ResourceNotFound.Function"
    );
    // The qualifier and namespace go into the ResourceId: only real ones are taken
    // (a long or slashed one was stored as given, and a few KB broke the unique index).
    for (field, value, expected) in [
        ("Qualifier", "2", "ResourceNotFound.Qualifier"),
        ("Qualifier", "a/b", "ResourceNotFound.Qualifier"),
        ("Namespace", "a/b", "InvalidParameterValue.Namespace"),
    ] {
        let mut params = bind("Other", "EditMediaTask");
        params[field] = json!(value);
        assert_eq!(code(c.call("mps", "BindTrigger", params).await).0, expected);
    }
    let mut huge = bind("Other", "EditMediaTask");
    huge["Qualifier"] = json!("q".repeat(9000));
    assert_eq!(
        code(c.call("mps", "BindTrigger", huge).await).0,
        "ResourceNotFound.Qualifier"
    );
    assert_eq!(
        code(
            c.call("mps", "BindTrigger", bind("Other", "LiveTask"))
                .await
        )
        .0,
        "InvalidParameterValue.EventType"
    );

    // Two binds of the same event type at once: exactly one wins.
    let (a, b) = tokio::join!(
        c.call("mps", "BindTrigger", bind("Other", "EditMediaTask")),
        c.call("mps", "BindTrigger", bind("Third", "EditMediaTask")),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let loser = if a.is_ok() { b } else { a };
    assert_eq!(code(loser).0, "ResourceInUse.Trigger");

    // SCF lists it as an mps trigger and deletes it.
    let listed = c
        .call(
            "scf",
            "ListTriggers",
            json!({"FunctionName": "MPSAnalysis"}),
        )
        .await
        .expect("list");
    assert_eq!(listed["TotalCount"], 1);
    let trigger = &listed["Triggers"][0];
    assert_eq!(trigger["Type"], "mps");
    assert_eq!(trigger["ResourceId"], resource_id.as_str());
    assert_eq!(trigger["TriggerDesc"], r#"{"eventType":"WorkflowTask"}"#);
    // Filters narrow the list; an unknown filter is refused, not ignored.
    for (filter, count) in [
        (
            json!({"Name": "TriggerName", "Values": ["WorkflowTask"]}),
            1,
        ),
        (
            json!({"Name": "TriggerName", "Values": ["EditMediaTask"]}),
            0,
        ),
        (json!({"Name": "Qualifier", "Values": ["$DEFAULT"]}), 1),
        (json!({"Name": "Qualifier", "Values": ["$LATEST"]}), 0),
    ] {
        let listed = c
            .call(
                "scf",
                "ListTriggers",
                json!({"FunctionName": "MPSAnalysis", "Filters": [filter]}),
            )
            .await
            .expect("list");
        assert_eq!(listed["TotalCount"], count, "{filter}");
    }
    for bad in [
        json!({"FunctionName": "MPSAnalysis", "Filters": [{"Name": "Color", "Values": ["x"]}]}),
        json!({"FunctionName": "MPSAnalysis", "Order": "UP"}),
    ] {
        assert!(code(c.call("scf", "ListTriggers", bad).await)
            .0
            .starts_with("InvalidParameterValue."),);
    }
    c.call(
        "scf",
        "DeleteTrigger",
        json!({"FunctionName": "MPSAnalysis", "TriggerName": "WorkflowTask", "Type": "mps"}),
    )
    .await
    .expect("DeleteTrigger");
    let again = c
        .call(
            "scf",
            "DeleteTrigger",
            json!({"FunctionName": "MPSAnalysis", "TriggerName": "WorkflowTask", "Type": "mps"}),
        )
        .await;
    assert_eq!(code(again).0, "ResourceNotFound.Trigger");
    // Freed: another function may take the event type; UnbindTrigger removes it again.
    let rebound = c
        .call("mps", "BindTrigger", bind("Other", "WorkflowTask"))
        .await
        .expect("rebind");
    // As Tencent's toolkit sends it: with the function, which must be the bound one.
    let toolkit = |function: &str| {
        json!({"Type": "mps", "Qualifier": "$DEFAULT", "FunctionName": function,
            "Namespace": "default", "ResourceId": rebound["ResourceId"]})
    };
    assert_eq!(
        code(c.call("mps", "UnbindTrigger", toolkit("MPSAnalysis")).await).0,
        "ResourceNotFound.Trigger",
        "bound to Other, not MPSAnalysis"
    );
    c.call("mps", "UnbindTrigger", toolkit("Other"))
        .await
        .expect("unbind");
    assert_eq!(
        code(
            c.call(
                "mps",
                "UnbindTrigger",
                json!({"Type": "mps", "ResourceId": "nope"})
            )
            .await
        )
        .0,
        "ResourceNotFound.Trigger"
    );

    // Deleting a function removes its triggers.
    c.call("mps", "BindTrigger", bind("MPSAnalysis", "WorkflowTask"))
        .await
        .expect("bind");
    c.call(
        "scf",
        "DeleteFunction",
        json!({"FunctionName": "MPSAnalysis"}),
    )
    .await
    .expect("delete");
    c.call("mps", "BindTrigger", bind("Other", "WorkflowTask"))
        .await
        .expect("free after delete");
}

#[tokio::test]
async fn a_function_deleted_while_a_trigger_is_bound_leaves_no_binding() {
    let c = emulator().await;
    c.authorize_both().await;
    for round in 0..25 {
        c.function("Racer").await;
        let (bound, deleted) = tokio::join!(
            c.call("mps", "BindTrigger", bind("Racer", "EditMediaTask")),
            c.call("scf", "DeleteFunction", json!({"FunctionName": "Racer"})),
        );
        deleted.expect("DeleteFunction");
        if let Err(err) = &bound {
            assert!(
                matches!(err, CloudError::Api { code, .. } if code == "ResourceNotFound.Function"),
                "round {round}: {err:?}"
            );
        }
        // Whichever came first, the function is gone and so is any binding to it.
        let left: i64 =
            sqlx::query_scalar("select count(*) from emulator.mps_trigger where account_id = $1")
                .bind(c.account.account_id)
                .fetch_one(&c.db)
                .await
                .expect("count");
        assert_eq!(left, 0, "round {round}: bound {bound:?}");
    }
}
