//! SCF (`scf`, 2018-04-16): functions and triggers with the real validation rules and
//! error codes (namespaces in `scf_namespace`, invocations in `invoke`). Creation is
//! asynchronous as in SCF: a new function reports `Creating` for a moment, then `Active`.
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use time::OffsetDateTime;

use super::api::{cloud_time, opt_i64, opt_str, page_json, req_str, ApiError};
use super::verify::CallContext;
use super::Emulator;

/// The SCF API version this module speaks.
pub const VERSION: &str = "2018-04-16";

/// How long a new function stays `Creating`.
const CREATING_MILLIS: i64 = 800;

/// Runtimes `CreateFunction` accepts.
pub const RUNTIMES: &[&str] = &[
    "Python2.7",
    "Python3.6",
    "Python3.7",
    "Python3.9",
    "Python3.10",
    "Nodejs6.10",
    "Nodejs8.9",
    "Nodejs10.15",
    "Nodejs12.16",
    "Nodejs14.18",
    "Nodejs16.13",
    "Nodejs18.15",
    "Php5.6",
    "Php7",
    "Php7.4",
    "Php8.0",
    "Go1",
    "Java8",
    "CustomRuntime",
];

/// Whether SCF runs in `region` (the shared region table's SCF column).
pub fn scf_region(region: &str) -> bool {
    app::regions::by_id(region).is_some_and(|r| r.scf)
}

pub(crate) fn invalid(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message)
}

/// 2–60 characters, letters, digits, `-` and `_`, starting with a letter and not ending
/// with `-` or `_`.
pub fn check_function_name(name: &str) -> Result<(), ApiError> {
    let ok = app::scf_rules::function_name_problem(name).is_none();
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "InvalidParameterValue.FunctionName",
            "函数名称格式错误：只能包含字母、数字、下划线、连字符，以字母开头，以数字或字母结尾，2到60个字符。(FunctionName: 2-60 letters, digits, - and _, starting with a letter and ending with a letter or digit.)",
        ))
    }
}

/// `file.method`: each part 2–60 characters, starting and ending with a letter.
pub fn check_handler(handler: &str) -> Result<(), ApiError> {
    let part_ok = |p: &str| {
        let b = p.as_bytes();
        (2..=60).contains(&b.len())
            && b[0].is_ascii_alphabetic()
            && b.last().is_some_and(u8::is_ascii_alphabetic)
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    };
    match handler.split_once('.') {
        Some((file, method)) if part_ok(file) && part_ok(method) => Ok(()),
        _ => Err(invalid(
            "InvalidParameterValue.Handler",
            "Handler must be file.method, each 2-60 characters starting and ending with a letter.",
        )),
    }
}

/// 64, or 128 to 3072 in steps of 128.
pub fn check_memory(mb: i64) -> Result<(), ApiError> {
    if app::scf_rules::memory_ok(mb) {
        Ok(())
    } else {
        Err(invalid(
            "InvalidParameterValue.Memory",
            "MemorySize must be 64, or 128 to 3072 in steps of 128 (MB).",
        ))
    }
}

/// 1 to 900 seconds.
pub fn check_timeout(secs: i64) -> Result<(), ApiError> {
    if app::scf_rules::timeout_ok(secs) {
        Ok(())
    } else {
        Err(invalid(
            "LimitExceeded.Timeout",
            "Timeout must be 1 to 900 seconds.",
        ))
    }
}

/// At most 1000 characters: letters, digits, space, comma, newline, period.
pub fn check_description(text: &str) -> Result<(), ApiError> {
    match app::scf_rules::description_problem(text) {
        None => Ok(()),
        Some(_) => Err(invalid(
            "InvalidParameterValue.Description",
            "Description: at most 1000 characters, letters, digits, space, comma, newline and period.",
        )),
    }
}

/// An execution role's name, as CAM allows it (blank: none).
fn check_role(role: &str) -> Result<&str, ApiError> {
    match app::scf_rules::role_problem(role) {
        None => Ok(role),
        Some(_) => Err(invalid(
            "InvalidParameterValue.Role",
            "Role must be a CAM role name: letters, digits and +=,.@_-, at most 128.",
        )),
    }
}

