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

/// The key that signs with `secret_id`: an account's own key pair, or a live temporary
/// one, which also needs its session token.
pub struct SigningKey {
    pub account: Account,
    /// The token a temporary key must come with.
    pub session_token: Option<String>,
}

/// Finds the signing key for `secret_id`; expired temporary keys are not found.
///
/// # Errors
/// Database errors.
pub async fn find_signing_key(
    db: &sqlx::PgPool,
    secret_id: &str,
) -> sqlx::Result<Option<SigningKey>> {
    if let Some(account) = find_by_secret_id(db, secret_id).await? {
        return Ok(Some(SigningKey {
            account,
            session_token: None,
        }));
    }
    let temp: Option<(i64, String, String)> = sqlx::query_as(
        "select account_id, secret_key, session_token from emulator.temp_credential
         where secret_id = $1 and expires_at > now()",
    )
    .bind(secret_id)
    .fetch_optional(db)
    .await?;
    let Some((account_id, secret_key, token)) = temp else {
        return Ok(None);
    };
    let account: Account = sqlx::query_as(
        "select account_id, app_id, uin, secret_id, secret_key from emulator.account where account_id = $1",
    )
    .bind(account_id)
    .fetch_one(db)
    .await?;
    Ok(Some(SigningKey {
        account: Account {
            secret_id: secret_id.to_owned(),
            secret_key,
            ..account
        },
        session_token: Some(token),
    }))
}

/// Mints temporary credentials for the account, valid for `ttl`; returns
/// (SecretId, SecretKey, SessionToken).
///
/// # Errors
/// Database errors.
pub async fn mint_temporary(
    db: &sqlx::PgPool,
    account_id: i64,
    ttl: std::time::Duration,
) -> sqlx::Result<(String, String, String)> {
    let (id, key, token) = (
        format!("AKIDtmp{}", random_text(29)),
        random_text(32),
        random_text(64),
    );
    sqlx::query("delete from emulator.temp_credential where expires_at < now()")
        .execute(db)
        .await?;
    sqlx::query(
        "insert into emulator.temp_credential (secret_id, account_id, secret_key, session_token, expires_at)
         values ($1, $2, $3, $4, now() + make_interval(secs => $5))",
    )
    .bind(&id)
    .bind(account_id)
    .bind(&key)
    .bind(&token)
    .bind(ttl.as_secs_f64())
    .execute(db)
    .await?;
    Ok((id, key, token))
}
