//! The console server: axum around the Leptos app, sessions, the database, and (from
//! the cloud issue on) the cloud proxy and emulator.
// Leptos view types nest deeply; rendering them on the server is instantiated here.
#![recursion_limit = "256"]
pub mod auth;
pub mod backend;
pub mod body_limit;
pub mod cloud;
pub mod config;
pub mod console;
pub mod db;
pub mod emulator;
pub mod error;
pub mod http_server;
mod recent;
pub mod render_slots;
pub mod routes;
pub mod secrets;
mod session_store;
pub mod state;
pub mod telemetry;
pub mod templates;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{ClientIp, SharedBackend, SharedCloud};
use app::{shell, App};
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::backend::{ConsoleBackend, PageMemo};
use crate::config::Config;
use crate::console::CloudConsole;
use crate::db::embedded::{EmbeddedError, EmbeddedPostgres};
use crate::db::Db;
use crate::state::AppState;

/// Largest request body accepted (form posts and server-function calls are small).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "console_session";

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("embedded PostgreSQL: {0}")]
    Embedded(#[from] EmbeddedError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("secrets: {0}")]
    Secrets(#[from] secrets::SecretsError),
    #[error("cloud client: {0}")]
    Cloud(#[from] cloud::error::CloudError),
    #[error("another server is running with the data folder {0} (its lock file is {0}/server.lock); stop it first")]
    DataDirInUse(String),
}

/// Runs the server until Ctrl-C or SIGTERM, with the embedded cluster when no
/// `DATABASE_URL` is set; the cluster is stopped on the way out.
///
/// # Errors
/// Start-up failures (database, port in use) and serving errors.
pub async fn run(config: Config) -> Result<(), RunError> {
    let config = Arc::new(config);
    with_database(&config.clone(), Cluster::Own, |url| async move {
        serve(config, &url).await
    })
    .await
}

/// Creates database `name` on the embedded cluster if missing; returns its URL.
///
/// # Errors
/// Connection or DDL failures.
pub async fn ensure_database(pg: &EmbeddedPostgres, name: &str) -> Result<String, RunError> {
    db::embedded::wait_ready(&pg.url()).await?;
    let admin = db::connect(&pg.url()).await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&admin)
            .await?;
    if !exists {
        // Identifiers cannot be bound; `name` is ours, never user input.
        sqlx::query(&format!("create database \"{name}\""))
            .execute(&admin)
            .await?;
    }
    admin.close().await;
    Ok(pg.url_for(name))
}

async fn serve(config: Arc<Config>, url: &str) -> Result<(), RunError> {
    let db = Db::new(db::connect(url).await?);
    let emulator_listener = tokio::net::TcpListener::bind(config.emulator_addr).await?;
    let emulator_url = format!("http://{}", emulator_listener.local_addr()?);
    let app = build(config.clone(), db.clone(), emulator_url).await?;
    let listener = tokio::net::TcpListener::bind(config.bind_addr).await?;
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let emulator = tokio::spawn(serve_emulator(emulator_listener, db.clone(), async move {
        let _ = stop_rx.changed().await;
    }));
    tracing::info!(
        "MPS Callback Console listening on http://{}",
        listener.local_addr()?
    );
    http_server::serve(listener, app, shutdown_signal()).await;
    let _ = stop_tx.send(true);
    let _ = emulator.await;
    db.close().await;
    tracing::info!("server stopped");
    Ok(())
}

/// Serves the emulator on `listener` with its background workers until `shutdown`.
async fn serve_emulator(
    listener: tokio::net::TcpListener,
    db: Db,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let url = format!("http://{}", listener.local_addr()?);
    tracing::info!("cloud emulator listening on {url}");
    emulator::remove_stale_code_folders();
    // Chooses the functions' users now rather than at the first invocation.
    tokio::task::spawn_blocking(|| {
        let own_users = emulator::functions_run_as_own_users();
        tracing::info!("functions run as users of their own: {own_users}");
    });
    let workers = emulator::delivery::spawn(db.clone(), url.clone());
    http_server::serve(listener, emulator::router(db, url), shutdown).await;
    // An event being delivered now rolls back and stays queued for the next start.
    workers.abort();
    Ok(())
}

/// Runs only the cloud emulator (for SDKs and scripts) until Ctrl-C or SIGTERM.
///
/// # Errors
/// Start-up failures and serving errors.
pub async fn run_emulator(config: Config) -> Result<(), RunError> {
    with_database(&config.clone(), Cluster::Own, |url| async move {
        let db = Db::new(db::connect(&url).await?);
        db::migrate(db.sqlx()).await?;
        let listener = tokio::net::TcpListener::bind(config.emulator_addr).await?;
        serve_emulator(listener, db.clone(), shutdown_signal()).await?;
        db.close().await;
        Ok(())
    })
    .await
}

/// Creates an emulator account, with the demo bucket a console-created one gets, and
/// returns its credentials (for SDKs and scripts).
///
/// # Errors
/// Database failures.
pub async fn new_emulator_account(config: Config) -> Result<emulator::account::Account, RunError> {
    with_database(&config, Cluster::Borrow, |url| async move {
        let db = db::connect(&url).await?;
        db::migrate(&db).await?;
        // SDK scripts can start on `media-<APPID>/input/sample.mp4`, as the console does.
        let mut tx = db.begin().await?;
        let account = emulator::account::create(&mut *tx).await?;
        emulator::account::seed_demo(&mut tx, &account).await?;
        tx.commit().await?;
        db.close().await;
        Ok(account)
    })
    .await
}

/// Who stops the embedded cluster when done.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cluster {
    /// A server: stops the cluster on exit, even one it adopted from a killed run.
    Own,
    /// A one-shot command: stops only a cluster it started, never one a live server uses.
    Borrow,
}

