//! The `setup_wizard` table: how far each team got in the setup wizard.
use uuid::Uuid;

use crate::db::Db;

/// A team's wizard progress.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WizardRow {
    pub step: i16,
    pub rid: i32,
    pub namespace: String,
    pub function_name: String,
    pub task_id: String,
}

/// The team's progress, if it started the wizard.
///
/// # Errors
/// Database errors.
pub async fn find(db: &Db, team_id: Uuid) -> Result<Option<WizardRow>, sqlx::Error> {
    sqlx::query_as(
        "select step, rid, namespace, function_name, task_id from setup_wizard where team_id = $1",
    )
    .bind(team_id)
    .fetch_optional(db)
    .await
}

/// Records the team's progress.
///
/// # Errors
/// Database errors.
pub async fn save(db: &Db, team_id: Uuid, row: &WizardRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into setup_wizard (team_id, step, rid, namespace, function_name, task_id)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (team_id) do update set step = excluded.step, rid = excluded.rid,
           namespace = excluded.namespace, function_name = excluded.function_name,
           task_id = excluded.task_id, updated_at = now()",
    )
    .bind(team_id)
    .bind(row.step)
    .bind(row.rid)
    .bind(&row.namespace)
    .bind(&row.function_name)
    .bind(&row.task_id)
    .execute(db)
    .await
    .map(|_| ())
}
