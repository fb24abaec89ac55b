//! The whole pipeline in the emulator: an MPS task finishes, the MPS trigger delivers its
//! event to the function, the invocation is logged, and the summary lands in COS; events
//! survive a restart and failed deliveries are retried.
use std::time::Duration;

use serde_json::{json, Value};
use server::cloud::error::CloudError;

use integration_tests::api_error_code as refused;
use integration_tests::TestEmulator;

/// Roles, buckets with an input video, and an Active function from the MPS template.
async fn setup(emu: &TestEmulator, cos_bucket_env: &str) -> (String, String) {
    for (role, service, policy) in [
        ("SCF_QcsRole", "scf.qcloud.com", "QcloudAccessForScfRole"),
        (
            "MPS_QcsRole",
            "mps.cloud.tencent.com",
            "QcloudAccessForMPSRole",
        ),
    ] {
        let trust = json!({"version": "2.0", "statement": [{"action": "name/sts:AssumeRole", "effect": "allow", "principal": {"service": service}}]});
        emu.call(
            "cam",
            "CreateRole",
            json!({"RoleName": role, "PolicyDocument": trust.to_string()}),
        )
        .await
        .expect("role");
        emu.call(
            "cam",
            "AttachRolePolicy",
            json!({"PolicyName": policy, "AttachRoleName": role}),
        )
        .await
        .expect("policy");
    }
    let (input, output) = (
        emu.create_bucket("mps-in").await,
        emu.create_bucket("mps-out").await,
    );
    emu.cos()
        .put_object(
            &input,
            "ap-beijing",
            "upload/demo.mp4",
            b"fake video bytes".to_vec(),
        )
        .await
        .expect("upload the video");
    let bucket_env = if cos_bucket_env.is_empty() {
        output.clone()
    } else {
        cos_bucket_env.to_owned()
    };
    emu.call("scf", "CreateFunction", json!({
        "FunctionName": "MPSAnalysis", "Runtime": "Nodejs8.9", "Handler": "index.main_handler", "Role": "SCF_QcsRole",
        "Code": {"DemoId": "demo-nodejs89-mps-webhook"},
        "Environment": {"Variables": [{"Key": "COS_BUCKET", "Value": bucket_env}, {"Key": "COS_REGION", "Value": "ap-beijing"}]},
    }))
    .await
    .expect("function");
    tokio::time::sleep(Duration::from_millis(900)).await;
    (input, output)
}

fn process_media(input: &str, output: &str) -> Value {
    json!({
        "InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}},
        "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": output, "Region": "ap-beijing"}},
        "OutputDir": "/output/",
        "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}], "SnapshotByTimeOffsetTaskSet": [{"Definition": 10, "ExtTimeOffsetSet": ["1s"]}]},
    })
}

async fn describe_tasks(emu: &TestEmulator, params: Value) -> Value {
    emu.call("mps", "DescribeTasks", params)
        .await
        .expect("DescribeTasks")
}

/// Polls MPSAnalysis's logs until one mentions `needle`.
async fn wait_for_log(emu: &TestEmulator, needle: &str) -> Value {
    wait_for_log_of(emu, "MPSAnalysis", needle).await
}

