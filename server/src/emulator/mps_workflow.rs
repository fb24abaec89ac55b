//! MPS workflows: `CreateWorkflow`, `EnableWorkflow`, `DisableWorkflow`,
//! `DescribeWorkflows`, `DeleteWorkflow`, and the hook that starts a WorkflowTask when a
//! matching object is uploaded to COS.
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::db::Db;

use super::api::{iso_time, opt_i64, opt_str, req_str, ApiError};
use super::verify::CallContext;
use super::Emulator;

/// The formats a workflow reacts to when its trigger lists none (MPS's preset list).
const DEFAULT_FORMATS: &[&str] = &[
    "mp4", "avi", "mov", "wmv", "flv", "mkv", "mpg", "mpeg", "rm", "rmvb", "asf", "3gp", "webm",
    "ts", "m4v", "mp3", "wav", "aac", "flac", "ogg", "m4a", "amr",
];

/// `CreateWorkflow`: created disabled, as in MPS.
pub async fn create(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let name = req_str(params, "WorkflowName")?;
    if name.is_empty() || name.chars().count() > 128 {
        return Err(ApiError::new(
            "InvalidParameterValue.Name",
            "WorkflowName must be 1 to 128 characters.",
        ));
    }
    let trigger = params
        .get("Trigger")
        .filter(|t| t.is_object())
        .ok_or_else(|| ApiError::new("MissingParameter", "The request is missing Trigger."))?;
    if trigger["Type"].as_str() != Some("CosFileUpload") {
        return Err(ApiError::new(
            "InvalidParameterValue.Trigger",
            "Trigger.Type must be CosFileUpload.",
        ));
    }
    let upload = &trigger["CosFileUploadTrigger"];
    let bucket = upload["Bucket"].as_str().ok_or_else(|| {
        ApiError::new(
            "InvalidParameterValue.Trigger",
            "CosFileUploadTrigger.Bucket is required.",
        )
    })?;
    if let Some(dir) = upload["Dir"].as_str() {
        super::mps_task::check_output_path(dir, "Dir", true)?;
    }
    if let Some(dir) = opt_str(params, "OutputDir")? {
        super::mps_task::check_output_path(dir, "OutputDir", true)?;
    }
    super::mps_task::check_output_storage(emu, ctx.account_id, params).await?;
    super::mps_task::check_priority(params, "TaskPriority")?;
    super::mps_task::check_bucket(emu, ctx.account_id, bucket, upload["Region"].as_str()).await?;
    super::mps_task::check_media_task(params.get("MediaProcessTask"))?;
    let task = &params["MediaProcessTask"];
    let id: Option<i64> = sqlx::query_scalar(
        "insert into emulator.mps_workflow
           (account_id, region, workflow_name, trigger, trigger_bucket, output_storage, output_dir, media_process_task)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (account_id, workflow_name) do nothing
         returning workflow_id",
    )
    .bind(ctx.account_id)
    .bind(ctx.region.as_deref().unwrap_or("ap-beijing"))
    .bind(name)
    .bind(trigger)
    .bind(bucket)
    .bind(params.get("OutputStorage").filter(|v| !v.is_null()))
    .bind(opt_str(params, "OutputDir")?)
    .bind(task)
    .fetch_optional(&emu.db)
    .await?;
    let id = id.ok_or_else(|| {
        ApiError::new(
            "InvalidParameterValue.Name",
            format!("A workflow named {name} exists."),
        )
    })?;
    Ok(json!({ "WorkflowId": id }))
}

async fn set_status(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
    status: &str,
) -> Result<Value, ApiError> {
    let id = opt_i64(params, "WorkflowId")?
        .ok_or_else(|| ApiError::new("MissingParameter", "The request is missing WorkflowId."))?;
    let done = sqlx::query(
        "update emulator.mps_workflow set status = $3, updated_at = now() where workflow_id = $1 and account_id = $2",
    )
    .bind(id)
    .bind(ctx.account_id)
    .bind(status)
    .execute(&emu.db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::new(
            "ResourceNotFound.WorkflowNotExist",
            format!("Workflow {id} does not exist."),
        ));
    }
    Ok(json!({}))
}

/// `EnableWorkflow`.
pub async fn enable(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    set_status(emu, ctx, params, "Enabled").await
}

/// `DisableWorkflow`.
pub async fn disable(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    set_status(emu, ctx, params, "Disabled").await
}

/// `DeleteWorkflow`.
pub async fn delete(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let id = opt_i64(params, "WorkflowId")?
        .ok_or_else(|| ApiError::new("MissingParameter", "The request is missing WorkflowId."))?;
    let done =
        sqlx::query("delete from emulator.mps_workflow where workflow_id = $1 and account_id = $2")
            .bind(id)
            .bind(ctx.account_id)
            .execute(&emu.db)
            .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::new(
            "ResourceNotFound.WorkflowNotExist",
            format!("Workflow {id} does not exist."),
        ));
    }
    Ok(json!({}))
}

