//! Render slots: how many pages the server renders at once.
//!
//! Rendering a page is CPU work, and pages rendered side by side share the cores and
//! their caches: at 64 clients on 2 cores, 64 pages in flight each cost more server CPU
//! than 8 at a time, and the slowest waited longest. A page waits, first come first
//! served, for one of a few slots, so the ones let in finish quickly.
//!
//! A slow cloud must not hold the others up. A page gives its slot back after
//! [`HOLD_AT_MOST`] and goes on without one (a page waiting on the real Tencent Cloud,
//! or on a call timing out, does little CPU work), and a page that waits [`WAIT_AT_MOST`]
//! for a slot goes on without one.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

/// The longest a page keeps its slot.
pub const HOLD_AT_MOST: Duration = Duration::from_millis(250);
/// The longest a page waits for a slot.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(1);

/// The default number of slots: four per core, at least four.
pub fn default_count() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .saturating_mul(4)
        .max(4)
}

/// The slots, shared by every request; cheap to clone.
#[derive(Clone)]
pub struct RenderSlots(Arc<Semaphore>);

impl RenderSlots {
    /// `count` slots (at least one).
    pub fn new(count: usize) -> Self {
        RenderSlots(Arc::new(Semaphore::new(count.max(1))))
    }
}

/// Middleware: a page (a GET that is not a server function) is rendered in a slot,
/// which it holds until its body is sent or [`HOLD_AT_MOST`] has passed.
pub async fn admit(State(slots): State<RenderSlots>, req: Request, next: Next) -> Response {
    let is_page = matches!(*req.method(), Method::GET | Method::HEAD)
        && !app::ssr::is_server_fn_path(req.uri().path());
    if !is_page {
        return next.run(req).await;
    }
    let permit = tokio::time::timeout(WAIT_AT_MOST, slots.0.acquire_owned()).await;
    let Ok(Ok(permit)) = permit else {
        return next.run(req).await;
    };
    let mut held = Held {
        permit: Some(permit),
        until: Box::pin(tokio::time::sleep(HOLD_AT_MOST)),
    };
    let run = next.run(req);
    tokio::pin!(run);
    // The head first; the page is mostly rendered while its body streams.
    let response = std::future::poll_fn(|cx| {
        if let Poll::Ready(response) = run.as_mut().poll(cx) {
            return Poll::Ready(response);
        }
        held.give_back_when_due(cx);
        Poll::Pending
    })
    .await;
    let (parts, body) = response.into_parts();
    let mut data = body.into_data_stream();
    let body = futures_util::stream::poll_fn(move |cx| {
        let next = data.poll_next_unpin(cx);
        match next {
            Poll::Ready(None) => held.permit = None,
            Poll::Pending => held.give_back_when_due(cx),
            Poll::Ready(Some(_)) => {}
        }
        next
    });
    Response::from_parts(parts, Body::from_stream(body))
}

/// A slot and when it must be given back.
struct Held {
    permit: Option<OwnedSemaphorePermit>,
    until: Pin<Box<Sleep>>,
}

impl Held {
    /// Gives the slot back once [`HOLD_AT_MOST`] has passed; until then the task is
    /// woken when it has, so that a page stuck waiting still lets it go.
    fn give_back_when_due(&mut self, cx: &mut std::task::Context<'_>) {
        if self.permit.is_some() && self.until.as_mut().poll(cx).is_ready() {
            self.permit = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::routing::get;
    use axum::Router;
    use tokio::sync::Notify;
    use tokio::time::Instant;
    use tower::ServiceExt;

    use super::*;

    fn page(path: &str) -> Request {
        Request::get(path).body(Body::empty()).expect("request")
    }

    async fn read(router: &Router, path: &str) -> String {
        let res = router.clone().oneshot(page(path)).await.expect("answer");
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await;
        String::from_utf8(bytes.expect("body").to_vec()).expect("utf-8")
    }

    #[tokio::test]
    async fn no_more_pages_at_once_than_slots() {
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let handler = {
            let (now, most) = (now.clone(), most.clone());
            move || {
                let (now, most) = (now.clone(), most.clone());
                async move {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    "page"
                }
            }
        };
        let router =
            Router::new()
                .route("/p", get(handler))
                .layer(axum::middleware::from_fn_with_state(
                    RenderSlots::new(2),
                    admit,
                ));
        let pages = (0..8).map(|_| read(&router, "/p"));
        let bodies = futures_util::future::join_all(pages).await;
        assert!(bodies.iter().all(|b| b == "page"));
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_stuck_page_gives_its_slot_back() {
        let (entered, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let stuck = {
            let (entered, release) = (entered.clone(), release.clone());
            move || {
                let (entered, release) = (entered.clone(), release.clone());
                async move {
                    entered.notify_one();
                    release.notified().await;
                    "late"
                }
            }
        };
        let router = Router::new()
            .route("/stuck", get(stuck))
            .route("/p", get(|| async { "page" }))
            .layer(axum::middleware::from_fn_with_state(
                RenderSlots::new(1),
                admit,
            ));
        let first = tokio::spawn({
            let router = router.clone();
            async move { read(&router, "/stuck").await }
        });
        entered.notified().await;
        // The stuck page holds the only slot; the next one gets it when the hold ends.
        let started = Instant::now();
        assert_eq!(read(&router, "/p").await, "page");
        assert!(
            started.elapsed() < WAIT_AT_MOST,
            "it waited for the slot, not the limit"
        );
        release.notify_one();
        assert_eq!(first.await.expect("joined"), "late");
    }

    #[tokio::test]
    async fn server_functions_are_not_queued() {
        let slots = RenderSlots::new(1);
        let _taken = slots.0.clone().acquire_owned().await.expect("slot");
        let router = Router::new()
            .route("/api/x", get(|| async { "answer" }))
            .layer(axum::middleware::from_fn_with_state(slots, admit));
        let started = Instant::now();
        assert_eq!(read(&router, "/api/x").await, "answer");
        assert!(
            started.elapsed() < WAIT_AT_MOST,
            "it waited for the taken slot"
        );
    }
}
