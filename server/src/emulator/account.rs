//! Emulator accounts: the key pairs that sign calls, and their ids.
use rand::distributions::Alphanumeric;
use rand::Rng;
use sqlx::PgExecutor;

/// An emulated cloud account.
#[derive(Clone, sqlx::FromRow)]
pub struct Account {
    pub account_id: i64,
    pub app_id: i64,
    pub uin: String,
    pub secret_id: String,
    pub secret_key: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("app_id", &self.app_id)
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

fn random_text(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Creates an account with a fresh key pair.
///
/// # Errors
/// Database errors.
pub async fn create(db: impl PgExecutor<'_>) -> sqlx::Result<Account> {
    let secret_id = format!("AKID{}", random_text(32));
    let secret_key = random_text(32);
    sqlx::query_as(
        "insert into emulator.account (secret_id, secret_key) values ($1, $2)
         returning account_id, app_id, uin, secret_id, secret_key",
    )
    .bind(secret_id)
    .bind(secret_key)
    .fetch_one(db)
    .await
}

/// The account a SecretId belongs to.
///
/// # Errors
/// Database errors.
pub async fn find_by_secret_id(
    db: impl PgExecutor<'_>,
    secret_id: &str,
) -> sqlx::Result<Option<Account>> {
    sqlx::query_as(
        "select account_id, app_id, uin, secret_id, secret_key from emulator.account where secret_id = $1",
    )
    .bind(secret_id)
    .fetch_optional(db)
    .await
}
