//! SCF (2018-04-16): functions, namespaces, triggers, invocations and their logs.
use serde::{Deserialize, Serialize};

use super::{Api, Empty};
use crate::cloud::error::CloudError;

const VERSION: &str = "2018-04-16";

/// `ListFunctions`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFunctionsRequest {
    pub namespace: String,
    pub offset: u32,
    pub limit: u32,
    /// Fuzzy match on the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_key: Option<String>,
    /// `AddTime`, `ModTime` or `FunctionName` (the API spells it `Orderby`).
    #[serde(rename = "Orderby", skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// `ASC` or `DESC`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// A function in a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionSummary {
    pub function_name: String,
    #[serde(default)]
    pub function_id: String,
    pub namespace: String,
    /// Empty when SCF sends `null` (it documents that it may).
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub runtime: String,
    pub status: String,
    #[serde(default)]
    pub description: String,
    pub add_time: String,
    pub mod_time: String,
}

/// `ListFunctions`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFunctionsResponse {
    pub functions: Vec<FunctionSummary>,
    pub total_count: u64,
    pub request_id: String,
}

/// A function by name.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionRef {
    pub function_name: String,
    pub namespace: String,
}

/// An environment variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Variable {
    pub key: String,
    pub value: String,
}

/// A function's environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    #[serde(default)]
    pub variables: Vec<Variable>,
}

/// `GetFunction`'s answer (the fields the console shows).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFunctionResponse {
    pub function_name: String,
    #[serde(default)]
    pub function_id: String,
    pub namespace: String,
    /// Empty when SCF sends `null` (it documents that it may).
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub runtime: String,
    pub handler: String,
    #[serde(default)]
    pub description: String,
    pub memory_size: i64,
    pub timeout: i64,
    #[serde(default)]
    pub environment: Environment,
    #[serde(default)]
    pub role: String,
    /// The CLS log topic the function's logs go to; empty when they go nowhere.
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub cls_topic_id: String,
    pub status: String,
    pub add_time: String,
    pub mod_time: String,
    pub request_id: String,
}

/// `GetFunction` asking for the code.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetFunctionCodeRequest {
    function_name: String,
    namespace: String,
    show_code: String,
}

/// `GetFunction`'s code fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFunctionCodeResponse {
    pub handler: String,
    /// Empty when SCF sends `null` (it documents that it may).
    #[serde(default, deserialize_with = "super::null_as_default")]
    pub runtime: String,
    /// The entry file's source; empty when SCF does not show it (over 1 MB).
    #[serde(default)]
    pub code_info: String,
    #[serde(default)]
    pub code_size: i64,
    pub request_id: String,
}

/// The code of a new function: a template (`DemoId`) or a zip.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Code {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_file: Option<String>,
}

/// `CreateFunction`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateFunctionRequest {
    pub function_name: String,
    pub namespace: String,
    pub runtime: String,
    pub handler: String,
    pub description: String,
    pub memory_size: i64,
    pub timeout: i64,
    pub environment: Environment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `Demo` or `ZipFile`.
    pub code_source: String,
    pub code: Code,
    /// `Event` or `HTTP`.
    pub r#type: String,
}

/// `UpdateFunctionConfiguration`; unset fields stay as they are.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateFunctionConfigurationRequest {
    pub function_name: String,
    pub namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// `ListNamespaces`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListNamespacesRequest {
    pub offset: u32,
    pub limit: u32,
}

/// A namespace.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Namespace {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// `ListNamespaces`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListNamespacesResponse {
    pub namespaces: Vec<Namespace>,
    pub total_count: u64,
    pub request_id: String,
}

/// A trigger of a function.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TriggerInfo {
    pub trigger_name: String,
    pub r#type: String,
    #[serde(default)]
    pub trigger_desc: String,
    #[serde(default)]
    pub resource_id: String,
    #[serde(default)]
    pub qualifier: String,
    #[serde(default)]
    pub bind_status: String,
    pub add_time: String,
}

/// `ListTriggers`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTriggersResponse {
    pub triggers: Vec<TriggerInfo>,
    pub total_count: u64,
    pub request_id: String,
}

/// `DeleteTrigger`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteTriggerRequest {
    pub function_name: String,
    pub namespace: String,
    pub trigger_name: String,
    pub r#type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_desc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

/// `Invoke`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvokeRequest {
    pub function_name: String,
    pub namespace: String,
    /// `RequestResponse` (wait) or `Event` (asynchronous).
    pub invocation_type: String,
    /// The event, as a JSON string.
    pub client_context: String,
}

/// What an invocation returned.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvokeResult {
    #[serde(default)]
    pub log: String,
    #[serde(default)]
    pub ret_msg: String,
    #[serde(default)]
    pub err_msg: String,
    #[serde(default)]
    pub mem_usage: i64,
    #[serde(default)]
    pub duration: f64,
    #[serde(default)]
    pub bill_duration: i64,
    pub function_request_id: String,
    #[serde(default)]
    pub invoke_result: i64,
}

/// `Invoke`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvokeResponse {
    pub result: InvokeResult,
    pub request_id: String,
}

/// The outcome filter of `GetFunctionLogs`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogFilter {
    /// `is0`, `not0`, `TimeLimitExceeded`, `ResourceLimitExceeded`, `UserCodeException`.
    pub ret_code: String,
}

