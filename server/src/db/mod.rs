//! The database: connection, migrations, the embedded cluster, and one module per table.
//!
//! Queries use sqlx's runtime-checked API rather than the `query!` macros: the macros need
//! a live database or a prepared cache at compile time, and sqlx-cli would add minutes to
//! every fresh CI build. Each query is exercised by the integration tests instead.
pub mod app_user;
pub mod audit_event;
pub mod cloud_account;
pub mod embedded;
pub mod known_device;
pub mod login_failure;
pub mod mps_binding;
pub mod pool;
pub mod setup_wizard;
pub mod team;
pub mod team_invite;
pub mod user_session;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

pub use pool::Db;

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens a sqlx pool on `url`: for the session store, migrations and one-off commands.
/// Requests query through a [`Db`] made from it.
///
/// # Errors
/// A malformed URL or an unreachable server.
pub async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    let options: PgConnectOptions = url.parse()?;
    PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        // By default sqlx pings every connection it hands out: one more round trip per
        // query, a third of them under load. Only a connection idle for a while, when the
        // database may have restarted under it, is checked; a broken one is replaced.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for < CHECK_AFTER_IDLE {
                    return Ok(true);
                }
                sqlx::Connection::ping(conn).await.map(|()| true)
            })
        })
        .connect_with(options)
        .await
}

/// How long a pooled connection may sit idle before it is checked on the way out (the
/// database may have restarted under it); [`Db`] follows the same rule.
const CHECK_AFTER_IDLE: Duration = Duration::from_millis(250);

/// Applies pending migrations.
///
/// # Errors
/// A migration failing or the history not matching the embedded files.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}
