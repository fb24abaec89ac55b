//! The emulator as the HTTP proxy of an SDK that keeps the cloud's own host names:
//! requests in absolute form (`POST http://scf.tencentcloudapi.com/`) route as they are,
//! and a `CONNECT` tunnel (Tencent's Node.js SDK opens one even for `http:`) is answered
//! by the emulator itself on the tunnelled connection. It never connects anywhere else.
//!
//! This is how an SDK signs exactly what it would sign against Tencent Cloud: the Node.js
//! SDK, pointed straight at `127.0.0.1:3900`, signs the host without its port and takes
//! the service name from the endpoint's first label.
use std::convert::Infallible;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::{Service, ServiceExt};

/// Serves `app`, answering `CONNECT` with a tunnel into `app` itself.
pub fn with_tunnels<S>(
    app: S,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send>
       + Clone
       + Send
       + Sync
       + 'static
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    tower::service_fn(move |req: Request| {
        let app = app.clone();
        async move {
            if req.method() == Method::CONNECT {
                Ok(tunnel(req, app))
            } else {
                app.oneshot(req).await
            }
        }
    })
}

/// Accepts the tunnel, then serves HTTP/1.1 from `app` on it once the client has the 200.
fn tunnel<S>(req: Request, app: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Future: Send,
{
    tokio::spawn(async move {
        let upgraded = match hyper::upgrade::on(req).await {
            Ok(upgraded) => upgraded,
            Err(err) => {
                tracing::debug!("proxy tunnel not opened: {err}");
                return;
            }
        };
        let serve = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            app.clone().oneshot(req.map(Body::new))
        });
        let served = hyper::server::conn::http1::Builder::new()
            .serve_connection(upgraded, serve)
            .await;
        if let Err(err) = served {
            tracing::debug!("proxy tunnel closed: {err}");
        }
    });
    StatusCode::OK.into_response()
}
