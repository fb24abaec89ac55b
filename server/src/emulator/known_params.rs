//! The parameters each emulated action takes. The real API answers a top-level parameter
//! the action does not define with `UnknownParameter` (a misspelt optional name would
//! otherwise be ignored without a word); so does the emulator.
//!
//! The names are those of the official SDK's request models (tencentcloud-sdk-python:
//! cam 3.1.181, cls 3.1.192, scf 3.1.100, mps 3.1.194, region 3.1.189), including the
//! ones the emulator accepts but does not act on. MPS's `BindTrigger` and
//! `UnbindTrigger` are the console's calls for its account-wide trigger and have no
//! public model: theirs are the parameters the emulator reads.
use serde_json::Value;

use super::api::ApiError;

/// The parameters of `action` of `service`; `None` for an action not emulated.
pub fn of(service: &str, action: &str) -> Option<&'static [&'static str]> {
    Some(match (service, action) {
        ("cam", "GetRole") => &["RoleId", "RoleName"],
        ("cam", "CreateRole") => &[
            "RoleName",
            "PolicyDocument",
            "Description",
            "ConsoleLogin",
            "SessionDuration",
            "Tags",
        ],
        ("cam", "AttachRolePolicy") => {
            &["PolicyId", "AttachRoleId", "AttachRoleName", "PolicyName"]
        }
        ("cam", "ListAttachedRolePolicies") => {
            &["Page", "Rp", "RoleId", "RoleName", "PolicyType", "Keyword"]
        }
        ("cam", "DescribeRoleList") => &["Page", "Rp", "Tags"],
        ("cam", "DeleteRole") => &["RoleId", "RoleName"],
        ("cls", "SearchLog") => &[
            "From",
            "To",
            "QueryString",
            "QuerySyntax",
            "TopicId",
            "Topics",
            "Sort",
            "Limit",
            "Offset",
            "Context",
            "SamplingRate",
            "UseNewAnalysis",
            "HighLight",
            "Query",
            "SyntaxRule",
        ],
        ("region", "DescribeRegions") => &["Product", "Scene"],
        ("scf", "ListNamespaces") => &["Limit", "Offset", "Orderby", "Order", "SearchKey"],
        ("scf", "CreateNamespace") => &["Namespace", "Description", "ResourceEnv"],
        ("scf", "UpdateNamespace") => &["Namespace", "Description"],
        ("scf", "DeleteNamespace") => &["Namespace"],
        ("scf", "ListFunctions") => &[
            "Order",
            "Orderby",
            "Offset",
            "Limit",
            "SearchKey",
            "Namespace",
            "Description",
            "Filters",
        ],
        ("scf", "GetFunction") => &["FunctionName", "Qualifier", "Namespace", "ShowCode"],
        ("scf", "CreateFunction") => &[
            "FunctionName",
            "Code",
            "Handler",
            "Description",
            "MemorySize",
            "Timeout",
            "Environment",
            "Runtime",
            "VpcConfig",
            "Namespace",
            "Role",
            "InstallDependency",
            "ClsLogsetId",
            "ClsTopicId",
            "Type",
            "CodeSource",
            "Layers",
            "DeadLetterConfig",
            "PublicNetConfig",
            "CfsConfig",
            "InitTimeout",
            "Tags",
            "AsyncRunEnable",
            "TraceEnable",
            "AutoDeployClsTopicIndex",
            "AutoCreateClsTopic",
            "ProtocolType",
            "ProtocolParams",
            "InstanceConcurrencyConfig",
            "DnsCache",
            "IntranetConfig",
        ],
        ("scf", "UpdateFunctionConfiguration") => &[
            "FunctionName",
            "Description",
            "MemorySize",
            "Timeout",
            "Runtime",
            "Environment",
            "Namespace",
            "VpcConfig",
            "Role",
            "InstallDependency",
            "ClsLogsetId",
            "ClsTopicId",
            "Publish",
            "L5Enable",
            "Layers",
            "DeadLetterConfig",
            "PublicNetConfig",
            "CfsConfig",
            "InitTimeout",
            "ProtocolParams",
            "InstanceConcurrencyConfig",
            "DnsCache",
            "IntranetConfig",
            "IgnoreSysLog",
        ],
        ("scf", "DeleteFunction") => &["FunctionName", "Namespace", "Qualifier"],
        ("scf", "ListTriggers") => &[
            "FunctionName",
            "Namespace",
            "Offset",
            "Limit",
            "OrderBy",
            "Order",
            "Filters",
        ],
        ("scf", "CreateTrigger") => &[
            "FunctionName",
            "TriggerName",
            "Type",
            "TriggerDesc",
            "Namespace",
            "Qualifier",
            "Enable",
            "CustomArgument",
            "Description",
        ],
        ("scf", "DeleteTrigger") => &[
            "FunctionName",
            "TriggerName",
            "Type",
            "Namespace",
            "TriggerDesc",
            "Qualifier",
        ],
        ("scf", "Invoke") => &[
            "FunctionName",
            "InvocationType",
            "Qualifier",
            "ClientContext",
            "LogType",
            "Namespace",
            "RoutingKey",
        ],
        ("scf", "InvokeFunction") => &[
            "FunctionName",
            "Qualifier",
            "Event",
            "LogType",
            "Namespace",
            "RoutingKey",
        ],
        ("scf", "GetRequestStatus") => &[
            "FunctionName",
            "FunctionRequestId",
            "Namespace",
            "StartTime",
            "EndTime",
        ],
        ("scf", "GetFunctionLogs") => &[
            "FunctionName",
            "Offset",
            "Limit",
            "Order",
            "OrderBy",
            "Filter",
            "Namespace",
            "Qualifier",
            "FunctionRequestId",
            "StartTime",
            "EndTime",
            "SearchContext",
        ],
        ("mps", "BindTrigger") => &[
            "EventType",
            "ScfRegion",
            "FunctionName",
            "Namespace",
            "Qualifier",
        ],
        ("mps", "UnbindTrigger") => &[
            "Type",
            "Qualifier",
            "FunctionName",
            "Namespace",
            "ResourceId",
        ],
        ("mps", "ProcessMedia") => &[
            "InputInfo",
            "OutputStorage",
            "OutputDir",
            "ScheduleId",
            "MediaProcessTask",
            "AiContentReviewTask",
            "AiAnalysisTask",
            "AiRecognitionTask",
            "AiQualityControlTask",
            "SmartSubtitlesTask",
            "SmartEraseTask",
            "AIDubbingTask",
            "TaskNotifyConfig",
            "TasksPriority",
            "SessionId",
            "SessionContext",
            "TaskType",
            "ResourceId",
            "Activities",
            "SkipMateData",
        ],
        ("mps", "EditMedia") => &[
            "FileInfos",
            "OutputStorage",
            "OutputObjectPath",
            "OutputConfig",
            "ComposeConfig",
            "TaskNotifyConfig",
            "TasksPriority",
            "SessionId",
            "SessionContext",
            "ResourceId",
        ],
        ("mps", "DescribeTaskDetail") => &["TaskId"],
        ("mps", "DescribeTasks") => &[
            "Status",
            "SubTaskHasFailed",
            "Limit",
            "ScrollToken",
            "StartTime",
            "EndTime",
        ],
        ("mps", "CreateWorkflow") => &[
            "WorkflowName",
            "Trigger",
            "OutputStorage",
            "OutputDir",
            "MediaProcessTask",
            "AiContentReviewTask",
            "AiAnalysisTask",
            "AiRecognitionTask",
            "TaskNotifyConfig",
            "TaskPriority",
        ],
        ("mps", "EnableWorkflow" | "DisableWorkflow" | "DeleteWorkflow") => &["WorkflowId"],
        ("mps", "DescribeWorkflows") => &["WorkflowIds", "Status", "Offset", "Limit"],
        _ => return None,
    })
}

