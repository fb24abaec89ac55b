//! MPS for the console: start ProcessMedia / EditMedia, list tasks with their outputs.
use app::api::cloud_types::{OutputRef, TaskPage, TaskRow};
use app::api::types::Role;
use app::ssr::{NewTask, Req};
use serde_json::{json, Value};

use super::CloudConsole;
use crate::cloud::actions::mps::{
    DescribeTaskDetailRequest, DescribeTaskDetailResponse, DescribeTasksRequest,
    DescribeTasksResponse, EditMediaRequest, ProcessMediaRequest, TaskSimpleInfo, NOT_FINISHED,
};
use crate::cloud::actions::Api;
use crate::error::AppResult;

/// Finished tasks per page (each costs a DescribeTaskDetail for its outputs).
const PAGE: u32 = 10;

/// Unfinished tasks shown above the first page: the newest this many of each status
/// (each also costs a DescribeTaskDetail, and the page polls while any is unfinished).
const UNFINISHED: u32 = 20;

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

/// A page of tasks. `DescribeTasks` lists one status at a time, so the first page puts
/// the waiting and processing tasks above the newest finished ones; the next pages follow
/// the finished tasks' scroll token.
pub(super) async fn tasks(
    c: &CloudConsole,
    req: &Req,
    region: &str,
    next: &str,
) -> AppResult<TaskPage> {
    let s = c.session(req, Role::Viewer).await?;
    let api = s.api(region);
    let mut listed: Vec<(&'static str, TaskSimpleInfo)> = Vec::new();
    if next.is_empty() {
        for status in ["PROCESSING", "WAITING"] {
            let page = list(&api, status, UNFINISHED, "").await?;
            listed.extend(page.task_set.into_iter().map(|t| (status, t)));
        }
    }
    let finished = list(&api, "FINISH", PAGE, next).await?;
    let listed = merge(listed, finished.task_set);
    let mut tasks = Vec::with_capacity(listed.len());
    for (status, t) in listed {
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
        let finish_time = match &detail {
            Ok(d) => d.finish_time.clone().unwrap_or_default(),
            Err(_) => t.finish_time,
        };
        tasks.push(TaskRow {
            task_id: t.task_id,
            task_type: t.task_type,
            status: detail.map_or_else(|_| status.to_owned(), |d| d.status),
            create_time: t.create_time,
            finish_time: if finish_time == NOT_FINISHED {
                String::new()
            } else {
                finish_time
            },
            message,
            err_code,
            outputs,
        });
    }
    Ok(TaskPage {
        tasks,
        next: finished.scroll_token,
    })
}

/// The unfinished tasks (with the status they were listed under) above the finished ones.
/// A task that finished between the calls is listed once, as finished.
fn merge(
    mut unfinished: Vec<(&'static str, TaskSimpleInfo)>,
    finished: Vec<TaskSimpleInfo>,
) -> Vec<(&'static str, TaskSimpleInfo)> {
    unfinished.retain(|(_, t)| !finished.iter().any(|f| f.task_id == t.task_id));
    unfinished.extend(finished.into_iter().map(|t| ("FINISH", t)));
    unfinished
}

async fn list(
    api: &Api<'_>,
    status: &str,
    limit: u32,
    after: &str,
) -> AppResult<DescribeTasksResponse> {
    Ok(api
        .describe_tasks(&DescribeTasksRequest {
            status: status.to_owned(),
            limit,
            scroll_token: (!after.is_empty()).then(|| after.to_owned()),
        })
        .await?)
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

    fn task(id: &str) -> TaskSimpleInfo {
        TaskSimpleInfo {
            task_id: id.to_owned(),
            task_type: "WorkflowTask".to_owned(),
            create_time: String::new(),
            finish_time: NOT_FINISHED.to_owned(),
        }
    }

    #[test]
    fn unfinished_tasks_come_first_and_a_task_is_listed_once() {
        let merged = merge(
            vec![
                ("PROCESSING", task("b")),
                ("WAITING", task("c")),
                ("PROCESSING", task("a")),
            ],
            vec![task("a"), task("z")],
        );
        let rows: Vec<(&str, &str)> = merged
            .iter()
            .map(|(s, t)| (*s, t.task_id.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("PROCESSING", "b"),
                ("WAITING", "c"),
                ("FINISH", "a"),
                ("FINISH", "z")
            ]
        );
    }

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
