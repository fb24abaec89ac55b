//! CAM (`cam`, 2019-01-16): roles and their preset policies. Enough of CAM for the
//! console to check and authorize the `SCF_QcsRole` and `MPS_QcsRole` service roles.
use serde_json::{json, Value};
use time::OffsetDateTime;

use super::api::{cloud_time, opt_i64, opt_str, page_json, req_str, ApiError};
use super::verify::CallContext;
use super::Emulator;

/// The CAM API version this module speaks.
pub const VERSION: &str = "2019-01-16";

/// Preset (QCS) policies the emulator knows: (PolicyId, PolicyName, Description). The
/// names are Tencent's; the ids are the emulator's own.
pub const PRESET_POLICIES: &[(i64, &str, &str)] = &[
    (
        219188,
        "QcloudAccessForScfRole",
        "SCF service role access to the products SCF works with.",
    ),
    (
        17040285,
        "QcloudAccessForMPSRole",
        "MPS service role access to COS buckets and notifications.",
    ),
    (
        17040286,
        "QcloudAccessForMPSRoleInDeliverToSCF",
        "Lets MPS deliver task events to SCF.",
    ),
    (
        1,
        "QcloudSCFFullAccess",
        "Full access to Serverless Cloud Function.",
    ),
    (
        2,
        "QcloudMPSFullAccess",
        "Full access to Media Processing Service.",
    ),
    (
        3,
        "QcloudCOSFullAccess",
        "Full access to Cloud Object Storage.",
    ),
];

#[derive(sqlx::FromRow)]
struct RoleRow {
    role_id: String,
    role_name: String,
    policy_document: String,
    description: String,
    console_login: i32,
    session_duration: i32,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl RoleRow {
    fn info(&self, uin: &str) -> Value {
        json!({
            "RoleId": self.role_id,
            "RoleName": self.role_name,
            "PolicyDocument": self.policy_document,
            "Description": self.description,
            "AddTime": cloud_time(self.created_at),
            "UpdateTime": cloud_time(self.updated_at),
            "ConsoleLogin": self.console_login,
            "RoleType": "user",
            "SessionDuration": self.session_duration,
            "DeletionTaskId": null,
            "Tags": [],
            "RoleArn": format!("qcs::cam::uin/{uin}:roleName/{}", self.role_name),
        })
    }
}

const ROLE_COLUMNS: &str = "role_id, role_name, policy_document, description, console_login, session_duration, created_at, updated_at";

/// Dispatches a CAM action.
pub async fn handle(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    match ctx.action.as_str() {
        "GetRole" => get_role(emu, ctx, params).await,
        "CreateRole" => create_role(emu, ctx, params).await,
        "AttachRolePolicy" => attach_role_policy(emu, ctx, params).await,
        "ListAttachedRolePolicies" => list_attached(emu, ctx, params).await,
        "DescribeRoleList" => describe_role_list(emu, ctx, params).await,
        "DeleteRole" => delete_role(emu, ctx, params).await,
        other => Err(ApiError::new(
            "InvalidAction",
            format!("The action {other} is not supported by service cam."),
        )),
    }
}

fn role_not_exist() -> ApiError {
    ApiError::new("InvalidParameter.RoleNotExist", "The role does not exist.").zh("角色不存在")
}

/// Finds a role by `<prefix>RoleId` or `<prefix>RoleName`.
async fn find_role(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
    id_key: &str,
    name_key: &str,
) -> Result<RoleRow, ApiError> {
    let sql = format!("select {ROLE_COLUMNS} from emulator.cam_role where account_id = $1 and ");
    let row = if let Some(id) = opt_str(params, id_key)? {
        sqlx::query_as(&format!("{sql}role_id = $2"))
            .bind(ctx.account_id)
            .bind(id)
            .fetch_optional(&emu.db)
            .await?
    } else if let Some(name) = opt_str(params, name_key)? {
        sqlx::query_as(&format!("{sql}role_name = $2"))
            .bind(ctx.account_id)
            .bind(name)
            .fetch_optional(&emu.db)
            .await?
    } else {
        return Err(ApiError::new(
            "InvalidParameter.ParamError",
            format!("Either {id_key} or {name_key} is required."),
        ));
    };
    row.ok_or_else(role_not_exist)
}

async fn get_role(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let role = find_role(emu, ctx, params, "RoleId", "RoleName").await?;
    Ok(json!({ "RoleInfo": role.info(&ctx.uin) }))
}

/// `DeleteRole`, with its attached policies. A function whose execution role it was
/// runs without temporary keys from then on; MPS triggers already bound stay bound (the
/// service roles are checked when one is bound), and the console asks to authorize the
/// roles again before the next.
async fn delete_role(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let role = find_role(emu, ctx, params, "RoleId", "RoleName").await?;
    sqlx::query("delete from emulator.cam_role where role_id = $1")
        .bind(&role.role_id)
        .execute(&emu.db)
        .await?;
    Ok(json!({}))
}

fn valid_role_name(name: &str) -> bool {
    (1..=128).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c))
}