/// Runs `f` with the database URL: `DATABASE_URL`, or the embedded cluster, started
/// (or adopted) for the duration and stopped afterwards as `cluster` says.
async fn with_database<T, F, Fut>(config: &Config, cluster: Cluster, f: F) -> Result<T, RunError>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, RunError>>,
{
    match &config.database_url {
        Some(url) => f(url.clone()).await,
        None => {
            // Held until this returns; the system drops it when the process dies, even by
            // SIGKILL, so a killed server's cluster is still adopted by the next one.
            let _lock = match cluster {
                Cluster::Own => Some(lock_data_dir(&config.data_dir)?),
                Cluster::Borrow => None,
            };
            let pg = EmbeddedPostgres::start(&config.data_dir).await?;
            // A server keeps its cluster running: a killed postmaster is started again.
            let supervisor =
                (cluster == Cluster::Own).then(|| tokio::spawn(pg.clone().supervise()));
            let result = match ensure_database(&pg, "console").await {
                Ok(url) => f(url).await,
                Err(err) => Err(err),
            };
            if let Some(supervisor) = supervisor {
                supervisor.abort();
                let _ = supervisor.await;
            }
            if cluster == Cluster::Own || pg.started_here() {
                if let Err(err) = pg.stop().await {
                    tracing::error!("could not stop the embedded PostgreSQL: {err}");
                }
            }
            result
        }
    }
}

/// Takes the data folder for this server: a second server on the same folder would adopt
/// the first one's cluster and, failing to bind its port, stop it under the first.
///
/// # Errors
/// [`RunError::DataDirInUse`] while a server holds the folder; I/O errors.
pub fn lock_data_dir(data_dir: &std::path::Path) -> Result<std::fs::File, RunError> {
    std::fs::create_dir_all(data_dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join("server.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(RunError::DataDirInUse(data_dir.display().to_string()))
        }
        Err(std::fs::TryLockError::Error(err)) => Err(err.into()),
    }
}

/// Migrates `db` and builds the whole application (tests serve it on their own port);
/// teams on the emulator talk to `emulator_url`.
///
/// # Errors
/// Migration failures, or the secrets key unusable.
pub async fn build(config: Arc<Config>, db: Db, emulator_url: String) -> Result<Router, RunError> {
    db::migrate(db.sqlx()).await?;
    let secrets = secrets::SecretBox::load(config.secret_key.as_deref(), &config.data_dir)?;
    let backend = Arc::new(ConsoleBackend::new(
        db.clone(),
        config.clone(),
        secrets,
        emulator_url,
    ));
    let cloud: SharedCloud = Arc::new(CloudConsole::new(backend.clone())?);
    let backend: SharedBackend = backend;
    let store = PostgresStore::new(db.sqlx().clone());
    store.migrate().await?;
    spawn_housekeeping(store.clone(), db.clone(), config.clone());
    let sessions = SessionManagerLayer::new(session_store::CachedStore::new(store))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(config.session.secure_cookie)
        .with_expiry(Expiry::OnInactivity(
            time::Duration::try_from(config.session.idle_timeout)
                .unwrap_or(time::Duration::minutes(30)),
        ));
    let state = AppState {
        leptos_options: leptos_options(&config),
        db,
        config,
    };
    Ok(router(state, sessions, backend, cloud))
}

