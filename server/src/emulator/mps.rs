//! MPS (`mps`, 2019-06-12): binding SCF functions to MPS task events (the MPS trigger);
//! tasks themselves live in `mps_task`.
//!
//! The trigger is account-wide; each event type (`WorkflowTask`, `EditMediaTask`) binds to
//! one function only. Binding needs the service roles `SCF_QcsRole` and `MPS_QcsRole`
//! with their preset policies, as the console's authorization step creates them.
use serde_json::{json, Value};

use super::api::{opt_str, req_str, ApiError};
use super::verify::CallContext;
use super::{scf, Emulator};

/// The MPS API version this module speaks.
pub const VERSION: &str = "2019-06-12";

/// Event types an MPS trigger can carry.
pub const EVENT_TYPES: &[&str] = &["WorkflowTask", "EditMediaTask"];

/// (role, preset policy it needs) for binding MPS triggers.
pub const SERVICE_ROLES: &[(&str, &str)] = &[
    ("SCF_QcsRole", "QcloudAccessForScfRole"),
    ("MPS_QcsRole", "QcloudAccessForMPSRole"),
];

/// Dispatches an MPS action.
pub async fn handle(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    // MPS is regional: the region names where its tasks and workflows live.
    super::api::service_region(ctx, "MPS", |r| app::regions::by_id(r).is_some())?;
    match ctx.action.as_str() {
        "BindTrigger" => bind_trigger(emu, ctx, params).await,
        "UnbindTrigger" => unbind_trigger(emu, ctx, params).await,
        "ProcessMedia" => super::mps_task::process_media(emu, ctx, params).await,
        "EditMedia" => super::mps_task::edit_media(emu, ctx, params).await,
        "DescribeTaskDetail" => super::mps_task::describe_task_detail(emu, ctx, params).await,
        "DescribeTasks" => super::mps_task_list::describe_tasks(emu, ctx, params).await,
        "CreateWorkflow" => super::mps_workflow::create(emu, ctx, params).await,
        "EnableWorkflow" => super::mps_workflow::enable(emu, ctx, params).await,
        "DisableWorkflow" => super::mps_workflow::disable(emu, ctx, params).await,
        "DescribeWorkflows" => super::mps_workflow::describe(emu, ctx, params).await,
        "DeleteWorkflow" => super::mps_workflow::delete(emu, ctx, params).await,
        other => Err(ApiError::new(
            "InvalidAction",
            format!("The action {other} is not supported by service mps."),
        )),
    }
}

/// Service roles that are missing, or lack their preset policy.
async fn missing_roles(emu: &Emulator, account_id: i64) -> Result<Vec<&'static str>, ApiError> {
    let mut missing = Vec::new();
    for (role, policy) in SERVICE_ROLES {
        let policy_id = super::cam::PRESET_POLICIES
            .iter()
            .find(|p| p.1 == *policy)
            .map(|p| p.0)
            .unwrap_or_default();
        let ok: bool = sqlx::query_scalar(
            "select exists (select 1 from emulator.cam_role r join emulator.cam_role_policy p using (role_id)
             where r.account_id = $1 and r.role_name = $2 and p.policy_id = $3)",
        )
        .bind(account_id)
        .bind(role)
        .bind(policy_id)
        .fetch_one(&emu.db)
        .await?;
        if !ok {
            missing.push(*role);
        }
    }
    Ok(missing)
}

fn event_type(params: &Value) -> Result<&str, ApiError> {
    let event = req_str(params, "EventType")?;
    if EVENT_TYPES.contains(&event) {
        Ok(event)
    } else {
        Err(ApiError::new(
            "InvalidParameterValue.EventType",
            "EventType must be WorkflowTask or EditMediaTask.",
        ))
    }
}

async fn bind_trigger(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let event = event_type(params)?;
    let region = req_str(params, "ScfRegion")?;
    if !scf::scf_region(region) {
        return Err(ApiError::new(
            "InvalidParameterValue.ScfRegion",
            format!("SCF is not available in region {region}."),
        ));
    }
    let name = req_str(params, "FunctionName")?;
    scf::check_function_name(name)?;
    let namespace = scf::namespace_param(params)?;
    let qualifier = opt_str(params, "Qualifier")?.unwrap_or("$DEFAULT");
    scf::check_qualifier(Some(qualifier))?;
    let missing = missing_roles(emu, ctx.account_id).await?;
    if !missing.is_empty() {
        return Err(ApiError::new(
            "FailedOperation.QcsRoleNotFound",
            format!("Service role not authorized: {}. Authorize it in CAM before binding an MPS trigger.", missing.join(", ")),
        ));
    }
    let mut tx = emu.db.begin().await?;
    if !scf::lock_function(&mut tx, ctx.account_id, region, namespace, name).await? {
        return Err(ApiError::new(
            "ResourceNotFound.Function",
            format!("Function {name} does not exist in {region}/{namespace}."),
        ));
    }
    let resource_id = format!(
        "qcs::scf:{region}:uin/{}:namespace/{namespace}/function/{name}/{qualifier}/TriggerType/{event}Event",
        ctx.uin
    );
    let inserted = sqlx::query(
        "insert into emulator.mps_trigger (account_id, event_type, scf_region, namespace, function_name, qualifier, resource_id)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (account_id, event_type) do nothing",
    )
    .bind(ctx.account_id)
    .bind(event)
    .bind(region)
    .bind(namespace)
    .bind(name)
    .bind(qualifier)
    .bind(&resource_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if inserted.rows_affected() == 0 {
        let holder: Option<(String, String, String)> = sqlx::query_as(
            "select scf_region, namespace, function_name from emulator.mps_trigger where account_id = $1 and event_type = $2",
        )
        .bind(ctx.account_id)
        .bind(event)
        .fetch_optional(&emu.db)
        .await?;
        let holder = holder
            .map(|(r, n, f)| format!("{r}/{n}/{f}"))
            .unwrap_or_else(|| "another function".to_owned());
        return Err(ApiError::new(
            "ResourceInUse.Trigger",
            format!("The {event} event type is already bound to function {holder}; each event type binds to one function per account."),
        )
        .zh(format!("事件类型 {event} 已绑定到函数 {holder}；每个账号的一种事件类型只能绑定一个函数。")));
    }
    Ok(json!({ "ResourceId": resource_id }))
}

async fn unbind_trigger(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    if let Some(kind) = opt_str(params, "Type")? {
        if kind != "mps" {
            return Err(ApiError::new(
                "InvalidParameterValue.Type",
                "Type must be mps.",
            ));
        }
    }
    let resource_id = req_str(params, "ResourceId")?;
    // The function, when named (as Tencent's toolkit sends it), must be the bound one.
    opt_str(params, "Qualifier")?;
    let function = opt_str(params, "FunctionName")?;
    let namespace = opt_str(params, "Namespace")?;
    let done = sqlx::query(
        "delete from emulator.mps_trigger where account_id = $1 and resource_id = $2
           and ($3::text is null or function_name = $3) and ($4::text is null or namespace = $4)",
    )
    .bind(ctx.account_id)
    .bind(resource_id)
    .bind(function)
    .bind(namespace)
    .execute(&emu.db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::new(
            "ResourceNotFound.Trigger",
            "No MPS trigger has this ResourceId.",
        ));
    }
    Ok(json!({}))
}