/// A trust policy: `{"version":"2.0","statement":[{"action":…,"effect":…,"principal":{…}}]}`.
fn valid_policy_document(doc: &str) -> Result<(), ApiError> {
    let err = |code: &str, msg: &str| ApiError::new(code, msg.to_owned());
    let value: Value = serde_json::from_str(doc).map_err(|_| {
        err(
            "InvalidParameter.PolicyDocumentError",
            "PolicyDocument is not valid JSON.",
        )
    })?;
    if value.get("version").and_then(Value::as_str) != Some("2.0") {
        return Err(err(
            "InvalidParameter.VersionError",
            "policy version must be 2.0.",
        ));
    }
    let statements = value
        .get("statement")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            err(
                "InvalidParameter.StatementError",
                "policy statement is missing.",
            )
        })?;
    for st in statements {
        if st
            .get("effect")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .as_deref()
            != Some("allow")
            && st
                .get("effect")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
                != Some("deny")
        {
            return Err(err(
                "InvalidParameter.EffectError",
                "effect must be allow or deny.",
            ));
        }
        if st.get("action").is_none() {
            return Err(err("InvalidParameter.ActionError", "action is missing."));
        }
        let services = st.get("principal").and_then(|p| p.get("service"));
        let ok = match services {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Array(a)) => {
                !a.is_empty() && a.iter().all(|s| s.as_str().is_some_and(|s| !s.is_empty()))
            }
            _ => st.get("principal").is_some_and(|p| p.get("qcs").is_some()),
        };
        if !ok {
            return Err(err(
                "InvalidParameter.PrincipalError",
                "principal is missing or malformed.",
            ));
        }
    }
    Ok(())
}

async fn create_role(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let name = req_str(params, "RoleName")?;
    if !valid_role_name(name) {
        return Err(ApiError::new(
            "InvalidParameter.RoleNameError",
            "RoleName must be 1-128 characters of letters, digits and +=,.@-_.",
        ));
    }
    let doc = req_str(params, "PolicyDocument")?;
    valid_policy_document(doc)?;
    let description = opt_str(params, "Description")?.unwrap_or_default();
    let console_login = opt_i64(params, "ConsoleLogin")?.unwrap_or(0);
    let session_duration = opt_i64(params, "SessionDuration")?.unwrap_or(0);
    if !(0..=1).contains(&console_login) || !(0..=43_200).contains(&session_duration) {
        return Err(ApiError::new(
            "InvalidParameter.ParamError",
            "ConsoleLogin must be 0 or 1 and SessionDuration 0-43200.",
        ));
    }
    let role_id = format!("46116860184{:08}", rand::random::<u32>() % 100_000_000);
    let inserted = sqlx::query(
        "insert into emulator.cam_role
           (role_id, account_id, role_name, policy_document, description, console_login, session_duration)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict (account_id, role_name) do nothing",
    )
    .bind(&role_id)
    .bind(ctx.account_id)
    .bind(name)
    .bind(doc)
    .bind(description)
    .bind(console_login as i32)
    .bind(session_duration as i32)
    .execute(&emu.db)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::new(
            "InvalidParameter.RoleNameInUse",
            "相同名称的角色已存在 (a role with this name already exists).",
        ));
    }
    Ok(json!({ "RoleId": role_id }))
}

fn find_policy(params: &Value) -> Result<(i64, &'static str, &'static str), ApiError> {
    if let Some(id) = opt_i64(params, "PolicyId")? {
        return PRESET_POLICIES
            .iter()
            .find(|p| p.0 == id)
            .copied()
            .ok_or_else(|| {
                ApiError::new(
                    "InvalidParameter.PolicyIdNotExist",
                    "The policy does not exist.",
                )
            });
    }
    let name = opt_str(params, "PolicyName")?.ok_or_else(|| {
        ApiError::new(
            "InvalidParameter.ParamError",
            "Either PolicyId or PolicyName is required.",
        )
    })?;
    PRESET_POLICIES
        .iter()
        .find(|p| p.1 == name)
        .copied()
        .ok_or_else(|| {
            ApiError::new(
                "InvalidParameter.PolicyNameError",
                "The policy name is invalid.",
            )
        })
}

