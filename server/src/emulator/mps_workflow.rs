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

/// `CosFileUploadTrigger.Formats`: absent, or extensions MPS takes (a leading dot allowed):
/// the presets, the subtitle formats, or `*` for any.
fn check_formats(formats: &Value) -> Result<(), ApiError> {
    const SUBTITLES: &[&str] = &["vtt", "srt"];
    let known = |f: &Value| {
        f.as_str()
            .map(|f| f.trim_start_matches('.').to_ascii_lowercase())
            .is_some_and(|f| {
                f == "*" || DEFAULT_FORMATS.contains(&f.as_str()) || SUBTITLES.contains(&f.as_str())
            })
    };
    let ok = match formats {
        Value::Null => true,
        Value::Array(list) => list.len() <= 64 && list.iter().all(known),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            "InvalidParameterValue.Trigger",
            "CosFileUploadTrigger.Formats lists file extensions MPS processes (mp4, mov, mp3, srt, …) or *.",
        ))
    }
}

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
    check_formats(&upload["Formats"])?;
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
           (account_id, region, workflow_name, trigger, trigger_bucket, output_storage, output_dir, media_process_task, task_priority)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (account_id, workflow_name) do nothing
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
    .bind(opt_i64(params, "TaskPriority")?.unwrap_or(0))
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

fn not_found(id: i64) -> ApiError {
    ApiError::new(
        "ResourceNotFound.WorkflowNotExist",
        format!("Workflow {id} does not exist."),
    )
}

fn workflow_id(params: &Value) -> Result<i64, ApiError> {
    opt_i64(params, "WorkflowId")?
        .ok_or_else(|| ApiError::new("MissingParameter", "The request is missing WorkflowId."))
}

/// `EnableWorkflow`. A bucket directory takes one enabled workflow: enabling a second on
/// the same bucket and `Dir` is `FailedOperation.BucketNotifyAlreadyExist`, as in MPS
/// (the upload notification is the bucket's).
pub async fn enable(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let id = workflow_id(params)?;
    let mut tx = emu.db.begin().await?;
    let found: Option<(String, String)> = sqlx::query_as(
        "select trigger_bucket, coalesce(trigger->'CosFileUploadTrigger'->>'Dir', '/')
         from emulator.mps_workflow where workflow_id = $1 and account_id = $2",
    )
    .bind(id)
    .bind(ctx.account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (bucket, dir) = found.ok_or_else(|| not_found(id))?;
    // Two enables at once on one bucket see each other.
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('mps-workflow-bucket/' || $1, $2))")
        .bind(&bucket)
        .bind(ctx.account_id)
        .execute(&mut *tx)
        .await?;
    let other: Option<i64> = sqlx::query_scalar(
        "select workflow_id from emulator.mps_workflow
         where account_id = $1 and trigger_bucket = $2 and status = 'Enabled' and workflow_id <> $3
           and coalesce(trigger->'CosFileUploadTrigger'->>'Dir', '/') = $4
         limit 1",
    )
    .bind(ctx.account_id)
    .bind(&bucket)
    .bind(id)
    .bind(&dir)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(other) = other {
        return Err(ApiError::new(
            "FailedOperation.BucketNotifyAlreadyExist",
            format!(
                "Workflow {other} already reacts to uploads to {bucket}{dir}; disable it first."
            ),
        ));
    }
    sqlx::query(
        "update emulator.mps_workflow set status = 'Enabled', updated_at = now() where workflow_id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(json!({}))
}

/// `DisableWorkflow`.
pub async fn disable(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let sql = "update emulator.mps_workflow set status = 'Disabled', updated_at = now() where workflow_id = $1 and account_id = $2";
    on_workflow(emu, ctx, params, sql).await
}

/// `DeleteWorkflow`: only a disabled workflow, as MPS documents ("an enabled workflow
/// must be disabled before it can be deleted"); the code for one still enabled is not
/// documented, so it is the generic `FailedOperation`.
pub async fn delete(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let id = workflow_id(params)?;
    let status: Option<String> = sqlx::query_scalar(
        "with gone as (delete from emulator.mps_workflow \
             where workflow_id = $1 and account_id = $2 and status <> 'Enabled' returning status) \
         select coalesce((select status from gone), \
             (select status from emulator.mps_workflow where workflow_id = $1 and account_id = $2))",
    )
    .bind(id)
    .bind(ctx.account_id)
    .fetch_one(&emu.db)
    .await?;
    match status.as_deref() {
        None => Err(not_found(id)),
        Some("Enabled") => Err(ApiError::new(
            "FailedOperation",
            format!("Workflow {id} is enabled; disable it before deleting it."),
        )),
        Some(_) => Ok(json!({})),
    }
}

/// Runs `sql` (`$1` the workflow, `$2` the account) on the caller's workflow; not found
/// when it touches none.
async fn on_workflow(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
    sql: &'static str,
) -> Result<Value, ApiError> {
    let id = workflow_id(params)?;
    let done = sqlx::query(sql)
        .bind(id)
        .bind(ctx.account_id)
        .execute(&emu.db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(not_found(id));
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
    task_priority: i32,
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
        "select workflow_id, workflow_name, status, trigger, output_storage, output_dir, media_process_task, task_priority, created_at, updated_at
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
            "AiRecognitionTask": null, "TaskNotifyConfig": null, "TaskPriority": w.task_priority,
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
    task_priority: i32,
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
        "select workflow_id, region, trigger, output_storage, output_dir, media_process_task, task_priority from emulator.mps_workflow
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
        task_priority,
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
            "WorkflowId": workflow_id, "TasksPriority": task_priority,
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
