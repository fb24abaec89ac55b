//! `user_session`: one row per sign-in, listed and revoked by its user.
use app::api::types::{Role, SessionRow, TeamRef};
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// A login session with its owner's identity and teams.
pub struct ActiveSession {
    pub user_session_id: Uuid,
    pub app_user_id: Uuid,
    pub current_team_id: Option<Uuid>,
    pub email: String,
    pub display_name: String,
    pub last_seen_at: OffsetDateTime,
    /// The owner's teams, in the order they joined them.
    pub teams: Vec<TeamRef>,
}

#[derive(sqlx::FromRow)]
struct ActiveRow {
    user_session_id: Uuid,
    app_user_id: Uuid,
    current_team_id: Option<Uuid>,
    email: String,
    display_name: String,
    last_seen_at: OffsetDateTime,
    team_ids: Option<Vec<Uuid>>,
    team_names: Option<Vec<String>>,
    team_roles: Option<Vec<String>>,
}

/// Records a sign-in.
///
/// # Errors
/// Database errors.
pub async fn insert(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    team_id: Option<Uuid>,
    user_agent: &str,
    ip: &str,
    expires_at: OffsetDateTime,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into user_session (user_session_id, app_user_id, current_team_id, user_agent, ip, expires_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(team_id)
    .bind(user_agent)
    .bind(ip)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(id)
}

/// A session that is neither revoked, past its absolute lifetime, nor idle longer than
/// `idle_secs`.
///
/// # Errors
/// Database errors.
pub async fn find_active(
    db: impl PgExecutor<'_>,
    id: Uuid,
    idle_secs: i64,
) -> sqlx::Result<Option<ActiveSession>> {
    // Every request asks this, so the teams come in the same query (as parallel arrays).
    let row: Option<ActiveRow> = sqlx::query_as(
        "select s.user_session_id, s.app_user_id, s.current_team_id, u.email, u.display_name, s.last_seen_at,
                m.team_ids, m.team_names, m.team_roles
         from user_session s join app_user u using (app_user_id)
         left join lateral (
             select array_agg(t.team_id order by tm.created_at, t.name) as team_ids,
                    array_agg(t.name order by tm.created_at, t.name) as team_names,
                    array_agg(tm.role order by tm.created_at, t.name) as team_roles
             from team_member tm join team t using (team_id)
             where tm.app_user_id = s.app_user_id
         ) m on true
         where s.user_session_id = $1 and s.revoked_at is null and s.expires_at > now()
           and s.last_seen_at > now() - make_interval(secs => $2)",
    )
    .bind(id)
    .bind(idle_secs as f64)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let teams = r
            .team_ids
            .unwrap_or_default()
            .into_iter()
            .zip(r.team_names.unwrap_or_default())
            .zip(r.team_roles.unwrap_or_default())
            .filter_map(|((id, name), role)| {
                Some(TeamRef {
                    id,
                    name,
                    role: Role::parse(&role)?,
                })
            })
            .collect();
        ActiveSession {
            user_session_id: r.user_session_id,
            app_user_id: r.app_user_id,
            current_team_id: r.current_team_id,
            email: r.email,
            display_name: r.display_name,
            last_seen_at: r.last_seen_at,
            teams,
        }
    }))
}

/// Notes activity on a session.
///
/// # Errors
/// Database errors.
pub async fn touch(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("update user_session set last_seen_at = now() where user_session_id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets the team a session works in.
///
/// # Errors
/// Database errors.
pub async fn set_team(db: impl PgExecutor<'_>, id: Uuid, team_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("update user_session set current_team_id = $2 where user_session_id = $1")
        .bind(id)
        .bind(team_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The user's active sessions, newest first.
///
/// # Errors
/// Database errors.
pub async fn list_active(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    current: Uuid,
    idle_secs: i64,
) -> sqlx::Result<Vec<SessionRow>> {
    let rows: Vec<(
        Uuid,
        OffsetDateTime,
        OffsetDateTime,
        OffsetDateTime,
        String,
        String,
    )> = sqlx::query_as(
        "select user_session_id, created_at, last_seen_at, expires_at, user_agent, ip
         from user_session
         where app_user_id = $1 and revoked_at is null and expires_at > now()
           and last_seen_at > now() - make_interval(secs => $2)
         order by created_at desc",
    )
    .bind(user_id)
    .bind(idle_secs as f64)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created, seen, expires, user_agent, ip)| SessionRow {
            id,
            created_at: created.unix_timestamp(),
            last_seen_at: seen.unix_timestamp(),
            expires_at: expires.unix_timestamp(),
            user_agent,
            ip,
            current: id == current,
        })
        .collect())
}

/// Revokes one of the user's sessions; false when the user has no such live session.
///
/// # Errors
/// Database errors.
pub async fn revoke(db: impl PgExecutor<'_>, user_id: Uuid, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update user_session set revoked_at = now()
         where user_session_id = $1 and app_user_id = $2 and revoked_at is null",
    )
    .bind(id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live session of the user except `keep`; returns how many.
///
/// # Errors
/// Database errors.
pub async fn revoke_all_but(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    keep: Uuid,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "update user_session set revoked_at = now()
         where app_user_id = $1 and user_session_id <> $2 and revoked_at is null and expires_at > now()",
    )
    .bind(user_id)
    .bind(keep)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