/// `UnknownParameter` for the first parameter of `params` that `action` does not take
/// (names compare exactly: the API's are case-sensitive).
pub fn check(service: &str, action: &str, params: &Value) -> Result<(), ApiError> {
    let (Some(known), Some(given)) = (of(service, action), params.as_object()) else {
        return Ok(());
    };
    match given.keys().find(|name| !known.contains(&name.as_str())) {
        None => Ok(()),
        Some(name) => Err(ApiError::new(
            "UnknownParameter",
            format!("The parameter `{name}` is not recognized."),
        )
        .zh(format!("无法识别参数 `{name}`。"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_parameter_the_action_does_not_take_is_named() {
        let err = check(
            "scf",
            "ListFunctions",
            &json!({"Namespace": "default", "Limt": 5}),
        )
        .unwrap_err();
        assert_eq!(err.code, "UnknownParameter");
        assert_eq!(err.message, "The parameter `Limt` is not recognized.");
        // Case matters, as on the real API.
        assert!(check("scf", "GetFunction", &json!({"functionName": "f"})).is_err());
    }

    #[test]
    fn documented_parameters_pass_even_when_not_acted_on() {
        let params = json!({"FunctionName": "f", "Code": {}, "Layers": [], "DnsCache": "FALSE"});
        assert!(check("scf", "CreateFunction", &params).is_ok());
        assert!(check("mps", "DescribeTasks", &json!({"ScrollToken": "x"})).is_ok());
        // Not an emulated action: the dispatcher answers InvalidAction instead.
        assert!(check("scf", "PublishVersion", &json!({"Anything": 1})).is_ok());
    }
}