/// `{"Variables":[{"Key","Value"}]}`: keys and values non-empty, 4 KB in all, and no
/// variable the platform sets itself.
pub fn check_environment(env: Option<&Value>) -> Result<Value, ApiError> {
    let Some(env) = env.filter(|v| !v.is_null()) else {
        return Ok(json!([]));
    };
    let vars = env
        .get("Variables")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            invalid(
                "InvalidParameterValue.Environment",
                "Environment must be {\"Variables\": [...]}.",
            )
        })?;
    let mut total = 0;
    let mut out = Vec::new();
    for var in vars {
        let key = var.get("Key").and_then(Value::as_str).unwrap_or_default();
        let value = var.get("Value").and_then(Value::as_str).unwrap_or_default();
        if key.is_empty() || value.is_empty() {
            return Err(invalid(
                "InvalidParameterValue.Environment",
                "Every variable needs a non-empty Key and Value.",
            ));
        }
        if app::scf_rules::reserved_variable(key) {
            return Err(invalid(
                "InvalidParameterValue.EnvironmentSystemProtect",
                format!("{key} is set by the platform and cannot be overridden."),
            ));
        }
        if !app::scf_rules::variable_key_ok(key) || value.contains('\0') {
            return Err(invalid(
                "InvalidParameterValue.Environment",
                format!("{key:?} is not a variable name (a letter, then letters, digits and _)."),
            ));
        }
        if out.iter().any(|v: &Value| v["Key"] == key) {
            return Err(invalid(
                "InvalidParameterValue.Environment",
                format!("{key} is set twice."),
            ));
        }
        total += key.len() + value.len();
        out.push(json!({"Key": key, "Value": value}));
    }
    if total > 4096 {
        return Err(invalid(
            "InvalidParameterValue.EnvironmentExceededLimit",
            "Environment variables may total at most 4 KB.",
        ));
    }
    Ok(Value::Array(out))
}

/// Dispatches an SCF action.
pub async fn handle(emu: &Emulator, ctx: &CallContext, params: &Value) -> Result<Value, ApiError> {
    let region = super::api::service_region(ctx, "SCF", scf_region)?;
    ensure_default_namespace(emu, ctx.account_id, region).await?;
    match ctx.action.as_str() {
        "ListNamespaces" => super::scf_namespace::list(emu, ctx.account_id, region, params).await,
        "CreateNamespace" => {
            super::scf_namespace::create(emu, ctx.account_id, region, params).await
        }
        "UpdateNamespace" => {
            super::scf_namespace::update(emu, ctx.account_id, region, params).await
        }
        "DeleteNamespace" => {
            super::scf_namespace::delete(emu, ctx.account_id, region, params).await
        }
        "ListFunctions" => list_functions(emu, ctx.account_id, region, params).await,
        "GetFunction" => get_function(emu, ctx.account_id, region, params).await,
        "CreateFunction" => create_function(emu, ctx.account_id, region, params).await,
        "UpdateFunctionConfiguration" => {
            update_configuration(emu, ctx.account_id, region, params).await
        }
        "DeleteFunction" => delete_function(emu, ctx.account_id, region, params).await,
        "ListTriggers" => list_triggers(emu, ctx.account_id, region, params).await,
        "CreateTrigger" => create_trigger(emu, ctx.account_id, region, params).await,
        "DeleteTrigger" => delete_trigger(emu, ctx.account_id, region, params).await,
        "Invoke" => super::invoke::invoke(emu, ctx, region, params).await,
        "InvokeFunction" => super::invoke::invoke_function(emu, ctx, region, params).await,
        "GetRequestStatus" => {
            super::invoke::get_request_status(emu, ctx.account_id, region, params).await
        }
        "GetFunctionLogs" => {
            super::invoke::get_function_logs(emu, ctx.account_id, region, params).await
        }
        other => Err(ApiError::new(
            "InvalidAction",
            format!("The action {other} is not supported by service scf."),
        )),
    }
}

/// The (account, region) pairs whose `default` namespace exists: it is created on an
/// account's first SCF call in a region and can never be deleted, so each pair needs
/// the insert once per process, not once per call (two per console page).
#[derive(Clone, Default)]
pub struct DefaultNamespaces(Arc<Mutex<HashSet<(i64, String)>>>);

impl DefaultNamespaces {
    fn known(&self, account_id: i64, region: &str) -> bool {
        self.0
            .lock()
            .is_ok_and(|set| set.contains(&(account_id, region.to_owned())))
    }

    fn remember(&self, account_id: i64, region: &str) {
        if let Ok(mut set) = self.0.lock() {
            set.insert((account_id, region.to_owned()));
        }
    }
}

async fn ensure_default_namespace(
    emu: &Emulator,
    account_id: i64,
    region: &str,
) -> Result<(), ApiError> {
    if emu.default_namespaces.known(account_id, region) {
        return Ok(());
    }
    sqlx::query(
        "insert into emulator.scf_namespace (account_id, region, name, description)
         values ($1, $2, 'default', 'default namespace') on conflict do nothing",
    )
    .bind(account_id)
    .bind(region)
    .execute(&emu.db)
    .await?;
    emu.default_namespaces.remember(account_id, region);
    Ok(())
}

pub(crate) fn namespace_param(params: &Value) -> Result<&str, ApiError> {
    let ns = opt_str(params, "Namespace")?.unwrap_or("default");
    let ok = !ns.is_empty()
        && ns.len() <= 30
        && ns
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(ns)
    } else {
        Err(invalid(
            "InvalidParameterValue.Namespace",
            "Namespace: letters, digits, - and _, at most 30 characters.",
        ))
    }
}

