//! MPS tasks: `ProcessMedia` (a WorkflowTask) and `EditMedia` (an EditMediaTask) on COS
//! objects, `DescribeTaskDetail`, and the worker that finishes tasks, writes their
//! outputs to COS and queues the task event for the function bound by the MPS trigger.
//!
//! Outputs are rendered with ffmpeg when the machine has it; otherwise (or for inputs
//! ffmpeg cannot read) they are placeholders, copies of the input named as MPS would name
//! them, and the task's Message says so.
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::cloud::actions::mps::NOT_FINISHED;
use crate::db::Db;

use super::api::{iso_time, opt_str, ApiError};
use super::media::Render;
use super::media_meta::media_meta;
use super::verify::CallContext;
use super::Emulator;

/// The message of tasks whose outputs are placeholders (the console translates it).
pub const PLACEHOLDER_NOTE: &str = app::i18n::PLACEHOLDER_NOTE;

fn cos_input(params: &Value, field: &str) -> Result<(String, String, String), ApiError> {
    let info = params.get(field).ok_or_else(|| {
        ApiError::new(
            "MissingParameter",
            format!("The request is missing {field}."),
        )
    })?;
    if info.get("Type").and_then(Value::as_str) != Some("COS") {
        return Err(ApiError::new(
            "InvalidParameterValue.InputInfo",
            "Only COS inputs are supported by the emulator.",
        ));
    }
    let cos = &info["CosInputInfo"];
    let (bucket, region, object) = (
        cos["Bucket"].as_str(),
        cos["Region"].as_str(),
        cos["Object"].as_str(),
    );
    match (bucket, region, object) {
        (Some(b), Some(r), Some(o)) if o.starts_with('/') && app::regions::by_id(r).is_some() => {
            Ok((b.to_owned(), r.to_owned(), o.to_owned()))
        }
        _ => Err(ApiError::new(
            "InvalidParameterValue.InputInfo",
            "CosInputInfo needs Bucket, Region (a region ID such as ap-beijing) and an Object starting with /.",
        )),
    }
}

/// The task sets the emulator produces; each takes at most [`MAX_TASKS_PER_SET`].
const TASK_SETS: [&str; 2] = ["TranscodeTaskSet", "SnapshotByTimeOffsetTaskSet"];

/// Task sets MPS has and the emulator does not produce: refused rather than accepted and
/// silently left without results.
const UNPRODUCED_SETS: [&str; 4] = [
    "AnimatedGraphicTaskSet",
    "SampleSnapshotTaskSet",
    "ImageSpriteTaskSet",
    "AdaptiveDynamicStreamingTaskSet",
];

/// How many tasks one set may hold: each is an ffmpeg run on this machine.
const MAX_TASKS_PER_SET: usize = 10;

/// Checks a `MediaProcessTask`: at least one task, every set a list of at most
/// [`MAX_TASKS_PER_SET`] objects, each with a positive whole `Definition`.
pub(super) fn check_media_task(task: Option<&Value>) -> Result<(), ApiError> {
    let Some(task) = task.filter(|t| t.is_object()) else {
        return Err(ApiError::new(
            "MissingParameter",
            "The request is missing MediaProcessTask.",
        ));
    };
    if let Some(name) = UNPRODUCED_SETS.iter().find(|n| !task[**n].is_null()) {
        return Err(ApiError::new(
            "UnsupportedOperation",
            format!("The emulator does not produce {name}; it runs TranscodeTaskSet and SnapshotByTimeOffsetTaskSet."),
        ));
    }
    let mut any = false;
    for name in TASK_SETS {
        let set = match &task[name] {
            Value::Null => continue,
            Value::Array(set) if set.len() <= MAX_TASKS_PER_SET => set,
            _ => {
                return Err(ApiError::new(
                    "InvalidParameterValue",
                    format!("{name} must be a list of at most {MAX_TASKS_PER_SET} tasks."),
                ))
            }
        };
        for item in set {
            if !item["Definition"]
                .as_u64()
                .is_some_and(|d| (1..=u32::MAX as u64).contains(&d))
            {
                return Err(ApiError::new(
                    "InvalidParameterValue.Definition",
                    format!("Every task of {name} needs a Definition, a positive whole number."),
                ));
            }
        }
        if name == "SnapshotByTimeOffsetTaskSet" {
            for item in set {
                snapshot_offsets(item)?;
            }
        }
        // Outputs are named by the task's folder and Definition here.
        for item in set {
            if item.get("OutputObjectPath").is_some_and(|p| !p.is_null()) {
                return Err(ApiError::new(
                    "UnsupportedOperation",
                    format!(
                        "The emulator names outputs itself; leave out OutputObjectPath in {name}."
                    ),
                ));
            }
        }
        any |= !set.is_empty();
    }
    if any {
        Ok(())
    } else {
        Err(ApiError::new(
            "InvalidParameter",
            "MediaProcessTask needs at least one task set.",
        ))
    }
}

