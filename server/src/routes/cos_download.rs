//! `GET /cos/download?bucket=&region=&key=`: an object of the team's COS, fetched and
//! signed by the console (the browser never holds the keys, and the emulator's COS is
//! only reachable from the server). The bytes pass through as they arrive, so a large
//! video costs the server a chunk of memory, not its size.
use std::collections::HashMap;

use app::api::cos::{bucket_ok, key_ok};
use app::error::AppError;
use app::ssr::{BucketRef, ChunkSource, Req, SharedCloud};
use axum::body::Body;
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
    // One byte range (`bytes=0-1023`, `bytes=500-`, `bytes=-500`), as players ask; any
    // other value is dropped and the whole object sent, as HTTP allows.
    let range = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            v.len() <= 64
                && v.strip_prefix("bytes=").is_some_and(|r| {
                    r.contains('-') && r.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                })
        })
        .map(str::to_owned);
    let req = Req::from_parts(session, request.extensions(), request.headers());
    match cloud
        .download_object(&req, BucketRef { bucket, region }, &key, range.as_deref())
        .await
    {
        Ok(download) => {
            let name: String = key
                .rsplit('/')
                .next()
                .unwrap_or("download")
                .chars()
                .filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\')
                .collect();
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            let content_type = HeaderValue::from_str(&download.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let status = if download.content_range.is_some() {
                StatusCode::PARTIAL_CONTENT
            } else {
                StatusCode::OK
            };
            let mut response = (
                status,
                [
                    (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                    // An object is the bucket's content, not the console's: should a
                    // browser ever render one (an HTML file), it runs nothing here.
                    (
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static("sandbox; default-src 'none'"),
                    ),
                ],
                Body::from_stream(chunks(download.body)),
            )
                .into_response();
            if let Some(length) = download.length {
                response
                    .headers_mut()
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            }
            if let Some(range) = download.content_range.and_then(|r| r.parse().ok()) {
                response.headers_mut().insert(header::CONTENT_RANGE, range);
            }
            response
        }
        Err(err) => error_response(&err),
    }
}

/// The source's chunks as a body stream; it ends at the first error, which cuts the
/// response short (the browser reports a failed download rather than a wrong file).
fn chunks(
    source: Box<dyn ChunkSource>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    futures_util::stream::unfold(Some(source), |source| async move {
        let mut source = source?;
        match source.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(source))),
            Ok(None) => None,
            Err(message) => {
                tracing::warn!("download cut short: {message}");
                Some((Err(std::io::Error::other(message)), None))
            }
        }
    })
}

fn error_response(err: &AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_GATEWAY);
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
