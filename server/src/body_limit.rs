//! The console's request body limit for bodies sent without a length.
//!
//! `RequestBodyLimitLayer` answers 413 from `Content-Length` before anything reads the
//! body. A chunked body has no length: the limit then trips while a server function
//! reads it, and the function can only call that a malformed request (400). Reading such
//! bodies here, up to the limit, gives them the same 413. Console bodies are small forms
//! and JSON, so holding one in memory costs nothing.
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::BODY_LIMIT;

/// Reads a body sent without `Content-Length` before the handler does: 413 over
/// [`BODY_LIMIT`], 400 when the client stops sending it midway.
pub async fn read_unsized_body(req: Request, next: Next) -> Response {
    let unsized_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        && !req.headers().contains_key(header::CONTENT_LENGTH);
    if !unsized_body {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let mut req = Request::from_parts(parts, Body::from(bytes.clone()));
            req.headers_mut()
                .insert(header::CONTENT_LENGTH, bytes.len().into());
            req.headers_mut().remove(header::TRANSFER_ENCODING);
            next.run(req).await
        }
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is over the size limit.",
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "The request body ended early.").into_response(),
    }
}