pub(crate) async fn existing_namespace<'a>(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &'a Value,
) -> Result<&'a str, ApiError> {
    let ns = namespace_param(params)?;
    let found: bool = sqlx::query_scalar(
        "select exists (select 1 from emulator.scf_namespace where account_id = $1 and region = $2 and name = $3)",
    )
    .bind(account_id)
    .bind(region)
    .bind(ns)
    .fetch_one(&emu.db)
    .await?;
    if found {
        Ok(ns)
    } else {
        Err(namespace_not_found(ns))
    }
}

pub(crate) fn namespace_not_found(ns: &str) -> ApiError {
    ApiError::new(
        "ResourceNotFound.Namespace",
        format!("Namespace {ns} does not exist."),
    )
    .zh(format!("命名空间 {ns} 不存在。"))
}

pub(crate) fn paging(params: &Value) -> Result<(i64, i64), ApiError> {
    let offset = opt_i64(params, "Offset")?.unwrap_or(0);
    let limit = opt_i64(params, "Limit")?.unwrap_or(20);
    if offset < 0 {
        return Err(invalid(
            "InvalidParameterValue.Offset",
            "Offset must be >= 0.",
        ));
    }
    if !(1..=100).contains(&limit) {
        return Err(invalid(
            "InvalidParameterValue.Limit",
            "Limit must be 1 to 100.",
        ));
    }
    Ok((offset, limit))
}

#[derive(sqlx::FromRow)]
pub(crate) struct FunctionRow {
    pub(crate) function_id: String,
    pub(crate) namespace: String,
    pub(crate) function_name: String,
    pub(crate) runtime: String,
    pub(crate) handler: String,
    pub(crate) description: String,
    pub(crate) memory_size: i32,
    pub(crate) timeout: i32,
    pub(crate) environment: Value,
    pub(crate) role: String,
    r#type: String,
    pub(crate) demo_id: Option<String>,
    pub(crate) active_at: OffsetDateTime,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) updated_at: OffsetDateTime,
}

const FUNCTION_COLUMNS: &str = "function_id, namespace, function_name, runtime, handler, description, memory_size, timeout, environment, role, type, demo_id, active_at, created_at, updated_at";

impl FunctionRow {
    pub(crate) fn status(&self) -> &'static str {
        if OffsetDateTime::now_utc() < self.active_at {
            "Creating"
        } else {
            "Active"
        }
    }

    /// Management calls and invocations wait for `Active`, as in SCF.
    pub(crate) fn require_active(&self) -> Result<(), ApiError> {
        match self.status() {
            "Active" => Ok(()),
            status => Err(ApiError::new(
                "FailedOperation.FunctionStatusError",
                format!(
                    "Function {} is {status}; wait until it is Active.",
                    self.function_name
                ),
            )),
        }
    }

    /// The fields a list item and GetFunction share.
    fn shared(&self) -> Value {
        json!({
            "FunctionName": self.function_name, "FunctionId": self.function_id,
            "Namespace": self.namespace, "Runtime": self.runtime, "Type": self.r#type,
            "Status": self.status(), "StatusDesc": "", "StatusReasons": [],
            "Description": self.description, "Tags": [],
            "AddTime": cloud_time(self.created_at), "ModTime": cloud_time(self.updated_at),
            "AsyncRunEnable": "FALSE", "TraceEnable": "FALSE",
        })
    }

    /// A `ListFunctions` item.
    fn summary(&self) -> Value {
        with_fields(
            self.shared(),
            json!({"ReservedConcurrencyMem": null, "TotalProvisionedConcurrencyMem": 0}),
        )
    }

    /// `GetFunction`'s answer, but for `Triggers` and the code, which need queries.
    fn detail(&self) -> Value {
        with_fields(
            self.shared(),
            json!({
                "Handler": self.handler, "MemorySize": self.memory_size, "Timeout": self.timeout,
                "InitTimeout": 65, "Environment": {"Variables": self.environment},
                "Role": self.role, "AvailableStatus": "Available", "Qualifier": "$LATEST",
                "FunctionVersion": "$LATEST", "CodeInfo": "", "CodeSize": 0,
                "CodeResult": "success", "CodeError": "", "ErrNo": 0,
                "ClsLogsetId": "", "ClsTopicId": "",
                "VpcConfig": {"VpcId": "", "SubnetId": ""}, "Layers": [],
                "DeadLetterConfig": null, "PublicNetConfig": {"PublicNetStatus": "ENABLE", "EipConfig": {"EipStatus": "DISABLE", "EipAddress": null}},
                "InstallDependency": "FALSE", "L5Enable": "FALSE", "DnsCache": "FALSE",
                "ImageConfig": null, "ProtocolType": "", "ProtocolParams": null,
                "InstanceConcurrencyConfig": null, "IntranetConfig": null, "UseGpu": "FALSE",
                "OnsEnable": "FALSE", "CfsConfig": null, "AccessInfo": null,
            }),
        )
    }
}

/// `base` with the fields of `more` added (both JSON objects).
fn with_fields(mut base: Value, more: Value) -> Value {
    if let (Value::Object(base), Value::Object(more)) = (&mut base, more) {
        base.extend(more);
    }
    base
}

