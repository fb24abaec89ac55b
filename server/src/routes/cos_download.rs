//! `GET /cos/download?bucket=&region=&key=`: an object of the team's COS, fetched and
//! signed by the console (the browser never holds the keys, and the emulator's COS is
//! only reachable from the server).
use std::collections::HashMap;

use app::api::cos::{bucket_ok, key_ok};
use app::error::AppError;
use app::ssr::{BucketRef, Req, SharedCloud};
use axum::extract::{Query, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// The object as an attachment, or an error status with a short text.
pub async fn download(
    cloud: SharedCloud,
    Query(q): Query<HashMap<String, String>>,
    session: Session,
    request: Request,
) -> Response {
    let field = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (bucket, region, key) = (field("bucket"), field("region"), field("key"));
    if !bucket_ok(&bucket) || app::regions::by_id(&region).is_none() || !key_ok(&key) {
        return (
            StatusCode::BAD_REQUEST,
            "bucket, region or key is not valid",
        )
            .into_response();
    }
    let req = Req::from_parts(session, request.extensions(), request.headers());
    match cloud
        .download_object(&req, BucketRef { bucket, region }, &key)
        .await
    {
        Ok((content_type, bytes)) => {
            let name: String = key
                .rsplit('/')
                .next()
                .unwrap_or("download")
                .chars()
                .filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\')
                .collect();
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            let content_type = HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(err) => error_response(&err),
    }
}

fn error_response(err: &AppError) -> Response {
    let status = match err {
        AppError::Cloud { code, .. } if code.starts_with("NoSuch") => StatusCode::NOT_FOUND,
        other => StatusCode::from_u16(other.status()).unwrap_or(StatusCode::BAD_GATEWAY),
    };
    let text = match err {
        AppError::Cloud {
            code,
            message,
            request_id,
        } => format!("{code}: {message} (RequestId {request_id})"),
        other => other.to_string(),
    };
    (status, text).into_response()
}
