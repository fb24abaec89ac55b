//! `cloud_account`: each team's cloud credentials, the SecretKey sealed.
use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

/// A stored account; `secret_key_sealed` opens only with the console's key.
#[derive(sqlx::FromRow)]
pub struct CloudAccountRow {
    pub kind: String,
    pub secret_id: String,
    pub secret_key_sealed: Vec<u8>,
    pub app_id: Option<i64>,
    pub updated_at: OffsetDateTime,
    /// The team's emulator account, kept while the team is on Tencent Cloud.
    pub emulator_secret_id: Option<String>,
}

/// The team's account, if set up.
///
/// # Errors
/// Database errors.
pub async fn find(db: impl PgExecutor<'_>, team_id: Uuid) -> sqlx::Result<Option<CloudAccountRow>> {
    sqlx::query_as(
        "select kind, secret_id, secret_key_sealed, app_id, updated_at, emulator_secret_id
         from cloud_account where team_id = $1",
    )
    .bind(team_id)
    .fetch_optional(db)
    .await
}

/// Creates or replaces the team's account; an emulator account is also remembered as the
/// team's emulator account.
///
/// # Errors
/// Database errors.
pub async fn upsert(
    db: impl PgExecutor<'_>,
    team_id: Uuid,
    kind: &str,
    secret_id: &str,
    secret_key_sealed: &[u8],
    app_id: Option<i64>,
    updated_by: Option<Uuid>,
) -> sqlx::Result<CloudAccountRow> {
    sqlx::query_as(
        "insert into cloud_account
           (team_id, kind, secret_id, secret_key_sealed, app_id, updated_by, emulator_secret_id)
         values ($1, $2, $3, $4, $5, $6, case when $2 = 'emulator' then $3 end)
         on conflict (team_id) do update set kind = excluded.kind, secret_id = excluded.secret_id,
           secret_key_sealed = excluded.secret_key_sealed, app_id = excluded.app_id,
           updated_by = excluded.updated_by, updated_at = now(),
           emulator_secret_id = coalesce(excluded.emulator_secret_id,
                                         cloud_account.emulator_secret_id)
         returning kind, secret_id, secret_key_sealed, app_id, updated_at, emulator_secret_id",
    )
    .bind(team_id)
    .bind(kind)
    .bind(secret_id)
    .bind(secret_key_sealed)
    .bind(app_id)
    .bind(updated_by)
    .fetch_one(db)
    .await
}
