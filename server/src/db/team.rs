//! `team` and `team_member`: teams and who is in them with which role.
use app::api::types::{Member, Role, TeamRef};
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// Creates a team.
///
/// # Errors
/// Database errors.
pub async fn insert(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query("insert into team (team_id, name) values ($1, $2)")
        .bind(id)
        .bind(name)
        .execute(db)
        .await?;
    Ok(id)
}

/// Adds a member (or changes the role of an existing one).
///
/// # Errors
/// Database errors.
pub async fn upsert_member(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into team_member (team_id, app_user_id, role) values ($1, $2, $3)
         on conflict (team_id, app_user_id) do update set role = excluded.role, updated_at = now()",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(role.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// The user's teams, oldest membership first.
///
/// # Errors
/// Database errors.
pub async fn teams_of(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<TeamRef>> {
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(
        "select t.team_id, t.name, m.role from team_member m join team t using (team_id)
         where m.app_user_id = $1 order by m.created_at, t.name",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, role)| {
            Some(TeamRef {
                id,
                name,
                role: Role::parse(&role)?,
            })
        })
        .collect())
}

/// The user's role in a team, if a member.
///
/// # Errors
/// Database errors.
pub async fn role_of(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<Option<Role>> {
    let role: Option<String> =
        sqlx::query_scalar("select role from team_member where team_id = $1 and app_user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .fetch_optional(db)
            .await?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// Members of a team.
///
/// # Errors
/// Database errors.
pub async fn members(db: impl PgExecutor<'_>, team_id: Uuid) -> sqlx::Result<Vec<Member>> {
    let rows: Vec<(Uuid, String, String, String, OffsetDateTime)> = sqlx::query_as(
        "select u.app_user_id, u.display_name, u.email, m.role, m.created_at
         from team_member m join app_user u using (app_user_id)
         where m.team_id = $1 order by m.created_at, u.display_name",
    )
    .bind(team_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, display_name, email, role, joined)| {
            Some(Member {
                user_id,
                display_name,
                email,
                role: Role::parse(&role)?,
                joined_at: joined.unix_timestamp(),
            })
        })
        .collect())
}

/// Changes a member's role; false when not a member.
///
/// # Errors
/// Database errors.
pub async fn set_role(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    user_id: Uuid,
    role: Role,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update team_member set role = $3, updated_at = now() where team_id = $1 and app_user_id = $2",
    )
    .bind(team_id)
    .bind(user_id)
    .bind(role.as_str())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a member; false when not a member.
///
/// # Errors
/// Database errors.
pub async fn remove_member(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from team_member where team_id = $1 and app_user_id = $2")
        .bind(team_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many owners a team has.
///
/// # Errors
/// Database errors.
pub async fn owner_count(db: impl PgExecutor<'_>, team_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from team_member where team_id = $1 and role = 'owner'")
        .bind(team_id)
        .fetch_one(db)
        .await
}

/// Locks the team's member rows, so concurrent role changes cannot both remove the last
/// owner.
///
/// # Errors
/// Database errors.
pub async fn lock_members(db: impl PgExecutor<'_>, team_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("select 1 from team_member where team_id = $1 for update")
        .bind(team_id)
        .execute(db)
        .await?;
    Ok(())
}