fn function_not_found(name: &str) -> ApiError {
    ApiError::new(
        "ResourceNotFound.FunctionName",
        format!("Function {name} does not exist."),
    )
    .zh(format!("函数 {name} 不存在。"))
}

pub(crate) async fn find_function(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<FunctionRow, ApiError> {
    let name = req_str(params, "FunctionName")?;
    check_function_name(name)?;
    let ns = existing_namespace(emu, account_id, region, params).await?;
    sqlx::query_as(&format!(
        "select {FUNCTION_COLUMNS} from emulator.scf_function
         where account_id = $1 and region = $2 and namespace = $3 and function_name = $4"
    ))
    .bind(account_id)
    .bind(region)
    .bind(ns)
    .bind(name)
    .fetch_optional(&emu.db)
    .await?
    .ok_or_else(|| function_not_found(name))
    .and_then(|f| check_qualifier(opt_str(params, "Qualifier")?).map(|()| f))
}

/// A function's version or alias, where a call names one: functions here have the
/// version `$LATEST` and the alias `$DEFAULT` (pointing at it), and no others.
pub(crate) fn check_qualifier(qualifier: Option<&str>) -> Result<(), ApiError> {
    match qualifier {
        None | Some("$LATEST" | "$DEFAULT") => Ok(()),
        Some(other) => Err(ApiError::new(
            "ResourceNotFound.Qualifier",
            format!(
                "The version or alias {} does not exist; functions have $LATEST and $DEFAULT.",
                other.chars().take(64).collect::<String>()
            ),
        )),
    }
}

/// ListFunctions' `Filters` (at most 10 `{Name, Values}`), as far as the emulator's
/// functions have those fields.
#[derive(Default)]
struct ListFilters {
    runtime: Option<Vec<String>>,
    r#type: Option<Vec<String>>,
    role: Option<String>,
    status: Option<Vec<String>>,
    /// A filter on what no function here has (a VPC, another CLS topic, a tag): nothing
    /// matches.
    none_match: bool,
}

impl ListFilters {
    fn read(params: &Value, account_id: i64, region: &str) -> Result<Self, ApiError> {
        let bad = |message: String| invalid("InvalidParameterValue.Filters", &message);
        let mut out = ListFilters::default();
        let filters = match params.get("Filters") {
            None | Some(Value::Null) => return Ok(out),
            Some(Value::Array(filters)) if filters.len() <= 10 => filters,
            Some(_) => return Err(bad("Filters is a list of at most 10 filters.".to_owned())),
        };
        for filter in filters {
            let Some(name) = filter["Name"].as_str() else {
                return Err(invalid(
                    "InvalidParameter",
                    "Each filter is an object with Name, a string, and Values.",
                ));
            };
            let values: Option<Vec<String>> = filter["Values"].as_array().and_then(|v| {
                v.iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
            });
            let Some(values) = values.filter(|v| !v.is_empty()) else {
                return Err(bad(format!(
                    "Filter {name} needs Values, a list of strings."
                )));
            };
            let single = || match values.as_slice() {
                [one] => Ok(one.clone()),
                _ => Err(bad(format!("Filter {name} takes one value."))),
            };
            match name {
                "Runtime" => out.runtime = Some(values.clone()),
                "Type" => out.r#type = Some(values.clone()),
                "Status" => out.status = Some(values.clone()),
                "Role" => out.role = Some(single()?),
                // Every function logs to the region's one topic.
                "ClsTopicId" => {
                    out.none_match |= single()? != super::cls::topic_id(account_id, region)
                }
                "ClsLogsetId" => {
                    out.none_match |= single()? != super::cls::logset_id(account_id, region)
                }
                "VpcId" | "SubnetId" | "CfsId" | "CfsMountInsId" | "Eip" => {
                    single()?;
                    out.none_match = true;
                }
                // Every function here has them off, public network on, and no stamp.
                "AsyncRunEnable" | "TraceEnable" => {
                    out.none_match |= !values.iter().any(|v| v == "FALSE")
                }
                "PublicNetStatus" => out.none_match |= !values.iter().any(|v| v == "ENABLE"),
                "Stamp" => out.none_match = true,
                tag if tag.starts_with("tag-") => out.none_match = true,
                other => return Err(bad(format!("Unknown filter {other}."))),
            }
        }
        Ok(out)
    }
}

async fn list_functions(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let (offset, limit) = paging(params)?;
    let ns = namespace_param(params)?;
    let order = match opt_str(params, "Order")?
        .unwrap_or("DESC")
        .to_ascii_uppercase()
        .as_str()
    {
        "ASC" => "asc",
        "DESC" => "desc",
        _ => {
            return Err(invalid(
                "InvalidParameterValue.Order",
                "Order must be ASC or DESC.",
            ))
        }
    };
    let order_by = match opt_str(params, "Orderby")?.unwrap_or("AddTime") {
        "AddTime" => "created_at",
        "ModTime" => "updated_at",
        "FunctionName" => "function_name",
        _ => {
            return Err(invalid(
                "InvalidParameterValue.Orderby",
                "Orderby must be AddTime, ModTime or FunctionName.",
            ))
        }
    };
    let search = opt_str(params, "SearchKey")?.unwrap_or_default();
    let pattern = super::invoke::like_pattern(search);
    // `Description`: a fuzzy match on the description, as `SearchKey` on the name.
    let description =
        super::invoke::like_pattern(opt_str(params, "Description")?.unwrap_or_default());
    let filters = ListFilters::read(params, account_id, region)?;
    let where_clause = "account_id = $1 and region = $2 and namespace = $3 and function_name ilike $4
         and ($5::text[] is null or runtime = any($5)) and ($6::text[] is null or type = any($6))
         and ($7::text is null or role = $7)
         and ($8::text[] is null or (case when active_at > now() then 'Creating' else 'Active' end) = any($8))
         and not $9 and description ilike $10";
    // One query for the page and the total. An empty page says nothing about the
    // namespace or the total, so only then do two more queries tell.
    // `order_by` and `order` come from the fixed lists above, never from the request.
    let rows: Vec<CountedRow> = sqlx::query_as(&format!(
        "select {FUNCTION_COLUMNS}, count(*) over () as total from emulator.scf_function
         where {where_clause}
         order by {order_by} {order}, function_name offset $11 limit $12"
    ))
    .bind(account_id)
    .bind(region)
    .bind(ns)
    .bind(&pattern)
    .bind(&filters.runtime)
    .bind(&filters.r#type)
    .bind(&filters.role)
    .bind(&filters.status)
    .bind(filters.none_match)
    .bind(&description)
    .bind(offset)
    .bind(limit)
    .fetch_all(&emu.db)
    .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        None => {
            existing_namespace(emu, account_id, region, params).await?;
            sqlx::query_scalar(&format!(
                "select count(*) from emulator.scf_function where {where_clause}"
            ))
            .bind(account_id)
            .bind(region)
            .bind(ns)
            .bind(&pattern)
            .bind(&filters.runtime)
            .bind(&filters.r#type)
            .bind(&filters.role)
            .bind(&filters.status)
            .bind(filters.none_match)
            .bind(&description)
            .fetch_one(&emu.db)
            .await?
        }
    };
    let list: Vec<Value> = rows.iter().map(|r| r.function.summary()).collect();
    Ok(json!({"Functions": list, "TotalCount": total}))
}

/// A function row with the count of all rows matching the query.
#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    function: FunctionRow,
    total: i64,
}

async fn get_function(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let function = find_function(emu, account_id, region, params).await?;
    let mut detail = function.detail();
    detail["ClsLogsetId"] = json!(super::cls::logset_id(account_id, region));
    detail["ClsTopicId"] = json!(super::cls::topic_id(account_id, region));
    let triggers = mps_triggers(emu, account_id, region, &function).await?;
    detail["Triggers"] = triggers.iter().map(MpsTriggerRow::info).collect();
    if opt_str(params, "ShowCode")?.is_some_and(|v| v.eq_ignore_ascii_case("TRUE")) {
        let (source, size) = super::code::entry_source(&emu.db, &function).await;
        detail["CodeInfo"] = json!(source);
        detail["CodeSize"] = json!(size);
    }
    Ok(detail)
}

async fn create_function(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let name = req_str(params, "FunctionName")?;
    check_function_name(name)?;
    let code = match params.get("Code") {
        Some(code @ Value::Object(_)) => code,
        None | Some(Value::Null) => {
            return Err(ApiError::new("MissingParameter.Code", "Code is required."))
        }
        Some(_) => {
            return Err(ApiError::new(
                "InvalidParameter",
                "The parameter Code must be an object.",
            ))
        }
    };
    let runtime = opt_str(params, "Runtime")?.unwrap_or("Python2.7");
    if !RUNTIMES.contains(&runtime) {
        return Err(invalid(
            "InvalidParameterValue.Runtime",
            format!("Runtime {runtime} is not supported."),
        ));
    }
    let handler = opt_str(params, "Handler")?.unwrap_or("index.main_handler");
    check_handler(handler)?;
    let memory = opt_i64(params, "MemorySize")?.unwrap_or(128);
    check_memory(memory)?;
    let timeout = opt_i64(params, "Timeout")?.unwrap_or(3);
    check_timeout(timeout)?;
    let description = opt_str(params, "Description")?.unwrap_or_default();
    check_description(description)?;
    let environment = check_environment(params.get("Environment"))?;
    let role = check_role(opt_str(params, "Role")?.unwrap_or_default())?;
    let kind = opt_str(params, "Type")?.unwrap_or("Event");
    if kind != "Event" && kind != "HTTP" {
        return Err(invalid(
            "InvalidParameterValue.Type",
            "Type must be Event or HTTP.",
        ));
    }
    let ns = existing_namespace(emu, account_id, region, params).await?;
    let code = code_of(code, opt_str(params, "CodeSource")?)?;
    let function_id = format!("lam-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let active_at = OffsetDateTime::now_utc() + time::Duration::milliseconds(CREATING_MILLIS);
    let inserted = sqlx::query(
        "insert into emulator.scf_function
           (function_id, account_id, region, namespace, function_name, runtime, handler, description,
            memory_size, timeout, environment, role, type, code_source, demo_id, code_zip, active_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         on conflict (account_id, region, namespace, function_name) do nothing",
    )
    .bind(&function_id)
    .bind(account_id)
    .bind(region)
    .bind(ns)
    .bind(name)
    .bind(runtime)
    .bind(handler)
    .bind(description)
    .bind(memory as i32)
    .bind(timeout as i32)
    .bind(&environment)
    .bind(role)
    .bind(kind)
    .bind(code.source)
    .bind(code.demo_id)
    .bind(code.zip)
    .bind(active_at)
    .execute(&emu.db)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::new(
            "ResourceInUse.FunctionName",
            format!("Function {name} already exists."),
        )
        .zh(format!("函数 {name} 已存在。")));
    }
    Ok(json!({}))
}

/// Where a function's code comes from.
struct CodeSpec<'a> {
    source: &'static str,
    demo_id: Option<&'a str>,
    zip: Option<Vec<u8>>,
}

