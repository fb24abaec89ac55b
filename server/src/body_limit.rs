//! The console's limits on request bodies: their size and the time to send them.
//!
//! A body is read here, whole, before any handler sees it:
//! - Over [`BODY_LIMIT`] it gets 413, from `Content-Length` before anything is read, or
//!   once the limit trips for a body sent chunked (a server function reading it itself
//!   could only call that a malformed request, 400).
//! - Not all there within [`BODY_TIMEOUT`], it gets 408 and the connection closes. The
//!   server allows [`crate::http_server::HEADER_TIMEOUT`] for a request's head; without a
//!   limit on the body, connections sending a body a byte at a time could hold every
//!   connection the server takes, without signing in.
//!
//! Console bodies are small forms and JSON, so holding one in memory costs nothing.
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::BODY_LIMIT;

/// Time a client has to send a request's body once its head has come.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(15);

/// Reads a request's body up to [`BODY_LIMIT`] within [`BODY_TIMEOUT`], then passes the
/// request on with it.
pub async fn read_body(req: Request, next: Next) -> Response {
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
    if length.is_some_and(|n| n > BODY_LIMIT as u64) {
        return too_large();
    }
    if !chunked && length.unwrap_or(0) == 0 {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let read = tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, BODY_LIMIT).collect());
    match read.await {
        Ok(Ok(collected)) => {
            let bytes = collected.to_bytes();
            let mut req = Request::from_parts(parts, Body::from(bytes.clone()));
            req.headers_mut().remove(header::TRANSFER_ENCODING);
            req.headers_mut()
                .insert(header::CONTENT_LENGTH, bytes.len().into());
            next.run(req).await
        }
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => too_large(),
        Ok(Err(_)) => (StatusCode::BAD_REQUEST, "The request body ended early.").into_response(),
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            "The request body did not arrive in time.",
        )
            .into_response(),
    }
}

/// Why [`collect_within`] gave up on a body.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Over the limit.
    TooLarge,
    /// A piece did not come within [`BODY_TIMEOUT`] of the last, too little came in a
    /// [`BODY_TIMEOUT`], or the whole not within the total time allowed.
    TimedOut,
    /// The client went away or sent a broken body.
    Broken,
}

/// Least a body sending slowly must bring in each [`BODY_TIMEOUT`] (4 KiB/s).
pub const MIN_BYTES_PER_WINDOW: usize = 64 * 1024;

/// Reads `body` whole, up to `limit` bytes, and all of it within `total`: each piece
/// within [`BODY_TIMEOUT`] of the last, and every [`BODY_TIMEOUT`] at least
/// [`MIN_BYTES_PER_WINDOW`] until it ends. For the emulator's API calls and COS uploads,
/// bigger than the console's forms: they may come slowly, but a caller (even with a
/// valid key) sending a byte now and then gives up its connection within about 30 s.
///
/// # Errors
/// [`BodyError`].
pub async fn collect_within(
    body: Body,
    limit: usize,
    total: Duration,
) -> Result<axum::body::Bytes, BodyError> {
    use tokio::time::Instant;
    let deadline = Instant::now() + total;
    let mut body = Limited::new(body, limit);
    let mut bytes = Vec::new();
    let (mut window_start, mut window_bytes) = (Instant::now(), 0usize);
    loop {
        let wait = (Instant::now() + BODY_TIMEOUT).min(deadline);
        match tokio::time::timeout_at(wait, body.frame()).await {
            Err(_) => return Err(BodyError::TimedOut),
            Ok(None) => return Ok(bytes.into()),
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    bytes.extend_from_slice(data);
                    window_bytes += data.len();
                }
                if window_start.elapsed() >= BODY_TIMEOUT {
                    if window_bytes < MIN_BYTES_PER_WINDOW {
                        return Err(BodyError::TimedOut);
                    }
                    (window_start, window_bytes) = (Instant::now(), 0);
                }
            }
            Ok(Some(Err(err))) if err.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(BodyError::TooLarge)
            }
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
        }
    }
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONNECTION, "close")],
        "The request body is over the size limit.",
    )
        .into_response()
}