/// Checks an output path (`OutputDir`, `OutputObjectPath`) by the console's rule
/// ([`app::api::mps::output_path_ok`]), up to 1024 bytes.
pub(super) fn check_output_path(
    path: &str,
    param: &'static str,
    dir: bool,
) -> Result<(), ApiError> {
    if path.len() <= 1024 && app::api::mps::output_path_ok(path, dir) {
        Ok(())
    } else {
        let code = match param {
            "Dir" => "InvalidParameterValue.Dir",
            "OutputObjectPath" => "InvalidParameterValue.OutputObjectPath",
            _ => "InvalidParameterValue.OutputDir",
        };
        Err(ApiError::new(
            code,
            format!(
                "{param} starts with /{} and has no empty, . or .. folder.",
                if dir { ", ends with /" } else { "" }
            ),
        ))
    }
}

/// EditMedia's `OutputConfig`: `Container` mp4 (the default), hls, mov, flv or avi and
/// `Type` normal or fast. Returns the extension that `{format}` in the output path stands
/// for.
fn output_container(params: &Value) -> Result<&'static str, ApiError> {
    let config = &params["OutputConfig"];
    if !config.is_null() && !config.is_object() {
        return Err(ApiError::new(
            "InvalidParameterValue.OutputConfig",
            "OutputConfig is an object.",
        ));
    }
    let container = match config["Container"].as_str() {
        None if config["Container"].is_null() => "mp4",
        Some("mp4") => "mp4",
        Some("hls") => "m3u8",
        Some("mov") => "mov",
        Some("flv") => "flv",
        Some("avi") => "avi",
        _ => {
            return Err(ApiError::new(
                "InvalidParameterValue.Container",
                "OutputConfig.Container must be mp4, hls, mov, flv or avi.",
            ))
        }
    };
    if !config["Type"].is_null() && !matches!(config["Type"].as_str(), Some("normal" | "fast")) {
        return Err(ApiError::new(
            "InvalidParameterValue.Type",
            "OutputConfig.Type must be normal or fast.",
        ));
    }
    Ok(container)
}

/// The region an MPS call addresses (`X-TC-Region`, Beijing when absent): a task lives in
/// the region it was started in and is listed and found there only.
pub fn call_region(ctx: &CallContext) -> &str {
    ctx.region.as_deref().unwrap_or("ap-beijing")
}

/// Checks `OutputStorage` when given: a COS bucket of the account's, in a known region.
pub(super) async fn check_output_storage(
    emu: &Emulator,
    account_id: i64,
    params: &Value,
) -> Result<(), ApiError> {
    let cos = &params["OutputStorage"]["CosOutputStorage"];
    if let Some(region) = cos.get("Region").filter(|r| !r.is_null()) {
        if region
            .as_str()
            .is_none_or(|r| app::regions::by_id(r).is_none())
        {
            return Err(ApiError::new(
                "InvalidParameterValue.OutputStorage",
                "CosOutputStorage.Region must be a region ID such as ap-beijing.",
            ));
        }
    }
    if let Some(out) = cos["Bucket"].as_str() {
        check_bucket(emu, account_id, out, cos["Region"].as_str()).await?;
    }
    Ok(())
}

/// Checks a task priority (`TasksPriority`, `TaskPriority`): a whole number from -10 to 10.
pub(super) fn check_priority(params: &Value, name: &str) -> Result<(), ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(()),
        Some(p) if p.as_i64().is_some_and(|p| (-10..=10).contains(&p)) => Ok(()),
        Some(_) => Err(ApiError::new(
            &format!("InvalidParameterValue.{name}"),
            format!("{name} is a whole number from -10 to 10."),
        )),
    }
}

/// Checks that the account owns `bucket`.
pub(super) async fn check_bucket(
    emu: &Emulator,
    account_id: i64,
    bucket: &str,
    region: Option<&str>,
) -> Result<(), ApiError> {
    let found: Option<(i64, String)> =
        sqlx::query_as("select account_id, region from emulator.cos_bucket where bucket = $1")
            .bind(bucket)
            .fetch_optional(&emu.db)
            .await?;
    // A bucket lives in one region: named with another, COS does not find it.
    let here = found
        .is_some_and(|(owner, r)| owner == account_id && region.is_none_or(|region| region == r));
    if here {
        Ok(())
    } else {
        Err(ApiError::new(
            "ResourceNotFound.CosBucketNotExist",
            format!("Bucket {bucket} does not exist."),
        )
        .zh(format!("存储桶 {bucket} 不存在。")))
    }
}

