//! The MPS, COS, code and wizard server functions against the embedded emulator: the
//! whole callback pipeline driven as the console's pages drive it, with bad input and a
//! viewer's limits.
use std::time::Duration;

use integration_tests::*;
use reqwest::StatusCode;
use serde_json::Value;

use crate::console_forms::{LogQuery, MpsTask, NewFunction};

async fn logs_with(b: &Browser, keyword: &str) -> Reply {
    LogQuery::last_hour().keyword(keyword).send(b).await
}

#[tokio::test]
async fn a_custom_log_range_is_checked_field_by_field() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    // (start, end) → the field and code of the error.
    for (start, end, field, code) in [
        ("0", "1795000000", "start", "range_incomplete"),
        ("1795000000", "0", "end", "range_incomplete"),
        ("1795003600", "1795000000", "start", "range_invalid"),
        ("1795000000", "1795090000", "end", "range_too_long"),
        // Year 9999, and the end of i64: refused, not a panic or the epoch.
        ("253402300700", "253402300799", "end", "range_future"),
        (
            "9223372036854775000",
            "9223372036854775100",
            "end",
            "range_future",
        ),
    ] {
        let r = LogQuery::custom(start, end).send(&owner).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{start}..{end}: {r:?}");
        assert_eq!(r.body["Invalid"]["field"], field, "{start}..{end}: {r:?}");
        assert_eq!(error_code(&r), code, "{start}..{end}");
    }
    // A good range reaches the cloud, which has no such function.
    let r = LogQuery::custom("1795000000", "1795003600")
        .send(&owner)
        .await;
    assert_eq!(error_kind(&r), "Cloud", "{r:?}");
}

