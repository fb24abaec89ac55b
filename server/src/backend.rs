//! The [`app::ssr::Backend`] the server functions call: authentication, authorization and
//! the team/account rules, on top of `db::`.
//!
//! Every method resolves the caller from the request itself and checks the role in the
//! caller's current team on the server; team-scoped queries always filter by that team,
//! so an id from another team is simply not found.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use app::api::types::{
    CloudAccountView, CloudKind, InviteCreated, InviteInfo, InviteRow, Me, Member, Role,
    SessionInfo, SessionRow, TeamRef,
};
use app::error::AppError;
use app::ssr::{Backend, CloudAccountInput, Req, SetupInput};
use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::{password, token, validate, SESSION_KEY};
use crate::cloud::client::{Call, CloudClient, Credentials, Endpoint};
use crate::cloud::error::CloudError;
use crate::config::Config;
use crate::db::cloud_account::{self, CloudAccountRow};
use crate::db::Db;
use crate::db::{app_user, known_device, login_failure, team, team_invite, user_session};
use crate::error::{AppResult, OrInternal, ServerError};
use crate::recent::RecentCache;
use crate::secrets::SecretBox;

/// Touch `last_seen_at` at most this often, to keep reads cheap.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// How long a browser stays known to an account after signing in with its password.
const DEVICE_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);

/// A user in this many teams creates no more (`team_limit`).
pub const MAX_TEAMS_TO_CREATE: usize = 50;

/// The console's backend over one database.
pub struct ConsoleBackend {
    db: Db,
    config: Arc<Config>,
    secrets: SecretBox,
    /// Base URL of the embedded emulator, e.g. `http://127.0.0.1:3900`.
    emulator_url: String,
    /// Set once a user exists: there is no way back to an empty console, so the setup
    /// check stops asking the database.
    users_exist: AtomicBool,
    /// Each team's opened cloud credentials, read by nearly every cloud page.
    clouds: RecentCache<Uuid, (Credentials, Endpoint)>,
}

/// What one page render resolves once however many server functions the page calls: the
/// caller and their team's cloud account. The server puts a fresh one into the extensions
/// of each GET request (a page); server function POSTs, which may change who is signed in
/// or the account, resolve everything afresh.
#[derive(Clone, Default)]
pub struct PageMemo(Arc<PageMemoInner>);

#[derive(Default)]
struct PageMemoInner {
    caller: tokio::sync::OnceCell<Option<Caller>>,
    cloud: tokio::sync::OnceCell<(Uuid, Credentials, Endpoint)>,
}

/// A signed-in member acting in their current team.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub team_id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
}

/// The caller, resolved from the request's session.
#[derive(Clone)]
struct Caller {
    session_id: Uuid,
    user_id: Uuid,
    email: String,
    display_name: String,
    team: Option<TeamRef>,
    teams: Vec<TeamRef>,
}

