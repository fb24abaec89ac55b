//! Function logs in CLS: the emulator's `SearchLog` over invocation logs, and the log
//! query of a team on Tencent Cloud, which reads CLS (SCF's `GetFunctionLogs` is retired
//! there). The tests' Tencent endpoint is the emulator.
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde_json::{json, Value};

use integration_tests::api_error_code as code;
use integration_tests::{spawn, wait_active, Browser, TestEmulator};

use crate::console_forms::{LogQuery, NewFunction};
use server::cloud::client::{Call, CloudClient, Credentials, Endpoint};

fn task_id(i: usize) -> String {
    format!("1250000001-WorkflowTask-5d0a2e8f6c1b4a7e9f3d{i:04}t0")
}

fn workflow_event(task: &str) -> String {
    json!({"EventType": "WorkflowTask", "WorkflowTaskEvent": {
        "TaskId": task, "Status": "FINISH", "ErrCode": 0, "Message": "",
        "InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": "mps-in-1250000001", "Region": "ap-beijing", "Object": "/upload/demo.mp4"}},
        "MediaProcessResultSet": []}})
    .to_string()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Invokes `MPSAnalysis` synchronously: one run per task id, then one failing run (an
/// event that is no MPS task). Returns the RequestIds, the failing one last.
async fn invoke_runs(client: &CloudClient, creds: &Credentials, tasks: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..=tasks {
        let event = if i < tasks {
            workflow_event(&task_id(i))
        } else {
            r#"{"EventType":"Other"}"#.to_owned()
        };
        let call = Call {
            service: "scf",
            version: "2018-04-16",
            action: "Invoke",
            region: Some("ap-beijing"),
            idempotent: false,
        };
        let r: Value = client
            .call(
                creds,
                call,
                &json!({"FunctionName": "MPSAnalysis", "ClientContext": event}),
            )
            .await
            .expect("Invoke");
        let expected = if i < tasks { 0 } else { -1 };
        assert_eq!(r["Result"]["InvokeResult"], expected, "{r}");
        ids.push(
            r["Result"]["FunctionRequestId"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    ids
}

async fn search(c: &TestEmulator, params: Value) -> Result<Value, String> {
    c.call("cls", "SearchLog", params)
        .await
        .map_err(|e| code(Err::<(), _>(e)))
}

fn lines(r: &Value) -> Vec<Value> {
    r["Results"]
        .as_array()
        .expect("Results")
        .iter()
        .map(|l| serde_json::from_str(l["LogJson"].as_str().expect("LogJson")).expect("JSON"))
        .collect()
}

#[tokio::test]
async fn search_log_finds_invocation_lines_by_field_text_and_page() {
    let c = integration_tests::spawn_emulator().await;
    c.call("scf", "CreateFunction", json!({"FunctionName": "MPSAnalysis", "Runtime": "Nodejs8.9", "Handler": "index.main_handler", "Code": {"DemoId": "demo-nodejs89-mps-webhook"}}))
        .await
        .expect("CreateFunction");
    c.wait_active("MPSAnalysis").await;
    let ids = invoke_runs(&c.client, &c.creds, 2).await;

    let f = c
        .call("scf", "GetFunction", json!({"FunctionName": "MPSAnalysis"}))
        .await
        .expect("GetFunction");
    let topic = f["ClsTopicId"].as_str().expect("topic").to_owned();
    assert!(!topic.is_empty() && !f["ClsLogsetId"].as_str().unwrap_or("").is_empty());
    let (from, to) = (now_ms() - 3_600_000, now_ms() + 60_000);
    let q = |statement: &str| json!({"TopicId": topic, "From": from, "To": to, "QueryString": statement});

    // One Report line per invocation, newest first, with the outcome.
    let reports = search(
        &c,
        q(r#"SCF_FunctionName:"MPSAnalysis" AND SCF_Type:Platform AND SCF_Message:Report*"#),
    )
    .await
    .expect("search");
    assert_eq!(reports["ListOver"], true);
    assert_eq!(reports["Analysis"], false);
    let found = lines(&reports);
    assert_eq!(found.len(), 3, "{reports}");
    assert_eq!(found[0]["SCF_RequestId"], ids[2].as_str());
    assert_eq!(found[0]["SCF_StatusCode"], "430");
    assert_eq!(found[1]["SCF_StatusCode"], "200");
    assert!(found
        .iter()
        .all(|l| l["SCF_Namespace"] == "default" && l["SCF_Type"] == "Platform"));
    let times: Vec<i64> = reports["Results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Time"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");

    let failed = search(&c, q("SCF_Message:Report* AND NOT SCF_StatusCode:200"))
        .await
        .expect("search");
    assert_eq!(lines(&failed).len(), 1);

    // All lines of one invocation, in order: START, output, Response, END, Report.
    let one = search(&c, json!({"TopicId": topic, "From": from, "To": to, "QueryString": format!("SCF_RequestId:\"{}\"", ids[0]), "Sort": "asc"})).await.expect("search");
    let messages: Vec<String> = lines(&one)
        .iter()
        .map(|l| l["SCF_Message"].as_str().unwrap().to_owned())
        .collect();
    assert!(messages[0].starts_with("START RequestId:"), "{messages:?}");
    assert!(
        messages.last().unwrap().starts_with("Report RequestId:"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains(&format!("MPS WorkflowTask {} status FINISH", task_id(0)))),
        "{messages:?}"
    );
    let response = messages
        .iter()
        .find(|m| m.starts_with("Response RequestId:"))
        .expect("Response line");
    assert!(response.contains(&task_id(0)), "{response}");
    let failing = search(
        &c,
        q(&format!(
            "SCF_RequestId:\"{}\" AND SCF_Message:ERROR",
            ids[2]
        )),
    )
    .await
    .expect("search");
    assert!(lines(&failing)[0]["SCF_Message"]
        .as_str()
        .unwrap()
        .contains("not an MPS task event"));

    // Full-text search, case-insensitively; the return value is searched too.
    let text = search(&c, q(&format!("\"{}\"", task_id(1).to_uppercase())))
        .await
        .expect("search");
    assert!(
        lines(&text)
            .iter()
            .all(|l| l["SCF_RequestId"] == ids[1].as_str()),
        "{text}"
    );
    assert!(lines(&text).len() >= 2, "output and Response: {text}");

    // Paging by Context: the pages join up with no line twice.
    let all = lines(&search(&c, q("*")).await.expect("search"));
    let mut paged = Vec::new();
    let mut params =
        json!({"TopicId": topic, "From": from, "To": to, "QueryString": "*", "Limit": 4});
    loop {
        let page = search(&c, params.clone()).await.expect("page");
        paged.extend(lines(&page));
        if page["ListOver"] == true {
            assert_eq!(page["Context"], "");
            break;
        }
        params["Context"] = page["Context"].clone();
    }
    assert_eq!(paged, all);
    // By Offset, the same.
    let third = search(
        &c,
        json!({"TopicId": topic, "From": from, "To": to, "Limit": 1, "Offset": 2}),
    )
    .await
    .expect("offset");
    assert_eq!(lines(&third)[0], all[2]);

    // A window before the runs has nothing.
    let past = search(&c, json!({"TopicId": topic, "From": 1_000, "To": 2_000}))
        .await
        .expect("search");
    assert_eq!(lines(&past).len(), 0);

    // A topic filter on ListFunctions finds the function by its topic only.
    let listed = c
        .call(
            "scf",
            "ListFunctions",
            json!({"Filters": [{"Name": "ClsTopicId", "Values": [topic]}]}),
        )
        .await
        .expect("list");
    assert_eq!(listed["TotalCount"], 1);
    let other = c
        .call(
            "scf",
            "ListFunctions",
            json!({"Filters": [{"Name": "ClsTopicId", "Values": ["x"]}]}),
        )
        .await
        .expect("list");
    assert_eq!(other["TotalCount"], 0);

    // Refusals, each with CLS's code.
    let first = search(
        &c,
        json!({"TopicId": topic, "From": from, "To": to, "Limit": 1}),
    )
    .await
    .expect("page");
    for (params, expected) in [
        (
            json!({"TopicId": "4f1c0000-0000-4000-8000-000000000000", "From": from, "To": to}),
            "ResourceNotFound.TopicNotExist",
        ),
        (json!({"From": from, "To": to}), "MissingParameter"),
        (json!({"TopicId": topic, "To": to}), "MissingParameter"),
        (
            json!({"TopicId": topic, "From": to, "To": from}),
            "InvalidParameter",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "QueryString": "(SCF_Type:Platform"}),
            "FailedOperation.SyntaxError",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "QueryString": "* | select count(*)"}),
            "FailedOperation.QueryError",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "Limit": 0}),
            "InvalidParameter",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "Limit": 1001}),
            "InvalidParameter",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "Sort": "up"}),
            "InvalidParameter",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "QuerySyntax": 2}),
            "InvalidParameter",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "Topics": [{"TopicId": topic}]}),
            "InvalidParameter",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "Limit": 1, "Offset": 1, "Context": first["Context"]}),
            "InvalidParameter",
        ),
        // A Context is bound to its search.
        (
            json!({"TopicId": topic, "From": from, "To": to, "Limit": 1, "QueryString": "SCF_Type:Platform", "Context": first["Context"]}),
            "FailedOperation.InvalidContext",
        ),
        (
            json!({"TopicId": topic, "From": from, "To": to, "Context": "junk"}),
            "FailedOperation.InvalidContext",
        ),
        (
            json!({"TopicId": topic, "From": "yesterday", "To": to}),
            "InvalidParameter",
        ),
    ] {
        assert_eq!(
            search(&c, params.clone()).await.err().as_deref(),
            Some(expected),
            "{params}"
        );
    }
}