#[tokio::test]
async fn process_media_reaches_the_function_and_its_summary_is_browsable() {
    let srv = spawn().await;
    let owner = srv.owner().await;

    // The wizard starts at step 1 with the emulator's demo bucket.
    let r = owner.call("wizard_state", &[]).await;
    assert_eq!(
        (r.body["step"].as_u64(), r.body["function_name"].as_str()),
        (Some(1), Some("MPSAnalysis")),
        "{r:?}"
    );
    let bucket = r.body["demo_bucket"]
        .as_str()
        .expect("demo bucket")
        .to_owned();
    assert!(bucket.starts_with("media-"), "{bucket}");

    // The account starts with that bucket and a sample video in it.
    let r = owner.call("cos_buckets", &[]).await;
    assert_eq!(r.body[0]["name"], bucket.as_str(), "{r:?}");
    let objects = |prefix: &'static str| {
        let (owner, bucket) = (&owner, bucket.clone());
        async move {
            owner
                .call(
                    "cos_objects",
                    &[
                        ("bucket", &bucket),
                        ("region", "ap-beijing"),
                        ("prefix", prefix),
                        ("marker", ""),
                    ],
                )
                .await
        }
    };
    let r = objects("").await;
    assert_eq!(r.body["folders"], serde_json::json!(["input/"]), "{r:?}");
    let r = objects("input/").await;
    assert_eq!(r.body["objects"][0]["key"], "input/sample.mp4", "{r:?}");
    let r = owner
        .call(
            "cos_preview",
            &[
                ("bucket", &bucket),
                ("region", "ap-beijing"),
                ("key", "input/sample.mp4"),
            ],
        )
        .await;
    assert_eq!(
        (r.body["kind"].as_str(), r.body["text"].as_str()),
        (Some("binary"), Some("")),
        "{r:?}"
    );
    // A key with a dot folder is resolved away in a URL: refused, not signed wrongly.
    let r = owner
        .call(
            "cos_preview",
            &[
                ("bucket", &bucket),
                ("region", "ap-beijing"),
                ("key", "a/../input/sample.mp4"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (StatusCode::BAD_REQUEST, "key_invalid"),
        "{r:?}"
    );
    // Bad COS input is refused before any call.
    let long_marker = "m".repeat(100_000);
    for (b, region, prefix, marker, code) in [
        ("Bad_Bucket", "ap-beijing", "", "", "bucket_invalid"),
        ("media-1", "mars-1", "", "", "region_unknown"),
        ("media-1", "ap-beijing", "a\u{1}b", "", "prefix_invalid"),
        (
            "media-1",
            "ap-beijing",
            "",
            long_marker.as_str(),
            "marker_invalid",
        ),
    ] {
        let r = owner
            .call(
                "cos_objects",
                &[
                    ("bucket", b),
                    ("region", region),
                    ("prefix", prefix),
                    ("marker", marker),
                ],
            )
            .await;
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (StatusCode::BAD_REQUEST, code),
            "{r:?}"
        );
    }
    // Another account's bucket is the cloud's refusal, not data.
    let r = owner
        .call(
            "cos_objects",
            &[
                ("bucket", "media-1250000000"),
                ("region", "ap-beijing"),
                ("prefix", ""),
                ("marker", ""),
            ],
        )
        .await;
    assert_eq!(error_kind(&r), "Cloud", "{r:?}");
    // The team's own bucket, asked for through another region: COS does not find it there.
    let r = owner
        .call(
            "cos_objects",
            &[
                ("bucket", bucket.as_str()),
                ("region", "ap-guangzhou"),
                ("prefix", ""),
                ("marker", ""),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.body["Cloud"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("NoSuchBucket")),
        "{r:?}"
    );

    // A COS_BUCKET that does not exist (or not in COS_REGION) would fail every run: it
    // is refused on the variables, and nothing is created.
    for wrong in [
        "COS_BUCKET=gone-1250000000\nCOS_REGION=ap-beijing".to_owned(),
        format!("COS_BUCKET={bucket}\nCOS_REGION=ap-guangzhou"),
    ] {
        let r = NewFunction::named("MPSAnalysis")
            .variables(&wrong)
            .send(&owner)
            .await;
        assert_eq!(
            (
                r.status,
                error_code(&r).as_str(),
                r.body["Invalid"]["field"].as_str()
            ),
            (StatusCode::BAD_REQUEST, "bucket_missing", Some("variables")),
            "{wrong}: {r:?}"
        );
    }

    // Function (the wizard's step 1 as the page sends it), roles, trigger.
    let variables = format!("COS_BUCKET={bucket}\nCOS_REGION=ap-beijing");
    let r = NewFunction::named("MPSAnalysis")
        .description("wizard")
        .variables(&variables)
        .role("SCF_QcsRole")
        .send(&owner)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    wait_active(&owner, "MPSAnalysis").await;
    let save = |step: &'static str, task: String| {
        let owner = &owner;
        async move {
            owner
                .call(
                    "save_wizard",
                    &[
                        ("step", step),
                        ("rid", "8"),
                        ("ns", "default"),
                        ("name", "MPSAnalysis"),
                        ("task_id", &task),
                    ],
                )
                .await
        }
    };
    assert_eq!(save("2", String::new()).await.status, StatusCode::OK);
    assert_eq!(error_code(&save("9", String::new()).await), "step_invalid");
    let r = owner.call("wizard_state", &[]).await;
    assert_eq!(r.body["step"], 2, "{r:?}");

    // The code tab shows the entry file.
    let r = owner
        .call(
            "function_code",
            &[("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")],
        )
        .await;
    assert_eq!(r.body["file"], "index.js", "{r:?}");
    assert!(r.body["content"]
        .as_str()
        .is_some_and(|c| c.contains("exports.main_handler")));
    assert!(r.body["size"].as_i64().is_some_and(|s| s > 0), "{r:?}");

    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        let r = owner.call("authorize_role", &[("name", role)]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
    let r = owner
        .call(
            "create_mps_trigger",
            &[
                ("rid", "8"),
                ("ns", "default"),
                ("name", "MPSAnalysis"),
                ("event_type", "WorkflowTask"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");

    // Bad task input is refused field by field.
    for (task, field) in [
        (
            MpsTask::workflow("nope", "input/sample.mp4"),
            "bucket_invalid",
        ),
        (MpsTask::workflow(&bucket, ""), "key_invalid"),
        (
            MpsTask::workflow(&bucket, "input/sample.mp4").output_dir("output"),
            "output_dir_invalid",
        ),
    ] {
        let r = task.send(&owner).await;
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (StatusCode::BAD_REQUEST, field),
            "{r:?}"
        );
    }
    let none = MpsTask::workflow(&bucket, "input/sample.mp4").without_task_types();
    assert_eq!(error_code(&none.send(&owner).await), "task_types_required");
    // Several at once: the first, and the others in `also`.
    let r = MpsTask::workflow(&bucket, "")
        .output_dir("output")
        .without_task_types()
        .send(&owner)
        .await;
    assert_eq!(r.body["Invalid"]["field"], "object", "{r:?}");
    assert_eq!(
        r.body["Invalid"]["also"],
        serde_json::json!([
            {"field": "output_dir", "code": "output_dir_invalid"},
            {"field": "transcode", "code": "task_types_required"},
        ])
    );
    // A missing input object is the cloud's error, with its RequestId.
    let r = MpsTask::workflow(&bucket, "input/missing.mp4")
        .send(&owner)
        .await;
    assert_eq!(error_kind(&r), "Cloud", "{r:?}");

    // ProcessMedia: the task finishes, its outputs are listed, the event reaches the function.
    let r = MpsTask::workflow(&bucket, "input/sample.mp4")
        .send(&owner)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let task_id = r.body.as_str().expect("TaskId").to_owned();
    assert_eq!(save("3", task_id.clone()).await.status, StatusCode::OK);
    let mut task = Value::Null;
    for _ in 0..100 {
        let r = owner.call("mps_tasks", &[("rid", "8"), ("next", "")]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        task = r.body["tasks"][0].clone();
        if task["status"] == "FINISH" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        (task["task_id"].as_str(), task["status"].as_str()),
        (Some(task_id.as_str()), Some("FINISH")),
        "{task}"
    );
    let outputs: Vec<&str> = task["outputs"]
        .as_array()
        .expect("outputs")
        .iter()
        .filter_map(|o| o["key"].as_str())
        .collect();
    assert_eq!(
        outputs,
        [
            "output/sample_transcode_10.mp4",
            "output/sample_snapshotByOffset_10_0.jpg"
        ],
        "{task}"
    );
    let r = owner.call("audit_log", &[("page", "1")]).await;
    assert_eq!(r.body["rows"][0]["action"], "task_started", "{r:?}");

    // The log query finds the invocation by the TaskId; its log names the summary.
    let mut row = Value::Null;
    for _ in 0..100 {
        let r = logs_with(&owner, &task_id).await;
        if r.body["total"] == 1 {
            row = r.body["items"][0].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(row["ret_code"], 0, "{row}");
    let log = row["log"].as_str().expect("log");
    let stored = format!("summary stored: cos://{bucket}/");
    let key = log
        .split(&stored)
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .and_then(|line| line.strip_suffix(" (ap-beijing)"))
        .expect("the function names its summary and the summary's region")
        .to_owned();
    assert_eq!(logs_with(&owner, "no-such-task").await.body["total"], 0);

    // The summary: previewed as JSON and downloadable through the console.
    let r = owner
        .call(
            "cos_preview",
            &[("bucket", &bucket), ("region", "ap-beijing"), ("key", &key)],
        )
        .await;
    assert_eq!(r.body["kind"], "json", "{r:?}");
    let summary: Value =
        serde_json::from_str(r.body["text"].as_str().expect("text")).expect("json");
    assert_eq!(summary["TaskId"], task_id.as_str(), "{summary}");
    let url = format!(
        "/cos/download?bucket={bucket}&region=ap-beijing&key={}",
        key.replace('/', "%2F")
    );
    let res = owner.get(&url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment")));
    assert_eq!(
        res.headers()["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    let body: Value = res.json().await.expect("the summary downloads");
    assert_eq!(body["TaskId"], task_id.as_str());
    let res = owner
        .get(&format!(
            "/cos/download?bucket={bucket}&region=ap-beijing&key=nope.json"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = owner
        .get("/cos/download?bucket=x&region=ap-beijing&key=a")
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Signed out, nothing downloads.
    let res = srv.browser().get(&url).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A viewer sees tasks and objects but starts nothing and does not move the wizard.
    let viewer = srv
        .invite_and_join(&owner, "viewer@example.com", "viewer", "Vera")
        .await;
    let r = viewer
        .call("mps_tasks", &[("rid", "8"), ("next", "")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(viewer.get(&url).await.status(), StatusCode::OK);
    let r = MpsTask::workflow(&bucket, "input/sample.mp4")
        .send(&viewer)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
    let r = viewer
        .call(
            "save_wizard",
            &[
                ("step", "1"),
                ("rid", "8"),
                ("ns", "default"),
                ("name", "MPSAnalysis"),
                ("task_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{r:?}");
    let r = viewer.call("wizard_state", &[]).await;
    assert_eq!(
        (r.body["step"].as_u64(), r.body["task_id"].as_str()),
        (Some(3), Some(task_id.as_str())),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_large_object_downloads_whole_through_the_console() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let account = owner.call("get_cloud_account", &[]).await;
    let secret_id = account.body["secret_id"].as_str().expect("SecretId");
    let (secret_key, app_id): (String, i64) =
        sqlx::query_as("select secret_key, app_id from emulator.account where secret_id = $1")
            .bind(secret_id)
            .fetch_one(&srv.db)
            .await
            .unwrap();
    let bucket = format!("media-{app_id}");
    // 150 MB: more than the console used to hold in memory for a download.
    let size = 150 * 1024 * 1024;
    let body: Vec<u8> = (0..size).map(|i| (i * 7 + i / 4096) as u8).collect();
    let cos = server::cloud::cos::CosClient::new(
        server::cloud::client::Endpoint::Custom(srv.emulator_url.clone()),
        server::cloud::client::Credentials::new(secret_id.to_owned(), secret_key),
    )
    .unwrap();
    cos.put_object(&bucket, "ap-beijing", "big/video.bin", body.clone())
        .await
        .expect("upload");

    let res = owner
        .get(&format!(
            "/cos/download?bucket={bucket}&region=ap-beijing&key=big%2Fvideo.bin"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.content_length(), Some(size as u64));
    assert_eq!(res.headers()["accept-ranges"], "bytes");
    let got = res.bytes().await.expect("the whole object");
    assert!(
        got.len() == body.len() && got[..] == body[..],
        "bytes differ"
    );

    // A player seeking asks for a range: the console passes it to COS and back.
    let url = format!(
        "{}/cos/download?bucket={bucket}&region=ap-beijing&key=big%2Fvideo.bin",
        owner.base
    );
    let ranged = |range: &'static str| owner.client.get(&url).header("range", range).send();
    let res = ranged("bytes=1000-1999").await.expect("ranged");
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()["content-range"],
        format!("bytes 1000-1999/{size}").as_str()
    );
    assert_eq!(res.bytes().await.expect("part")[..], body[1000..2000]);
    let res = ranged("bytes=999999999999-").await.expect("beyond");
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
}
