//! The setup wizard's progress, per team.
use app::api::cloud_types::WizardState;
use app::api::types::Role;
use app::error::AppError;
use app::ssr::Req;

use super::CloudConsole;
use crate::db::setup_wizard::{self, WizardRow};
use crate::error::{AppResult, OrInternal};

/// The function the wizard proposes, in Beijing's default namespace.
const DEFAULT_FUNCTION: &str = "MPSAnalysis";

pub(super) async fn state(c: &CloudConsole, req: &Req) -> AppResult<WizardState> {
    let actor = c.backend.actor(req, Role::Viewer).await?;
    let demo_bucket = c.backend.demo_bucket(actor.team_id).await?;
    let row = setup_wizard::find(c.backend.db(), actor.team_id)
        .await
        .internal()?;
    Ok(match row {
        Some(r) => WizardState {
            step: u8::try_from(r.step).unwrap_or(1),
            rid: u32::try_from(r.rid).unwrap_or(8),
            namespace: r.namespace,
            function_name: r.function_name,
            task_id: r.task_id,
            demo_bucket,
        },
        None => WizardState {
            step: 1,
            rid: 8,
            namespace: "default".to_owned(),
            function_name: DEFAULT_FUNCTION.to_owned(),
            task_id: String::new(),
            demo_bucket,
        },
    })
}

pub(super) async fn save(c: &CloudConsole, req: &Req, s: WizardState) -> AppResult<()> {
    let actor = c.backend.actor(req, Role::Developer).await?;
    if !(1..=4).contains(&s.step) {
        return Err(AppError::invalid("step", "step_invalid"));
    }
    let row = WizardRow {
        step: i16::from(s.step),
        rid: i32::try_from(s.rid).map_err(|_| AppError::invalid("rid", "region_unknown"))?,
        namespace: s.namespace,
        function_name: s.function_name,
        task_id: s.task_id,
    };
    setup_wizard::save(c.backend.db(), actor.team_id, &row)
        .await
        .internal()
}