/// The code of a new function from the `Code` object: exactly one of DemoId, ZipFile.
fn code_of<'a>(code: &'a Value, source: Option<&str>) -> Result<CodeSpec<'a>, ApiError> {
    let demo = code
        .get("DemoId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let zip = code
        .get("ZipFile")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let cos = code
        .get("CosBucketName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    match (demo, zip, cos, source) {
        (Some(id), None, None, None | Some("Demo")) => {
            if crate::templates::find(id).is_some() {
                Ok(CodeSpec {
                    source: "Demo",
                    demo_id: Some(id),
                    zip: None,
                })
            } else {
                Err(ApiError::new(
                    "InvalidParameterValue.DemoId",
                    "DemoId 不存在 (no template with this DemoId).",
                ))
            }
        }
        (None, Some(b64), None, None | Some("ZipFile")) => {
            let bytes = base64_decode(b64).ok_or_else(|| {
                invalid(
                    "InvalidParameterValue.Code",
                    "Code.ZipFile is not valid base64.",
                )
            })?;
            if bytes.len() > 50 * 1024 * 1024 {
                return Err(invalid(
                    "InvalidParameterValue.Code",
                    "Code.ZipFile may be at most 50 MB.",
                ));
            }
            // Refused now rather than at the first Invoke (reading the directory is quick).
            if zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).is_err() {
                return Err(invalid(
                    "InvalidParameterValue.Code",
                    "Code.ZipFile is not a zip archive.",
                ));
            }
            Ok(CodeSpec {
                source: "ZipFile",
                demo_id: None,
                zip: Some(bytes),
            })
        }
        (None, None, Some(_), _) => Err(invalid(
            "InvalidParameterValue.CodeSource",
            "COS code sources are not supported by the emulator.",
        )),
        (None, None, None, _) => Err(ApiError::new(
            "MissingParameter.Code",
            "Code needs DemoId or ZipFile.",
        )),
        _ => Err(invalid(
            "InvalidParameterValue.Code",
            "Give exactly one of Code.DemoId, Code.ZipFile, matching CodeSource.",
        )),
    }
}

