//! Another team's cloud resources through every server function that takes their names:
//! each call is refused (each team has its own cloud account, so the other team's names
//! resolve to nothing or to the cloud's refusal), and the owning team's state is intact.
//! Member, invite and session ids are covered in `teams` and `sign_in`.
use integration_tests::*;
use reqwest::StatusCode;

#[tokio::test]
async fn another_teams_functions_buckets_and_triggers_are_out_of_reach() {
    let srv = spawn().await;
    let owner = srv.owner().await; // team Media
    let bucket = owner.call("wizard_state", &[]).await.body["demo_bucket"]
        .as_str()
        .expect("bucket")
        .to_owned();
    let f = [("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")];
    let mut create = f.to_vec();
    create.extend([
        ("template_id", "demo-nodejs89-mps-webhook"),
        ("description", ""),
        ("memory_size", "128"),
        ("timeout", "3"),
        ("variables", ""),
        ("role", ""),
    ]);
    assert_eq!(
        owner.call("create_function", &create).await.status,
        StatusCode::OK
    );
    wait_active(&owner, "MPSAnalysis").await;
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        owner.call("authorize_role", &[("name", role)]).await;
    }
    let mut bind = f.to_vec();
    bind.push(("event_type", "WorkflowTask"));
    assert_eq!(
        owner.call("create_mps_trigger", &bind).await.status,
        StatusCode::OK
    );

    // An admin of another team only.
    owner.call("create_team", &[("name", "Rival")]).await;
    let rival = srv
        .invite_and_join(&owner, "rival@example.com", "admin", "Rita")
        .await;
    assert_eq!(rival.call("wizard_state", &[]).await.status, StatusCode::OK);
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        rival.call("authorize_role", &[("name", role)]).await;
    }

    let mut logs = f.to_vec();
    logs.extend([
        ("range", "1h"),
        ("start", "0"),
        ("end", "0"),
        ("request_id", ""),
        ("keyword", ""),
        ("outcome", "all"),
        ("page", "1"),
    ]);
    let mut trigger = f.to_vec();
    trigger.extend([("trigger_name", "WorkflowTask"), ("kind", "mps")]);
    let object = [
        ("bucket", bucket.as_str()),
        ("region", "ap-beijing"),
        ("key", "input/sample.mp4"),
    ];
    let listing = [
        ("bucket", bucket.as_str()),
        ("region", "ap-beijing"),
        ("prefix", ""),
        ("marker", ""),
    ];
    let task = [
        ("rid", "8"),
        ("kind", "WorkflowTask"),
        ("input_bucket", bucket.as_str()),
        ("input_region", "ap-beijing"),
        ("object", "input/sample.mp4"),
        ("output_bucket", bucket.as_str()),
        ("output_region", "ap-beijing"),
        ("output_dir", "/stolen/"),
        ("transcode", "true"),
        ("snapshot", "false"),
        ("clip_start", "0"),
        ("clip_end", "0"),
    ];
    let mut update = f.to_vec();
    update.extend([
        ("description", "taken over"),
        ("memory_size", "128"),
        ("timeout", "3"),
        ("variables", "COS_BUCKET=rival-1250000001"),
        ("role", ""),
    ]);
    let attempts: [(&str, &[(&str, &str)]); 11] = [
        ("get_function", &f),
        ("update_function", &update),
        ("function_code", &f),
        ("function_logs", &logs),
        ("list_triggers", &f),
        ("create_mps_trigger", &bind),
        ("delete_trigger", &trigger),
        ("delete_function", &f),
        ("cos_objects", &listing),
        ("cos_preview", &object),
        ("start_mps_task", &task),
    ];
    for (endpoint, form) in attempts {
        let r = rival.call(endpoint, form).await;
        assert!(r.status.is_client_error(), "{endpoint}: {r:?}");
        assert!(
            ["Cloud", "NotFound", "Forbidden", "Invalid"].contains(&error_kind(&r).as_str()),
            "{endpoint}: {r:?}"
        );
    }
    let r = rival
        .get(&format!(
            "/cos/download?bucket={bucket}&region=ap-beijing&key=input/sample.mp4"
        ))
        .await;
    // The cloud's refusal, passed on as the client's error, and none of the object's bytes.
    let status = r.status();
    assert!(status.is_client_error(), "download: {status}");
    let body = r.bytes().await.expect("body");
    assert!(!body.windows(4).any(|w| w == b"ftyp"), "the video leaked");

    // Media's function, trigger and objects are as they were; nothing was started.
    owner
        .call("switch_team", &[("team_id", &media_team(&srv).await)])
        .await;
    let mine = wait_active(&owner, "MPSAnalysis").await;
    assert_ne!(mine["description"], "taken over", "{mine:?}");
    let r = owner.call("list_triggers", &f).await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{r:?}");
    let r = owner.call("cos_objects", &listing).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let tasks: i64 = sqlx::query_scalar("select count(*) from emulator.mps_task")
        .fetch_one(&srv.db)
        .await
        .expect("count");
    assert_eq!(tasks, 0, "no task ran on Media's bucket");
    let rival_bindings: i64 = sqlx::query_scalar(
        "select count(*) from mps_binding b join team t using (team_id) where t.name = 'Rival'",
    )
    .fetch_one(&srv.db)
    .await
    .expect("count");
    assert_eq!(rival_bindings, 0);
}

async fn media_team(srv: &TestServer) -> String {
    sqlx::query_scalar::<_, uuid::Uuid>("select team_id from team where name = 'Media'")
        .fetch_one(&srv.db)
        .await
        .expect("team")
        .to_string()
}