fn leptos_options(config: &Config) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
        _ => Env::PROD,
    };
    let mut options = LeptosOptions::builder()
        .output_name("mps-callback-console")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.bind_addr)
        .env(env)
        .build();
    if let Some(port) = std::env::var("LEPTOS_RELOAD_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        options.reload_port = port;
    }
    options
}

/// The application router over `state`, answering server functions with `backend` and
/// `cloud`.
pub fn router(
    state: AppState,
    sessions: SessionManagerLayer<session_store::CachedStore>,
    backend: SharedBackend,
    cloud: SharedCloud,
) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (pkg_path, site_files) = site_files(&options);
    let slots = render_slots::RenderSlots::new(state.config.render_slots);
    Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let (backend, cloud) = (backend.clone(), cloud.clone());
                move || {
                    provide_context(backend.clone());
                    provide_context(cloud.clone());
                }
            },
            move || shell(options.clone()),
        )
        // The routes above are the console's pages and server functions.
        .route_layer(middleware::from_fn_with_state(slots, render_slots::admit))
        .route("/healthz", get(routes::health::healthz))
        .route("/scf/templates/{file}", get(routes::template_zip::download))
        .route("/cos/download", {
            let cloud = cloud.clone();
            get(move |q, session, request| {
                routes::cos_download::download(cloud, q, session, request)
            })
        })
        .nest_service(&pkg_path, site_files)
        // The not-found page renders the console shell too (who is signed in, the
        // navigation), so it needs the same context as the routes.
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || {
                provide_context(backend.clone());
                provide_context(cloud.clone());
            },
            shell,
        ))
        .layer(middleware::from_fn(auth::csrf::reject_cross_site))
        .layer(sessions)
        .layer(middleware::from_fn(request_context))
        // The body's size (413, from Content-Length before anything reads it) and the
        // time to send it (408).
        .layer(middleware::from_fn(body_limit::read_body))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    tracing::info_span!(
                        "http",
                        method = %req.method(),
                        path = %telemetry::loggable_path(req.uri().path())
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        // Pages and answers show one member's data: no cache keeps them, so Back after
        // signing out does not show the console again. (`/pkg` files set their own.)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}

/// The front end's files (`/pkg/…`), served apart from the other static files: Leptos's
/// file handler passes on only `Accept-Encoding`, so a browser could never revalidate.
/// The files keep their names from one build to the next, so a browser must ask before
/// reusing one (a 304 when unchanged): after an upgrade, a cached chunk of the old build
/// would not fit the new entry module. A release build is precompressed, and one URL is
/// sent brotli-, gzip- or un-encoded by what the browser accepts, which caches must know.
/// Returns the URL path (`/pkg`, from the options) and its service.
fn site_files(options: &LeptosOptions) -> (String, Router) {
    let pkg = &*options.site_pkg_dir;
    let dir = ServeDir::new(std::path::Path::new(&*options.site_root).join(pkg))
        .precompressed_br()
        .precompressed_gzip();
    let service = Router::new().fallback_service(
        ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache"),
            ))
            .layer(SetResponseHeaderLayer::appending(
                header::VARY,
                HeaderValue::from_static("accept-encoding"),
            ))
            .service(dir),
    );
    (format!("/{pkg}"), service)
}

/// Makes the peer address available to server functions, and gives each page render
/// (a GET) its memo.
async fn request_context(mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut().insert(ClientIp(addr.ip()));
    }
    if req.method() == Method::GET {
        req.extensions_mut().insert(PageMemo::default());
    }
    next.run(req).await
}

/// Deletes expired cookie sessions, old sign-in failures and expired device tokens now
/// and then.
fn spawn_housekeeping(store: PostgresStore, db: Db, config: Arc<Config>) {
    tokio::spawn(async move {
        let _ = store
            .continuously_delete_expired(Duration::from_secs(3600))
            .await;
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let window = config.throttle.window.as_secs() as i64;
            if let Err(err) = db::login_failure::prune(&db, window).await {
                tracing::warn!("pruning sign-in failures: {err}");
            }
            if let Err(err) = db::known_device::prune(&db).await {
                tracing::warn!("pruning known browsers: {err}");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
