//! The port the cloud pages' server functions call: functions, templates, triggers and
//! their service roles, logs and the audit log. The server implements it over the team's
//! cloud account (the emulator or Tencent Cloud).
use std::sync::Arc;

use async_trait::async_trait;

use super::{status, Req};
use crate::api::cloud_types::{
    AuditPage, BucketRow, FunctionCode, FunctionDetail, FunctionPage, LogPage, MpsBinding,
    ObjectPage, ObjectPreview, RoleStatus, TaskPage, TemplateCard, TemplateDetail, TriggerRow,
    WizardState,
};
use crate::error::AppError;

/// A function by region, namespace and name.
#[derive(Clone, Debug)]
pub struct FnRef {
    /// API region, e.g. `ap-beijing`.
    pub region: String,
    pub namespace: String,
    pub name: String,
}

/// A page of the function list.
#[derive(Clone, Debug)]
pub struct FunctionQuery {
    pub region: String,
    pub namespace: String,
    /// Fuzzy name filter; empty for all.
    pub search: String,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// A new function from a template.
#[derive(Clone, Debug)]
pub struct NewFunction {
    pub config: FunctionConfig,
    pub template_id: String,
}

/// A function's configuration, checked: what creating it sets, and what its edit form
/// changes.
#[derive(Clone, Debug)]
pub struct FunctionConfig {
    pub target: FnRef,
    pub description: String,
    pub memory_size: i64,
    pub timeout: i64,
    pub variables: Vec<(String, String)>,
    /// Execution role name; empty for none.
    pub role: String,
}

/// A page of the log query.
#[derive(Clone, Debug)]
pub struct LogQuery {
    pub function: FnRef,
    /// Unix seconds.
    pub start: i64,
    pub end: i64,
    /// Exact RequestId; empty for any.
    pub request_id: String,
    /// Text the log must contain (e.g. an MPS TaskId); empty for any.
    pub keyword: String,
    /// `all`, `success` or `failure`.
    pub outcome: String,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// A bucket by name (`name-appid`) and region.
#[derive(Clone, Debug)]
pub struct BucketRef {
    pub bucket: String,
    pub region: String,
}

/// A media task to start.
#[derive(Clone, Debug)]
pub struct NewTask {
    /// API region of MPS.
    pub region: String,
    /// `WorkflowTask` (ProcessMedia) or `EditMediaTask` (EditMedia).
    pub kind: String,
    pub input: BucketRef,
    /// Input object key, without the leading `/`.
    pub object: String,
    pub output: BucketRef,
    /// Output folder, `/…/`.
    pub output_dir: String,
    /// ProcessMedia: transcode (definition 10) and/or a snapshot at 1 s.
    pub transcode: bool,
    pub snapshot: bool,
    /// EditMedia: the clip, in seconds.
    pub clip_start: f64,
    pub clip_end: f64,
}

/// An object on its way to the browser: its type, its size when known, and its bytes.
pub struct ObjectDownload {
    pub content_type: String,
    pub length: Option<u64>,
    /// `Content-Range` when only part of the object comes (the browser asked for a range).
    pub content_range: Option<String>,
    pub body: Box<dyn ChunkSource>,
}

/// The bytes of a download, piece by piece.
#[async_trait]
pub trait ChunkSource: Send {
    /// The next piece; `None` at the end. An error ends the download.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, String>;
}

/// Everything the cloud pages ask of the server. Each method authenticates the request
/// and checks the caller's role itself.
#[async_trait]
pub trait CloudPort: Send + Sync + 'static {
    async fn list_functions(&self, req: &Req, q: FunctionQuery) -> Result<FunctionPage, AppError>;
    async fn list_namespaces(&self, req: &Req, region: &str) -> Result<Vec<String>, AppError>;
    async fn templates(&self, req: &Req) -> Result<Vec<TemplateCard>, AppError>;
    async fn template(&self, req: &Req, id: &str) -> Result<TemplateDetail, AppError>;
    async fn create_function(&self, req: &Req, input: NewFunction) -> Result<(), AppError>;
    async fn get_function(&self, req: &Req, f: FnRef) -> Result<FunctionDetail, AppError>;
    async fn update_function(&self, req: &Req, input: FunctionConfig) -> Result<(), AppError>;
    async fn delete_function(&self, req: &Req, f: FnRef) -> Result<(), AppError>;
    async fn list_triggers(&self, req: &Req, f: FnRef) -> Result<Vec<TriggerRow>, AppError>;
    async fn service_roles(&self, req: &Req) -> Result<Vec<RoleStatus>, AppError>;
    async fn authorize_role(&self, req: &Req, name: &str) -> Result<RoleStatus, AppError>;
    async fn mps_bindings(&self, req: &Req) -> Result<Vec<MpsBinding>, AppError>;
    async fn bind_mps_trigger(&self, req: &Req, f: FnRef, event_type: &str)
        -> Result<(), AppError>;
    async fn delete_trigger(
        &self,
        req: &Req,
        f: FnRef,
        trigger_name: &str,
        kind: &str,
    ) -> Result<(), AppError>;
    async fn function_logs(&self, req: &Req, q: LogQuery) -> Result<LogPage, AppError>;
    async fn audit_log(&self, req: &Req, page: u32) -> Result<AuditPage, AppError>;
    async fn function_code(&self, req: &Req, f: FnRef) -> Result<FunctionCode, AppError>;
    async fn buckets(&self, req: &Req) -> Result<Vec<BucketRow>, AppError>;
    async fn list_objects(
        &self,
        req: &Req,
        b: BucketRef,
        prefix: &str,
        marker: &str,
    ) -> Result<ObjectPage, AppError>;
    async fn preview_object(
        &self,
        req: &Req,
        b: BucketRef,
        key: &str,
    ) -> Result<ObjectPreview, AppError>;
    async fn mps_tasks(&self, req: &Req, region: &str, next: &str) -> Result<TaskPage, AppError>;
    /// An object being downloaded through the console, passed on as it arrives; `range`
    /// is the browser's `Range` header (a video player seeking), passed to COS.
    async fn download_object(
        &self,
        req: &Req,
        b: BucketRef,
        key: &str,
        range: Option<&str>,
    ) -> Result<ObjectDownload, AppError>;
    async fn wizard_state(&self, req: &Req) -> Result<WizardState, AppError>;
    /// Records the wizard's progress (developers and up).
    async fn save_wizard(&self, req: &Req, state: WizardState) -> Result<(), AppError>;
    /// Starts the task and returns its TaskId.
    async fn start_task(&self, req: &Req, task: NewTask) -> Result<String, AppError>;
}

/// The shared cloud handle the server provides as context.
pub type SharedCloud = Arc<dyn CloudPort>;

/// The cloud port and this request's details.
///
/// # Errors
/// `Internal` when the server did not provide the context (a wiring bug).
pub fn cloud_and_req() -> Result<(SharedCloud, Req), AppError> {
    let cloud =
        leptos::prelude::use_context::<SharedCloud>().ok_or_else(|| super::internal("cloud"))?;
    let (_, req) = super::backend_and_req()?;
    Ok((cloud, req))
}

/// The API region of console region id `rid`.
///
/// # Errors
/// `Invalid` on `rid` for an unknown region or one without SCF.
pub fn region_of(rid: u32) -> Result<String, AppError> {
    status(
        crate::regions::by_rid(rid)
            .filter(|r| r.scf)
            .map(|r| r.id.to_owned())
            .ok_or_else(|| AppError::invalid("rid", "region_unknown")),
    )
}

/// The cloud port, this request, and function `name` of namespace `ns` in region `rid`.
///
/// # Errors
/// `Invalid` for an unknown region or a namespace or name SCF would refuse; `Internal`
/// on a wiring bug.
pub fn function_call(
    rid: u32,
    ns: String,
    name: String,
) -> Result<(SharedCloud, Req, FnRef), AppError> {
    let region = region_of(rid)?;
    if !crate::components::region_bar::namespace_ok(&ns) {
        return status(Err(AppError::invalid("ns", "namespace_invalid")));
    }
    if let Some(code) = crate::scf_rules::function_name_problem(&name) {
        return status(Err(AppError::invalid("name", code)));
    }
    let (cloud, req) = cloud_and_req()?;
    let f = FnRef {
        region,
        namespace: ns,
        name,
    };
    Ok((cloud, req, f))
}