/// Standard base64 with padding.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for chunk in text.as_bytes().chunks(4) {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || chunk[..4 - pad].contains(&b'=') {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

async fn update_configuration(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let function = find_function(emu, account_id, region, params).await?;
    function.require_active()?;
    if let Some(runtime) = opt_str(params, "Runtime")? {
        if runtime != function.runtime {
            return Err(invalid(
                "InvalidParameterValue.Runtime",
                "The runtime of a function cannot be changed.",
            ));
        }
    }
    let memory = opt_i64(params, "MemorySize")?.unwrap_or(function.memory_size.into());
    check_memory(memory)?;
    let timeout = opt_i64(params, "Timeout")?.unwrap_or(function.timeout.into());
    check_timeout(timeout)?;
    let description = opt_str(params, "Description")?
        .unwrap_or(&function.description)
        .to_owned();
    check_description(&description)?;
    // Absent or null: unchanged (an empty `Variables` list clears them).
    let environment = match params.get("Environment") {
        Some(env) if !env.is_null() => check_environment(Some(env))?,
        _ => function.environment.clone(),
    };
    let role = check_role(opt_str(params, "Role")?.unwrap_or(&function.role))?.to_owned();
    sqlx::query(
        "update emulator.scf_function
         set memory_size = $2, timeout = $3, description = $4, environment = $5, role = $6, updated_at = now()
         where function_id = $1",
    )
    .bind(&function.function_id)
    .bind(memory as i32)
    .bind(timeout as i32)
    .bind(description)
    .bind(environment)
    .bind(role)
    .execute(&emu.db)
    .await?;
    Ok(json!({}))
}

