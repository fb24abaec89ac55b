//! The cloud pages' server functions against the embedded emulator: functions from a
//! template, the MPS trigger with its service roles, the log query, the audit log, and
//! what a viewer may not do.
use integration_tests::*;
use reqwest::StatusCode;
use serde_json::Value;

use crate::console_forms::{list_functions, LogQuery, NewFunction, MPS_TEMPLATE};

/// The function this test creates first, as its form describes it.
fn mps_callbacks(name: &str) -> NewFunction<'_> {
    NewFunction::named(name).description("MPS callbacks")
}

#[tokio::test]
async fn template_function_trigger_and_audit() {
    let srv = spawn().await;
    let owner = srv.owner().await;

    // The catalogue has the MPS template with its settings.
    let r = owner.call("list_templates", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let mps = r
        .body
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["id"] == MPS_TEMPLATE)
        .cloned()
        .expect("MPS template");
    assert_eq!(
        (
            mps["runtime"].as_str(),
            mps["memory_size"].as_i64(),
            mps["timeout"].as_i64()
        ),
        (Some("Nodejs8.9"), Some(128), Some(3))
    );
    let r = owner.call("get_template", &[("id", MPS_TEMPLATE)]).await;
    assert!(
        r.body["files"][0]["content"]
            .as_str()
            .is_some_and(|c| c.contains("main_handler")),
        "{r:?}"
    );
    let zip = owner
        .get(&format!("/scf/templates/{MPS_TEMPLATE}.zip"))
        .await;
    assert_eq!(zip.status(), StatusCode::OK);
    assert_eq!(&zip.bytes().await.expect("zip")[..2], b"PK");
    assert_eq!(
        owner.get("/scf/templates/nope.zip").await.status(),
        StatusCode::NOT_FOUND
    );

    // Bad input is refused field by field, and nothing is created.
    let r = mps_callbacks("1bad").send(&owner).await;
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (StatusCode::BAD_REQUEST, "function_name_start"),
        "{r:?}"
    );
    // A blank value in the variables is a format error, reported on that field.
    let r = mps_callbacks("MPSAnalysis")
        .variables("WEBHOOK_URL=\n")
        .send(&owner)
        .await;
    assert_eq!(error_code(&r), "variable_format", "{r:?}");
    // So is a value that would show as other text (a direction override).
    let r = mps_callbacks("MPSAnalysis")
        .variables("LABEL=\u{202e}evil")
        .send(&owner)
        .await;
    assert_eq!(error_code(&r), "variable_value_chars", "{r:?}");
    let r = list_functions(&owner, "8", "").await;
    assert_eq!(r.body["total"], 0, "{r:?}");
    let r = list_functions(&owner, "99999", "").await;
    assert_eq!(error_code(&r), "region_unknown", "{r:?}");

    // A valid function is created from the template's zip and becomes Active.
    let r = mps_callbacks("MPSAnalysis")
        .variables("LABEL=demo")
        .send(&owner)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let f = wait_active(&owner, "MPSAnalysis").await;
    assert_eq!(
        (f["runtime"].as_str(), f["handler"].as_str()),
        (Some("Nodejs8.9"), Some("index.main_handler"))
    );
    assert_eq!(f["variables"], serde_json::json!([["LABEL", "demo"]]));
    // Its configuration changes in place: refused with every field's problem at once,
    // then saved and read back.
    let update = |timeout: &'static str, variables: &'static str, role: &'static str| {
        let owner = &owner;
        async move {
            owner
                .call(
                    "update_function",
                    &[
                        ("rid", "8"),
                        ("ns", "default"),
                        ("name", "MPSAnalysis"),
                        ("description", "Changed in place"),
                        ("memory_size", "256"),
                        ("timeout", timeout),
                        ("variables", variables),
                        ("role", role),
                    ],
                )
                .await
        }
    };
    let r = update("0", "LABEL", "bad role!").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
    let mut fields = vec![r.body["Invalid"]["field"].as_str().unwrap_or_default()];
    fields.extend(
        r.body["Invalid"]["also"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["field"].as_str()),
    );
    assert_eq!(fields, ["timeout", "variables", "role"], "{r:?}");
    let r = update("10", "LABEL=changed\nEXTRA=1", "SCF_QcsRole").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let f = owner
        .call(
            "get_function",
            &[("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")],
        )
        .await
        .body;
    assert_eq!(
        (
            f["description"].as_str(),
            f["memory_size"].as_i64(),
            f["timeout"].as_i64(),
            f["role"].as_str()
        ),
        (
            Some("Changed in place"),
            Some(256),
            Some(10),
            Some("SCF_QcsRole")
        ),
        "{f:?}"
    );
    assert_eq!(
        f["variables"],
        serde_json::json!([["LABEL", "changed"], ["EXTRA", "1"]])
    );
    let r = mps_callbacks("MPSAnalysis").send(&owner).await;
    assert_eq!(
        error_kind(&r),
        "Cloud",
        "a duplicate name is the cloud's error: {r:?}"
    );
    assert_eq!(r.body["Cloud"]["code"], "ResourceInUse.FunctionName");
    // The user's mistake passed through keeps a 4xx: the cloud did not fail.
    assert_eq!(r.status, StatusCode::CONFLICT, "{r:?}");
    let missing = [("rid", "8"), ("ns", "default"), ("name", "NoSuchFunction")];
    let r = owner.call("get_function", &missing).await;
    assert_eq!(
        (r.status, r.body["Cloud"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("ResourceNotFound.FunctionName")),
        "{r:?}"
    );
    assert!(r.body["Cloud"]["request_id"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
    let r = list_functions(&owner, "8", "analy").await;
    assert_eq!(
        (
            r.body["total"].as_u64(),
            r.body["items"][0]["name"].as_str()
        ),
        (Some(1), Some("MPSAnalysis")),
        "{r:?}"
    );

    // The invocation runs the zip's code: logs show it, found by RequestId and outcome.
    let fn_args = [("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")];
    let logs = |request_id: &'static str, outcome: &'static str| {
        let owner = &owner;
        async move {
            LogQuery::last_hour()
                .request_id(request_id)
                .outcome(outcome)
                .send(owner)
                .await
        }
    };
    let r = logs("", "all").await;
    assert_eq!(
        (r.status, r.body["total"].as_u64()),
        (StatusCode::OK, Some(0)),
        "{r:?}"
    );
    let r = logs("", "sideways").await;
    assert_eq!(error_code(&r), "outcome_unknown");
    // A RequestId that is none is the field's problem, not the cloud's.
    let r = logs("not-a-uuid", "all").await;
    assert_eq!(
        (r.status, r.body["Invalid"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("request_id")),
        "{r:?}"
    );

    // The MPS trigger needs both service roles; the console reports and creates them.
    let r = owner.call("service_roles", &[]).await;
    assert_eq!(
        r.body
            .as_array()
            .map(|a| a.iter().filter(|x| x["authorized"] == false).count()),
        Some(2),
        "{r:?}"
    );
    let bind = |name: &'static str, event: &'static str| {
        let owner = &owner;
        async move {
            owner
                .call(
                    "create_mps_trigger",
                    &[
                        ("rid", "8"),
                        ("ns", "default"),
                        ("name", name),
                        ("event_type", event),
                    ],
                )
                .await
        }
    };
    let r = bind("MPSAnalysis", "WorkflowTask").await;
    assert_eq!(
        error_kind(&r),
        "Cloud",
        "binding without roles is the cloud's error: {r:?}"
    );
    // A state the user can change (authorize the roles), not the cloud failing.
    assert_eq!(
        (r.status, r.body["Cloud"]["code"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("FailedOperation.QcsRoleNotFound")
        ),
        "{r:?}"
    );
    let r = bind("MPSAnalysis", "Nonsense").await;
    assert_eq!(error_code(&r), "event_type_unknown");
    let r = owner.call("authorize_role", &[("name", "AdminRole")]).await;
    assert_eq!(error_code(&r), "service_role_unknown");
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        let r = owner.call("authorize_role", &[("name", role)]).await;
        assert_eq!(
            (r.status, &r.body["authorized"]),
            (StatusCode::OK, &Value::Bool(true)),
            "{r:?}"
        );
    }
    // Authorizing again is harmless.
    let r = owner
        .call("authorize_role", &[("name", "SCF_QcsRole")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = bind("MPSAnalysis", "WorkflowTask").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = owner.call("list_triggers", &fn_args).await;
    assert_eq!(
        (r.body[0]["kind"].as_str(), r.body[0]["event_type"].as_str()),
        (Some("mps"), Some("WorkflowTask")),
        "{r:?}"
    );
    let r = owner.call("mps_bindings", &[]).await;
    assert_eq!(r.body[0]["function_name"], "MPSAnalysis", "{r:?}");

    // A second function cannot take the same event type.
    assert_eq!(
        NewFunction::named("Other").send(&owner).await.status,
        StatusCode::OK
    );
    wait_active(&owner, "Other").await;
    let r = bind("Other", "WorkflowTask").await;
    assert_eq!(error_kind(&r), "Cloud", "{r:?}");

    // A viewer reads everything and changes nothing.
    let viewer = srv
        .invite_and_join(&owner, "viewer@example.com", "viewer", "Vera")
        .await;
    let r = list_functions(&viewer, "8", "").await;
    assert_eq!(r.body["total"], 2, "{r:?}");
    assert_eq!(
        viewer.call("list_triggers", &fn_args).await.status,
        StatusCode::OK
    );
    let r = NewFunction::named("ViewerFn").send(&viewer).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
    for (endpoint, form) in [
        (
            "create_mps_trigger",
            vec![
                ("rid", "8"),
                ("ns", "default"),
                ("name", "Other"),
                ("event_type", "EditMediaTask"),
            ],
        ),
        ("authorize_role", vec![("name", "SCF_QcsRole")]),
        ("delete_function", fn_args.to_vec()),
        (
            "update_function",
            vec![
                ("rid", "8"),
                ("ns", "default"),
                ("name", "MPSAnalysis"),
                ("description", "by a viewer"),
                ("memory_size", "128"),
                ("timeout", "3"),
                ("variables", ""),
                ("role", ""),
            ],
        ),
        (
            "delete_trigger",
            vec![
                ("rid", "8"),
                ("ns", "default"),
                ("name", "MPSAnalysis"),
                ("trigger_name", "WorkflowTask"),
                ("kind", "mps"),
            ],
        ),
    ] {
        let r = viewer.call(endpoint, &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{endpoint}: {r:?}");
    }
    let r = owner.call("list_triggers", &fn_args).await;
    assert_eq!(
        r.body.as_array().map(Vec::len),
        Some(1),
        "the viewer changed nothing"
    );
    // Every console page is rendered on the server, not left at a loading state for the
    // browser to fill in.
    for page in [
        "/",
        "/wizard",
        "/scf/functions?rid=8&ns=default",
        "/scf/functions/new?rid=8&ns=default",
        "/scf/function?rid=8&ns=default&name=MPSAnalysis&tab=config",
        "/scf/function?rid=8&ns=default&name=MPSAnalysis&tab=code",
        "/scf/function?rid=8&ns=default&name=MPSAnalysis&tab=triggers",
        "/scf/function?rid=8&ns=default&name=MPSAnalysis&tab=logs",
        "/mps?rid=8",
        "/cos",
        "/audit",
        "/team/members",
        "/team/new",
        "/settings/cloud",
        "/account/sessions",
    ] {
        let res = owner.get(page).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        let html = res.text().await.expect("page");
        let body = html.split("<main").nth(1).unwrap_or_default();
        assert!(body.contains("<h1"), "{page} has no heading: {body:.600}");
    }
    // A malformed RequestId in the address: the page is rendered all the same, saying so.
    let html = owner
        .get("/scf/function?rid=8&ns=default&name=MPSAnalysis&tab=logs&request=not-a-uuid")
        .await
        .text()
        .await
        .expect("page");
    assert!(html.contains("That is not a RequestId."), "{html:.2000}");
    // The pages that change things tell a viewer why their buttons are disabled.
    for page in [
        "/mps?rid=8",
        "/wizard",
        "/scf/functions/new?rid=8&ns=default",
    ] {
        let html = viewer.get(page).await.text().await.expect("page");
        assert!(html.contains(r#"id="read-only-notice""#), "{page}");
        let html = owner.get(page).await.text().await.expect("page");
        assert!(!html.contains(r#"id="read-only-notice""#), "{page}");
    }

    // Deleting the trigger frees the event type for the other function.
    let name = r.body[0]["name"].as_str().expect("trigger name").to_owned();
    let r = owner
        .call(
            "delete_trigger",
            &[
                ("rid", "8"),
                ("ns", "default"),
                ("name", "MPSAnalysis"),
                ("trigger_name", &name),
                ("kind", "mps"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        owner.call("mps_bindings", &[]).await.body,
        serde_json::json!([])
    );
    assert_eq!(bind("Other", "WorkflowTask").await.status, StatusCode::OK);
    let r = owner
        .call(
            "delete_function",
            &[("rid", "8"), ("ns", "default"), ("name", "Other")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(
        owner.call("mps_bindings", &[]).await.body,
        serde_json::json!([]),
        "the deleted function's binding is forgotten"
    );

    // The audit log names each change with the cloud's RequestId.
    let r = viewer.call("audit_log", &[("page", "1")]).await;
    assert_eq!(r.body["more"], false, "{r:?}");
    let actions: Vec<&str> = r.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "function_deleted",
            "trigger_bound",
            "trigger_deleted",
            "member_joined",
            "invite_created",
            "function_created",
            "trigger_bound",
            "role_authorized",
            "role_authorized",
            "role_authorized",
            "function_updated",
            "function_created"
        ],
        "{r:?}"
    );
    // The cloud changes carry the cloud's RequestId; the member changes have none.
    assert!(r.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|e| !e["action"]
            .as_str()
            .is_some_and(|a| a.contains("_joined") || a.starts_with("invite_")))
        .all(|e| e["request_id"].as_str().is_some_and(|s| !s.is_empty())
            && e["actor"] == "Olivia Owner"));
}