async fn attach_role_policy(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let (policy_id, _, _) = find_policy(params)?;
    let role = find_role(emu, ctx, params, "AttachRoleId", "AttachRoleName").await?;
    sqlx::query(
        "insert into emulator.cam_role_policy (role_id, policy_id) values ($1, $2) on conflict do nothing",
    )
    .bind(&role.role_id)
    .bind(policy_id)
    .execute(&emu.db)
    .await?;
    Ok(json!({}))
}

fn page(params: &Value) -> Result<(i64, i64), ApiError> {
    let page = opt_i64(params, "Page")?.unwrap_or(1);
    let rp = opt_i64(params, "Rp")?.unwrap_or(20);
    // Past a million rows a page can only be empty; the bound keeps the offset in range.
    if !(1..=1_000_000).contains(&page) || !(1..=200).contains(&rp) {
        return Err(ApiError::new(
            "InvalidParameter.ParamError",
            "Page must be 1 to 1000000 and Rp 1-200.",
        ));
    }
    Ok(((page - 1) * rp, rp))
}

async fn list_attached(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let role = find_role(emu, ctx, params, "RoleId", "RoleName").await?;
    let (offset, limit) = page(params)?;
    // Every policy here is one of Tencent Cloud's presets (QCS); none is the user's own.
    let policy_type = opt_str(params, "PolicyType")?;
    if policy_type.is_some_and(|t| t != "User" && t != "QCS") {
        return Err(ApiError::new(
            "InvalidParameter.ParamError",
            "PolicyType must be User or QCS.",
        ));
    }
    let keyword = opt_str(params, "Keyword")?.unwrap_or_default();
    let mut rows: Vec<(i64, OffsetDateTime)> = sqlx::query_as(
        "select policy_id, created_at from emulator.cam_role_policy where role_id = $1 order by created_at, policy_id",
    )
    .bind(&role.role_id)
    .fetch_all(&emu.db)
    .await?;
    rows.retain(|(id, _)| {
        policy_type != Some("User")
            && PRESET_POLICIES
                .iter()
                .any(|p| p.0 == *id && p.1.contains(keyword))
    });
    let (total, list) = page_json(rows, offset, limit, |(id, added)| {
        let (_, name, description) = PRESET_POLICIES.iter().find(|p| p.0 == id)?;
        Some(json!({
            "PolicyId": id, "PolicyName": name, "AddTime": cloud_time(added),
            "PolicyType": "QCS", "CreateMode": 2, "Deactived": 0, "DeactivedDetail": [],
            "Description": description,
        }))
    });
    Ok(json!({ "List": list, "TotalNum": total }))
}

async fn describe_role_list(
    emu: &Emulator,
    ctx: &CallContext,
    params: &Value,
) -> Result<Value, ApiError> {
    let (offset, limit) = page(params)?;
    let total: i64 =
        sqlx::query_scalar("select count(*) from emulator.cam_role where account_id = $1")
            .bind(ctx.account_id)
            .fetch_one(&emu.db)
            .await?;
    let rows: Vec<RoleRow> = sqlx::query_as(&format!(
        "select {ROLE_COLUMNS} from emulator.cam_role where account_id = $1 order by created_at, role_name offset $2 limit $3"
    ))
    .bind(ctx.account_id)
    .bind(offset)
    .bind(limit)
    .fetch_all(&emu.db)
    .await?;
    Ok(
        json!({ "List": rows.iter().map(|r| r.info(&ctx.uin)).collect::<Vec<_>>(), "TotalNum": total }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_and_policies() {
        assert!(valid_role_name("SCF_QcsRole"));
        assert!(!valid_role_name(""));
        assert!(!valid_role_name("bad name"));
        let ok = r#"{"version":"2.0","statement":[{"action":"name/sts:AssumeRole","effect":"allow","principal":{"service":"scf.qcloud.com"}}]}"#;
        assert!(valid_policy_document(ok).is_ok());
        for (doc, code) in [
            ("nope", "InvalidParameter.PolicyDocumentError"),
            (
                r#"{"version":"1.0","statement":[]}"#,
                "InvalidParameter.VersionError",
            ),
            (
                r#"{"version":"2.0","statement":[]}"#,
                "InvalidParameter.StatementError",
            ),
            (
                r#"{"version":"2.0","statement":[{"action":"a","effect":"maybe","principal":{"service":"x"}}]}"#,
                "InvalidParameter.EffectError",
            ),
            (
                r#"{"version":"2.0","statement":[{"action":"a","effect":"allow","principal":{}}]}"#,
                "InvalidParameter.PrincipalError",
            ),
        ] {
            assert_eq!(valid_policy_document(doc).expect_err(doc).code, code);
        }
    }
}