async fn delete_function(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let function = find_function(emu, account_id, region, params).await?;
    // As SCF: not while it is being created.
    function.require_active()?;
    let mut tx = emu.db.begin().await?;
    // Waits for triggers being bound to it ([`lock_function`]), so none is left behind.
    let still_there: Option<String> = sqlx::query_scalar(
        "select function_id from emulator.scf_function where function_id = $1 for update",
    )
    .bind(&function.function_id)
    .fetch_optional(&mut *tx)
    .await?;
    if still_there.is_none() {
        return Err(function_not_found(&function.function_name));
    }
    // A deleted function's triggers go with it.
    sqlx::query(
        "delete from emulator.mps_trigger
         where account_id = $1 and scf_region = $2 and namespace = $3 and function_name = $4",
    )
    .bind(account_id)
    .bind(region)
    .bind(&function.namespace)
    .bind(&function.function_name)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from emulator.scf_function where function_id = $1")
        .bind(&function.function_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(json!({}))
}

/// Whether a function exists, holding it (`for share`) until `tx` ends, so that it is not
/// deleted while a trigger is being bound to it ([`delete_function`] locks it first).
///
/// # Errors
/// Database errors.
pub async fn lock_function(
    tx: &mut sqlx::PgConnection,
    account_id: i64,
    region: &str,
    namespace: &str,
    name: &str,
) -> Result<bool, ApiError> {
    let found: Option<String> = sqlx::query_scalar(
        "select function_id from emulator.scf_function
         where account_id = $1 and region = $2 and namespace = $3 and function_name = $4
         for share",
    )
    .bind(account_id)
    .bind(region)
    .bind(namespace)
    .bind(name)
    .fetch_optional(tx)
    .await?;
    Ok(found.is_some())
}

#[derive(sqlx::FromRow)]
struct MpsTriggerRow {
    event_type: String,
    qualifier: String,
    resource_id: String,
    created_at: OffsetDateTime,
}

impl MpsTriggerRow {
    fn info(&self) -> Value {
        json!({
            "TriggerName": self.event_type, "Type": "mps",
            "TriggerDesc": json!({"eventType": self.event_type}).to_string(),
            "Enable": 1, "Qualifier": self.qualifier, "AvailableStatus": "Available",
            "CustomArgument": "", "AddTime": cloud_time(self.created_at),
            "ModTime": cloud_time(self.created_at), "ResourceId": self.resource_id,
            "BindStatus": "on", "TriggerAttribute": "single", "Description": "",
            "BoundResources": "",
        })
    }
}

async fn list_triggers(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let function = find_function(emu, account_id, region, params).await?;
    let (offset, limit) = paging(params)?;
    let bad = |message: &str| invalid("InvalidParameterValue.Filters", message);
    let order = opt_str(params, "Order")?.map(str::to_ascii_uppercase);
    if order.as_deref().is_some_and(|o| o != "ASC" && o != "DESC") {
        return Err(invalid(
            "InvalidParameterValue.Order",
            "Order must be ASC or DESC.",
        ));
    }
    // A trigger here is never modified: its ModTime is its AddTime.
    if opt_str(params, "OrderBy")?.is_some_and(|o| o != "add_time" && o != "mod_time") {
        return Err(invalid(
            "InvalidParameterValue.OrderBy",
            "OrderBy must be add_time or mod_time.",
        ));
    }
    let mut rows = mps_triggers(emu, account_id, region, &function).await?;
    // Filters: Qualifier, TriggerName and Description, each a list of values to match.
    let filters = match params.get("Filters") {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(filters)) if filters.len() <= 10 => filters,
        Some(_) => return Err(bad("Filters is a list of at most 10 filters.")),
    };
    for filter in filters {
        let values: Vec<&str> = filter["Values"]
            .as_array()
            .and_then(|v| v.iter().map(Value::as_str).collect())
            .filter(|v: &Vec<&str>| !v.is_empty())
            .ok_or_else(|| bad("Each filter needs Values, a list of strings."))?;
        match filter["Name"].as_str().unwrap_or_default() {
            "Qualifier" => rows.retain(|r| values.contains(&r.qualifier.as_str())),
            "TriggerName" => rows.retain(|r| values.contains(&r.event_type.as_str())),
            // An MPS trigger's description is empty.
            "Description" => rows.retain(|_| values.contains(&"")),
            _ => return Err(bad("Filters: Qualifier, TriggerName or Description.")),
        }
    }
    // Newest first unless asked otherwise, as the rows come.
    if order.as_deref() == Some("ASC") {
        rows.reverse();
    }
    let (total, list) = page_json(rows, offset, limit, |row| Some(row.info()));
    Ok(json!({"Triggers": list, "TotalCount": total}))
}

