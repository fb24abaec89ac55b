//! Test harness: a real PostgreSQL (the embedded cluster, or `DATABASE_URL`), a fresh
//! database per test, and the real server listening on a loopback port, driven over HTTP
//! by cookie-keeping clients that behave like separate browsers.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::StatusCode;
use serde_json::Value;
use server::config::Config;
use sqlx::PgPool;
use tokio::sync::OnceCell;

mod watchdog;

static CLUSTER: OnceCell<String> = OnceCell::const_new();

/// URL of a maintenance database on the test cluster, started once per test binary.
async fn admin_url() -> String {
    CLUSTER
        .get_or_init(|| async {
            if let Ok(url) = std::env::var("DATABASE_URL") {
                return url;
            }
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-pg");
            let pg = server::db::embedded::EmbeddedPostgres::start(&dir)
                .await
                .expect("the embedded test cluster starts");
            server::db::embedded::wait_ready(&pg.url())
                .await
                .expect("the test cluster accepts connections");
            drop_old_databases(&pg.url()).await;
            // Left running for the other tests; the test command stops it at the end.
            pg.url()
        })
        .await
        .clone()
}

/// How long a test database is kept: longer than any test run, so that only those of
/// earlier runs are dropped.
const TEST_DATABASE_HOURS: u64 = 2;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Drops the test databases of earlier runs (`t_<unix seconds>_<uuid>`, or the older
/// `t_<uuid>`), which would otherwise pile up in the test cluster run after run.
async fn drop_old_databases(admin_url: &str) {
    let Ok(admin) = server::db::connect(admin_url).await else {
        return;
    };
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 't\\_%'")
            .fetch_all(&admin)
            .await
            .unwrap_or_default();
    let cutoff = unix_now().saturating_sub(TEST_DATABASE_HOURS * 3600);
    for name in names {
        let created = name
            .strip_prefix("t_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(secs, _)| secs.parse::<u64>().ok());
        if created.is_none_or(|t| t < cutoff) {
            let _ = sqlx::query(&format!("drop database if exists \"{name}\" with (force)"))
                .execute(&admin)
                .await;
        }
    }
    admin.close().await;
}

/// A new, empty database for one test. Starts the test's time limit (see `watchdog`).
pub async fn fresh_db() -> PgPool {
    watchdog::watch_this_test();
    let admin_url = admin_url().await;
    let admin = server::db::connect(&admin_url)
        .await
        .expect("admin connection");
    let name = format!("t_{}_{}", unix_now(), uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("create database \"{name}\""))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("url has a database");
    server::db::connect(&format!("{base}/{name}"))
        .await
        .expect("test database connection")
}

/// The cloud emulator alone, on a loopback port, with one account.
pub struct TestEmulator {
    pub client: server::cloud::client::CloudClient,
    pub creds: server::cloud::client::Credentials,
    pub account: server::emulator::account::Account,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    pub db: PgPool,
}

impl TestEmulator {
    /// Creates bucket `<name>-<APPID>` in ap-beijing for the account; returns its name.
    pub async fn create_bucket(&self, name: &str) -> String {
        let bucket = format!("{name}-{}", self.account.app_id);
        sqlx::query("insert into emulator.cos_bucket (bucket, account_id, region) values ($1, $2, 'ap-beijing')")
            .bind(&bucket)
            .bind(self.account.account_id)
            .execute(&self.db)
            .await
            .expect("create the bucket");
        bucket
    }

    /// The project's COS client for the account.
    pub fn cos(&self) -> server::cloud::cos::CosClient {
        server::cloud::cos::CosClient::new(
            server::cloud::client::Endpoint::Custom(self.base.clone()),
            self.creds.clone(),
        )
        .expect("COS client")
    }

    /// Calls `action` of `service` (cam, cls, scf or mps) with its API version, in ap-beijing
    /// for the regional services.
    pub async fn call(
        &self,
        service: &str,
        action: &str,
        params: Value,
    ) -> Result<Value, server::cloud::error::CloudError> {
        let version = match service {
            "cam" => "2019-01-16",
            "scf" => "2018-04-16",
            "cls" => "2020-10-16",
            _ => "2019-06-12",
        };
        let region = (service != "cam").then_some("ap-beijing");
        let call = server::cloud::client::Call {
            service,
            version,
            action,
            region,
            idempotent: false,
        };
        self.client.call(&self.creds, call, &params).await
    }

    /// Waits (up to 5 s) until function `name` is Active; panics otherwise.
    pub async fn wait_active(&self, name: &str) {
        for _ in 0..50 {
            let f = self
                .call(
                    "scf",
                    "GetFunction",
                    serde_json::json!({"FunctionName": name}),
                )
                .await
                .expect("GetFunction");
            if f["Status"] == "Active" {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{name} never became Active");
    }
}

/// Starts the emulator on a fresh database and creates an account in it.
pub async fn spawn_emulator() -> TestEmulator {
    let (emu, pooled) = spawn_emulator_without_workers().await;
    server::emulator::delivery::spawn(pooled, emu.base.clone());
    emu
}

/// [`spawn_emulator`] without its delivery workers, as a server stopped after
/// `ProcessMedia` left it: the caller starts them, as a server's start does, with
/// `delivery::spawn` on the pool returned.
pub async fn spawn_emulator_without_workers() -> (TestEmulator, server::db::Db) {
    let db = fresh_db().await;
    server::db::migrate(&db).await.expect("migrations");
    let account = server::emulator::account::create(&db)
        .await
        .expect("emulator account");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let pooled = server::db::Db::new(db.clone());
    let app = server::emulator::router(pooled.clone(), base.clone());
    tokio::spawn(async move {
        server::http_server::serve(listener, app, std::future::pending()).await;
    });
    let emu = TestEmulator {
        client: server::cloud::client::CloudClient::new(server::cloud::client::Endpoint::Custom(
            base.clone(),
        ))
        .expect("cloud client"),
        creds: server::cloud::client::Credentials::new(
            account.secret_id.clone(),
            account.secret_key.clone(),
        ),
        account,
        base,
        db,
    };
    (emu, pooled)
}

/// The server under test.
pub struct TestServer {
    pub base: String,
    pub addr: SocketAddr,
    pub db: PgPool,
    /// Base URL of the emulator this server's teams use by default.
    pub emulator_url: String,
}

/// Starts the server with default configuration on a fresh database.
pub async fn spawn() -> TestServer {
    spawn_with(|_| None).await
}

/// Starts the server with some configuration variables set (see `.env.example`).
pub async fn spawn_with(vars: impl Fn(&str) -> Option<String>) -> TestServer {
    spawn_on(fresh_db().await, vars).await
}

/// Starts the server on database `db` (migrated here), with configuration variables.
pub async fn spawn_on(db: PgPool, vars: impl Fn(&str) -> Option<String>) -> TestServer {
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-data");
    let emulator = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the emulator's port");
    let emulator_url = format!(
        "http://{}",
        emulator.local_addr().expect("emulator address")
    );
    let config = Config::from_lookup(|name| {
        vars(name).or_else(|| match name {
            "BIND_ADDR" => Some("127.0.0.1:0".to_owned()),
            "DATA_DIR" => Some(data_dir.display().to_string()),
            // Teams "on Tencent Cloud" talk to the emulator too, through the Tencent client.
            "TENCENT_API_ENDPOINT" => Some(emulator_url.clone()),
            _ => None,
        })
    })
    .expect("test configuration is valid");
    server::db::migrate(&db).await.expect("migrations");
    let pooled = server::db::Db::new(db.clone());
    let emulator_app = server::emulator::router(pooled.clone(), emulator_url.clone());
    tokio::spawn(async move {
        server::http_server::serve(emulator, emulator_app, std::future::pending()).await;
    });
    server::emulator::delivery::spawn(pooled.clone(), emulator_url.clone());
    let app = server::build(Arc::new(config), pooled, emulator_url.clone())
        .await
        .expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(server::http_server::serve(
        listener,
        app,
        std::future::pending(),
    ));
    TestServer {
        base: format!("http://{addr}"),
        addr,
        db,
        emulator_url,
    }
}

/// One browser: its own cookie jar.
pub struct Browser {
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

/// The answer to a server-function call.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl TestServer {
    /// The SecretId and SecretKey of the emulator account `b`'s team uses, read from the
    /// database (the console never shows the key). Saved as "Tencent Cloud" credentials
    /// they pass the console's check, since the tests' Tencent endpoint is the emulator.
    pub async fn emulator_keys(&self, b: &Browser) -> (String, String) {
        let r = b.call("get_cloud_account", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        let secret_id = r.body["secret_id"].as_str().expect("SecretId").to_owned();
        let key =
            sqlx::query_scalar("select secret_key from emulator.account where secret_id = $1")
                .bind(&secret_id)
                .fetch_one(&self.db)
                .await
                .expect("the team's emulator account");
        (secret_id, key)
    }

    /// A new browser with an empty cookie jar.
    pub fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("integration-test")
            .build()
            .expect("http client");
        Browser {
            client,
            jar,
            base: self.base.clone(),
        }
    }

    /// A browser signed in after creating the first owner of the console.
    pub async fn owner(&self) -> Browser {
        let b = self.browser();
        let r = b
            .call(
                "setup_owner",
                &[
                    ("team_name", "Media"),
                    ("display_name", "Olivia Owner"),
                    ("email", "owner@example.com"),
                    ("password", OWNER_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "setup failed: {r:?}");
        b
    }

    /// Invites `email` with `role` from `inviter`'s current team; a new browser accepts.
    pub async fn invite_and_join(
        &self,
        inviter: &Browser,
        email: &str,
        role: &str,
        name: &str,
    ) -> Browser {
        let r = inviter
            .call("create_invite", &[("email", email), ("role", role)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "invite failed: {r:?}");
        let token = invite_token(&r);
        let b = self.browser();
        let r = b
            .call(
                "accept_invite",
                &[
                    ("token", &token),
                    ("display_name", name),
                    ("password", MEMBER_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "accept failed: {r:?}");
        b
    }
}

/// Password of the owner created by [`TestServer::owner`].
pub const OWNER_PASSWORD: &str = "owner-password-123";
/// Password of members created by [`TestServer::invite_and_join`].
pub const MEMBER_PASSWORD: &str = "member-password-456";

/// The token in a `create_invite` reply.
pub fn invite_token(reply: &Reply) -> String {
    reply.body["path"]
        .as_str()
        .and_then(|p| p.strip_prefix("/invite/"))
        .expect("reply has an invite path")
        .to_owned()
}

impl Browser {
    /// Calls server function `endpoint` with form fields, as the app's JavaScript does.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        self.call_with(endpoint, form, &[]).await
    }

    /// Like [`Browser::call`] with extra request headers.
    pub async fn call_with(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .form(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request reaches the server");
        let status = res.status();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, body }
    }

    /// The signed-in user per the server, or `Null`.
    pub async fn me(&self) -> Value {
        let r = self.call("get_session_info", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        r.body["me"].clone()
    }

    /// The session cookie's value, if the jar holds one.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.base.parse().expect("base url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == server::SESSION_COOKIE)
            .map(|(_, v)| v.to_owned())
    }

    /// A GET of a page as a browser navigates (accepting HTML), not following redirects.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("request reaches the server")
    }
}

/// The `AppError` variant name of an error reply (`"Forbidden"`, `"Invalid"`, …).
pub fn error_kind(reply: &Reply) -> String {
    match &reply.body {
        Value::String(s) => s.clone(),
        Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
        other => other.to_string(),
    }
}

/// The code of a cloud API call that had to be refused; any other outcome fails the test.
pub fn api_error_code<T: std::fmt::Debug>(
    result: Result<T, server::cloud::error::CloudError>,
) -> String {
    match result {
        Err(server::cloud::error::CloudError::Api { code, .. }) => code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The `code` inside an `Invalid` or `Conflict` error reply.
pub fn error_code(reply: &Reply) -> String {
    reply
        .body
        .as_object()
        .and_then(|m| m.values().next())
        .and_then(|v| v["code"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Python with Tencent's official SDKs (CAM, CLS, SCF, MPS and COS) from PyPI, in
/// `target/sdk-venv`, created on first use. Tests run in parallel threads: the first one
/// installs while the others wait (a half-installed package fails to import).
pub fn sdk_python() -> PathBuf {
    static PYTHON: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PYTHON.get_or_init(install_sdk).clone()
}

fn install_sdk() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let venv = root.join("target/sdk-venv");
    let python = venv.join("bin/python");
    let ready = std::process::Command::new(&python)
        .args([
            "-c",
            "import tencentcloud.cam.v20190116, tencentcloud.cls.v20201016, tencentcloud.scf.v20180416, tencentcloud.mps.v20190612, qcloud_cos",
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        let made = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 runs");
        assert!(made.success(), "could not create {}", venv.display());
        let installed = std::process::Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                "tencentcloud-sdk-python-cam",
                "tencentcloud-sdk-python-cls",
                "tencentcloud-sdk-python-scf",
                "tencentcloud-sdk-python-mps",
                "cos-python-sdk-v5",
            ])
            .status()
            .expect("pip runs");
        assert!(
            installed.success(),
            "could not install the official SDK from PyPI"
        );
    }
    python
}

/// Polls `get_function` (Beijing, `default`) until function `name` is Active.
pub async fn wait_active(b: &Browser, name: &str) -> Value {
    for _ in 0..50 {
        let r = b
            .call(
                "get_function",
                &[("rid", "8"), ("ns", "default"), ("name", name)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        if r.body["status"] == "Active" {
            return r.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{name} never became Active");
}