impl Caller {
    /// The current team and role, when the role is at least `min`.
    fn team_with(&self, min: Role) -> AppResult<(Uuid, Role)> {
        let team = self
            .team
            .as_ref()
            .ok_or_else(|| AppError::conflict("no_team"))?;
        if team.role >= min {
            Ok((team.id, team.role))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl ConsoleBackend {
    /// A backend over `db`, sealing cloud secrets with `secrets`; teams on the emulator
    /// talk to `emulator_url`.
    pub fn new(db: Db, config: Arc<Config>, secrets: SecretBox, emulator_url: String) -> Self {
        Self {
            db,
            config,
            secrets,
            emulator_url,
            users_exist: AtomicBool::new(false),
            // Short-lived: another server process on the database may change an account.
            clouds: RecentCache::new(Duration::from_secs(5), 10_000),
        }
    }

    /// The team's cloud account, creating an emulator account the first time. A page
    /// fires several calls at once: a lock per team lets only the first create one.
    async fn team_cloud_account(&self, team_id: Uuid) -> AppResult<CloudAccountRow> {
        if let Some(row) = cloud_account::find(&self.db, team_id).await.internal()? {
            return Ok(row);
        }
        let mut tx = self.db.begin().await.internal()?;
        sqlx::query("select pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("cloud_account:{team_id}"))
            .execute(&mut *tx)
            .await
            .internal()?;
        let row = match cloud_account::find(&mut *tx, team_id).await.internal()? {
            Some(row) => row,
            None => self.new_emulator_account(&mut tx, team_id, None).await?,
        };
        tx.commit().await.internal()?;
        Ok(row)
    }

    /// The demo bucket (`media-<appid>`) of a team on the emulator; empty on Tencent Cloud.
    pub async fn demo_bucket(&self, team_id: Uuid) -> AppResult<String> {
        let row = self.team_cloud_account(team_id).await?;
        Ok(match (CloudKind::parse(&row.kind), row.app_id) {
            (Some(CloudKind::Emulator), Some(app_id)) => format!("media-{app_id}"),
            _ => String::new(),
        })
    }

    /// Puts the team on the emulator: unchanged when it already is, else back on the
    /// emulator account it had before Tencent Cloud (its functions, tasks and buckets are
    /// still there), else on a new one.
    async fn use_emulator(&self, team_id: Uuid, by: Option<Uuid>) -> AppResult<CloudAccountRow> {
        let mut tx = self.db.begin().await.internal()?;
        let current = sqlx::query_as::<_, CloudAccountRow>(
            "select kind, secret_id, secret_key_sealed, app_id, updated_at, emulator_secret_id
             from cloud_account where team_id = $1 for update",
        )
        .bind(team_id)
        .fetch_optional(&mut *tx)
        .await
        .internal()?;
        let kept = match current {
            Some(row) if row.kind == CloudKind::Emulator.as_str() => return Ok(row),
            Some(row) => row.emulator_secret_id,
            None => None,
        };
        let earlier: Option<(String, String, i64)> = match kept {
            Some(secret_id) => sqlx::query_as(
                "select secret_id, secret_key, app_id from emulator.account where secret_id = $1",
            )
            .bind(&secret_id)
            .fetch_optional(&mut *tx)
            .await
            .internal()?,
            None => None,
        };
        let row = match earlier {
            Some((secret_id, key, app_id)) => cloud_account::upsert(
                &mut *tx,
                team_id,
                CloudKind::Emulator.as_str(),
                &secret_id,
                &self.secrets.seal(&key, team_id.as_bytes()),
                Some(app_id),
                by,
            )
            .await
            .internal()?,
            None => self.new_emulator_account(&mut tx, team_id, by).await?,
        };
        tx.commit().await.internal()?;
        Ok(row)
    }

    /// A new emulator account with its demo bucket, made the team's cloud account.
    async fn new_emulator_account(
        &self,
        tx: &mut sqlx::PgConnection,
        team_id: Uuid,
        by: Option<Uuid>,
    ) -> AppResult<CloudAccountRow> {
        let account = crate::emulator::account::create(&mut *tx)
            .await
            .internal()?;
        crate::emulator::account::seed_demo(&mut *tx, &account)
            .await
            .internal()?;
        let sealed = self.secrets.seal(&account.secret_key, team_id.as_bytes());
        cloud_account::upsert(
            &mut *tx,
            team_id,
            CloudKind::Emulator.as_str(),
            &account.secret_id,
            &sealed,
            Some(account.app_id),
            by,
        )
        .await
        .internal()
    }

    fn view(&self, row: &CloudAccountRow) -> CloudAccountView {
        let kind = CloudKind::parse(&row.kind).unwrap_or(CloudKind::Emulator);
        CloudAccountView {
            kind,
            secret_id: row.secret_id.clone(),
            app_id: row.app_id,
            endpoint: match kind {
                CloudKind::Emulator => self.emulator_url.clone(),
                CloudKind::Tencent => self
                    .config
                    .tencent_api_endpoint
                    .as_deref()
                    .unwrap_or("https://{service}.tencentcloudapi.com")
                    .replace("{service}", "*"),
            },
            updated_at: row.updated_at.unix_timestamp(),
        }
    }

    /// Credentials and endpoint for the team's cloud calls (once per page render).
    ///
    /// # Errors
    /// `Internal` when the stored key cannot be opened (the console's key changed).
    pub async fn cloud_for(&self, req: &Req, team_id: Uuid) -> AppResult<(Credentials, Endpoint)> {
        let Some(memo) = req.extensions.get::<PageMemo>() else {
            return self.resolve_cloud(team_id).await;
        };
        let (memo_team, creds, endpoint) = memo
            .0
            .cloud
            .get_or_try_init(|| async {
                let (creds, endpoint) = self.resolve_cloud(team_id).await?;
                AppResult::Ok((team_id, creds, endpoint))
            })
            .await?;
        if *memo_team == team_id {
            Ok((creds.clone(), endpoint.clone()))
        } else {
            self.resolve_cloud(team_id).await
        }
    }

    async fn resolve_cloud(&self, team_id: Uuid) -> AppResult<(Credentials, Endpoint)> {
        if let Some(found) = self.clouds.get(&team_id) {
            return Ok(found);
        }
        let seen = self.clouds.generation();
        let row = self.team_cloud_account(team_id).await?;
        let key = self
            .secrets
            .open(&row.secret_key_sealed, team_id.as_bytes())
            .ok_or_else(|| {
                AppError::from(ServerError::Secrets(
                    "the stored SecretKey cannot be decrypted with the current console key"
                        .to_owned(),
                ))
            })?;
        let endpoint = match CloudKind::parse(&row.kind) {
            Some(CloudKind::Tencent) => Endpoint::Tencent,
            _ => Endpoint::Custom(self.emulator_url.clone()),
        };
        let found = (Credentials::new(row.secret_id, key), endpoint);
        self.clouds.put(seen, team_id, found.clone());
        Ok(found)
    }

    /// The signed-in caller's current team, when their role there is at least `min`.
    ///
    /// # Errors
    /// `Unauthenticated` without a login session, `Forbidden` below `min`, `Conflict`
    /// without a team.
    pub async fn actor(&self, req: &Req, min: Role) -> AppResult<Actor> {
        let caller = self.require(req).await?;
        let (team_id, role) = caller.team_with(min)?;
        Ok(Actor {
            team_id,
            user_id: caller.user_id,
            role,
        })
    }

    /// The database, for the modules that extend the backend.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Where API calls of teams on Tencent Cloud go (`TENCENT_API_ENDPOINT`).
    pub fn tencent_endpoint(&self) -> Endpoint {
        match &self.config.tencent_api_endpoint {
            Some(template) => Endpoint::Custom(template.clone()),
            None => Endpoint::Tencent,
        }
    }

    /// Checks Tencent Cloud credentials before they are saved with a read-only call (CAM
    /// `DescribeRoleList`, one role). A key the cloud does not accept is refused with the
    /// cloud's code and RequestId; so is a cloud that cannot be reached. A key that signs
    /// correctly but lacks CAM read permission passes: the trigger pages say what it lacks.
    async fn verify_tencent(&self, creds: &Credentials) -> AppResult<()> {
        let client = CloudClient::with_timeout(self.tencent_endpoint(), self.config.cloud_timeout)
            .map_err(AppError::from)?
            .with_language(app::i18n::request_lang().cloud_language());
        let call = Call {
            service: "cam",
            version: "2019-01-16",
            action: "DescribeRoleList",
            region: None,
            idempotent: true,
        };
        let params = serde_json::json!({ "Page": 1, "Rp": 1 });
        match client.call::<serde_json::Value>(creds, call, &params).await {
            Ok(_) => Ok(()),
            Err(CloudError::Api { code, .. })
                if code.starts_with("UnauthorizedOperation")
                    || code == "AuthFailure.UnauthorizedOperation" =>
            {
                Ok(())
            }
            Err(err) => {
                tracing::info!(error = %err, "Tencent Cloud credentials refused");
                Err(err.into())
            }
        }
    }

    /// The emulator's base URL.
    pub fn emulator_url(&self) -> &str {
        &self.emulator_url
    }

    /// How long a cloud API request may take.
    pub fn cloud_timeout(&self) -> std::time::Duration {
        self.config.cloud_timeout
    }

    fn idle_secs(&self) -> i64 {
        self.config.session.idle_timeout.as_secs() as i64
    }

    /// The signed-in caller, or `None`. A revoked or expired login session is cleared
    /// from the cookie session on the way.
    async fn caller(&self, req: &Req) -> AppResult<Option<Caller>> {
        match req.extensions.get::<PageMemo>() {
            Some(memo) => memo
                .0
                .caller
                .get_or_try_init(|| self.resolve_caller(req))
                .await
                .cloned(),
            None => self.resolve_caller(req).await,
        }
    }

    async fn resolve_caller(&self, req: &Req) -> AppResult<Option<Caller>> {
        let Some(sid) = req.session.get::<Uuid>(SESSION_KEY).await.internal()? else {
            return Ok(None);
        };
        let Some(row) = user_session::find_active(&self.db, sid, self.idle_secs())
            .await
            .internal()?
        else {
            req.session.flush().await.internal()?;
            return Ok(None);
        };
        if OffsetDateTime::now_utc() - row.last_seen_at > TOUCH_EVERY {
            user_session::touch(&self.db, sid).await.internal()?;
            // The cookie session's record and cookie expire on inactivity too, but
            // tower-sessions renews them only when the session is modified: mark it so
            // (same expiry), or an active user would be signed out an idle timeout after
            // signing in.
            req.session.set_expiry(req.session.expiry());
        }
        let teams = row.teams;
        let team = row
            .current_team_id
            .and_then(|id| teams.iter().find(|t| t.id == id))
            .or_else(|| teams.first())
            .cloned();
        Ok(Some(Caller {
            session_id: sid,
            user_id: row.app_user_id,
            email: row.email,
            display_name: row.display_name,
            team,
            teams,
        }))
    }

    async fn require(&self, req: &Req) -> AppResult<Caller> {
        self.caller(req).await?.ok_or(AppError::Unauthenticated)
    }

    /// Starts a login session for `user_id` in a fresh cookie session.
    async fn sign_in(&self, req: &Req, user_id: Uuid, team_id: Option<Uuid>) -> AppResult<()> {
        // A cookie session that was already signed in ends with this sign-in.
        if let Some(old) = req.session.get::<Uuid>(SESSION_KEY).await.internal()? {
            sqlx::query("update user_session set revoked_at = now() where user_session_id = $1 and revoked_at is null")
                .bind(old)
                .execute(&self.db)
                .await
                .internal()?;
        }
        // A new session id at every sign-in defeats session fixation.
        req.session.cycle_id().await.internal()?;
        let expires_at = OffsetDateTime::now_utc() + self.config.session.absolute_lifetime;
        let sid = user_session::insert(
            &self.db,
            user_id,
            team_id,
            &req.user_agent,
            &ip_text(req),
            expires_at,
        )
        .await
        .internal()?;
        req.session.insert(SESSION_KEY, sid).await.internal()?;
        tracing::info!(user = %user_id, "signed in");
        Ok(())
    }

    async fn hash_new_password(&self, password: &str) -> AppResult<String> {
        validate::new_password(password)?;
        password::hash(password)
            .await
            .map_err(|e| AppError::from(ServerError::Hash(e)))
    }

    /// Refuses sign-in attempts while an account or address has too many recent failures.
    /// For a browser known to the account (`device`) only its own failures at the account
    /// count, not everyone's.
    async fn check_throttle(&self, email: &str, ip: &str, device: Option<&[u8]>) -> AppResult<()> {
        let throttle = &self.config.throttle;
        let recent = login_failure::recent(
            &self.db,
            email,
            ip,
            device,
            throttle.window.as_secs() as i64,
            (throttle.max_per_account, throttle.max_per_ip),
        )
        .await
        .internal()?;
        let (by_account, account_wait) = recent.account;
        let (by_ip, ip_wait) = recent.ip;
        let mut wait = None;
        if by_account >= throttle.max_per_account {
            wait = Some(account_wait);
        }
        if by_ip >= throttle.max_per_ip {
            wait = Some(wait.unwrap_or(0).max(ip_wait));
        }
        if let Some(wait) = wait {
            tracing::warn!(
                by_account,
                by_ip,
                known_device = device.is_some(),
                "sign-in throttled"
            );
            return Err(AppError::TooManyRequests {
                retry_after_secs: wait.max(1) as u64,
            });
        }
        Ok(())
    }

    /// The hash of the request's device token that names a browser known to `user`, if
    /// any. Each token is looked up whether or not the email has an account, so the time
    /// taken tells nothing about it.
    async fn known_device(&self, req: &Req, user: Option<Uuid>) -> AppResult<Option<Vec<u8>>> {
        for token in &req.device_tokens {
            let hash = token::hash(token);
            let owner = known_device::owner(&self.db, &hash).await.internal()?;
            if owner.is_some() && owner == user {
                return Ok(Some(hash));
            }
        }
        Ok(None)
    }

    /// A new device token for `user`: its `Set-Cookie` value.
    async fn new_device_cookie(&self, user: Uuid) -> AppResult<String> {
        let token = token::random_hex(32);
        let expires_at = OffsetDateTime::now_utc() + DEVICE_LIFETIME;
        known_device::insert(&self.db, &token::hash(&token), user, expires_at)
            .await
            .internal()?;
        let secure = if self.config.session.secure_cookie {
            "; Secure"
        } else {
            ""
        };
        Ok(format!(
            "{}={token}; Path=/api/login; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
            app::ssr::DEVICE_COOKIE,
            DEVICE_LIFETIME.as_secs()
        ))
    }

    async fn valid_invite(
        &self,
        db: impl sqlx::PgExecutor<'_>,
        token: &str,
        for_update: bool,
    ) -> AppResult<team_invite::InviteByToken> {
        let invite = team_invite::find_by_token_hash(db, &token::hash(token.trim()), for_update)
            .await
            .internal()?
            .ok_or_else(|| AppError::invalid("token", "invite_invalid"))?;
        if invite.accepted_at.is_some() || invite.revoked_at.is_some() {
            return Err(AppError::invalid("token", "invite_invalid"));
        }
        if invite.expires_at <= OffsetDateTime::now_utc() {
            return Err(AppError::invalid("token", "invite_expired"));
        }
        Ok(invite)
    }

    /// Records a change to the team's members or settings in its audit log.
    async fn audit(&self, team_id: Uuid, user_id: Uuid, action: &str, target: &str) {
        let event = crate::db::audit_event::NewAuditEvent {
            team_id,
            user_id,
            action,
            target,
            region: "",
            request_id: "",
        };
        crate::db::audit_event::record(&self.db, &event).await;
    }
}

/// A member's email, for the audit log.
async fn member_email(db: impl sqlx::PgExecutor<'_>, user_id: Uuid) -> AppResult<String> {
    sqlx::query_scalar("select email from app_user where app_user_id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await
        .internal()
}

fn ip_text(req: &Req) -> String {
    req.ip
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[async_trait]
impl Backend for ConsoleBackend {
    async fn session_info(&self, req: &Req) -> AppResult<SessionInfo> {
        let needs_setup = !self.users_exist.load(Ordering::Relaxed)
            && !app_user::any_exists(&self.db).await.internal()?;
        if !needs_setup {
            self.users_exist.store(true, Ordering::Relaxed);
        }
        let me = self.caller(req).await?.map(|c| Me {
            user_id: c.user_id,
            email: c.email,
            display_name: c.display_name,
            team: c.team,
            teams: c.teams,
        });
        Ok(SessionInfo { needs_setup, me })
    }

    async fn setup_owner(&self, req: &Req, input: SetupInput) -> AppResult<()> {
        let team_name = validate::name("team_name", &input.team_name);
        let display_name = validate::name("display_name", &input.display_name);
        let email = validate::email("email", &input.email);
        // Every field's problem at once, not one per submission.
        AppError::all_fields(vec![
            validate::outcome(&team_name),
            validate::outcome(&display_name),
            validate::outcome(&email),
            validate::new_password(&input.password),
        ])?;
        let (team_name, display_name, email) = (team_name?, display_name?, email?);
        let hash = self.hash_new_password(&input.password).await?;
        let mut tx = self.db.begin().await.internal()?;
        // Serializes concurrent first-run requests: exactly one creates the owner.
        sqlx::query("select pg_advisory_xact_lock(72430001)")
            .execute(&mut *tx)
            .await
            .internal()?;
        if app_user::any_exists(&mut *tx).await.internal()? {
            return Err(AppError::conflict("already_set_up"));
        }
        let user_id = app_user::insert(&mut *tx, &email, &display_name, &hash)
            .await
            .internal()?;
        let team_id = team::insert(&mut *tx, &team_name).await.internal()?;
        team::upsert_member(&mut *tx, team_id, user_id, Role::Owner)
            .await
            .internal()?;
        tx.commit().await.internal()?;
        tracing::info!(user = %user_id, team = %team_id, "first owner created");
        self.sign_in(req, user_id, Some(team_id)).await
    }

    async fn login(&self, req: &Req, email: &str, password: &str) -> AppResult<Option<String>> {
        // No account has such an email; and NUL or a huge value could not be recorded.
        let email = &validate::email("email", email)?;
        let ip = ip_text(req);
        let user = app_user::find_by_email(&self.db, email).await.internal()?;
        let device = self
            .known_device(req, user.as_ref().map(|u| u.app_user_id))
            .await?;
        self.check_throttle(email, &ip, device.as_deref()).await?;
        let ok = password::verify(password, user.as_ref().map(|u| u.password_hash.as_str())).await;
        let Some(user) = user.filter(|_| ok) else {
            login_failure::insert(&self.db, email, &ip, device.as_deref())
                .await
                .internal()?;
            tracing::info!("sign-in failed");
            return Err(AppError::BadCredentials);
        };
        login_failure::clear_account(&self.db, email, device.as_deref())
            .await
            .internal()?;
        let cookie = match device {
            Some(_) => None,
            None => Some(self.new_device_cookie(user.app_user_id).await?),
        };
        let team_id = team::teams_of(&self.db, user.app_user_id)
            .await
            .internal()?
            .first()
            .map(|t| t.id);
        self.sign_in(req, user.app_user_id, team_id).await?;
        Ok(cookie)
    }

    async fn logout(&self, req: &Req) -> AppResult<()> {
        if let Some(sid) = req.session.get::<Uuid>(SESSION_KEY).await.internal()? {
            sqlx::query("update user_session set revoked_at = now() where user_session_id = $1 and revoked_at is null")
                .bind(sid)
                .execute(&self.db)
                .await
                .internal()?;
        }
        req.session.flush().await.internal()?;
        Ok(())
    }

    async fn switch_team(&self, req: &Req, team_id: Uuid) -> AppResult<()> {
        let caller = self.require(req).await?;
        if !caller.teams.iter().any(|t| t.id == team_id) {
            return Err(AppError::NotFound);
        }
        user_session::set_team(&self.db, caller.session_id, team_id)
            .await
            .internal()
    }

    async fn create_team(&self, req: &Req, name: &str) -> AppResult<()> {
        let caller = self.require(req).await?;
        let name = validate::name("name", name)?;
        // Two teams of one name would look the same in the team picker.
        let teams = team::teams_of(&self.db, caller.user_id).await.internal()?;
        if teams
            .iter()
            .any(|t| t.name.to_lowercase() == name.to_lowercase())
        {
            return Err(AppError::invalid("name", "team_name_taken"));
        }
        // A bound on what one account can create (an invitation may still add a team).
        if teams.len() >= MAX_TEAMS_TO_CREATE {
            return Err(AppError::conflict("team_limit"));
        }
        let mut tx = self.db.begin().await.internal()?;
        let team_id = team::insert(&mut *tx, &name).await.internal()?;
        team::upsert_member(&mut *tx, team_id, caller.user_id, Role::Owner)
            .await
            .internal()?;
        user_session::set_team(&mut *tx, caller.session_id, team_id)
            .await
            .internal()?;
        tx.commit().await.internal()?;
        tracing::info!(user = %caller.user_id, team = %team_id, "team created");
        Ok(())
    }

    async fn list_sessions(&self, req: &Req) -> AppResult<Vec<SessionRow>> {
        let caller = self.require(req).await?;
        user_session::list_active(
            &self.db,
            caller.user_id,
            caller.session_id,
            self.idle_secs(),
        )
        .await
        .internal()
    }

    async fn revoke_session(&self, req: &Req, session_id: Uuid) -> AppResult<()> {
        let caller = self.require(req).await?;
        if user_session::revoke(&self.db, caller.user_id, session_id)
            .await
            .internal()?
        {
            tracing::info!(user = %caller.user_id, "login session revoked");
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    async fn revoke_other_sessions(&self, req: &Req) -> AppResult<u64> {
        let caller = self.require(req).await?;
        user_session::revoke_all_but(&self.db, caller.user_id, caller.session_id)
            .await
            .internal()
    }

    async fn list_members(&self, req: &Req) -> AppResult<Vec<Member>> {
        let caller = self.require(req).await?;
        let (team_id, _) = caller.team_with(Role::Viewer)?;
        team::members(&self.db, team_id).await.internal()
    }

    async fn change_member_role(&self, req: &Req, user_id: Uuid, role: Role) -> AppResult<()> {
        let caller = self.require(req).await?;
        let (team_id, my_role) = caller.team_with(Role::Admin)?;
        if user_id == caller.user_id {
            return Err(AppError::conflict("cannot_change_self"));
        }
        let mut tx = self.db.begin().await.internal()?;
        team::lock_members(&mut *tx, team_id).await.internal()?;
        let current = team::role_of(&mut *tx, team_id, user_id)
            .await
            .internal()?
            .ok_or(AppError::NotFound)?;
        if !my_role.can_assign(current) || !my_role.can_assign(role) {
            return Err(AppError::Forbidden);
        }
        if current == Role::Owner
            && role != Role::Owner
            && team::owner_count(&mut *tx, team_id).await.internal()? <= 1
        {
            return Err(AppError::conflict("last_owner"));
        }
        team::set_role(&mut *tx, team_id, user_id, role)
            .await
            .internal()?;
        let email = member_email(&mut *tx, user_id).await?;
        tx.commit().await.internal()?;
        tracing::info!(team = %team_id, member = %user_id, role = role.as_str(), "member role changed");
        let target = format!("{email} ({} → {})", current.as_str(), role.as_str());
        self.audit(team_id, caller.user_id, "member_role_changed", &target)
            .await;
        Ok(())
    }

    async fn remove_member(&self, req: &Req, user_id: Uuid) -> AppResult<()> {
        let caller = self.require(req).await?;
        let (team_id, my_role) = caller.team_with(Role::Admin)?;
        if user_id == caller.user_id {
            return Err(AppError::conflict("cannot_change_self"));
        }
        let mut tx = self.db.begin().await.internal()?;
        team::lock_members(&mut *tx, team_id).await.internal()?;
        let current = team::role_of(&mut *tx, team_id, user_id)
            .await
            .internal()?
            .ok_or(AppError::NotFound)?;
        if !my_role.can_assign(current) {
            return Err(AppError::Forbidden);
        }
        team::remove_member(&mut *tx, team_id, user_id)
            .await
            .internal()?;
        let email = member_email(&mut *tx, user_id).await?;
        tx.commit().await.internal()?;
        tracing::info!(team = %team_id, member = %user_id, "member removed");
        let target = format!("{email} ({})", current.as_str());
        self.audit(team_id, caller.user_id, "member_removed", &target)
            .await;
        Ok(())
    }

    async fn list_invites(&self, req: &Req) -> AppResult<Vec<InviteRow>> {
        let caller = self.require(req).await?;
        let (team_id, _) = caller.team_with(Role::Viewer)?;
        team_invite::pending(&self.db, team_id).await.internal()
    }

    async fn create_invite(&self, req: &Req, email: &str, role: Role) -> AppResult<InviteCreated> {
        let caller = self.require(req).await?;
        let (team_id, my_role) = caller.team_with(Role::Admin)?;
        let email = validate::email("email", email)?;
        if role == Role::Owner {
            return Err(AppError::invalid("role", "role_not_invitable"));
        }
        if !my_role.can_assign(role) {
            return Err(AppError::invalid("role", "role_unknown"));
        }
        let already: bool = sqlx::query_scalar(
            "select exists (select 1 from team_member m join app_user u using (app_user_id)
             where m.team_id = $1 and lower(u.email) = lower($2))",
        )
        .bind(team_id)
        .bind(&email)
        .fetch_one(&self.db)
        .await
        .internal()?;
        if already {
            return Err(AppError::invalid("email", "already_member"));
        }
        let secret = token::random_hex(32);
        let expires_at = OffsetDateTime::now_utc() + self.config.invite_ttl;
        let id = team_invite::insert(
            &self.db,
            team_id,
            &email,
            role,
            &token::hash(&secret),
            caller.user_id,
            expires_at,
        )
        .await
        .internal()?;
        tracing::info!(team = %team_id, invite = %id, "invitation created");
        let target = format!("{email} ({})", role.as_str());
        self.audit(team_id, caller.user_id, "invite_created", &target)
            .await;
        Ok(InviteCreated {
            id,
            path: format!("{}{secret}", app::routes::INVITE_PREFIX),
            expires_at: expires_at.unix_timestamp(),
            email,
        })
    }

    async fn revoke_invite(&self, req: &Req, invite_id: Uuid) -> AppResult<()> {
        let caller = self.require(req).await?;
        let (team_id, _) = caller.team_with(Role::Admin)?;
        let email = team_invite::revoke(&self.db, team_id, invite_id)
            .await
            .internal()?
            .ok_or(AppError::NotFound)?;
        self.audit(team_id, caller.user_id, "invite_revoked", &email)
            .await;
        Ok(())
    }

    async fn invite_info(&self, token: &str) -> AppResult<InviteInfo> {
        let invite = self.valid_invite(&self.db, token, false).await?;
        let existing_account = app_user::find_by_email(&self.db, &invite.email)
            .await
            .internal()?
            .is_some();
        Ok(InviteInfo {
            team_name: invite.team_name,
            email: invite.email,
            role: Role::parse(&invite.role).unwrap_or(Role::Viewer),
            expires_at: invite.expires_at.unix_timestamp(),
            existing_account,
        })
    }

    async fn accept_invite(
        &self,
        req: &Req,
        token: &str,
        display_name: &str,
        password: &str,
    ) -> AppResult<()> {
        let ip = ip_text(req);
        let mut tx = self.db.begin().await.internal()?;
        let invite = self.valid_invite(&mut *tx, token, true).await?;
        let role = Role::parse(&invite.role).unwrap_or(Role::Viewer);
        let user_id = match app_user::find_by_email(&mut *tx, &invite.email)
            .await
            .internal()?
        {
            Some(user) => {
                // Joining with an existing account proves it is theirs, like a sign-in.
                self.check_throttle(&invite.email, &ip, None).await?;
                if !password::verify(password, Some(&user.password_hash)).await {
                    login_failure::insert(&self.db, &invite.email, &ip, None)
                        .await
                        .internal()?;
                    return Err(AppError::BadCredentials);
                }
                user.app_user_id
            }
            None => {
                let name = validate::name("display_name", display_name);
                AppError::all_fields(vec![
                    validate::outcome(&name),
                    validate::new_password(password),
                ])?;
                let name = name?;
                let hash = self.hash_new_password(password).await?;
                app_user::insert(&mut *tx, &invite.email, &name, &hash)
                    .await
                    .internal()?
            }
        };
        if team::role_of(&mut *tx, invite.team_id, user_id)
            .await
            .internal()?
            .is_some()
        {
            return Err(AppError::conflict("already_member"));
        }
        team::upsert_member(&mut *tx, invite.team_id, user_id, role)
            .await
            .internal()?;
        team_invite::mark_accepted(&mut *tx, invite.team_invite_id, user_id)
            .await
            .internal()?;
        tx.commit().await.internal()?;
        tracing::info!(team = %invite.team_id, user = %user_id, "invitation accepted");
        let target = format!("{} ({})", invite.email, role.as_str());
        self.audit(invite.team_id, user_id, "member_joined", &target)
            .await;
        self.sign_in(req, user_id, Some(invite.team_id)).await
    }

    async fn cloud_account(&self, req: &Req) -> AppResult<CloudAccountView> {
        let caller = self.require(req).await?;
        let (team_id, _) = caller.team_with(Role::Viewer)?;
        let row = self.team_cloud_account(team_id).await?;
        Ok(self.view(&row))
    }

    async fn save_cloud_account(
        &self,
        req: &Req,
        input: CloudAccountInput,
    ) -> AppResult<CloudAccountView> {
        let caller = self.require(req).await?;
        let (team_id, _) = caller.team_with(Role::Admin)?;
        let row = match input.kind {
            CloudKind::Emulator => self.use_emulator(team_id, Some(caller.user_id)).await?,
            CloudKind::Tencent => {
                // Every field's problem at once, each by its field.
                let secret_id = input.secret_id.trim();
                let id_ok = secret_id.len() >= 8
                    && secret_id.len() <= 128
                    && secret_id.bytes().all(|b| b.is_ascii_alphanumeric());
                let id_check =
                    AppError::check("secret_id", (!id_ok).then_some("secret_id_invalid"));
                let app_id = match input.app_id.trim() {
                    "" => Ok(None),
                    text => text
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .map(Some)
                        .ok_or_else(|| AppError::invalid("app_id", "app_id_invalid")),
                };
                let key = input.secret_key.trim();
                let key_required = || AppError::invalid("secret_key", "secret_key_required");
                let stored = if key.is_empty() {
                    // Write-only: a blank key keeps the stored Tencent key, if there is one.
                    match cloud_account::find(&self.db, team_id).await.internal()? {
                        Some(old) if old.kind == CloudKind::Tencent.as_str() => self
                            .secrets
                            .open(&old.secret_key_sealed, team_id.as_bytes())
                            .map(|key| (key, old.secret_key_sealed))
                            .ok_or_else(key_required),
                        _ => Err(key_required()),
                    }
                } else {
                    Ok((key.to_owned(), self.secrets.seal(key, team_id.as_bytes())))
                };
                AppError::all_fields(vec![
                    id_check,
                    validate::outcome(&stored),
                    validate::outcome(&app_id),
                ])?;
                let ((key, sealed), app_id) = (stored?, app_id?);
                self.verify_tencent(&Credentials::new(secret_id.to_owned(), key))
                    .await?;
                cloud_account::upsert(
                    &self.db,
                    team_id,
                    CloudKind::Tencent.as_str(),
                    secret_id,
                    &sealed,
                    app_id,
                    Some(caller.user_id),
                )
                .await
                .internal()?
            }
        };
        self.clouds.forget(&team_id);
        tracing::info!(team = %team_id, kind = %row.kind, "cloud account saved");
        let target = format!("{} {}", row.kind, row.secret_id);
        self.audit(team_id, caller.user_id, "cloud_account_saved", &target)
            .await;
        Ok(self.view(&row))
    }
}