/// Checks that the account owns `bucket` in `region` and it holds `object`.
async fn check_object(
    emu: &Emulator,
    account_id: i64,
    (bucket, region, object): (&str, &str, &str),
) -> Result<(), ApiError> {
    check_bucket(emu, account_id, bucket, Some(region)).await?;
    let found: bool = sqlx::query_scalar(
        "select exists (select 1 from emulator.cos_object where bucket = $1 and key = $2)",
    )
    .bind(bucket)
    .bind(object.trim_start_matches('/'))
    .fetch_one(&emu.db)
    .await?;
    if found {
        Ok(())
    } else {
        Err(ApiError::new(
            "ResourceNotFound.CosObjectNotExist",
            format!("Object {object} does not exist in {bucket}."),
        )
        .zh(format!("存储桶 {bucket} 中不存在对象 {object}。")))
    }
}

async fn create_task(
    emu: &Emulator,
    ctx: &CallContext,
    kind: &str,
    params: &Value,
) -> Result<String, ApiError> {
    let region = call_region(ctx);
    let task_id = format!("{}-{kind}-{}t0", ctx.app_id, uuid::Uuid::new_v4().simple());
    let mut tx = emu.db.begin().await?;
    // MPS takes one task per SessionId in three days; the lock lets two requests with the
    // same id at once see each other.
    if let Some(session) = opt_str(params, "SessionId")?.filter(|s| !s.is_empty()) {
        sqlx::query("select pg_advisory_xact_lock(hashtextextended($1, $2))")
            .bind(session)
            .bind(ctx.account_id)
            .execute(&mut *tx)
            .await?;
        let seen: bool = sqlx::query_scalar(
            "select exists (select 1 from emulator.mps_task where account_id = $1
               and input->>'SessionId' = $2 and created_at > now() - interval '3 days')",
        )
        .bind(ctx.account_id)
        .bind(session)
        .fetch_one(&mut *tx)
        .await?;
        if seen {
            return Err(ApiError::new(
                "InvalidParameterValue.SessionId",
                "A task with this SessionId was submitted in the last 3 days.",
            ));
        }
    }
    sqlx::query("insert into emulator.mps_task (task_id, account_id, region, kind, status, input) values ($1, $2, $3, $4, 'PROCESSING', $5)")
        .bind(&task_id)
        .bind(ctx.account_id)
        .bind(region)
        .bind(kind)
        .bind(params)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(task_id)
}

/// Checks `SessionId` (at most 50 characters) and `SessionContext` (at most 1000).
fn check_session(params: &Value) -> Result<(), ApiError> {
    if opt_str(params, "SessionId")?.is_some_and(|id| id.chars().count() > 50) {
        return Err(ApiError::new(
            "InvalidParameterValue.SessionId",
            "SessionId may have at most 50 characters.",
        ));
    }
    if opt_str(params, "SessionContext")?.is_some_and(|c| c.chars().count() > 1000) {
        return Err(ApiError::new(
            "InvalidParameterValue.SessionContextTooLong",
            "SessionContext may have at most 1000 characters.",
        ));
    }
    Ok(())
}

/// `ProcessMedia`: a WorkflowTask on a COS object.
pub async fn process_media(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let (bucket, region, object) = cos_input(params, "InputInfo")?;
    check_object(emu, ctx.account_id, (&bucket, &region, &object)).await?;
    check_output_storage(emu, ctx.account_id, params).await?;
    if let Some(dir) = opt_str(params, "OutputDir")? {
        check_output_path(dir, "OutputDir", true)?;
    }
    check_session(params)?;
    check_priority(params, "TasksPriority")?;
    check_media_task(params.get("MediaProcessTask"))?;
    let task_id = create_task(emu, ctx, "WorkflowTask", params).await?;
    Ok(json!({ "TaskId": task_id }))
}

