//! Invoking functions in the emulator and querying their logs: the MPS Webhook template
//! run on a WorkflowTask event, synchronously and asynchronously.
use std::time::Duration;

use serde_json::{json, Value};

use integration_tests::api_error_code as code;
use integration_tests::TestEmulator as Cloud;

const TASK_ID: &str = "1250000001-WorkflowTask-5d0a2e8f6c1b4a7e9f3d2c1b0a9e8d7ct0";

fn workflow_event() -> String {
    json!({"EventType": "WorkflowTask", "WorkflowTaskEvent": {
        "TaskId": TASK_ID, "Status": "FINISH", "ErrCode": 0, "Message": "",
        "InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": "mps-in-1250000001", "Region": "ap-beijing", "Object": "/upload/demo.mp4"}},
        "MediaProcessResultSet": [{"Type": "Transcode", "TranscodeTask": {"Status": "SUCCESS", "ErrCode": 0, "Message": "SUCCESS",
            "Output": {"OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": "mps-out-1250000001", "Region": "ap-beijing"}}, "Path": "/output/demo_transcode_10.mp4"}},
            "AnimatedGraphicTask": null, "SnapshotByTimeOffsetTask": null, "SampleSnapshotTask": null, "ImageSpriteTask": null}]}})
    .to_string()
}

async fn active_function(c: &Cloud, name: &str) {
    c.call("scf", "CreateFunction", json!({"FunctionName": name, "Runtime": "Nodejs8.9", "Handler": "index.main_handler", "Code": {"DemoId": "demo-nodejs89-mps-webhook"}}))
        .await
        .expect("CreateFunction");
    let early = c.call("scf", "Invoke", json!({"FunctionName": name})).await;
    assert_eq!(
        code(early),
        "FailedOperation.FunctionStatusError",
        "no invoking while Creating"
    );
    c.wait_active(name).await;
}

