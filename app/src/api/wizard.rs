//! The setup wizard's progress, kept per team so that it resumes where the team left off.
use leptos::prelude::*;

use super::cloud_types::WizardState;
use crate::error::AppError;

/// Where the team is in the wizard.
#[server(prefix = "/api", endpoint = "wizard_state", output = crate::api::encoding::TextJson)]
pub async fn get_wizard_state() -> Result<WizardState, AppError> {
    let (cloud, req) = crate::ssr::cloud_and_req()?;
    crate::ssr::status(cloud.wizard_state(&req).await)
}

/// Records the wizard's progress: `step` reached, the function it set up, the last test
/// task.
#[server(prefix = "/api", endpoint = "save_wizard", output = crate::api::encoding::TextJson)]
pub async fn save_wizard(
    step: u8,
    rid: u32,
    ns: String,
    name: String,
    task_id: String,
) -> Result<(), AppError> {
    use crate::ssr::{cloud_and_req, region_of, status};
    let check = || -> Result<(), AppError> {
        region_of(rid)?;
        if !crate::components::region_bar::namespace_ok(&ns) {
            return Err(AppError::invalid("ns", "namespace_invalid"));
        }
        if let Some(code) = crate::scf_rules::function_name_problem(&name) {
            return Err(AppError::invalid("name", code));
        }
        if task_id.len() > 128 || task_id.chars().any(char::is_control) {
            return Err(AppError::invalid("task_id", "task_invalid"));
        }
        Ok(())
    };
    status(check())?;
    let (cloud, req) = cloud_and_req()?;
    let demo_bucket = String::new();
    status(
        cloud
            .save_wizard(
                &req,
                WizardState {
                    step,
                    rid,
                    namespace: ns,
                    function_name: name,
                    task_id,
                    demo_bucket,
                },
            )
            .await,
    )
}