/// `EditMedia`: clips and joins COS objects into one output.
pub async fn edit_media(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let files = params["FileInfos"]
        .as_array()
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::new("MissingParameter", "FileInfos is required."))?;
    if files.len() > MAX_TASKS_PER_SET {
        return Err(ApiError::new(
            "InvalidParameterValue.FileInfos",
            format!("FileInfos may hold at most {MAX_TASKS_PER_SET} files."),
        ));
    }
    for file in files {
        let (bucket, region, object) = cos_input(file, "InputInfo")?;
        check_object(emu, ctx.account_id, (&bucket, &region, &object)).await?;
        for (offset, code) in [
            ("StartTimeOffset", "InvalidParameterValue.StartTimeOffset"),
            ("EndTimeOffset", "InvalidParameterValue.EndTimeOffset"),
        ] {
            if !file[offset].is_null() && !file[offset].as_f64().is_some_and(|t| t >= 0.0) {
                return Err(ApiError::new(
                    code,
                    format!("{offset} is a number of seconds, 0 or more."),
                ));
            }
        }
        if let (Some(start), Some(end)) = (
            file["StartTimeOffset"].as_f64(),
            file["EndTimeOffset"].as_f64(),
        ) {
            if end <= start {
                return Err(ApiError::new(
                    "InvalidParameterValue.EndTimeOffset",
                    "EndTimeOffset must be later than StartTimeOffset.",
                ));
            }
        }
    }
    if params["OutputStorage"]["CosOutputStorage"]["Bucket"]
        .as_str()
        .is_none()
    {
        return Err(ApiError::new(
            "MissingParameter",
            "OutputStorage.CosOutputStorage.Bucket is required.",
        ));
    }
    check_output_storage(emu, ctx.account_id, params).await?;
    check_priority(params, "TasksPriority")?;
    check_session(params)?;
    let path = opt_str(params, "OutputObjectPath")?.ok_or_else(|| {
        ApiError::new(
            "InvalidParameterValue.OutputObjectPath",
            "OutputObjectPath is required and starts with /.",
        )
    })?;
    check_output_path(path, "OutputObjectPath", false)?;
    output_container(params)?;
    let task_id = create_task(emu, ctx, "EditMediaTask", params).await?;
    Ok(json!({ "TaskId": task_id }))
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    kind: String,
    status: String,
    input: Value,
    event: Option<Value>,
    created_at: OffsetDateTime,
    finished_at: Option<OffsetDateTime>,
}

/// `DescribeTaskDetail`: a task's status and, once finished, its results.
pub async fn describe_task_detail(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let task_id = super::api::req_str(params, "TaskId")?;
    let row: Option<TaskRow> = sqlx::query_as(
        "select kind, status, input, event, created_at, finished_at from emulator.mps_task where task_id = $1 and account_id = $2 and region = $3",
    )
    .bind(task_id)
    .bind(ctx.account_id)
    .bind(call_region(ctx))
    .fetch_optional(&emu.db)
    .await?;
    let TaskRow {
        kind,
        status,
        input,
        event,
        created_at: created,
        finished_at: finished,
    } = row.ok_or_else(|| {
        ApiError::new(
            "InvalidParameterValue.TaskId",
            format!("Task {task_id} does not exist."),
        )
    })?;
    let body = match event {
        Some(e) => e[format!("{kind}Event")].clone(),
        None => processing_body(task_id, &kind, &input),
    };
    let text = |name: &str| input[name].as_str().unwrap_or_default().to_owned();
    Ok(json!({
        "TaskType": kind, "Status": status, "CreateTime": iso_time(created),
        "BeginProcessTime": iso_time(created),
        "FinishTime": finished.map_or_else(|| NOT_FINISHED.to_owned(), iso_time),
        "WorkflowTask": if kind == "WorkflowTask" { body.clone() } else { Value::Null },
        "EditMediaTask": if kind == "EditMediaTask" { body } else { Value::Null },
        "SessionContext": text("SessionContext"), "SessionId": text("SessionId"),
        "TasksPriority": input["TasksPriority"].as_i64().unwrap_or(0), "TaskNotifyConfig": null, "ExtInfo": "",
    }))
}

/// A task's body while it runs: its input, no results yet.
fn processing_body(task_id: &str, kind: &str, input: &Value) -> Value {
    if kind == "EditMediaTask" {
        json!({"TaskId": task_id, "Status": "PROCESSING", "ErrCode": 0, "Message": "",
               "Input": {"FileInfoSet": input["FileInfos"]}, "Output": null})
    } else {
        json!({"TaskId": task_id, "Status": "PROCESSING", "ErrCode": 0, "ErrCodeExt": "", "Message": "",
               "InputInfo": input["InputInfo"], "MetaData": null, "MediaProcessResultSet": [],
               "AiContentReviewResultSet": [], "AiAnalysisResultSet": [], "AiRecognitionResultSet": []})
    }
}

/// Most time offsets in one snapshot task: each is an ffmpeg run here.
const MAX_OFFSETS: usize = 10;