#[tokio::test]
async fn the_mps_template_handles_a_workflow_event_and_its_log_is_queryable() {
    let c = integration_tests::spawn_emulator().await;
    active_function(&c, "MPSAnalysis").await;

    let ok = c
        .call(
            "scf",
            "Invoke",
            json!({"FunctionName": "MPSAnalysis", "ClientContext": workflow_event()}),
        )
        .await
        .expect("invoke");
    let result = &ok["Result"];
    assert_eq!(result["InvokeResult"], 0, "{result}");
    let ret: Value =
        serde_json::from_str(result["RetMsg"].as_str().unwrap()).expect("RetMsg is JSON");
    assert_eq!(ret["TaskId"], TASK_ID);
    assert_eq!(ret["Status"], "FINISH");
    let log = result["Log"].as_str().unwrap();
    let rid = result["FunctionRequestId"].as_str().unwrap().to_owned();
    assert!(log.starts_with(&format!("START RequestId: {rid}")), "{log}");
    assert!(
        log.contains(&format!("MPS WorkflowTask {TASK_ID} status FINISH")),
        "{log}"
    );
    assert!(log.contains("COS_BUCKET is not set"), "{log}");
    assert!(result["BillDuration"].as_i64().unwrap() >= 1);

    let bad = c
        .call(
            "scf",
            "Invoke",
            json!({"FunctionName": "MPSAnalysis", "ClientContext": r#"{"EventType":"Other"}"#}),
        )
        .await
        .expect("invoke");
    assert_eq!(bad["Result"]["InvokeResult"], -1);
    assert!(bad["Result"]["ErrMsg"]
        .as_str()
        .unwrap()
        .contains("not an MPS task event"));

    let all = c
        .call(
            "scf",
            "GetFunctionLogs",
            json!({"FunctionName": "MPSAnalysis"}),
        )
        .await
        .expect("logs");
    assert_eq!(all["TotalCount"], 2);
    let failed = c
        .call(
            "scf",
            "GetFunctionLogs",
            json!({"FunctionName": "MPSAnalysis", "Filter": {"RetCode": "not0"}}),
        )
        .await
        .expect("logs");
    assert_eq!(failed["TotalCount"], 1);
    assert_eq!(failed["Data"][0]["RetCode"], 430);
    let one = c
        .call(
            "scf",
            "GetFunctionLogs",
            json!({"FunctionName": "MPSAnalysis", "FunctionRequestId": rid}),
        )
        .await
        .expect("logs");
    assert_eq!(one["TotalCount"], 1);
    assert!(one["Data"][0]["Log"].as_str().unwrap().contains(TASK_ID));
    let past = c
        .call("scf", "GetFunctionLogs", json!({"FunctionName": "MPSAnalysis", "StartTime": "2020-01-01 00:00:00", "EndTime": "2020-01-02 00:00:00"}))
        .await
        .expect("logs");
    assert_eq!(past["TotalCount"], 0);

    for (params, expected) in [
        (
            json!({"FunctionName": "MPSAnalysis", "Filter": {"RetCode": "sometimes"}}),
            "InvalidParameterValue.RetCode",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "Filter": {"RetCode": 5}}),
            "InvalidParameterValue.RetCode",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "Filter": "not0"}),
            "InvalidParameter",
        ),
        // Offset + Limit past 10000, even where the sum overflows.
        (
            json!({"FunctionName": "MPSAnalysis", "Offset": i64::MAX, "Limit": 20}),
            "LimitExceeded.Offset",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "StartTime": "yesterday", "EndTime": "today"}),
            "InvalidParameterValue.StartTimeOrEndTime",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "StartTime": "2026-01-01 00:00:00"}),
            "InvalidParameterValue.StartTimeOrEndTime",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "FunctionRequestId": "nope"}),
            "InvalidParameterValue.FunctionRequestId",
        ),
        (
            json!({"FunctionName": "Missing"}),
            "ResourceNotFound.FunctionName",
        ),
    ] {
        assert_eq!(
            code(c.call("scf", "GetFunctionLogs", params.clone()).await),
            expected,
            "{params}"
        );
    }
    for (params, expected) in [
        (
            json!({"FunctionName": "MPSAnalysis", "ClientContext": "{not json"}),
            "InvalidParameterValue.ClientContext",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "InvocationType": "Later"}),
            "InvalidParameterValue.InvocationType",
        ),
        // Over the event limits: 6 MB called synchronously, 128 KB asynchronously.
        (
            json!({"FunctionName": "MPSAnalysis", "ClientContext": padded_event(6 * 1024 * 1024 + 1)}),
            "InvalidParameterValue.ClientContext",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "InvocationType": "Event", "ClientContext": padded_event(128 * 1024 + 1)}),
            "InvalidParameterValue.ClientContext",
        ),
    ] {
        assert_eq!(
            code(c.call("scf", "Invoke", params.clone()).await),
            expected,
            "{params}"
        );
    }
}

