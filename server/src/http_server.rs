//! Serving HTTP/1.1 on a TCP listener as `axum::serve` does, with the limits it lacks:
//! a client has [`HEADER_TIMEOUT`] to send each request's head (a client that keeps
//! connections open with unfinished headers, "slowloris", would otherwise hold them, and
//! their file descriptors, for ever), and at most [`MAX_CONNECTIONS`] are open at once
//! (the next ones wait in the kernel's backlog). Every connection gets `TCP_NODELAY`, and
//! every request its client's address as [`ConnectInfo`].
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

/// How long a client may take to send a request's head (method, path, headers).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// Connections served at once, per listener.
pub const MAX_CONNECTIONS: u32 = 4096;

/// Serves `app` on `listener` until `shutdown` completes, then lets the open connections
/// finish their requests and returns.
pub async fn serve(listener: TcpListener, app: Router, shutdown: impl Future<Output = ()> + Send) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS as usize));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let Some((stream, addr, slot)) = accepted else {
            continue;
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service = app.map_request(move |mut req: http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(addr));
                req.map(Body::new)
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            // With upgrades: the emulator answers CONNECT as an HTTP proxy does.
            let conn = builder
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                served = conn.as_mut() => {
                    if let Err(err) = served {
                        tracing::trace!("connection from {addr} ended: {err}");
                    }
                    return;
                }
                _ = stop.wait_for(|stopping| *stopping) => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a slot until it is done.
    let _ = slots.acquire_many(MAX_CONNECTIONS).await;
}

/// The next connection, once a slot is free; `None` after an accept error (those that
/// concern the whole process, such as running out of file descriptors, are logged and
/// followed by a pause, as axum does).
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(TcpStream, SocketAddr, tokio::sync::OwnedSemaphorePermit)> {
    // Never closed: acquiring only waits.
    let slot = Arc::clone(slots).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, addr)) => {
            // A streamed SSR page goes out in several small writes; with Nagle's
            // algorithm each after the first waits for the browser's delayed ACK.
            if let Err(err) = stream.set_nodelay(true) {
                tracing::debug!("could not set TCP_NODELAY: {err}");
            }
            Some((stream, addr, slot))
        }
        Err(err) => {
            use std::io::ErrorKind;
            if !matches!(
                err.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::ConnectionReset
            ) {
                tracing::error!("accept error: {err}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            None
        }
    }
}