/// The time offsets of a snapshot task, in seconds: `ExtTimeOffsetSet` (`"3.5s"`) or the
/// older `TimeOffsetSet` (numbers); `[0]` when neither is given. Percentages (`"50%"`)
/// would need the video's duration, which the emulator does not read: refused.
fn snapshot_offsets(t: &Value) -> Result<Vec<f64>, ApiError> {
    let bad = |field: &str| {
        ApiError::new(
            &format!("InvalidParameterValue.{field}"),
            format!("{field} holds at most {MAX_OFFSETS} offsets of 0 seconds or more (ExtTimeOffsetSet as \"3.5s\")."),
        )
    };
    let list = |field: &str| match &t[field] {
        Value::Null => Ok(None),
        Value::Array(items) if !items.is_empty() && items.len() <= MAX_OFFSETS => {
            Ok(Some(items.clone()))
        }
        _ => Err(bad(field)),
    };
    let seconds = |n: f64| (n.is_finite() && n >= 0.0).then_some(n);
    if let Some(items) = list("ExtTimeOffsetSet")? {
        return items
            .iter()
            .map(|item| {
                let text = item.as_str().ok_or_else(|| bad("ExtTimeOffsetSet"))?;
                if text.ends_with('%') {
                    return Err(ApiError::new(
                        "UnsupportedOperation",
                        "The emulator takes snapshot offsets in seconds (\"3.5s\"), not percentages.",
                    ));
                }
                text.strip_suffix('s')
                    .and_then(|n| n.parse::<f64>().ok())
                    .and_then(seconds)
                    .ok_or_else(|| bad("ExtTimeOffsetSet"))
            })
            .collect();
    }
    if let Some(items) = list("TimeOffsetSet")? {
        return items
            .iter()
            .map(|item| {
                item.as_f64()
                    .and_then(seconds)
                    .ok_or_else(|| bad("TimeOffsetSet"))
            })
            .collect();
    }
    Ok(vec![0.0])
}

fn file_stem(object: &str) -> &str {
    let name = object.rsplit('/').next().unwrap_or(object);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn storage(bucket: &str, region: &str) -> Value {
    json!({"Type": "COS", "CosOutputStorage": {"Bucket": bucket, "Region": region}})
}

/// Copies the input object to `bucket`/`key` (the placeholder output); returns its size.
async fn copy_object(db: &Db, from: (&str, &str), to: (&str, &str)) -> Result<i64, sqlx::Error> {
    let done = sqlx::query(
        "insert into emulator.cos_object (bucket, key, body, content_type, etag, size)
         select $3, $4, body, content_type, etag, size from emulator.cos_object where bucket = $1 and key = $2
         on conflict (bucket, key) do update set body = excluded.body, content_type = excluded.content_type,
           etag = excluded.etag, size = excluded.size, last_modified = now()",
    )
    .bind(from.0)
    .bind(from.1.trim_start_matches('/'))
    .bind(to.0)
    .bind(to.1.trim_start_matches('/'))
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(0);
    }
    sqlx::query_scalar("select size from emulator.cos_object where bucket = $1 and key = $2")
        .bind(to.0)
        .bind(to.1.trim_start_matches('/'))
        .fetch_one(db)
        .await
}

/// A task's input object as it is when the task runs.
struct Input {
    body: Vec<u8>,
    /// Its `MetaData`.
    meta: Value,
    /// Its ETag: the MD5 of its bytes in hex, as every object here is stored.
    md5: String,
}

impl Input {
    /// The object `bucket`/`object`; `None` when it was deleted since the task started.
    async fn read(db: &Db, bucket: &str, object: &str) -> Result<Option<Self>, sqlx::Error> {
        let row: Option<(Vec<u8>, String)> = sqlx::query_as(
            "select body, etag from emulator.cos_object where bucket = $1 and key = $2",
        )
        .bind(bucket)
        .bind(object.trim_start_matches('/'))
        .fetch_optional(db)
        .await?;
        Ok(row.map(|(body, md5)| Self {
            meta: media_meta(&body),
            md5,
            body,
        }))
    }
}

/// An output written by [`produce`].
struct Output {
    size: i64,
    /// Rendered, not a placeholder.
    real: bool,
    /// Its `MetaData` (a placeholder's is the input's, whose copy it is).
    meta: Value,
    md5: String,
}

/// Writes the output `to` rendered from the input (`from`) with ffmpeg, or else a copy of
/// the input.
async fn produce(
    db: &Db,
    input: &Input,
    from: (&str, &str),
    to: (&str, &str),
    what: super::media::Render,
) -> Result<Output, sqlx::Error> {
    let Some((bytes, content_type)) = super::media::render(&input.body, what).await else {
        return Ok(Output {
            size: copy_object(db, from, to).await?,
            real: false,
            meta: input.meta.clone(),
            md5: input.md5.clone(),
        });
    };
    use md5::Digest;
    let etag = crate::cloud::sign::hex(&md5::Md5::digest(&bytes));
    sqlx::query(
        "insert into emulator.cos_object (bucket, key, body, content_type, etag, size) values ($1, $2, $3, $4, $5, $6)
         on conflict (bucket, key) do update set body = excluded.body, content_type = excluded.content_type,
           etag = excluded.etag, size = excluded.size, last_modified = now()",
    )
    .bind(to.0)
    .bind(to.1.trim_start_matches('/'))
    .bind(&bytes)
    .bind(content_type)
    .bind(&etag)
    .bind(bytes.len() as i64)
    .execute(db)
    .await?;
    Ok(Output {
        size: bytes.len() as i64,
        real: true,
        meta: media_meta(&bytes),
        md5: etag,
    })
}

