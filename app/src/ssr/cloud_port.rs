//! The port the cloud pages' server functions call: functions, templates, triggers and
//! their service roles, logs and the audit log. The server implements it over the team's
//! cloud account (the emulator or Tencent Cloud).
use std::sync::Arc;

use async_trait::async_trait;

use super::{status, Req};
use crate::api::cloud_types::{
    AuditRow, FunctionDetail, FunctionPage, LogPage, MpsBinding, RoleStatus, TemplateCard,
    TemplateDetail, TriggerRow,
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
    pub target: FnRef,
    pub template_id: String,
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
    /// `all`, `success` or `failure`.
    pub outcome: String,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
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
    async fn audit_log(&self, req: &Req, page: u32) -> Result<Vec<AuditRow>, AppError>;
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