async fn logs(b: &Browser, q: LogQuery<'_>) -> (StatusCode, Value) {
    let r = q.send(b).await;
    (r.status, r.body)
}

fn request_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["request_id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn a_team_on_tencent_cloud_queries_function_logs_in_cls() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let (secret_id, secret_key) = srv.emulator_keys(&owner).await;
    let r = owner
        .call(
            "save_cloud_account",
            &[
                ("kind", "tencent"),
                ("secret_id", &secret_id),
                ("secret_key", &secret_key),
                ("app_id", "1250000000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let r = NewFunction::named("MPSAnalysis").send(&owner).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    wait_active(&owner, "MPSAnalysis").await;
    let client = CloudClient::new(Endpoint::Custom(srv.emulator_url.clone())).expect("client");
    let ids = invoke_runs(&client, &Credentials::new(secret_id, secret_key), 21).await;

    // 22 runs: a full page, uncounted, and a second page with the rest.
    let (status, first) = logs(&owner, LogQuery::last_hour()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["total"], Value::Null, "CLS does not count: {first}");
    assert_eq!(first["more"], true);
    let (_, second) = logs(&owner, LogQuery::last_hour().page("2")).await;
    assert_eq!(second["more"], false);
    let mut seen = request_ids(&first);
    assert_eq!(seen.len(), 20);
    seen.extend(request_ids(&second));
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(seen, expected, "newest first, each once");

    // A row is the invocation: its outcome, figures, return value and every line.
    let newest_ok = &first["items"][1];
    assert_eq!(newest_ok["ret_code"], 0);
    assert!(newest_ok["billed_ms"].as_i64().unwrap() >= 1, "{newest_ok}");
    assert!(
        newest_ok["memory_bytes"].as_i64().unwrap() > 0,
        "{newest_ok}"
    );
    assert!(
        newest_ok["ret_msg"]
            .as_str()
            .unwrap()
            .contains(&task_id(20)),
        "{newest_ok}"
    );
    let log = newest_ok["log"].as_str().unwrap();
    assert!(
        log.starts_with("START RequestId:") && log.contains("Report RequestId:"),
        "{log}"
    );
    assert!(
        newest_ok["start_time"].as_str().unwrap().len() == 19,
        "{newest_ok}"
    );

    // Failures only: the one failing run, with its error.
    let (_, failed) = logs(&owner, LogQuery::last_hour().outcome("failure")).await;
    assert_eq!(request_ids(&failed), [ids[21].clone()]);
    assert_eq!(failed["items"][0]["ret_code"], 430);
    assert!(
        failed["items"][0]["ret_msg"]
            .as_str()
            .unwrap()
            .contains("not an MPS task event"),
        "{failed}"
    );
    let (_, succeeded) = logs(&owner, LogQuery::last_hour().outcome("success")).await;
    assert_eq!(request_ids(&succeeded).len(), 20);

    // By RequestId, and by a keyword (a TaskId) in the function's output.
    let (_, one) = logs(&owner, LogQuery::last_hour().request_id(&ids[3])).await;
    assert_eq!(request_ids(&one), [ids[3].clone()]);
    let task = task_id(7);
    let (_, by_task) = logs(&owner, LogQuery::last_hour().keyword(&task)).await;
    assert_eq!(request_ids(&by_task), [ids[7].clone()], "{by_task}");
    assert_eq!(by_task["more"], false);
    let (_, none) = logs(&owner, LogQuery::last_hour().keyword("no-such-text")).await;
    assert_eq!(request_ids(&none).len(), 0);

    // The Log query tab, rendered on the server: each row names its values for a screen
    // reader (the column heads above the rows are hidden from it).
    let html = owner
        .get("/scf/function?rid=8&ns=default&name=MPSAnalysis&tab=logs")
        .await
        .text()
        .await
        .unwrap();
    let label = format!(
        r#"aria-label="RequestId {}, Start time {}, Duration "#,
        ids[21],
        failed["items"][0]["start_time"].as_str().unwrap()
    );
    assert!(html.contains(&label), "{label} in {html}");
    assert!(html.contains(", Status Failure\""), "{html}");
}

/// A run is in the log query at once, in the very second it ran: the cloud takes whole
/// seconds, and a range that ended at the second begun used to leave it out.
#[tokio::test]
async fn a_run_is_in_the_log_query_in_the_second_it_ran() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let (secret_id, secret_key) = srv.emulator_keys(&owner).await;
    let r = NewFunction::named("MPSAnalysis").send(&owner).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    wait_active(&owner, "MPSAnalysis").await;
    let client = CloudClient::new(Endpoint::Custom(srv.emulator_url.clone())).expect("client");
    let creds = Credentials::new(secret_id, secret_key);
    // Three rounds: a query within a few milliseconds of its run, mostly in its second.
    for round in 0..3 {
        let ids = invoke_runs(&client, &creds, 0).await;
        let (status, page) = logs(&owner, LogQuery::last_hour().request_id(&ids[0])).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(request_ids(&page), ids, "round {round}: {page}");
    }
}