/// The Message of an output: empty when real, the placeholder note otherwise.
fn note(real: bool) -> &'static str {
    if real {
        ""
    } else {
        PLACEHOLDER_NOTE
    }
}

/// The task-level `ErrCode` of a source error (MPS's class of errors for an input it
/// cannot read), and the emulator's message for an input deleted before the task ran.
const SOURCE_ERROR: i64 = 40000;
/// `ErrCodeExt` beside it: any value but `""` and `SUCCESS` tells a failure.
const SOURCE_ERROR_EXT: &str = "SourceFileError";

fn source_missing(bucket: &str, object: &str) -> String {
    format!("The input object {bucket}{object} does not exist.")
}

/// Finishes one WorkflowTask: writes its outputs and builds its event. An input deleted
/// since the task started fails it: every sub-task FAIL with no output, the task's
/// `ErrCode` a source error.
async fn finish_workflow(
    db: &Db,
    region: &str,
    task_id: &str,
    input: &Value,
) -> Result<Value, sqlx::Error> {
    let cos = &input["InputInfo"]["CosInputInfo"];
    let in_bucket = cos["Bucket"].as_str().unwrap_or_default();
    let object = cos["Object"].as_str().unwrap_or_default();
    let out_bucket = input["OutputStorage"]["CosOutputStorage"]["Bucket"]
        .as_str()
        .unwrap_or(in_bucket);
    let out_region = input["OutputStorage"]["CosOutputStorage"]["Region"]
        .as_str()
        .unwrap_or(region);
    let dir = input["OutputDir"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let parent = object.rsplit_once('/').map_or("", |(p, _)| p);
            format!("{parent}/")
        });
    let stem = file_stem(object);
    let task = &input["MediaProcessTask"];
    let null_tasks = json!({"TranscodeTask": null, "AnimatedGraphicTask": null, "SnapshotByTimeOffsetTask": null, "SampleSnapshotTask": null, "ImageSpriteTask": null});
    let mut results = Vec::new();
    let Some(source) = Input::read(db, in_bucket, object).await? else {
        let message = source_missing(in_bucket, object);
        for (set, kind, field) in [
            ("TranscodeTaskSet", "Transcode", "TranscodeTask"),
            (
                "SnapshotByTimeOffsetTaskSet",
                "SnapshotByTimeOffset",
                "SnapshotByTimeOffsetTask",
            ),
        ] {
            for t in task[set].as_array().into_iter().flatten() {
                let mut r = null_tasks.clone();
                r["Type"] = json!(kind);
                r[field] = json!({"Status": "FAIL", "ErrCode": SOURCE_ERROR, "ErrCodeExt": SOURCE_ERROR_EXT, "Message": message,
                    "Input": t, "Output": null});
                results.push(r);
            }
        }
        return Ok(json!({"EventType": "WorkflowTask", "WorkflowTaskEvent": {
            "TaskId": task_id, "Status": "FINISH", "ErrCode": SOURCE_ERROR, "ErrCodeExt": SOURCE_ERROR_EXT, "Message": message,
            "InputInfo": input["InputInfo"], "MetaData": null, "MediaProcessResultSet": results,
            "AiContentReviewResultSet": [], "AiAnalysisResultSet": [], "AiRecognitionResultSet": [],
        }}));
    };
    let mut all_real = true;
    for t in task["TranscodeTaskSet"].as_array().into_iter().flatten() {
        let definition = t["Definition"].as_i64().unwrap_or(0);
        let path = format!("{dir}{stem}_transcode_{definition}.mp4");
        let out = produce(
            db,
            &source,
            (in_bucket, object),
            (out_bucket, &path),
            Render::Transcode,
        )
        .await?;
        all_real &= out.real;
        let m = &out.meta;
        let mut r = null_tasks.clone();
        r["Type"] = json!("Transcode");
        r["TranscodeTask"] = json!({"Status": "SUCCESS", "ErrCode": 0, "ErrCodeExt": "", "Message": note(out.real), "Progress": 100,
            "Input": t, "Output": {"OutputStorage": storage(out_bucket, out_region), "Path": path, "Definition": definition,
                "Bitrate": m["Bitrate"], "Height": m["Height"], "Width": m["Width"], "Size": out.size,
                "Duration": m["Duration"], "Container": m["Container"], "Md5": out.md5,
                "VideoStreamSet": m["VideoStreamSet"], "AudioStreamSet": m["AudioStreamSet"]}});
        results.push(r);
    }
    for t in task["SnapshotByTimeOffsetTaskSet"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let definition = t["Definition"].as_i64().unwrap_or(0);
        // One picture per offset (checked when the task was submitted).
        let mut pictures = Vec::new();
        let mut task_real = true;
        for (n, offset) in snapshot_offsets(t)
            .unwrap_or_else(|_| vec![0.0])
            .into_iter()
            .enumerate()
        {
            let path = format!("{dir}{stem}_snapshotByOffset_{definition}_{n}.jpg");
            let real = produce(
                db,
                &source,
                (in_bucket, object),
                (out_bucket, &path),
                Render::Snapshot(offset),
            )
            .await?
            .real;
            task_real &= real;
            pictures.push(json!({"TimeOffset": offset, "Path": path, "WaterMarkDefinition": []}));
        }
        all_real &= task_real;
        let mut r = null_tasks.clone();
        r["Type"] = json!("SnapshotByTimeOffset");
        r["SnapshotByTimeOffsetTask"] = json!({"Status": "SUCCESS", "ErrCode": 0, "ErrCodeExt": "", "Message": note(task_real),
            "Input": t, "Output": {"Storage": storage(out_bucket, out_region), "Definition": definition,
                "PicInfoSet": pictures}});
        results.push(r);
    }
    Ok(json!({"EventType": "WorkflowTask", "WorkflowTaskEvent": {
        "TaskId": task_id, "Status": "FINISH", "ErrCode": 0, "ErrCodeExt": "", "Message": note(all_real),
        "InputInfo": input["InputInfo"], "MetaData": source.meta, "MediaProcessResultSet": results,
        "AiContentReviewResultSet": [], "AiAnalysisResultSet": [], "AiRecognitionResultSet": [],
    }}))
}