#[derive(sqlx::FromRow)]
struct WorkflowRow {
    workflow_id: i64,
    workflow_name: String,
    status: String,
    trigger: Value,
    output_storage: Option<Value>,
    output_dir: Option<String>,
    media_process_task: Value,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

/// `DescribeWorkflows`: by ids and status, paged.
pub async fn describe(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let offset = opt_i64(params, "Offset")?.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::new(
            "InvalidParameterValue.Offset",
            "Offset must be 0 or more.",
        ));
    }
    let limit = opt_i64(params, "Limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::new(
            "InvalidParameterValue.Limit",
            "Limit must be 1 to 100.",
        ));
    }
    let ids: Option<Vec<i64>> = match params.get("WorkflowIds") {
        None | Some(Value::Null) => None,
        Some(Value::Array(ids)) if ids.len() <= 100 => Some(
            ids.iter()
                .map(Value::as_i64)
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    ApiError::new(
                        "InvalidParameterValue.WorkflowIds",
                        "WorkflowIds are whole numbers.",
                    )
                })?,
        ),
        Some(_) => {
            return Err(ApiError::new(
                "InvalidParameterValue.WorkflowIds",
                "WorkflowIds is a list of at most 100 workflow IDs.",
            ))
        }
    };
    let status = opt_str(params, "Status")?;
    if status.is_some_and(|s| s != "Enabled" && s != "Disabled") {
        return Err(ApiError::new(
            "InvalidParameterValue.Status",
            "Status must be Enabled or Disabled.",
        ));
    }
    let rows: Vec<WorkflowRow> = sqlx::query_as(
        "select workflow_id, workflow_name, status, trigger, output_storage, output_dir, media_process_task, created_at, updated_at
         from emulator.mps_workflow
         where account_id = $1 and ($2::bigint[] is null or workflow_id = any($2)) and ($3::text is null or status = $3)
         order by workflow_id desc",
    )
    .bind(ctx.account_id)
    .bind(ids)
    .bind(status)
    .fetch_all(&emu.db)
    .await?;
    let (total, set) = super::api::page_json(rows, offset, limit, |w| {
        Some(json!({
            "WorkflowId": w.workflow_id, "WorkflowName": w.workflow_name, "Status": w.status,
            "Trigger": w.trigger, "OutputStorage": w.output_storage, "OutputDir": w.output_dir,
            "MediaProcessTask": w.media_process_task, "AiContentReviewTask": null, "AiAnalysisTask": null,
            "AiRecognitionTask": null, "TaskNotifyConfig": null, "TaskPriority": 0,
            "CreateTime": iso_time(w.created_at), "UpdateTime": iso_time(w.updated_at),
        }))
    });
    Ok(json!({"TotalCount": total, "WorkflowInfoSet": set}))
}

#[derive(sqlx::FromRow)]
struct EnabledWorkflow {
    workflow_id: i64,
    region: String,
    trigger: Value,
    output_storage: Option<Value>,
    output_dir: Option<String>,
    media_process_task: Value,
}

/// Starts a WorkflowTask for every enabled workflow of the bucket's owner that `key`
/// matches (directory and format). Called after a COS upload.
///
/// # Errors
/// Database errors.
pub async fn on_upload(
    db: &Db,
    account_id: i64,
    app_id: i64,
    bucket: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    let rows: Vec<EnabledWorkflow> = sqlx::query_as(
        "select workflow_id, region, trigger, output_storage, output_dir, media_process_task from emulator.mps_workflow
         where account_id = $1 and trigger_bucket = $2 and status = 'Enabled'",
    )
    .bind(account_id)
    .bind(bucket)
    .fetch_all(db)
    .await?;
    let object = format!("/{key}");
    let extension = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    for EnabledWorkflow {
        workflow_id,
        region,
        trigger,
        output_storage,
        output_dir,
        media_process_task: task,
    } in rows
    {
        let upload = &trigger["CosFileUploadTrigger"];
        let dir = upload["Dir"].as_str().unwrap_or("/");
        let formats: Vec<String> = upload["Formats"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .map(|s| s.trim_start_matches('.').to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        let format_ok = if formats.is_empty() {
            DEFAULT_FORMATS.contains(&extension.as_str())
        } else {
            formats.iter().any(|f| f == "*" || *f == extension)
        };
        if !object.starts_with(dir) || !format_ok {
            continue;
        }
        let input = json!({
            "InputInfo": {"Type": "COS", "CosInputInfo": {"Bucket": bucket, "Region": upload["Region"].as_str().unwrap_or(&region), "Object": object}},
            "OutputStorage": output_storage, "OutputDir": output_dir, "MediaProcessTask": task,
            "WorkflowId": workflow_id,
        });
        let task_id = format!("{app_id}-WorkflowTask-{}t0", uuid::Uuid::new_v4().simple());
        sqlx::query("insert into emulator.mps_task (task_id, account_id, region, kind, status, input) values ($1, $2, $3, 'WorkflowTask', 'PROCESSING', $4)")
            .bind(&task_id)
            .bind(account_id)
            .bind(&region)
            .bind(&input)
            .execute(db)
            .await?;
        tracing::info!(task = %task_id, workflow = workflow_id, "COS upload started a workflow task");
    }
    Ok(())
}
