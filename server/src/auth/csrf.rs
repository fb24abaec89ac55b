//! CSRF defence for every state-changing request.
//!
//! Browsers mark cross-site requests with `Sec-Fetch-Site` and `Origin`; a request that
//! changes state must come from this site. Requests with neither header come from
//! non-browser clients, which cannot carry a victim's cookies, and pass. The session
//! cookie is also `SameSite=Strict`, and no GET changes state.
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Rejects cross-site state-changing requests with 403.
pub async fn reject_cross_site(req: Request, next: Next) -> Response {
    if !is_safe_method(req.method()) && !same_site(&req) {
        tracing::warn!(method = %req.method(), path = %crate::telemetry::loggable_path(req.uri().path()), "cross-site request refused");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(req).await
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_site(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none` is a user typing the URL or using a bookmark.
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return false;
        }
    }
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            match (origin.to_str().ok(), host) {
                (Some(origin), Some(host)) => {
                    origin == format!("http://{host}") || origin == format!("https://{host}")
                }
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn req(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(Method::POST).uri("/api/login");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Body::empty()).expect("valid request")
    }

    #[test]
    fn judges_origins() {
        assert!(same_site(&req(&[("host", "127.0.0.1:3000")])));
        assert!(same_site(&req(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!same_site(&req(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://evil.example")
        ])));
        assert!(!same_site(&req(&[("host", "a"), ("origin", "null")])));
        assert!(!same_site(&req(&[
            ("host", "a"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!same_site(&req(&[
            ("host", "a"),
            ("sec-fetch-site", "same-site")
        ])));
        assert!(same_site(&req(&[
            ("host", "a"),
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://a")
        ])));
    }
}