/// The MPS triggers bound to `function`, newest first.
async fn mps_triggers(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    function: &FunctionRow,
) -> Result<Vec<MpsTriggerRow>, ApiError> {
    Ok(sqlx::query_as(
        "select event_type, qualifier, resource_id, created_at from emulator.mps_trigger
         where account_id = $1 and scf_region = $2 and namespace = $3 and function_name = $4
         order by created_at desc",
    )
    .bind(account_id)
    .bind(region)
    .bind(&function.namespace)
    .bind(&function.function_name)
    .fetch_all(&emu.db)
    .await?)
}

/// `CreateTrigger`: checked as the API checks it, then refused, since the emulator runs
/// MPS triggers only and those are bound through MPS (`BindTrigger`), never here.
async fn create_trigger(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    find_function(emu, account_id, region, params).await?;
    req_str(params, "TriggerName")?;
    let kind = req_str(params, "Type")?;
    if ![
        "cos", "cls", "timer", "ckafka", "http", "apigw", "cmq", "clb",
    ]
    .contains(&kind)
    {
        return Err(ApiError::new(
            "InvalidParameterValue.Type",
            format!("Trigger type {kind} is not supported; MPS triggers are bound through MPS BindTrigger."),
        ));
    }
    if !params["Enable"].is_null() && !matches!(params["Enable"].as_str(), Some("OPEN" | "CLOSE")) {
        return Err(ApiError::new(
            "InvalidParameterValue.Enable",
            "Enable must be OPEN or CLOSE.",
        ));
    }
    Err(ApiError::new(
        "UnsupportedOperation.Trigger",
        format!("The emulator does not run {kind} triggers; it runs MPS triggers, bound through MPS BindTrigger."),
    ))
}

async fn delete_trigger(
    emu: &Emulator,
    account_id: i64,
    region: &str,
    params: &Value,
) -> Result<Value, ApiError> {
    let function = find_function(emu, account_id, region, params).await?;
    let name = req_str(params, "TriggerName")?;
    let kind = req_str(params, "Type")?;
    let done = if kind == "mps" {
        sqlx::query(
            "delete from emulator.mps_trigger
             where account_id = $1 and scf_region = $2 and namespace = $3 and function_name = $4 and event_type = $5",
        )
        .bind(account_id)
        .bind(region)
        .bind(&function.namespace)
        .bind(&function.function_name)
        .bind(name)
        .execute(&emu.db)
        .await?
        .rows_affected()
    } else {
        // The emulator keeps MPS triggers only; any other type has nothing to delete.
        0
    };
    if done == 0 {
        return Err(ApiError::new(
            "ResourceNotFound.Trigger",
            format!("No {kind} trigger named {name} on this function."),
        ));
    }
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names() {
        for ok in [
            "MPSAnalysis",
            "ab",
            "a-b_c1",
            &format!("a{}", "b".repeat(59)),
        ] {
            assert!(check_function_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a",
            "1abc",
            "abc-",
            "abc_",
            "ab c",
            "名字",
            &format!("a{}", "b".repeat(60)),
        ] {
            assert_eq!(
                check_function_name(bad).expect_err(bad).code,
                "InvalidParameterValue.FunctionName"
            );
        }
    }

    #[test]
    fn handlers_memory_timeouts() {
        assert!(check_handler("index.main_handler").is_ok());
        for bad in [
            "index",
            "i.main_handler",
            "index.main_handler1",
            ".x",
            "index.a",
        ] {
            assert!(check_handler(bad).is_err(), "{bad}");
        }
        for ok in [64, 128, 256, 3072] {
            assert!(check_memory(ok).is_ok());
        }
        for bad in [0, 100, 129, 3200] {
            assert_eq!(
                check_memory(bad).expect_err("bad").code,
                "InvalidParameterValue.Memory"
            );
        }
        assert!(check_timeout(900).is_ok());
        assert_eq!(
            check_timeout(901).expect_err("bad").code,
            "LimitExceeded.Timeout"
        );
        assert!(check_timeout(0).is_err());
    }

    #[test]
    fn environments() {
        let env = json!({"Variables": [{"Key": "WEBHOOK_URL", "Value": "http://x"}]});
        assert_eq!(
            check_environment(Some(&env))
                .expect("ok")
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        let sys = json!({"Variables": [{"Key": "SCF_RUNTIME", "Value": "x"}]});
        assert_eq!(
            check_environment(Some(&sys)).expect_err("sys").code,
            "InvalidParameterValue.EnvironmentSystemProtect"
        );
        let big = json!({"Variables": [{"Key": "K", "Value": "v".repeat(5000)}]});
        assert_eq!(
            check_environment(Some(&big)).expect_err("big").code,
            "InvalidParameterValue.EnvironmentExceededLimit"
        );
        assert!(
            check_environment(Some(&json!({"Variables": [{"Key": "", "Value": "x"}]}))).is_err()
        );
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert!(base64_decode("a=bc").is_none());
        assert!(base64_decode("abc").is_none());
        assert!(base64_decode("ab!c").is_none());
    }
}