/// Polls `function`'s logs until one mentions `needle`.
async fn wait_for_log_of(emu: &TestEmulator, function: &str, needle: &str) -> Value {
    for _ in 0..150 {
        let logs = emu
            .call("scf", "GetFunctionLogs", json!({"FunctionName": function}))
            .await
            .expect("logs");
        if let Some(row) = logs["Data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["Log"].as_str().unwrap_or_default().contains(needle))
        {
            return row.clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no invocation log mentions {needle}");
}

/// Waits until the function ran the task's event successfully, then returns the task's
/// `DescribeTaskDetail`.
async fn detail_once_run(emu: &TestEmulator, task_id: &str) -> Value {
    let row = wait_for_log(emu, task_id).await;
    assert_eq!(row["RetCode"], 0, "{}", row["Log"]);
    emu.call("mps", "DescribeTaskDetail", json!({"TaskId": task_id}))
        .await
        .expect("detail")
}

#[tokio::test]
async fn a_finished_workflow_reaches_the_function_and_its_summary_lands_in_cos() {
    let emu = integration_tests::spawn_emulator().await;
    let (input, output) = setup(&emu, "").await;
    emu.call("mps", "BindTrigger", json!({"ScfRegion": "ap-beijing", "EventType": "WorkflowTask", "FunctionName": "MPSAnalysis"}))
        .await
        .expect("trigger");

    let function = emu
        .call("scf", "GetFunction", json!({"FunctionName": "MPSAnalysis"}))
        .await
        .expect("function");
    assert_eq!(function["Triggers"][0]["Type"], "mps", "{function}");
    assert_eq!(function["Triggers"][0]["TriggerName"], "WorkflowTask");

    let mut params = process_media(&input, &output);
    params["SessionId"] = json!("session-1");
    params["SessionContext"] = json!("{\"order\":42}");
    let task = emu
        .call("mps", "ProcessMedia", params.clone())
        .await
        .expect("ProcessMedia");
    let task_id = task["TaskId"].as_str().unwrap().to_owned();
    // The same SessionId again (within three days): MPS de-duplicates it.
    assert_eq!(
        refused(emu.call("mps", "ProcessMedia", params).await),
        "InvalidParameterValue.SessionId"
    );
    assert!(
        task_id.starts_with(&format!("{}-WorkflowTask-", emu.account.app_id)),
        "{task_id}"
    );

    let row = wait_for_log(&emu, &task_id).await;
    assert_eq!(row["RetCode"], 0, "{}", row["Log"]);
    let ret: Value = serde_json::from_str(row["RetMsg"].as_str().unwrap()).unwrap();
    let summary_key = ret["SummaryKey"]
        .as_str()
        .expect("summary stored")
        .to_owned();
    let body = emu
        .cos()
        .get_object(&output, "ap-beijing", &summary_key)
        .await
        .expect("the summary object");
    let summary: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(summary["TaskId"], task_id.as_str());
    assert_eq!(
        summary["Outputs"][0]["Paths"][0],
        "/output/demo_transcode_10.mp4"
    );
    // The (placeholder) outputs exist too, and the task says what they are.
    assert_eq!(
        emu.cos()
            .get_object(&output, "ap-beijing", "output/demo_transcode_10.mp4")
            .await
            .expect("the transcode output"),
        "fake video bytes"
    );
    let detail = emu
        .call("mps", "DescribeTaskDetail", json!({"TaskId": task_id}))
        .await
        .expect("detail");
    assert_eq!(detail["Status"], "FINISH");
    assert_eq!(
        detail["WorkflowTask"]["Message"],
        server::emulator::mps_task::PLACEHOLDER_NOTE
    );
    assert_eq!(
        (&detail["SessionId"], &detail["SessionContext"]),
        (&json!("session-1"), &json!("{\"order\":42}"))
    );
    let snapshot = &detail["WorkflowTask"]["MediaProcessResultSet"][1]["SnapshotByTimeOffsetTask"];
    assert_eq!(
        snapshot["Output"]["PicInfoSet"][0]["TimeOffset"], 1.0,
        "the requested offset: {snapshot}"
    );
    // Bytes that are no video: MetaData has their size only; the placeholder output (a
    // copy) its MD5.
    let meta = &detail["WorkflowTask"]["MetaData"];
    assert_eq!(
        (&meta["Size"], &meta["Container"], &meta["VideoStreamSet"]),
        (&json!(16), &json!(""), &json!([])),
        "{meta}"
    );
    let transcode = &detail["WorkflowTask"]["MediaProcessResultSet"][0]["TranscodeTask"]["Output"];
    assert_eq!(
        transcode["Md5"], "a3e5f90e73b958b43380792890d8e4fb",
        "md5 of the input: {transcode}"
    );

    let delivered: (String, i32) =
        sqlx::query_as("select state, attempts from emulator.event_delivery where task_id = $1")
            .bind(&task_id)
            .fetch_one(&emu.db)
            .await
            .unwrap();
    assert_eq!(delivered, ("delivered".to_owned(), 1));

    for (params, code) in [
        (
            json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/missing.mp4"}}, "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]}}),
            "ResourceNotFound.CosObjectNotExist",
        ),
        (
            json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": "nope-1", "Region": "ap-beijing", "Object": "/a.mp4"}}, "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]}}),
            "ResourceNotFound.CosBucketNotExist",
        ),
        // The bucket is in Beijing: named in another region, it is not found.
        (
            json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-shanghai", "Object": "/upload/demo.mp4"}}, "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]}}),
            "ResourceNotFound.CosBucketNotExist",
        ),
        (
            json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}},
                   "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": output, "Region": "ap-guangzhou"}},
                   "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]}}),
            "ResourceNotFound.CosBucketNotExist",
        ),
        (
            json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}},
                   "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": "gone-1", "Region": "ap-beijing"}},
                   "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]}}),
            "ResourceNotFound.CosBucketNotExist",
        ),
        (
            json!({"InputInfo": {"Type": "URL"}, "MediaProcessTask": {}}),
            "InvalidParameterValue.InputInfo",
        ),
        (
            json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}}, "MediaProcessTask": {}}),
            "InvalidParameter",
        ),
    ] {
        match emu.call("mps", "ProcessMedia", params.clone()).await {
            Err(CloudError::Api { code: got, .. }) => assert_eq!(got, code, "{params}"),
            other => panic!("expected {code}, got {other:?}"),
        }
    }

    // A real video: its MetaData is read from its boxes, in the event and the detail.
    emu.cos()
        .put_object(
            &input,
            "ap-beijing",
            "upload/sample.mp4",
            include_bytes!("../../../server/src/emulator/sample.mp4").to_vec(),
        )
        .await
        .expect("upload the sample");
    let mut params = process_media(&input, &output);
    params["InputInfo"]["CosInputInfo"]["Object"] = json!("/upload/sample.mp4");
    let task = emu
        .call("mps", "ProcessMedia", params)
        .await
        .expect("ProcessMedia");
    let task_id = task["TaskId"].as_str().unwrap().to_owned();
    let detail = detail_once_run(&emu, &task_id).await;
    let meta = &detail["WorkflowTask"]["MetaData"];
    assert_eq!(
        (
            &meta["Width"],
            &meta["Height"],
            &meta["Duration"],
            &meta["Container"]
        ),
        (
            &json!(320),
            &json!(180),
            &json!(3.0),
            &json!("mov,mp4,m4a,3gp,3g2,mj2")
        ),
        "{meta}"
    );
    assert_eq!(meta["VideoStreamSet"][0]["Codec"], "h264", "{meta}");
    assert_eq!(meta["AudioStreamSet"][0]["SamplingRate"], 44100, "{meta}");
    let event: Value =
        sqlx::query_scalar("select payload from emulator.event_delivery where task_id = $1")
            .bind(&task_id)
            .fetch_one(&emu.db)
            .await
            .expect("the event");
    assert_eq!(&event["WorkflowTaskEvent"]["MetaData"], meta);
    // Without ffmpeg the transcode is a copy: the same figures; with it, its own.
    let transcode = &detail["WorkflowTask"]["MediaProcessResultSet"][0]["TranscodeTask"]["Output"];
    assert_eq!(transcode["Width"], 320, "{transcode}");
    assert_eq!(
        transcode["VideoStreamSet"][0]["Codec"], "h264",
        "{transcode}"
    );
}

