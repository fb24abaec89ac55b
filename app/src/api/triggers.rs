//! Triggers of a function, the MPS trigger and the service roles it needs.
use leptos::prelude::*;

use super::cloud_types::{MpsBinding, RoleStatus, TriggerRow};
use crate::error::AppError;

/// The MPS event types, each bound to at most one function per account.
pub const MPS_EVENT_TYPES: [&str; 2] = ["WorkflowTask", "EditMediaTask"];

/// A function's triggers.
#[server(prefix = "/api", endpoint = "list_triggers", output = crate::api::encoding::TextJson)]
pub async fn list_triggers(
    rid: u32,
    ns: String,
    name: String,
) -> Result<Vec<TriggerRow>, AppError> {
    use crate::ssr::{function_call, status};
    let (cloud, req, f) = function_call(rid, ns, name)?;
    status(cloud.list_triggers(&req, f).await)
}

/// Whether `SCF_QcsRole` and `MPS_QcsRole` exist with their policies.
#[server(prefix = "/api", endpoint = "service_roles", output = crate::api::encoding::TextJson)]
pub async fn service_roles() -> Result<Vec<RoleStatus>, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.service_roles(&req).await)
}

/// Creates a service role and attaches its preset policy.
#[server(prefix = "/api", endpoint = "authorize_role", output = crate::api::encoding::TextJson)]
pub async fn authorize_role(name: String) -> Result<RoleStatus, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.authorize_role(&req, &name).await)
}

/// Which function holds each MPS event type.
#[server(prefix = "/api", endpoint = "mps_bindings", output = crate::api::encoding::TextJson)]
pub async fn mps_bindings() -> Result<Vec<MpsBinding>, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.mps_bindings(&req).await)
}

/// Binds the MPS trigger for `event_type` to a function.
#[server(prefix = "/api", endpoint = "create_mps_trigger", output = crate::api::encoding::TextJson)]
pub async fn create_mps_trigger(
    rid: u32,
    ns: String,
    name: String,
    event_type: String,
) -> Result<(), AppError> {
    use crate::ssr::{function_call, status};
    if !MPS_EVENT_TYPES.contains(&event_type.as_str()) {
        return status(Err(AppError::invalid("event_type", "event_type_unknown")));
    }
    let (cloud, req, f) = function_call(rid, ns, name)?;
    status(cloud.bind_mps_trigger(&req, f, &event_type).await)
}

/// Deletes a trigger of a function.
#[server(prefix = "/api", endpoint = "delete_trigger", output = crate::api::encoding::TextJson)]
pub async fn delete_trigger(
    rid: u32,
    ns: String,
    name: String,
    trigger_name: String,
    kind: String,
) -> Result<(), AppError> {
    use crate::ssr::{function_call, status};
    let (cloud, req, f) = function_call(rid, ns, name)?;
    status(cloud.delete_trigger(&req, f, &trigger_name, &kind).await)
}
