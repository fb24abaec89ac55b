//! MPS for the console: start ProcessMedia / EditMedia, list tasks with their outputs.
use app::api::cloud_types::{OutputRef, TaskPage, TaskRow};
use app::api::types::Role;
use app::ssr::{NewTask, Req};
use serde_json::{json, Value};

use super::CloudConsole;
use crate::cloud::actions::mps::{
    DescribeTaskDetailRequest, DescribeTaskDetailResponse, DescribeTaskListRequest,
    EditMediaRequest, ProcessMediaRequest,
};
use crate::error::AppResult;

/// Tasks per page (each costs a DescribeTaskDetail for its outputs).
const PAGE: u32 = 10;

pub(super) async fn start(c: &CloudConsole, req: &Req, t: NewTask) -> AppResult<String> {
    let s = c.session(req, Role::Developer).await?;
    let input = json!({"Type": "COS", "CosInputInfo": {
        "Bucket": t.input.bucket, "Region": t.input.region, "Object": format!("/{}", t.object),
    }});
    let output = json!({"Type": "COS", "CosOutputStorage": {
        "Bucket": t.output.bucket, "Region": t.output.region,
    }});
    let api = s.api(&t.region);
    let created = if t.kind == "EditMediaTask" {
        api.edit_media(&EditMediaRequest {
            file_infos: json!([{
                "InputInfo": input, "StartTimeOffset": t.clip_start, "EndTimeOffset": t.clip_end,
            }]),
            output_storage: output,
            output_object_path: format!("{}{}_clip.{{format}}", t.output_dir, stem(&t.object)),
        })
        .await?
    } else {
        let mut task = json!({});
        if t.transcode {
            task["TranscodeTaskSet"] = json!([{"Definition": 10}]);
        }
        if t.snapshot {
            task["SnapshotByTimeOffsetTaskSet"] =
                json!([{"Definition": 10, "ExtTimeOffsetSet": ["1s"]}]);
        }
        api.process_media(&ProcessMediaRequest {
            input_info: input,
            output_storage: Some(output),
            output_dir: Some(t.output_dir.clone()),
            media_process_task: task,
            session_context: None,
        })
        .await?
    };
    c.audit(
        s.actor,
        "task_started",
        &format!("{} ({})", created.task_id, t.object),
        &t.region,
        &created.request_id,
    )
    .await;
    Ok(created.task_id)
}

fn stem(object: &str) -> &str {
    let name = object.rsplit('/').next().unwrap_or(object);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

pub(super) async fn tasks(
    c: &CloudConsole,
    req: &Req,
    region: &str,
    next: &str,
) -> AppResult<TaskPage> {
    let s = c.session(req, Role::Viewer).await?;
    let api = s.api(region);
    let list = api
        .describe_task_list(&DescribeTaskListRequest {
            limit: PAGE,
            status: None,
            scroll_token: (!next.is_empty()).then(|| next.to_owned()),
        })
        .await?;
    let mut tasks = Vec::with_capacity(list.task_set.len());
    for t in list.task_set {
        // Details cover recent tasks only; a task without one is listed without outputs.
        let detail = api
            .describe_task_detail(&DescribeTaskDetailRequest {
                task_id: t.task_id.clone(),
            })
            .await;
        let (err_code, message, outputs) = match &detail {
            Ok(d) => results_of(d),
            Err(e) => (0, e.to_string(), Vec::new()),
        };
        tasks.push(TaskRow {
            task_id: t.task_id,
            task_type: t.task_type,
            status: t.status,
            create_time: t.create_time,
            finish_time: t.finish_time.unwrap_or_default(),
            message,
            err_code,
            outputs,
        });
    }
    Ok(TaskPage {
        tasks,
        next: list.scroll_token,
    })
}

/// A task's error code, message and output objects, from its detail.
fn results_of(d: &DescribeTaskDetailResponse) -> (i64, String, Vec<OutputRef>) {
    let body = d
        .workflow_task
        .as_ref()
        .or(d.edit_media_task.as_ref())
        .filter(|v| !v.is_null());
    let Some(body) = body else {
        return (0, String::new(), Vec::new());
    };
    let err_code = body["ErrCode"].as_i64().unwrap_or(0);
    let message = body["Message"].as_str().unwrap_or_default().to_owned();
    let mut outputs = Vec::new();
    let mut push = |storage: &Value, path: &Value| {
        let cos = &storage["CosOutputStorage"];
        if let (Some(bucket), Some(region), Some(path)) = (
            cos["Bucket"].as_str(),
            cos["Region"].as_str(),
            path.as_str(),
        ) {
            outputs.push(OutputRef {
                bucket: bucket.to_owned(),
                region: region.to_owned(),
                key: path.trim_start_matches('/').to_owned(),
            });
        }
    };
    for r in body["MediaProcessResultSet"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let out = &r["TranscodeTask"]["Output"];
        push(&out["OutputStorage"], &out["Path"]);
        let snap = &r["SnapshotByTimeOffsetTask"]["Output"];
        for pic in snap["PicInfoSet"].as_array().into_iter().flatten() {
            push(&snap["Storage"], &pic["Path"]);
        }
    }
    let out = &body["Output"];
    push(&out["OutputStorage"], &out["Path"]);
    (err_code, message, outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_of_a_workflow_and_an_edit() {
        let storage = json!({"Type": "COS", "CosOutputStorage": {"Bucket": "out-125", "Region": "ap-beijing"}});
        let d: DescribeTaskDetailResponse = serde_json::from_value(json!({
            "TaskType": "WorkflowTask", "Status": "FINISH", "CreateTime": "t", "RequestId": "r",
            "WorkflowTask": {"ErrCode": 0, "Message": "ok", "MediaProcessResultSet": [
                {"Type": "Transcode", "TranscodeTask": {"Output": {"OutputStorage": storage, "Path": "/o/a_transcode_10.mp4"}}, "SnapshotByTimeOffsetTask": null},
                {"Type": "SnapshotByTimeOffset", "TranscodeTask": null, "SnapshotByTimeOffsetTask": {"Output": {"Storage": storage, "PicInfoSet": [{"Path": "/o/a_0.jpg"}]}}}
            ]}
        }))
        .expect("detail");
        let (code, message, outputs) = results_of(&d);
        assert_eq!((code, message.as_str()), (0, "ok"));
        let keys: Vec<&str> = outputs.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(keys, ["o/a_transcode_10.mp4", "o/a_0.jpg"]);
        let d: DescribeTaskDetailResponse = serde_json::from_value(json!({
            "TaskType": "EditMediaTask", "Status": "FINISH", "CreateTime": "t", "RequestId": "r",
            "EditMediaTask": {"ErrCode": 0, "Message": "", "Output": {"OutputStorage": storage, "Path": "/clip/x.mp4"}}
        }))
        .expect("detail");
        assert_eq!(results_of(&d).2[0].key, "clip/x.mp4");
        assert_eq!(stem("in/demo.mp4"), "demo");
    }
}
