//! MPS (2019-06-12): the MPS trigger and media tasks. Task inputs and results are deep
//! structures the console passes through, so they stay JSON here.
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Api, Empty};
use crate::cloud::error::CloudError;

const VERSION: &str = "2019-06-12";

/// `BindTrigger`: the function that receives an event type's task events.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BindTriggerRequest {
    pub scf_region: String,
    /// `WorkflowTask` or `EditMediaTask`.
    pub event_type: String,
    pub qualifier: String,
    pub function_name: String,
    pub namespace: String,
}

/// `BindTrigger`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BindTriggerResponse {
    pub resource_id: String,
    pub request_id: String,
}

/// `UnbindTrigger`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnbindTriggerRequest {
    /// Always `mps`.
    pub r#type: String,
    pub resource_id: String,
}

/// `ProcessMedia`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessMediaRequest {
    pub input_info: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_storage: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<String>,
    pub media_process_task: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_context: Option<String>,
}

/// `EditMedia`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EditMediaRequest {
    pub file_infos: Value,
    pub output_storage: Value,
    pub output_object_path: String,
}

/// The answer of a task-creating call.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskCreated {
    pub task_id: String,
    pub request_id: String,
}

/// `DescribeTaskDetail`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTaskDetailRequest {
    pub task_id: String,
}

/// `DescribeTaskDetail`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTaskDetailResponse {
    pub task_type: String,
    /// `WAITING`, `PROCESSING` or `FINISH`.
    pub status: String,
    pub create_time: String,
    #[serde(default)]
    pub finish_time: Option<String>,
    #[serde(default)]
    pub workflow_task: Option<Value>,
    #[serde(default)]
    pub edit_media_task: Option<Value>,
    pub request_id: String,
}

/// `DescribeTasks`: the last 7 days' tasks in one status, newest first, paged by a
/// scroll token.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTasksRequest {
    /// `WAITING`, `PROCESSING` or `FINISH` (required by MPS).
    pub status: String,
    pub limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scroll_token: Option<String>,
}

/// What MPS writes as the finish (or start) time of a task that has not finished.
pub const NOT_FINISHED: &str = "0000-00-00T00:00:00Z";

/// A task in a list. MPS gives no status here: it is the status the list asked for.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskSimpleInfo {
    pub task_id: String,
    pub task_type: String,
    pub create_time: String,
    /// [`NOT_FINISHED`] while the task has not finished.
    #[serde(default)]
    pub finish_time: String,
}

/// `DescribeTasks`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTasksResponse {
    pub task_set: Vec<TaskSimpleInfo>,
    /// Empty on the last page.
    #[serde(default)]
    pub scroll_token: String,
    #[serde(default)]
    pub total_count: u64,
    pub request_id: String,
}

/// `CreateWorkflow`: process uploads to a COS folder.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateWorkflowRequest {
    pub workflow_name: String,
    pub trigger: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_storage: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<String>,
    pub media_process_task: Value,
}

/// `CreateWorkflow`'s answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateWorkflowResponse {
    pub workflow_id: i64,
    pub request_id: String,
}

/// A workflow by id (enable, disable, delete).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorkflowRef {
    pub workflow_id: i64,
}

/// `DescribeWorkflows`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeWorkflowsRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_ids: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// A workflow.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorkflowInfo {
    pub workflow_id: i64,
    pub workflow_name: String,
    /// `Enabled` or `Disabled`.
    pub status: String,
    pub trigger: Value,
    pub create_time: String,
}

/// `DescribeWorkflows`' answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeWorkflowsResponse {
    pub total_count: u64,
    pub workflow_info_set: Vec<WorkflowInfo>,
    pub request_id: String,
}

impl Api<'_> {
    /// `DescribeTasks`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn describe_tasks(
        &self,
        req: &DescribeTasksRequest,
    ) -> Result<DescribeTasksResponse, CloudError> {
        self.call("mps", VERSION, "DescribeTasks", true, true, req)
            .await
    }

    /// `CreateWorkflow` (created disabled).
    ///
    /// # Errors
    /// `ResourceNotFound.CosBucketNotExist` and other API or transport errors.
    pub async fn create_workflow(
        &self,
        req: &CreateWorkflowRequest,
    ) -> Result<CreateWorkflowResponse, CloudError> {
        self.call("mps", VERSION, "CreateWorkflow", true, false, req)
            .await
    }

    /// `EnableWorkflow`.
    ///
    /// # Errors
    /// `ResourceNotFound.WorkflowNotExist` and other API or transport errors.
    pub async fn enable_workflow(&self, req: &WorkflowRef) -> Result<Empty, CloudError> {
        self.call("mps", VERSION, "EnableWorkflow", true, true, req)
            .await
    }

    /// `DisableWorkflow`.
    ///
    /// # Errors
    /// `ResourceNotFound.WorkflowNotExist` and other API or transport errors.
    pub async fn disable_workflow(&self, req: &WorkflowRef) -> Result<Empty, CloudError> {
        self.call("mps", VERSION, "DisableWorkflow", true, true, req)
            .await
    }

    /// `DescribeWorkflows`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn describe_workflows(
        &self,
        req: &DescribeWorkflowsRequest,
    ) -> Result<DescribeWorkflowsResponse, CloudError> {
        self.call("mps", VERSION, "DescribeWorkflows", true, true, req)
            .await
    }

    /// `DeleteWorkflow`.
    ///
    /// # Errors
    /// `ResourceNotFound.WorkflowNotExist` and other API or transport errors.
    pub async fn delete_workflow(&self, req: &WorkflowRef) -> Result<Empty, CloudError> {
        self.call("mps", VERSION, "DeleteWorkflow", true, false, req)
            .await
    }
}

impl Api<'_> {
    /// `BindTrigger`.
    ///
    /// # Errors
    /// `FailedOperation.QcsRoleNotFound`, `ResourceInUse.Trigger` and other API errors.
    pub async fn bind_trigger(
        &self,
        req: &BindTriggerRequest,
    ) -> Result<BindTriggerResponse, CloudError> {
        self.call("mps", VERSION, "BindTrigger", true, false, req)
            .await
    }

    /// `UnbindTrigger`.
    ///
    /// # Errors
    /// `ResourceNotFound.Trigger` and other API or transport errors.
    pub async fn unbind_trigger(&self, req: &UnbindTriggerRequest) -> Result<Empty, CloudError> {
        self.call("mps", VERSION, "UnbindTrigger", true, false, req)
            .await
    }

    /// `ProcessMedia`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn process_media(
        &self,
        req: &ProcessMediaRequest,
    ) -> Result<TaskCreated, CloudError> {
        self.call("mps", VERSION, "ProcessMedia", true, false, req)
            .await
    }

    /// `EditMedia`.
    ///
    /// # Errors
    /// API or transport errors.
    pub async fn edit_media(&self, req: &EditMediaRequest) -> Result<TaskCreated, CloudError> {
        self.call("mps", VERSION, "EditMedia", true, false, req)
            .await
    }

    /// `DescribeTaskDetail`.
    ///
    /// # Errors
    /// `InvalidParameterValue.TaskId` (no such task in the last 7 days) and other API or
    /// transport errors.
    pub async fn describe_task_detail(
        &self,
        req: &DescribeTaskDetailRequest,
    ) -> Result<DescribeTaskDetailResponse, CloudError> {
        self.call("mps", VERSION, "DescribeTaskDetail", true, true, req)
            .await
    }
}