#[tokio::test]
async fn an_edit_media_task_reaches_the_function_bound_to_its_event_type() {
    let emu = integration_tests::spawn_emulator().await;
    let (input, output) = setup(&emu, "").await;
    emu.call("mps", "BindTrigger", json!({"ScfRegion": "ap-beijing", "EventType": "EditMediaTask", "FunctionName": "MPSAnalysis"}))
        .await
        .expect("trigger");
    let file = json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}}, "StartTimeOffset": 0, "EndTimeOffset": 5});
    let task = emu
        .call("mps", "EditMedia", json!({"FileInfos": [file.clone(), file], "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": output, "Region": "ap-beijing"}}, "OutputObjectPath": "/clip/joined.{format}"}))
        .await
        .expect("EditMedia");
    let task_id = task["TaskId"].as_str().unwrap().to_owned();
    assert!(task_id.contains("-EditMediaTask-"));
    let row = wait_for_log(&emu, &task_id).await;
    assert_eq!(row["RetCode"], 0, "{}", row["Log"]);
    emu.cos()
        .get_object(&output, "ap-beijing", "clip/joined.mp4")
        .await
        .expect("the edit output");
}

#[tokio::test]
async fn events_wait_in_postgres_until_a_worker_runs_and_failures_are_retried() {
    let (emu, pooled) = integration_tests::spawn_emulator_without_workers().await;
    let (db, base) = (emu.db.clone(), emu.base.clone());
    let (input, output) = setup(&emu, "").await;
    emu.call("mps", "BindTrigger", json!({"ScfRegion": "ap-beijing", "EventType": "WorkflowTask", "FunctionName": "MPSAnalysis"}))
        .await
        .unwrap();
    let task_id = emu
        .call("mps", "ProcessMedia", process_media(&input, &output))
        .await
        .unwrap()["TaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let logs = emu
        .call(
            "scf",
            "GetFunctionLogs",
            json!({"FunctionName": "MPSAnalysis"}),
        )
        .await
        .unwrap();
    assert_eq!(logs["TotalCount"], 0, "nothing runs without workers");
    // A task whose input is deleted before a worker gets to it.
    emu.cos()
        .put_object(&input, "ap-beijing", "upload/gone.mp4", b"bytes".to_vec())
        .await
        .unwrap();
    let mut gone = process_media(&input, &output);
    gone["InputInfo"]["CosInputInfo"]["Object"] = json!("/upload/gone.mp4");
    let gone = emu.call("mps", "ProcessMedia", gone).await.unwrap()["TaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlx::query("delete from emulator.cos_object where bucket = $1 and key = 'upload/gone.mp4'")
        .bind(&input)
        .execute(&db)
        .await
        .unwrap();

    // "Restart": workers start and find the task and its event where they were left.
    let workers = server::emulator::delivery::spawn(pooled.clone(), base.clone());
    let row = wait_for_log(&emu, &task_id).await;
    assert_eq!(row["RetCode"], 0);
    // The other task failed for its input, with no outputs (it reported success before).
    let mut detail = Value::Null;
    for _ in 0..100 {
        detail = emu
            .call("mps", "DescribeTaskDetail", json!({"TaskId": gone}))
            .await
            .unwrap();
        if detail["Status"] == "FINISH" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    workers.abort();
    let body = &detail["WorkflowTask"];
    assert_eq!(body["ErrCode"], 40000, "{detail}");
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .contains("upload/gone.mp4"),
        "{detail}"
    );
    let results = body["MediaProcessResultSet"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{detail}");
    assert_eq!(results[0]["TranscodeTask"]["Status"], "FAIL");
    // Not "" nor SUCCESS, which tell success to clients reading the newer field.
    assert_eq!(results[0]["TranscodeTask"]["ErrCodeExt"], "SourceFileError");
    assert_eq!(body["ErrCodeExt"], "SourceFileError");
    assert_eq!(results[0]["TranscodeTask"]["Output"], Value::Null);
    assert_eq!(results[1]["SnapshotByTimeOffsetTask"]["Status"], "FAIL");
    assert!(
        emu.cos()
            .get_object(&output, "ap-beijing", "output/gone_transcode_10.mp4")
            .await
            .is_err(),
        "no output written"
    );

    // A function that fails (its bucket does not exist): the event stays queued for retry.
    emu.call("scf", "UpdateFunctionConfiguration", json!({"FunctionName": "MPSAnalysis",
        "Environment": {"Variables": [{"Key": "COS_BUCKET", "Value": format!("gone-{}", emu.account.app_id)}, {"Key": "COS_REGION", "Value": "ap-beijing"}]}}))
        .await
        .unwrap();
    let failing = emu
        .call("mps", "ProcessMedia", process_media(&input, &output))
        .await
        .unwrap()["TaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    let delivery_after = |attempts: i32| {
        let (db, pooled, base, failing) =
            (db.clone(), pooled.clone(), base.clone(), failing.clone());
        async move {
            let workers = server::emulator::delivery::spawn(pooled, base);
            let mut state = (String::new(), 0, String::new());
            for _ in 0..100 {
                let row: Option<(String, i32, String)> = sqlx::query_as(
                    "select state, attempts, last_error from emulator.event_delivery where task_id = $1",
                )
                .bind(&failing)
                .fetch_optional(&db)
                .await
                .unwrap();
                if let Some(r) = row.filter(|r| r.1 >= attempts) {
                    state = r;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            workers.abort();
            state
        }
    };
    let state = delivery_after(1).await;
    assert_eq!(
        (state.0.as_str(), state.1),
        ("pending", 1),
        "retried later: {state:?}"
    );
    assert!(state.2.contains("NoSuchBucket"), "{state:?}");
    // The retry, brought forward: its invocation counts the attempt before it (the
    // function logs the task's id).
    sqlx::query("update emulator.event_delivery set next_attempt_at = now() where task_id = $1")
        .bind(&failing)
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(delivery_after(2).await.1, 2);
    let failed = emu
        .call(
            "scf",
            "GetFunctionLogs",
            json!({"FunctionName": "MPSAnalysis", "Filter": {"RetCode": "not0"}, "Order": "ASC", "Limit": 100}),
        )
        .await
        .unwrap();
    let retries: Vec<&Value> = failed["Data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Log"].as_str().is_some_and(|l| l.contains(&failing)))
        .map(|r| &r["RetryNum"])
        .collect();
    assert_eq!(retries, [&json!(0), &json!(1)], "{failed}");
}

#[tokio::test]
async fn a_run_cut_off_by_the_server_stopping_stays_in_the_log_and_its_redelivery_counts_it() {
    let (emu, pooled) = integration_tests::spawn_emulator_without_workers().await;
    let (input, output) = setup(&emu, "").await;
    let code = "exports.main_handler = async (event) => { await new Promise((r) => setTimeout(r, 3000)); console.log('ran', event.WorkflowTaskEvent.TaskId); return 'done'; };";
    emu.call(
        "scf",
        "CreateFunction",
        json!({"FunctionName": "Slow", "Runtime": "Nodejs12.16", "Handler": "index.main_handler",
        "Timeout": 10, "Code": {"ZipFile": super::emulator_invoke::zip_file(code)}}),
    )
    .await
    .expect("CreateFunction");
    emu.wait_active("Slow").await;
    emu.call(
        "mps",
        "BindTrigger",
        json!({"ScfRegion": "ap-beijing", "EventType": "WorkflowTask", "FunctionName": "Slow"}),
    )
    .await
    .expect("BindTrigger");
    let task_id = emu
        .call("mps", "ProcessMedia", process_media(&input, &output))
        .await
        .expect("ProcessMedia")["TaskId"]
        .as_str()
        .expect("TaskId")
        .to_owned();
    let logs = || async {
        emu.call(
            "scf",
            "GetFunctionLogs",
            json!({"FunctionName": "Slow", "Order": "ASC"}),
        )
        .await
        .expect("GetFunctionLogs")
    };
    // The server runs the event's function, and is stopped while it runs.
    let workers = server::emulator::delivery::spawn(pooled.clone(), emu.base.clone());
    let mut running = Value::Null;
    for _ in 0..200 {
        let page = logs().await;
        if page["TotalCount"] == 1 {
            running = page["Data"][0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        running["RetCode"], 2,
        "logged as running as it starts: {running}"
    );
    assert_eq!(running["InvokeFinished"], 0, "{running}");
    workers.abort();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // The next start marks that run interrupted, and delivers the event again.
    let workers = server::emulator::delivery::spawn(pooled, emu.base.clone());
    let row = wait_for_log_of(&emu, "Slow", &task_id).await;
    workers.abort();
    let page = logs().await;
    assert_eq!(page["TotalCount"], 2, "{page}");
    let cut = &page["Data"][0];
    assert_eq!(cut["RequestId"], running["RequestId"], "{page}");
    assert_eq!(cut["RetCode"], 3, "{cut}");
    assert_eq!(cut["InvokeFinished"], 1, "{cut}");
    assert_eq!(cut["RetryNum"], 0, "{cut}");
    assert!(
        cut["Log"]
            .as_str()
            .unwrap_or_default()
            .contains("interrupted"),
        "{cut}"
    );
    assert_eq!(row["RetCode"], 0, "{row}");
    assert_eq!(
        row["RetryNum"], 1,
        "the run cut off counts as an attempt: {row}"
    );
    let attempts: i32 =
        sqlx::query_scalar("select attempts from emulator.event_delivery where task_id = $1")
            .bind(&task_id)
            .fetch_one(&emu.db)
            .await
            .expect("delivery");
    assert_eq!(attempts, 2);
}

#[tokio::test]
async fn an_enabled_workflow_turns_matching_uploads_into_tasks_that_reach_the_function() {
    let emu = integration_tests::spawn_emulator().await;
    let (input, output) = setup(&emu, "").await;
    emu.call("mps", "BindTrigger", json!({"ScfRegion": "ap-beijing", "EventType": "WorkflowTask", "FunctionName": "MPSAnalysis"}))
        .await
        .expect("trigger");
    let workflow = json!({
        "WorkflowName": "transcode-uploads",
        "Trigger": {"Type": "CosFileUpload", "CosFileUploadTrigger": {"Bucket": input, "Region": "ap-beijing", "Dir": "/upload/", "Formats": ["mp4"]}},
        "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": output, "Region": "ap-beijing"}},
        "OutputDir": "/output/", "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]},
        "TaskPriority": 5,
    });
    let id = emu
        .call("mps", "CreateWorkflow", workflow.clone())
        .await
        .expect("workflow")["WorkflowId"]
        .as_i64()
        .unwrap();
    let described = emu
        .call("mps", "DescribeWorkflows", json!({"WorkflowIds": [id]}))
        .await
        .expect("describe");
    assert_eq!(
        described["WorkflowInfoSet"][0]["Status"], "Disabled",
        "created disabled"
    );
    assert_eq!(described["WorkflowInfoSet"][0]["TaskPriority"], 5);
    let tasks = |status: &'static str| {
        let emu = &emu;
        async move {
            describe_tasks(emu, json!({"Status": status, "Limit": 100})).await["TaskSet"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    emu.cos()
        .put_object(&input, "ap-beijing", "upload/early.mp4", b"v".to_vec())
        .await
        .expect("upload");
    assert_eq!(
        tasks("FINISH").await + tasks("PROCESSING").await,
        0,
        "a disabled workflow starts nothing"
    );

    emu.call("mps", "EnableWorkflow", json!({"WorkflowId": id}))
        .await
        .expect("enable");
    for key in ["other/skip.mp4", "upload/notes.txt", "upload/clip.mp4"] {
        emu.cos()
            .put_object(&input, "ap-beijing", key, b"v".to_vec())
            .await
            .expect("upload");
    }
    let listed = |status: &'static str| {
        let emu = &emu;
        async move { describe_tasks(emu, json!({"Status": status})).await }
    };
    let (processing, finished) = (listed("PROCESSING").await, listed("FINISH").await);
    // A task may finish between the two lists and be in both.
    let mut set: Vec<&str> = [&processing, &finished]
        .into_iter()
        .flat_map(|l| l["TaskSet"].as_array().unwrap())
        .filter_map(|t| t["TaskId"].as_str())
        .collect();
    set.dedup();
    assert_eq!(
        set.len(),
        1,
        "only the matching upload: {processing} {finished}"
    );
    let task_id = set[0].to_owned();
    let detail = detail_once_run(&emu, &task_id).await;
    assert_eq!(detail["TasksPriority"], 5, "the workflow's priority");
    let finished = listed("FINISH").await;
    let task = &finished["TaskSet"][0];
    assert_eq!(
        (task["TaskId"].as_str(), finished["TotalCount"].as_i64()),
        (Some(task_id.as_str()), Some(1))
    );
    assert_eq!(task["SubTaskTypes"], json!(["Transcode"]));
    assert!(
        task["FinishTime"]
            .as_str()
            .is_some_and(|t| t.len() == 20 && t.ends_with('Z') && !t.starts_with("0000")),
        "ISO 8601 to the second: {task}"
    );
    emu.cos()
        .get_object(&output, "ap-beijing", "output/clip_transcode_10.mp4")
        .await
        .expect("the workflow's output");

    // Paging through the task list with the scroll token.
    let second_task = emu
        .call("mps", "ProcessMedia", process_media(&input, &output))
        .await
        .expect("task")["TaskId"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_for_log(&emu, &second_task).await;
    let first = describe_tasks(&emu, json!({"Status": "FINISH", "Limit": 1})).await;
    let token = first["ScrollToken"].as_str().unwrap().to_owned();
    assert!(!token.is_empty());
    let second = describe_tasks(
        &emu,
        json!({"Status": "FINISH", "Limit": 1, "ScrollToken": token}),
    )
    .await;
    assert_ne!(
        first["TaskSet"][0]["TaskId"],
        second["TaskSet"][0]["TaskId"]
    );
    assert_eq!(second["ScrollToken"], "", "the last page");
    assert_eq!(
        (first["TotalCount"].as_i64(), second["TotalCount"].as_i64()),
        (Some(2), Some(2))
    );
    // Tasks are regional: Guangzhou neither lists nor finds Beijing's.
    let in_guangzhou = |action: &'static str, params: Value| {
        let call = server::cloud::client::Call {
            service: "mps",
            version: "2019-06-12",
            action,
            region: Some("ap-guangzhou"),
            idempotent: false,
        };
        let (client, creds) = (emu.client.clone(), emu.creds.clone());
        async move {
            let answer: Result<Value, server::cloud::error::CloudError> =
                client.call(&creds, call, &params).await;
            answer
        }
    };
    let elsewhere = in_guangzhou("DescribeTasks", json!({"Status": "FINISH"}))
        .await
        .expect("DescribeTasks in Guangzhou");
    assert_eq!(elsewhere["TotalCount"], 0, "{elsewhere}");
    match in_guangzhou("DescribeTaskDetail", json!({"TaskId": second_task})).await {
        Err(server::cloud::error::CloudError::Api { code, .. }) => {
            assert_eq!(code, "InvalidParameterValue.TaskId")
        }
        other => panic!("a Beijing task found in Guangzhou: {other:?}"),
    }
    let none_failed =
        describe_tasks(&emu, json!({"Status": "FINISH", "SubTaskHasFailed": true})).await;
    assert_eq!(none_failed["TotalCount"], 0, "{none_failed}");
    // Two failed tasks, as the worker records them: one failed as a whole, one whose
    // transcode failed.
    for (id, event) in [
        (
            "t-failed",
            json!({"EventType": "WorkflowTask", "WorkflowTaskEvent": {"TaskId": "t-failed", "Status": "FINISH", "ErrCode": 70000}}),
        ),
        (
            "t-sub-failed",
            json!({"EventType": "WorkflowTask", "WorkflowTaskEvent": {"TaskId": "t-sub-failed", "Status": "FINISH", "ErrCode": 0,
            "MediaProcessResultSet": [{"Type": "Transcode", "TranscodeTask": {"Status": "FAIL", "ErrCode": 30010}}]}}),
        ),
    ] {
        sqlx::query("insert into emulator.mps_task (task_id, account_id, region, kind, status, input, event, finished_at) values ($1, $2, 'ap-beijing', 'WorkflowTask', 'FINISH', '{}', $3, now())")
            .bind(id)
            .bind(emu.account.account_id)
            .bind(event)
            .execute(&emu.db)
            .await
            .expect("a failed task");
    }
    let failed = describe_tasks(&emu, json!({"Status": "FINISH", "SubTaskHasFailed": true})).await;
    let mut ids: Vec<&str> = failed["TaskSet"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["TaskId"].as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["t-failed", "t-sub-failed"], "{failed}");
    let ok = describe_tasks(&emu, json!({"Status": "FINISH", "SubTaskHasFailed": false})).await;
    assert_eq!(ok["TotalCount"], 2, "{ok}");
    let later = describe_tasks(
        &emu,
        json!({"Status": "FINISH", "StartTime": "2999-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(later["TotalCount"], 0, "{later}");

    for (action, params, code) in [
        (
            "CreateWorkflow",
            workflow.clone(),
            "InvalidParameterValue.Name",
        ),
        (
            "CreateWorkflow",
            json!({"WorkflowName": "w2", "Trigger": {"Type": "CosFileUpload", "CosFileUploadTrigger": {"Bucket": "none-1"}}, "MediaProcessTask": {}}),
            "ResourceNotFound.CosBucketNotExist",
        ),
        (
            "EnableWorkflow",
            json!({"WorkflowId": 999_999}),
            "ResourceNotFound.WorkflowNotExist",
        ),
        (
            "DescribeTasks",
            json!({"Status": "DONE"}),
            "InvalidParameterValue.Status",
        ),
        ("DescribeTasks", json!({"Limit": 10}), "MissingParameter"),
        (
            "DescribeTasks",
            json!({"Status": "FINISH", "ScrollToken": "no-such-task"}),
            "InvalidParameterValue.ScrollToken",
        ),
        (
            "DescribeTasks",
            json!({"Status": "FINISH", "StartTime": "yesterday"}),
            "InvalidParameterValue.StartTime",
        ),
        // Valid as written, past year 9999 in UTC: refused, not a panic.
        (
            "DescribeTasks",
            json!({"Status": "FINISH", "StartTime": "9999-12-31T23:59:59-12:00"}),
            "InvalidParameterValue.StartTime",
        ),
        (
            "DescribeTasks",
            json!({"Status": "FINISH", "SubTaskHasFailed": "yes"}),
            "InvalidParameter",
        ),
    ] {
        match emu.call("mps", action, params.clone()).await {
            Err(CloudError::Api { code: got, .. }) => assert_eq!(got, code, "{action} {params}"),
            other => panic!("expected {code}, got {other:?}"),
        }
    }
    // One enabled workflow per bucket directory: a second on /upload/ is refused until
    // the first is disabled; one on another directory is not.
    let mut same_dir = workflow.clone();
    same_dir["WorkflowName"] = json!("same-dir");
    let mut other_dir = workflow.clone();
    other_dir["WorkflowName"] = json!("other-dir");
    other_dir["Trigger"]["CosFileUploadTrigger"]["Dir"] = json!("/other/");
    let mut ids = vec![id];
    for w in [same_dir, other_dir] {
        let created = emu
            .call("mps", "CreateWorkflow", w)
            .await
            .expect("workflow");
        ids.push(created["WorkflowId"].as_i64().unwrap());
    }
    assert_eq!(
        refused(
            emu.call("mps", "EnableWorkflow", json!({"WorkflowId": ids[1]}))
                .await
        ),
        "FailedOperation.BucketNotifyAlreadyExist"
    );
    emu.call("mps", "EnableWorkflow", json!({"WorkflowId": ids[2]}))
        .await
        .expect("another directory");
    emu.call("mps", "DisableWorkflow", json!({"WorkflowId": id}))
        .await
        .expect("disable");
    emu.call("mps", "EnableWorkflow", json!({"WorkflowId": ids[1]}))
        .await
        .expect("the directory is free");
    // Enabling one already enabled is no conflict with itself.
    emu.call("mps", "EnableWorkflow", json!({"WorkflowId": ids[1]}))
        .await
        .expect("again");
    // An enabled workflow is not deleted until it is disabled.
    assert_eq!(
        refused(
            emu.call("mps", "DeleteWorkflow", json!({"WorkflowId": ids[1]}))
                .await
        ),
        "FailedOperation"
    );
    for &id in &ids {
        emu.call("mps", "DisableWorkflow", json!({"WorkflowId": id}))
            .await
            .expect("disable");
        emu.call("mps", "DeleteWorkflow", json!({"WorkflowId": id}))
            .await
            .expect("delete");
    }
    assert_eq!(
        refused(
            emu.call("mps", "DeleteWorkflow", json!({"WorkflowId": ids[1]}))
                .await
        ),
        "ResourceNotFound.WorkflowNotExist"
    );
    let left = emu
        .call("mps", "DescribeWorkflows", json!({}))
        .await
        .expect("describe");
    assert_eq!(left["TotalCount"], 0);
}

#[tokio::test]
async fn media_tasks_stay_in_the_callers_buckets_and_within_bounds() {
    let emu = integration_tests::spawn_emulator().await;
    let (input, output) = setup(&emu, "").await;
    // Another account's bucket.
    let other = server::emulator::account::create(&emu.db)
        .await
        .expect("second account");
    let theirs = format!("theirs-{}", other.app_id);
    sqlx::query("insert into emulator.cos_bucket (bucket, account_id, region) values ($1, $2, 'ap-beijing')")
        .bind(&theirs)
        .bind(other.account_id)
        .execute(&emu.db)
        .await
        .expect("their bucket");
    let file = json!({"InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "ap-beijing", "Object": "/upload/demo.mp4"}}});
    let edit = |bucket: &str, path: &str| json!({"FileInfos": [file.clone()], "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": bucket, "Region": "ap-beijing"}}, "OutputObjectPath": path});
    assert_eq!(
        refused(emu.call("mps", "EditMedia", edit(&theirs, "/x.mp4")).await),
        "ResourceNotFound.CosBucketNotExist"
    );
    for path in ["/../../x.mp4", "/a/./x.mp4", "//x.mp4", "x.mp4"] {
        assert_eq!(
            refused(emu.call("mps", "EditMedia", edit(&output, path)).await),
            "InvalidParameterValue.OutputObjectPath",
            "{path}"
        );
    }
    for (config, expected) in [
        (
            json!({"Container": "exe"}),
            "InvalidParameterValue.Container",
        ),
        (json!({"Type": "slow"}), "InvalidParameterValue.Type"),
        (json!("mp4"), "InvalidParameterValue.OutputConfig"),
    ] {
        let mut params = edit(&output, "/clip.{format}");
        params["OutputConfig"] = config.clone();
        assert_eq!(
            refused(emu.call("mps", "EditMedia", params).await),
            expected,
            "{config}"
        );
    }
    // A workflow's trigger formats are extensions MPS processes.
    for formats in [json!(["exe"]), json!("mp4"), json!([".mp4", 3])] {
        let workflow = json!({"WorkflowName": "formats", "Trigger": {"Type": "CosFileUpload",
            "CosFileUploadTrigger": {"Bucket": input, "Region": "ap-beijing", "Formats": formats}}});
        assert_eq!(
            refused(emu.call("mps", "CreateWorkflow", workflow).await),
            "InvalidParameterValue.Trigger",
            "{formats}"
        );
    }
    let mut params = process_media(&input, &output);
    params["OutputDir"] = json!("/../../");
    assert_eq!(
        refused(emu.call("mps", "ProcessMedia", params).await),
        "InvalidParameterValue.OutputDir"
    );
    // Each transcode is an ffmpeg run here: a set is capped.
    let mut params = process_media(&input, &output);
    params["MediaProcessTask"]["TranscodeTaskSet"] = json!(vec![json!({"Definition": 10}); 11]);
    assert_eq!(
        refused(emu.call("mps", "ProcessMedia", params).await),
        "InvalidParameterValue"
    );
    for definition in [json!(-1), json!("x"), json!(1e20)] {
        let mut params = process_media(&input, &output);
        params["MediaProcessTask"]["TranscodeTaskSet"] = json!([{"Definition": definition}]);
        assert_eq!(
            refused(emu.call("mps", "ProcessMedia", params).await),
            "InvalidParameterValue.Definition"
        );
    }
    // Bounds MPS sets, and what the emulator does not produce: refused, not dropped.
    let bad: [(&str, Value, &str); 8] = [
        (
            "SessionId",
            json!("s".repeat(51)),
            "InvalidParameterValue.SessionId",
        ),
        (
            "TasksPriority",
            json!(11),
            "InvalidParameterValue.TasksPriority",
        ),
        (
            "TasksPriority",
            json!("high"),
            "InvalidParameterValue.TasksPriority",
        ),
        (
            "OutputStorage",
            json!({"Type": "COS", "CosOutputStorage": {"Bucket": output, "Region": "mars"}}),
            "InvalidParameterValue.OutputStorage",
        ),
        (
            "InputInfo",
            json!({"Type": "COS", "CosInputInfo": {"Bucket": input, "Region": "na-nowhere", "Object": "/upload/demo.mp4"}}),
            "InvalidParameterValue.InputInfo",
        ),
        (
            "MediaProcessTask",
            json!({"ImageSpriteTaskSet": [{"Definition": 10}]}),
            "UnsupportedOperation",
        ),
        (
            "MediaProcessTask",
            json!({"TranscodeTaskSet": [{"Definition": 10}], "AnimatedGraphicTaskSet": [{"Definition": 20000}]}),
            "UnsupportedOperation",
        ),
        (
            "MediaProcessTask",
            json!({"TranscodeTaskSet": [{"Definition": 10, "OutputObjectPath": "/custom/out.mp4"}]}),
            "UnsupportedOperation",
        ),
    ];
    for (field, value, code) in bad {
        let mut params = process_media(&input, &output);
        params[field] = value;
        assert_eq!(
            refused(emu.call("mps", "ProcessMedia", params).await),
            code,
            "{field}"
        );
    }
    // MPS is regional: a call needs a region, and one that exists.
    for (region, code) in [
        (None, "MissingParameter"),
        (Some("xx-nowhere"), "UnsupportedRegion"),
    ] {
        let call = server::cloud::client::Call {
            service: "mps",
            version: "2019-06-12",
            action: "DescribeTasks",
            region,
            idempotent: true,
        };
        let r = emu
            .client
            .call::<Value>(&emu.creds, call, &json!({"Status": "FINISH"}))
            .await;
        assert_eq!(refused(r), code, "{region:?}");
    }
    let mut clip = edit(&output, "/clip.mp4");
    clip["FileInfos"][0]["StartTimeOffset"] = json!(5);
    clip["FileInfos"][0]["EndTimeOffset"] = json!(1);
    assert_eq!(
        refused(emu.call("mps", "EditMedia", clip).await),
        "InvalidParameterValue.EndTimeOffset"
    );
    for (params, code) in [
        (
            json!({"WorkflowIds": [1, "a"]}),
            "InvalidParameterValue.WorkflowIds",
        ),
        (
            json!({"WorkflowIds": vec![1; 101]}),
            "InvalidParameterValue.WorkflowIds",
        ),
        (json!({"Status": "Foo"}), "InvalidParameterValue.Status"),
        (json!({"Offset": -1}), "InvalidParameterValue.Offset"),
    ] {
        assert_eq!(
            refused(emu.call("mps", "DescribeWorkflows", params.clone()).await),
            code,
            "{params}"
        );
    }
    let workflow = json!({
        "WorkflowName": "w1",
        "Trigger": {"Type": "CosFileUpload", "CosFileUploadTrigger": {"Bucket": input, "Region": "ap-beijing", "Dir": "/upload/"}},
        "OutputStorage": {"Type": "COS", "CosOutputStorage": {"Bucket": theirs, "Region": "ap-beijing"}},
        "OutputDir": "/output/",
        "MediaProcessTask": {"TranscodeTaskSet": [{"Definition": 10}]},
    });
    assert_eq!(
        refused(emu.call("mps", "CreateWorkflow", workflow).await),
        "ResourceNotFound.CosBucketNotExist"
    );
    // A NUL character is refused in any parameter, whatever the action.
    let mut params = process_media(&input, &output);
    params["SessionContext"] = json!("a\u{0}b");
    assert_eq!(
        refused(emu.call("mps", "ProcessMedia", params).await),
        "InvalidParameterValue"
    );
    assert_eq!(
        refused(
            emu.call("cam", "GetRole", json!({"RoleName": "a\u{0}"}))
                .await
        ),
        "InvalidParameterValue"
    );
    // Nothing was started, and the other account's bucket is untouched.
    let tasks: i64 = sqlx::query_scalar("select count(*) from emulator.mps_task")
        .fetch_one(&emu.db)
        .await
        .unwrap();
    assert_eq!(tasks, 0);
}
