//! `GET /healthz`: the server is up and its database answers.
use axum::extract::State;
use axum::http::StatusCode;

use crate::db::Db;

/// 200 `ok` when the database answers, else 503.
pub async fn healthz(State(db): State<Db>) -> (StatusCode, &'static str) {
    match sqlx::query("select 1").execute(&db).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
