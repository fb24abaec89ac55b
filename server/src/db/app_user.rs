//! `app_user`: accounts.
use sqlx::PgExecutor;
use uuid::Uuid;

/// An account with its password hash (which never leaves the server).
#[derive(sqlx::FromRow)]
pub struct AppUserRow {
    pub app_user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
}

/// Finds an account by email, ignoring case.
///
/// # Errors
/// Database errors.
pub async fn find_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<AppUserRow>> {
    sqlx::query_as(
        "select app_user_id, email, display_name, password_hash from app_user where lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

/// Finds an account by id.
///
/// # Errors
/// Database errors.
pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<AppUserRow>> {
    sqlx::query_as(
        "select app_user_id, email, display_name, password_hash from app_user where app_user_id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Creates an account.
///
/// # Errors
/// `app_user_email_key` when the email is taken; other database errors.
pub async fn insert(
    db: impl PgExecutor<'_>,
    email: &str,
    display_name: &str,
    password_hash: &str,
) -> sqlx::Result<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query("insert into app_user (app_user_id, email, display_name, password_hash) values ($1, $2, $3, $4)")
        .bind(id)
        .bind(email)
        .bind(display_name)
        .bind(password_hash)
        .execute(db)
        .await?;
    Ok(id)
}

/// Whether any account exists (false until first-run setup).
///
/// # Errors
/// Database errors.
pub async fn any_exists(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("select exists (select 1 from app_user)")
        .fetch_one(db)
        .await
}
