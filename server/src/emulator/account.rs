//! Emulator accounts: the key pairs that sign calls, and their ids.
use std::sync::LazyLock;
use std::time::Duration;

use rand::distributions::Alphanumeric;
use rand::Rng;
use sqlx::PgExecutor;
use time::OffsetDateTime;

use crate::recent::RecentCache;

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

/// The key that signs with `secret_id`: an account's own key pair, or a live temporary
/// one, which also needs its session token.
#[derive(Clone)]
pub struct SigningKey {
    pub account: Account,
    /// The token a temporary key must come with.
    pub session_token: Option<String>,
    /// Whether the account has injected failures waiting, so that a call needs the
    /// fault check at all (read with the key: one query fewer per call).
    pub faults_armed: bool,
}

/// An account's columns, and whether it has failures armed.
const KEY_COLUMNS: &str = "a.account_id, a.app_id, a.uin, a.secret_id, a.secret_key,
    exists (select 1 from emulator.fault f where f.account_id = a.account_id and f.remaining > 0) as faults_armed";

#[derive(sqlx::FromRow)]
struct KeyRow {
    #[sqlx(flatten)]
    account: Account,
    faults_armed: bool,
}

/// Signing keys found lately, with when a temporary one expires. Every API call looks
/// its key up, and keys hardly change: accounts are only ever added, and temporary keys
/// expire by the clock. What can change is `faults_armed`: [`forget_keys`] drops them
/// all when this process arms a failure, and the short lifetime bounds how long a
/// failure armed from outside (say, with psql) takes to apply.
static RECENT_KEYS: LazyLock<RecentCache<String, (SigningKey, Option<OffsetDateTime>)>> =
    LazyLock::new(|| RecentCache::new(Duration::from_secs(2), 10_000));

/// Makes the next calls look their keys up afresh.
pub fn forget_keys() {
    RECENT_KEYS.forget_all();
}

/// Finds the signing key for `secret_id`; expired temporary keys are not found.
///
/// # Errors
/// Database errors.
pub async fn find_signing_key(
    db: &crate::db::Db,
    secret_id: &str,
) -> sqlx::Result<Option<SigningKey>> {
    if let Some((key, expires_at)) = RECENT_KEYS.get(secret_id) {
        if expires_at.is_none_or(|at| at > OffsetDateTime::now_utc()) {
            return Ok(Some(key));
        }
    }
    let seen = RECENT_KEYS.generation();
    let found = lookup_signing_key(db, secret_id).await?;
    if let Some(entry) = &found {
        RECENT_KEYS.put(seen, secret_id.to_owned(), entry.clone());
    }
    Ok(found.map(|(key, _)| key))
}

async fn lookup_signing_key(
    db: &crate::db::Db,
    secret_id: &str,
) -> sqlx::Result<Option<(SigningKey, Option<OffsetDateTime>)>> {
    let own: Option<KeyRow> = sqlx::query_as(&format!(
        "select {KEY_COLUMNS} from emulator.account a where a.secret_id = $1"
    ))
    .bind(secret_id)
    .fetch_optional(db)
    .await?;
    if let Some(row) = own {
        let key = SigningKey {
            account: row.account,
            session_token: None,
            faults_armed: row.faults_armed,
        };
        return Ok(Some((key, None)));
    }
    let temp: Option<(i64, String, String, OffsetDateTime)> = sqlx::query_as(
        "select account_id, secret_key, session_token, expires_at from emulator.temp_credential
         where secret_id = $1 and expires_at > now()",
    )
    .bind(secret_id)
    .fetch_optional(db)
    .await?;
    let Some((account_id, secret_key, token, expires_at)) = temp else {
        return Ok(None);
    };
    let row: KeyRow = sqlx::query_as(&format!(
        "select {KEY_COLUMNS} from emulator.account a where a.account_id = $1"
    ))
    .bind(account_id)
    .fetch_one(db)
    .await?;
    let key = SigningKey {
        account: Account {
            secret_id: secret_id.to_owned(),
            secret_key,
            ..row.account
        },
        session_token: Some(token),
        faults_armed: row.faults_armed,
    };
    Ok(Some((key, Some(expires_at))))
}

/// Mints temporary credentials for the account, valid for `ttl`; returns
/// (SecretId, SecretKey, SessionToken).
///
/// # Errors
/// Database errors.
pub async fn mint_temporary(
    db: &crate::db::Db,
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

/// A 3-second test video (generated with ffmpeg's `testsrc`), so a new account has
/// something to process.
const SAMPLE_VIDEO: &[u8] = include_bytes!("sample.mp4");

/// The bucket a console-created account starts with: `media-<appid>` in Beijing, holding
/// `input/sample.mp4`.
pub fn demo_bucket(account: &Account) -> String {
    format!("media-{}", account.app_id)
}

/// Gives a new account its demo bucket and sample video (on the caller's connection,
/// typically inside the transaction that creates the account).
///
/// # Errors
/// Database errors.
pub async fn seed_demo(conn: &mut sqlx::PgConnection, account: &Account) -> sqlx::Result<()> {
    use md5::Digest;
    let bucket = demo_bucket(account);
    sqlx::query(
        "insert into emulator.cos_bucket (bucket, account_id, region) values ($1, $2, 'ap-beijing')
         on conflict do nothing",
    )
    .bind(&bucket)
    .bind(account.account_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into emulator.cos_object (bucket, key, body, content_type, etag, size)
         values ($1, 'input/sample.mp4', $2, 'video/mp4', $3, $4) on conflict (bucket, key) do nothing",
    )
    .bind(&bucket)
    .bind(SAMPLE_VIDEO)
    .bind(crate::cloud::sign::hex(&md5::Md5::digest(SAMPLE_VIDEO)))
    .bind(SAMPLE_VIDEO.len() as i64)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