/// Finishes one EditMediaTask: writes the placeholder output and builds its event (a
/// failed one, without output, when the input was deleted since the task started).
async fn finish_edit(db: &Db, task_id: &str, input: &Value) -> Result<Value, sqlx::Error> {
    let first = &input["FileInfos"][0]["InputInfo"]["CosInputInfo"];
    let out = &input["OutputStorage"]["CosOutputStorage"];
    let file_infos: Vec<Value> = input["FileInfos"].as_array().cloned().unwrap_or_default();
    let (in_bucket, object) = (
        first["Bucket"].as_str().unwrap_or_default(),
        first["Object"].as_str().unwrap_or_default(),
    );
    let Some(source) = Input::read(db, in_bucket, object).await? else {
        return Ok(json!({"EventType": "EditMediaTask", "EditMediaTaskEvent": {
            "TaskId": task_id, "Status": "FINISH", "ErrCode": SOURCE_ERROR,
            "Message": source_missing(in_bucket, object),
            "Input": {"FileInfoSet": file_infos}, "Output": null,
        }}));
    };
    let out_bucket = out["Bucket"].as_str().unwrap_or_default();
    let path = input["OutputObjectPath"]
        .as_str()
        .unwrap_or("/edit/output.mp4")
        .replace("{format}", output_container(input).unwrap_or("mp4"));
    let start = input["FileInfos"][0]["StartTimeOffset"]
        .as_f64()
        .unwrap_or(0.0);
    let end = input["FileInfos"][0]["EndTimeOffset"]
        .as_f64()
        .filter(|e| *e > start)
        .unwrap_or(start + 3600.0);
    let output = produce(
        db,
        &source,
        (in_bucket, object),
        (out_bucket, &path),
        Render::Clip(start, end),
    )
    .await?;
    // A placeholder is a copy of the whole input: its MetaData is the input's.
    let mut meta = output.meta;
    meta["Size"] = json!(output.size);
    Ok(json!({"EventType": "EditMediaTask", "EditMediaTaskEvent": {
        "TaskId": task_id, "Status": "FINISH", "ErrCode": 0, "Message": note(output.real),
        "Input": {"FileInfoSet": file_infos},
        "Output": {"OutputStorage": {"Type": "COS", "CosOutputStorage": out}, "Path": path,
            "MetaData": meta},
    }}))
}