/// A JSON event of exactly `len` bytes.
fn padded_event(len: usize) -> String {
    let event = format!(r#"{{"pad":"{}"}}"#, "x".repeat(len - 10));
    assert_eq!(event.len(), len);
    event
}

#[tokio::test]
async fn functions_of_other_runtimes_are_kept_but_not_run() {
    let c = integration_tests::spawn_emulator().await;
    c.call("scf", "CreateFunction", json!({"FunctionName": "Py", "Runtime": "Python3.9", "Code": {"DemoId": "demo-nodejs89-mps-webhook"}}))
        .await
        .expect("CreateFunction");
    let mut result = Value::Null;
    for _ in 0..50 {
        match c.call("scf", "Invoke", json!({"FunctionName": "Py"})).await {
            Ok(r) => {
                result = r["Result"].clone();
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert_eq!(result["InvokeResult"], -1, "{result}");
    assert!(
        result["ErrMsg"]
            .as_str()
            .is_some_and(|m| m.contains("Node.js functions only")),
        "{result}"
    );
}

#[tokio::test]
async fn asynchronous_invocations_are_logged_when_they_finish() {
    let c = integration_tests::spawn_emulator().await;
    active_function(&c, "MPSAnalysis").await;
    let r = c
        .call("scf", "Invoke", json!({"FunctionName": "MPSAnalysis", "InvocationType": "Event", "ClientContext": workflow_event()}))
        .await
        .expect("async invoke");
    let rid = r["Result"]["FunctionRequestId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(r["Result"]["Log"], "", "asynchronous calls return at once");
    let mut found = None;
    for _ in 0..100 {
        let logs = c
            .call(
                "scf",
                "GetFunctionLogs",
                json!({"FunctionName": "MPSAnalysis", "FunctionRequestId": rid}),
            )
            .await
            .expect("logs");
        // Logged as running (RetCode 2) from its start, then finished.
        if logs["TotalCount"] == 1 && logs["Data"][0]["InvokeFinished"] == 1 {
            found = Some(logs["Data"][0].clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let row = found.expect("the asynchronous invocation was logged");
    assert_eq!(row["RetCode"], 0, "{row}");
    assert!(row["Log"].as_str().unwrap().contains(TASK_ID));
}

#[tokio::test]
async fn invoke_function_runs_synchronously_and_get_request_status_reports_each_run() {
    let c = integration_tests::spawn_emulator().await;
    active_function(&c, "MPSAnalysis").await;
    let ok = c
        .call(
            "scf",
            "InvokeFunction",
            json!({"FunctionName": "MPSAnalysis", "Event": workflow_event(), "LogType": "Tail"}),
        )
        .await
        .expect("InvokeFunction");
    let result = &ok["Result"];
    assert_eq!(result["InvokeResult"], 0, "{result}");
    let ret: Value = serde_json::from_str(result["RetMsg"].as_str().unwrap_or_default())
        .expect("RetMsg is JSON");
    assert_eq!(ret["TaskId"], TASK_ID);
    let ok_id = result["FunctionRequestId"].as_str().expect("id").to_owned();
    let failed = c
        .call(
            "scf",
            "InvokeFunction",
            json!({"FunctionName": "MPSAnalysis", "Event": r#"{"EventType":"Other"}"#}),
        )
        .await
        .expect("InvokeFunction");
    assert_eq!(failed["Result"]["InvokeResult"], -1, "{failed}");
    let failed_id = failed["Result"]["FunctionRequestId"]
        .as_str()
        .expect("id")
        .to_owned();
    for (params, expected) in [
        (
            json!({"FunctionName": "MPSAnalysis", "Event": "not json"}),
            "InvalidParameterValue.ClientContext",
        ),
        // Invoke's name for the event is not InvokeFunction's.
        (
            json!({"FunctionName": "MPSAnalysis", "ClientContext": "{}"}),
            "UnknownParameter",
        ),
        (
            json!({"FunctionName": "MPSAnalysis", "Qualifier": "2"}),
            "ResourceNotFound.Qualifier",
        ),
        (
            json!({"FunctionName": "Nope"}),
            "ResourceNotFound.FunctionName",
        ),
    ] {
        let refused = c.call("scf", "InvokeFunction", params.clone()).await;
        assert_eq!(code(refused), expected, "{params}");
    }

    let status = |id: String, extra: Value| {
        let mut params = json!({"FunctionName": "MPSAnalysis", "FunctionRequestId": id});
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        c.call("scf", "GetRequestStatus", params)
    };
    let done = status(ok_id.clone(), json!({})).await.expect("status");
    assert_eq!(done["TotalCount"], 1, "{done}");
    let row = &done["Data"][0];
    assert_eq!(row["RequestId"], ok_id.as_str());
    assert_eq!(row["RetCode"], 0, "{row}");
    assert_eq!(row["FunctionName"], "MPSAnalysis");
    assert!(
        row["RetMsg"].as_str().is_some_and(|m| m.contains(TASK_ID)),
        "{row}"
    );
    assert!(row["MemUsage"].as_i64().is_some_and(|m| m > 0), "{row}");
    let bad = status(failed_id, json!({})).await.expect("status");
    assert_eq!(bad["Data"][0]["RetCode"], -1, "{bad}");
    let unknown = status(uuid::Uuid::new_v4().to_string(), json!({}))
        .await
        .expect("status");
    assert_eq!(unknown["TotalCount"], 0, "{unknown}");
    let past = status(
        ok_id.clone(),
        json!({"StartTime": "2020-01-01 00:00:00", "EndTime": "2020-01-01 00:15:00"}),
    )
    .await
    .expect("status");
    assert_eq!(past["TotalCount"], 0, "outside the range: {past}");
    let before = status(ok_id.clone(), json!({"EndTime": "2020-01-01 00:15:00"}))
        .await
        .expect("status");
    assert_eq!(
        before["TotalCount"], 0,
        "15 minutes before EndTime: {before}"
    );
    for (id, extra, expected) in [
        ("x", json!({}), "InvalidParameterValue.FunctionRequestId"),
        (
            ok_id.as_str(),
            json!({"StartTime": "2020-01-01 00:00:00"}),
            "InvalidParameterValue.StartTimeOrEndTime",
        ),
        (
            ok_id.as_str(),
            json!({"StartTime": "2020-01-01 00:15:00", "EndTime": "2020-01-01 00:00:00"}),
            "InvalidParameterValue.StartTimeOrEndTime",
        ),
    ] {
        let refused = status(id.to_owned(), extra.clone()).await;
        assert_eq!(code(refused), expected, "{id} {extra}");
    }
    let missing = c
        .call(
            "scf",
            "GetRequestStatus",
            json!({"FunctionName": "MPSAnalysis"}),
        )
        .await;
    assert_eq!(code(missing), "MissingParameter");

    // A run in progress reads RetCode 1, then its outcome.
    let slow = "exports.main_handler = async () => { await new Promise((r) => setTimeout(r, 1500)); return 'late'; };";
    c.call("scf", "CreateFunction", json!({"FunctionName": "Slow", "Runtime": "Nodejs12.16", "Handler": "index.main_handler", "Code": {"ZipFile": zip_file(slow)}}))
        .await
        .expect("CreateFunction");
    c.wait_active("Slow").await;
    let started = c
        .call(
            "scf",
            "Invoke",
            json!({"FunctionName": "Slow", "InvocationType": "Event"}),
        )
        .await
        .expect("async invoke");
    let id = started["Result"]["FunctionRequestId"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut seen = Vec::new();
    for _ in 0..100 {
        let s = c
            .call(
                "scf",
                "GetRequestStatus",
                json!({"FunctionName": "Slow", "FunctionRequestId": id}),
            )
            .await
            .expect("status");
        if let Some(code) = s["Data"][0]["RetCode"].as_i64() {
            if seen.last() != Some(&code) {
                seen.push(code);
            }
            if code == 0 {
                assert_eq!(s["Data"][0]["RetMsg"], "\"late\"", "{s}");
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen, [1, 0], "running, then done");
}

/// A function's code as `Code.ZipFile` takes it: `index.js` holding `code`.
pub(crate) fn zip_file(code: &str) -> String {
    use base64::Engine;
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("index.js", options).expect("zip entry");
    out.write_all(code.as_bytes()).expect("zip write");
    let bytes = out.finish().expect("zip").into_inner();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn a_synchronous_invocation_whose_caller_hangs_up_runs_to_its_end() {
    let c = integration_tests::spawn_emulator().await;
    let code = "exports.main_handler = async () => { await new Promise((r) => setTimeout(r, 1500)); console.log('finished'); return 'done'; };";
    c.call("scf", "CreateFunction", json!({"FunctionName": "Slow", "Runtime": "Nodejs12.16", "Handler": "index.main_handler", "Code": {"ZipFile": zip_file(code)}}))
        .await
        .expect("CreateFunction");
    c.wait_active("Slow").await;
    // The caller gives up after 300 ms, dropping its connection.
    let hung_up = tokio::time::timeout(
        Duration::from_millis(300),
        c.call("scf", "Invoke", json!({"FunctionName": "Slow"})),
    )
    .await;
    assert!(hung_up.is_err(), "the call was still running");
    // The run goes on to its end and is logged.
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let logs = c
            .call("scf", "GetFunctionLogs", json!({"FunctionName": "Slow"}))
            .await
            .expect("logs");
        if logs["TotalCount"] == 1 && logs["Data"][0]["InvokeFinished"] == 1 {
            let row = &logs["Data"][0];
            assert_eq!(row["RetCode"], 0, "{row}");
            assert_eq!(row["RetMsg"], "\"done\"", "{row}");
            assert!(
                row["Log"].as_str().unwrap_or_default().contains("finished"),
                "{row}"
            );
            return;
        }
    }
    panic!("the invocation whose caller hung up was never logged");
}

/// `TotalCount` over ranges that start and end on, just before and inside hours, with
/// and without a RetCode filter, before and after rows are deleted and moved: always the
/// number of rows in the range (the count adds up whole hours from per-hour counts).
#[tokio::test]
async fn the_log_total_counts_every_row_in_the_range() {
    let c = integration_tests::spawn_emulator().await;
    c.call("scf", "CreateFunction", json!({"FunctionName": "Counted", "Runtime": "Nodejs8.9", "Handler": "index.main_handler", "Code": {"DemoId": "demo-nodejs89-mps-webhook"}}))
        .await
        .expect("CreateFunction");
    // Four rows an hour for two days from 2026-01-09 12:00 (UTC+8): on the hour, a
    // microsecond after, mid-hour and the hour's last microsecond.
    sqlx::query(
        "insert into emulator.scf_invocation
           (request_id, account_id, region, namespace, function_name, invoke_type, start_time,
            duration_ms, billed_ms, mem_usage, ret_code, ret_msg, log)
         select gen_random_uuid(), $1, 'ap-beijing', 'default', 'Counted', 'Event',
                timestamptz '2026-01-09 12:00:00+08' + h * interval '1 hour' + o.d,
                1, 1, 0, (array[0, 430, 433])[1 + (h + o.k) % 3], '', ''
         from generate_series(0, 47) h,
              unnest(array[interval '0', interval '1 microsecond', interval '29 min 59.5 s',
                           interval '59 min 59.999999 s']) with ordinality o(d, k)",
    )
    .bind(c.account.account_id)
    .execute(&c.db)
    .await
    .expect("rows");

    let ranges = [
        ("2026-01-10 00:00:00", "2026-01-10 23:59:59"),
        ("2026-01-10 03:00:00", "2026-01-10 05:00:00"),
        ("2026-01-10 02:59:59", "2026-01-10 07:30:00"),
        ("2026-01-10 03:10:00", "2026-01-10 03:50:00"),
        ("2026-01-10 03:00:00", "2026-01-10 03:00:00"),
        ("2026-01-09 12:00:00", "2026-01-10 12:00:00"),
        ("2026-01-10 22:00:01", "2026-01-11 12:00:00"),
    ];
    let filters = [
        ("", "true"),
        ("is0", "ret_code = 0"),
        ("not0", "ret_code <> 0"),
        ("TimeLimitExceeded", "ret_code = 433"),
    ];
    let c = &c;
    let check = |stage: &'static str| async move {
        for (from, to) in ranges {
            for (filter, sql) in filters {
                let mut params = json!({"FunctionName": "Counted", "StartTime": from, "EndTime": to, "Limit": 1});
                if !filter.is_empty() {
                    params["Filter"] = json!({"RetCode": filter});
                }
                let page = c
                    .call("scf", "GetFunctionLogs", params)
                    .await
                    .expect("logs");
                let expected: i64 = sqlx::query_scalar(&format!(
                    "select count(*) from emulator.scf_invocation where function_name = 'Counted'
                       and start_time between ($1 || '+08')::timestamptz and ($2 || '+08')::timestamptz
                       and {sql}"
                ))
                .bind(from)
                .bind(to)
                .fetch_one(&c.db)
                .await
                .expect("count");
                assert_eq!(
                    page["TotalCount"], expected,
                    "{stage}: {from} to {to}, RetCode {filter:?}"
                );
            }
        }
    };
    check("as written").await;
    let day: i64 = sqlx::query_scalar("select count(*) from emulator.scf_invocation where function_name = 'Counted' and start_time between '2026-01-10 00:00:00+08' and '2026-01-10 23:59:59+08'")
        .fetch_one(&c.db)
        .await
        .unwrap();
    // All but 23:59:59.999999, after the range's last second.
    assert_eq!(day, 24 * 4 - 1, "the rows the day holds");

    sqlx::query("delete from emulator.scf_invocation where function_name = 'Counted' and extract(minute from start_time) = 29 and ret_code = 0")
        .execute(&c.db)
        .await
        .expect("delete");
    sqlx::query("update emulator.scf_invocation set start_time = start_time + interval '5 hours', ret_code = 0 where function_name = 'Counted' and ret_code = 433")
        .execute(&c.db)
        .await
        .expect("move");
    check("after deleting and moving rows").await;
    let spent: i64 =
        sqlx::query_scalar("select count(*) from emulator.scf_invocation_hourly where n <= 0")
            .fetch_one(&c.db)
            .await
            .unwrap();
    assert_eq!(spent, 0, "hours counted down to nothing are removed");
}
