//! The `audit_event` table: who did what to the team's cloud resources, members and
//! settings.
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::Db;

/// An audit entry to record.
#[derive(Debug)]
pub struct NewAuditEvent<'a> {
    pub team_id: Uuid,
    pub user_id: Uuid,
    pub action: &'a str,
    pub target: &'a str,
    pub region: &'a str,
    pub request_id: &'a str,
}

/// An audit entry with the actor's display name.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditEventRow {
    pub at: OffsetDateTime,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub region: String,
    pub request_id: String,
}

/// Records one entry. A failure is logged, not returned: the change the entry describes
/// has already happened, and the caller's answer should say so.
pub async fn record(db: &Db, e: &NewAuditEvent<'_>) {
    if let Err(err) = insert(db, e).await {
        tracing::error!(error = %err, action = e.action, "could not record an audit event");
    }
}

async fn insert(db: &Db, e: &NewAuditEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_event (team_id, app_user_id, action, target, region, request_id)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(e.team_id)
    .bind(e.user_id)
    .bind(e.action)
    .bind(e.target)
    .bind(e.region)
    .bind(e.request_id)
    .execute(db)
    .await?;
    Ok(())
}

/// A page of the team's entries, newest first.
///
/// # Errors
/// Database errors.
pub async fn page(
    db: &Db,
    team_id: Uuid,
    offset: i64,
    limit: i64,
) -> Result<Vec<AuditEventRow>, sqlx::Error> {
    sqlx::query_as(
        "select e.at, u.display_name as actor, e.action, e.target, e.region, e.request_id
         from audit_event e left join app_user u on u.app_user_id = e.app_user_id
         where e.team_id = $1
         order by e.at desc, e.audit_event_id desc
         offset $2 limit $3",
    )
    .bind(team_id)
    .bind(offset)
    .bind(limit)
    .fetch_all(db)
    .await
}
