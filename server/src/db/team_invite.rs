//! `team_invite`: invitation links, stored by the hash of their token.
use app::api::types::{InviteRow, Role};
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// An invitation found by its token.
#[derive(sqlx::FromRow)]
pub struct InviteByToken {
    pub team_invite_id: Uuid,
    pub team_id: Uuid,
    pub team_name: String,
    pub email: String,
    pub role: String,
    pub expires_at: OffsetDateTime,
    pub accepted_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Creates an invitation, revoking any still pending for the same address in the team:
/// one link per person, the newest (an admin who lost a link asks for another).
///
/// # Errors
/// Database errors.
pub async fn insert(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    email: &str,
    role: Role,
    token_hash: &[u8],
    invited_by: Uuid,
    expires_at: OffsetDateTime,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "with earlier as (
           update team_invite set revoked_at = now()
           where team_id = $2 and lower(email) = lower($3)
             and accepted_at is null and revoked_at is null
         )
         insert into team_invite (team_invite_id, team_id, email, role, token_hash, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(team_id)
    .bind(email)
    .bind(role.as_str())
    .bind(token_hash)
    .bind(invited_by)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(id)
}

/// Pending (not accepted, revoked or expired) invitations of a team.
///
/// # Errors
/// Database errors.
pub async fn pending(db: impl PgExecutor<'_>, team_id: Uuid) -> sqlx::Result<Vec<InviteRow>> {
    let rows: Vec<(Uuid, String, String, String, OffsetDateTime, OffsetDateTime)> = sqlx::query_as(
        "select i.team_invite_id, i.email, i.role, u.display_name, i.created_at, i.expires_at
         from team_invite i join app_user u on u.app_user_id = i.invited_by
         where i.team_id = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
         order by i.created_at desc",
    )
    .bind(team_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, email, role, invited_by, created, expires)| {
            Some(InviteRow {
                id,
                email,
                role: Role::parse(&role)?,
                invited_by,
                created_at: created.unix_timestamp(),
                expires_at: expires.unix_timestamp(),
            })
        })
        .collect())
}

/// Finds an invitation by the hash of its token; `for update` locks it for accepting.
///
/// # Errors
/// Database errors.
pub async fn find_by_token_hash(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    for_update: bool,
) -> sqlx::Result<Option<InviteByToken>> {
    let sql = format!(
        "select i.team_invite_id, i.team_id, t.name as team_name, i.email, i.role, i.expires_at,
                i.accepted_at, i.revoked_at
         from team_invite i join team t using (team_id) where i.token_hash = $1{}",
        if for_update { " for update of i" } else { "" }
    );
    sqlx::query_as(&sql)
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// Marks an invitation accepted.
///
/// # Errors
/// Database errors.
pub async fn mark_accepted(db: impl PgExecutor<'_>, id: Uuid, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "update team_invite set accepted_at = now(), accepted_by = $2 where team_invite_id = $1",
    )
    .bind(id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Revokes a pending invitation of `team_id`, answering its email; `None` when there is
/// none with that id in that team.
///
/// # Errors
/// Database errors.
pub async fn revoke(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "update team_invite set revoked_at = now()
         where team_invite_id = $1 and team_id = $2 and accepted_at is null and revoked_at is null
         returning email",
    )
    .bind(id)
    .bind(team_id)
    .fetch_optional(db)
    .await
}