/// `GetFunctionLogs`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFunctionLogsRequest {
    pub function_name: String,
    pub namespace: String,
    pub offset: u32,
    pub limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<LogFilter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_request_id: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`, with `end_time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_context: Option<LogSearch>,
}

/// `GetFunctionLogs.SearchContext`: text the log must contain.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogSearch {
    pub keyword: String,
}

/// One invocation's log.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionLog {
    pub request_id: String,
    pub start_time: String,
    pub ret_code: i64,
    #[serde(default)]
    pub ret_msg: String,
    pub duration: f64,
    pub bill_duration: i64,
    pub mem_usage: i64,
    #[serde(default)]
    pub log: String,
    /// Earlier attempts at the same asynchronous event.
    #[serde(default)]
    pub retry_num: i64,
}

/// `GetFunctionLogs`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFunctionLogsResponse {
    pub total_count: u64,
    pub data: Vec<FunctionLog>,
    pub request_id: String,
}

impl Api<'_> {
    /// `ListFunctions`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn list_functions(
        &self,
        req: &ListFunctionsRequest,
    ) -> Result<ListFunctionsResponse, CloudError> {
        self.call("scf", VERSION, "ListFunctions", true, true, req)
            .await
    }

    /// `GetFunction`.
    ///
    /// # Errors
    /// `ResourceNotFound.FunctionName` and other API or transport errors.
    pub async fn get_function(&self, req: &FunctionRef) -> Result<GetFunctionResponse, CloudError> {
        self.call("scf", VERSION, "GetFunction", true, true, req)
            .await
    }

    /// `GetFunction` with `ShowCode`: the entry file's source.
    ///
    /// # Errors
    /// `ResourceNotFound.FunctionName` and other API or transport errors.
    pub async fn get_function_code(
        &self,
        req: &FunctionRef,
    ) -> Result<GetFunctionCodeResponse, CloudError> {
        let req = GetFunctionCodeRequest {
            function_name: req.function_name.clone(),
            namespace: req.namespace.clone(),
            show_code: "TRUE".to_owned(),
        };
        self.call("scf", VERSION, "GetFunction", true, true, &req)
            .await
    }

    /// `CreateFunction`.
    ///
    /// # Errors
    /// Validation codes (`InvalidParameterValue.*`), `ResourceInUse.FunctionName`, …
    pub async fn create_function(&self, req: &CreateFunctionRequest) -> Result<Empty, CloudError> {
        self.call("scf", VERSION, "CreateFunction", true, false, req)
            .await
    }

    /// `UpdateFunctionConfiguration`.
    ///
    /// # Errors
    /// Validation codes, `FailedOperation.FunctionStatusError`, …
    pub async fn update_function_configuration(
        &self,
        req: &UpdateFunctionConfigurationRequest,
    ) -> Result<Empty, CloudError> {
        self.call(
            "scf",
            VERSION,
            "UpdateFunctionConfiguration",
            true,
            false,
            req,
        )
        .await
    }

    /// `DeleteFunction`.
    ///
    /// # Errors
    /// `ResourceNotFound.FunctionName` and other API or transport errors.
    pub async fn delete_function(&self, req: &FunctionRef) -> Result<Empty, CloudError> {
        self.call("scf", VERSION, "DeleteFunction", true, false, req)
            .await
    }

    /// `ListNamespaces`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn list_namespaces(
        &self,
        req: &ListNamespacesRequest,
    ) -> Result<ListNamespacesResponse, CloudError> {
        self.call("scf", VERSION, "ListNamespaces", true, true, req)
            .await
    }

    /// `ListTriggers` of a function.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn list_triggers(
        &self,
        req: &FunctionRef,
    ) -> Result<ListTriggersResponse, CloudError> {
        self.call("scf", VERSION, "ListTriggers", true, true, req)
            .await
    }

    /// `DeleteTrigger`.
    ///
    /// # Errors
    /// `ResourceNotFound.Trigger` and other API or transport errors.
    pub async fn delete_trigger(&self, req: &DeleteTriggerRequest) -> Result<Empty, CloudError> {
        self.call("scf", VERSION, "DeleteTrigger", true, false, req)
            .await
    }

    /// `Invoke`.
    ///
    /// # Errors
    /// API or transport errors (a failing function is an `Ok` with `invoke_result` -1).
    pub async fn invoke(&self, req: &InvokeRequest) -> Result<InvokeResponse, CloudError> {
        self.call("scf", VERSION, "Invoke", true, false, req).await
    }

    /// `GetFunctionLogs`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn get_function_logs(
        &self,
        req: &GetFunctionLogsRequest,
    ) -> Result<GetFunctionLogsResponse, CloudError> {
        self.call("scf", VERSION, "GetFunctionLogs", true, true, req)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn with_runtime(runtime: Option<Value>) -> Result<FunctionSummary, serde_json::Error> {
        let mut f = json!({
            "FunctionName": "img", "Namespace": "default", "Status": "Active",
            "AddTime": "2026-11-30 12:00:00", "ModTime": "2026-11-30 12:00:00",
        });
        if let Some(runtime) = runtime {
            f["Runtime"] = runtime;
        }
        serde_json::from_value(f)
    }

    #[test]
    fn a_null_or_missing_runtime_is_read_as_empty() {
        assert_eq!(with_runtime(Some(Value::Null)).expect("null").runtime, "");
        assert_eq!(with_runtime(None).expect("missing").runtime, "");
        let set = with_runtime(Some(json!("Nodejs8.9"))).expect("set");
        assert_eq!(set.runtime, "Nodejs8.9");
    }
}