/// Finishes the oldest processing task, if any, and queues its event when a function is
/// bound to its event type. Returns whether there was a task.
///
/// # Errors
/// Database errors (the task stays PROCESSING and is retried).
pub async fn finish_one(db: &Db) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let task: Option<(String, i64, String, String, Value)> = sqlx::query_as(
        "select task_id, account_id, region, kind, input from emulator.mps_task
         where status = 'PROCESSING' order by created_at limit 1 for update skip locked",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((task_id, account_id, region, kind, input)) = task else {
        return Ok(false);
    };
    let finished = if kind == "WorkflowTask" {
        finish_workflow(db, &region, &task_id, &input).await
    } else {
        finish_edit(db, &task_id, &input).await
    };
    // A task that cannot be finished ends failed rather than being retried forever.
    let event = finished.unwrap_or_else(|err| {
        tracing::warn!(task = %task_id, "MPS task failed: {err}");
        json!({"EventType": kind, format!("{kind}Event"): {
            "TaskId": task_id, "Status": "FINISH", "ErrCode": 70000, "ErrCodeExt": "InternalError",
            "Message": "the task could not write its outputs",
        }})
    });
    sqlx::query("update emulator.mps_task set status = 'FINISH', event = $2, finished_at = now() where task_id = $1")
        .bind(&task_id)
        .bind(&event)
        .execute(&mut *tx)
        .await?;
    // Queued only when someone listens, as MPS delivers to a bound trigger only.
    sqlx::query(
        "insert into emulator.event_delivery (account_id, task_id, event_type, payload)
         select $1, $2, $3, $4 where exists
           (select 1 from emulator.mps_trigger where account_id = $1 and event_type = $3)",
    )
    .bind(account_id)
    .bind(&task_id)
    .bind(&kind)
    .bind(&event)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(task = %task_id, "MPS task finished");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside_the_bucket() {
        for dir in ["/", "/output/", "/a/b.c/"] {
            assert!(check_output_path(dir, "OutputDir", true).is_ok(), "{dir}");
        }
        for dir in [
            "", "output/", "/output", "//", "/../", "/a/./", "/a//b/", "/a\u{1}/",
        ] {
            assert!(check_output_path(dir, "OutputDir", true).is_err(), "{dir}");
        }
        assert!(check_output_path("/clip/joined.{format}", "OutputObjectPath", false).is_ok());
        for path in ["/", "x.mp4", "/../x.mp4", "/a/../x.mp4", "//x.mp4"] {
            assert!(
                check_output_path(path, "OutputObjectPath", false).is_err(),
                "{path}"
            );
        }
    }

    #[test]
    fn snapshot_offsets_in_seconds() {
        let offsets = |t: Value| snapshot_offsets(&t).map_err(|e| e.code);
        assert_eq!(offsets(json!({})), Ok(vec![0.0]));
        assert_eq!(
            offsets(json!({"ExtTimeOffsetSet": ["1s", "2.5s", "0s"]})),
            Ok(vec![1.0, 2.5, 0.0])
        );
        assert_eq!(
            offsets(json!({"TimeOffsetSet": [3, 4.5]})),
            Ok(vec![3.0, 4.5])
        );
        assert_eq!(
            offsets(json!({"ExtTimeOffsetSet": ["50%"]})),
            Err("UnsupportedOperation".to_owned())
        );
        for bad in [
            json!({"ExtTimeOffsetSet": ["NaNs"]}),
            json!({"ExtTimeOffsetSet": ["-1s"]}),
            json!({"ExtTimeOffsetSet": ["1"]}),
            json!({"ExtTimeOffsetSet": []}),
            json!({"ExtTimeOffsetSet": vec!["1s"; 11]}),
            json!({"ExtTimeOffsetSet": "1s"}),
        ] {
            assert_eq!(
                offsets(bad.clone()),
                Err("InvalidParameterValue.ExtTimeOffsetSet".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(
            offsets(json!({"TimeOffsetSet": [-2]})),
            Err("InvalidParameterValue.TimeOffsetSet".to_owned())
        );
    }

    #[test]
    fn a_running_task_shows_its_input_and_no_results() {
        let input = json!({"InputInfo": {"Type": "COS"}, "FileInfos": [{"StartTimeOffset": 1}]});
        let workflow = processing_body("t1", "WorkflowTask", &input);
        assert_eq!(
            (
                &workflow["TaskId"],
                &workflow["Status"],
                &workflow["InputInfo"]["Type"]
            ),
            (&json!("t1"), &json!("PROCESSING"), &json!("COS"))
        );
        assert_eq!(workflow["MediaProcessResultSet"], json!([]));
        let edit = processing_body("t2", "EditMediaTask", &input);
        assert_eq!(edit["Status"], "PROCESSING");
        assert_eq!(edit["Input"]["FileInfoSet"][0]["StartTimeOffset"], 1);
        assert!(edit["Output"].is_null());
    }
}
