//! The `mps_binding` table: which function holds each MPS event type, as bound through
//! the console.
use uuid::Uuid;

use crate::db::Db;

/// A binding.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MpsBindingRow {
    pub event_type: String,
    pub region: String,
    pub namespace: String,
    pub function_name: String,
    pub resource_id: String,
}

/// The bindings of a team's cloud account.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &Db,
    team_id: Uuid,
    secret_id: &str,
) -> Result<Vec<MpsBindingRow>, sqlx::Error> {
    sqlx::query_as(
        "select event_type, region, namespace, function_name, resource_id from mps_binding
         where team_id = $1 and secret_id = $2 order by event_type",
    )
    .bind(team_id)
    .bind(secret_id)
    .fetch_all(db)
    .await
}

/// Records (or replaces) the binding of an event type.
///
/// # Errors
/// Database errors.
pub async fn upsert(
    db: &Db,
    team_id: Uuid,
    secret_id: &str,
    row: &MpsBindingRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into mps_binding
           (team_id, secret_id, event_type, region, namespace, function_name, resource_id)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (team_id, secret_id, event_type) do update set
           region = excluded.region, namespace = excluded.namespace,
           function_name = excluded.function_name, resource_id = excluded.resource_id,
           bound_at = now()",
    )
    .bind(team_id)
    .bind(secret_id)
    .bind(&row.event_type)
    .bind(&row.region)
    .bind(&row.namespace)
    .bind(&row.function_name)
    .bind(&row.resource_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the binding of an event type to one function (`(region, namespace, name)`);
/// a binding since moved to another function stays.
///
/// # Errors
/// Database errors.
pub async fn delete(
    db: &Db,
    team_id: Uuid,
    secret_id: &str,
    event_type: &str,
    function: (&str, &str, &str),
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "delete from mps_binding where team_id = $1 and secret_id = $2 and event_type = $3
           and region = $4 and namespace = $5 and function_name = $6",
    )
    .bind(team_id)
    .bind(secret_id)
    .bind(event_type)
    .bind(function.0)
    .bind(function.1)
    .bind(function.2)
    .execute(db)
    .await?;
    Ok(())
}
