//! The local cloud emulator: the Tencent Cloud API 3.0 wire protocol (same actions, JSON
//! shapes, TC3 signature checks and error codes) over state kept in Postgres (schema
//! `emulator`), so the console and official SDKs work offline.
//!
//! It must not trust anything the console knows: callers authenticate with an account's
//! key pair exactly as against the real cloud.
pub mod account;
mod api;
pub mod cam;
pub mod cls;
mod code;
pub mod cos;
pub mod delivery;
pub mod fault;
pub mod invoke;
mod known_params;
mod media;
mod media_meta;
pub mod mps;
pub mod mps_task;
mod mps_task_list;
pub mod mps_workflow;
mod proxy;
mod region;
pub mod runtime;
mod sandbox;
pub mod scf;
mod scf_namespace;
mod verify;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::time::Duration;

use crate::db::Db;

use account::SigningKey;
pub use api::ApiError;
pub use code::remove_stale_folders as remove_stale_code_folders;
pub use sandbox::active as functions_run_as_own_users;

/// Largest API request body: room for a 50 MB code package in base64 (SCF's limit for
/// `Code.ZipFile`, checked with its own error code) and the other fields.
pub const BODY_LIMIT: usize = 70 * 1024 * 1024;
/// Largest object a COS PUT stores (the objects live in PostgreSQL).
pub const OBJECT_LIMIT: usize = 256 * 1024 * 1024;
/// Time to send a whole API request body (its pieces each within
/// [`crate::body_limit::BODY_TIMEOUT`] of the last): the largest in 2 minutes is 0.6 MB/s.
pub const API_BODY_TIME: Duration = Duration::from_secs(120);
/// Time to send a whole COS object: the largest in 10 minutes is 0.4 MB/s.
pub const OBJECT_BODY_TIME: Duration = Duration::from_secs(600);

/// The emulator's shared state.
#[derive(Clone)]
pub struct Emulator {
    pub db: Db,
    /// The emulator's own base URL, given to functions as their COS endpoint.
    pub public_url: String,
    /// The (account, region) pairs whose `default` namespace is known to exist.
    pub default_namespaces: scf::DefaultNamespaces,
}

impl Emulator {
    pub fn new(db: Db, public_url: String) -> Self {
        Emulator {
            db,
            public_url,
            default_namespaces: scf::DefaultNamespaces::default(),
        }
    }
}

/// The emulator's HTTP API (every action is a POST to `/`, or a GET with its parameters in
/// the query, as the SDKs send when asked to; COS under `/cos/<bucket>`, or
/// virtual-hosted as COS SDKs address it), reachable at `public_url` or as an HTTP proxy
/// for the cloud's own host names ([`proxy`]).
pub fn router(db: Db, public_url: String) -> Router {
    let cos_routes = Router::new()
        .route("/cos", get(cos::list_buckets))
        .route(
            "/cos/{bucket}",
            get(cos::list_objects)
                .put(cos::put_bucket)
                .fallback(cos::not_implemented),
        )
        .route(
            "/cos/{bucket}/{*key}",
            get(cos::get_object)
                .put(cos::put_object)
                .delete(cos::delete_object)
                .fallback(cos::not_implemented),
        )
        .route(cos::INVALID_BUCKET_PATH, any(cos::invalid_bucket))
        .layer(axum::middleware::map_response(cos::response_headers));
    let routes = Router::new()
        .route("/", post(api_call).get(api_get).fallback(not_get_or_post))
        .merge(cos_routes)
        // The API's limit is `read_body`'s; COS objects are limited by `cos::put_object`,
        // which answers in COS's XML. Axum's own 2 MB default would cut below both.
        .fallback(no_such_path)
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(Emulator::new(db, public_url));
    // Rewritten before routing, so a layer on the routes would be too late.
    let app = tower::ServiceBuilder::new()
        .map_request(cos::virtual_host_to_path)
        .service(routes);
    Router::new().fallback_service(proxy::with_tunnels(app))
}

async fn api_call(
    State(emu): State<Emulator>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    match read_body(&emu, &headers, None, body).await {
        Ok((key, body)) => call(&emu, key, &headers, None, &body).await,
        Err(refused) => refused,
    }
}

/// A GET: the parameters are the query, flattened as the SDKs flatten them.
async fn api_get(
    State(emu): State<Emulator>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let query = query.as_deref().unwrap_or("");
    match read_body(&emu, &headers, Some(query), body).await {
        Ok((key, body)) => call(&emu, key, &headers, Some(query), &body).await,
        Err(refused) => refused,
    }
}

/// Reads a call's body once its headers have passed the checks that need no body (a
/// caller without a valid key cannot make the emulator hold tens of megabytes); returns
/// it with the signing key those checks found.
async fn read_body(
    emu: &Emulator,
    headers: &HeaderMap,
    query: Option<&str>,
    body: axum::body::Body,
) -> Result<(SigningKey, Bytes), Response> {
    use crate::body_limit::{collect_within, BodyError};
    let key = verify::check_headers(&emu.db, headers, query)
        .await
        .map_err(|err| refusal(err, headers))?;
    let too_large = || {
        let err = ApiError::new(
            "LimitExceeded",
            format!("The request body is over {} MB.", BODY_LIMIT >> 20),
        )
        .zh(format!("请求体超过 {} MB。", BODY_LIMIT >> 20));
        refusal(err, headers)
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    match collect_within(body, BODY_LIMIT, API_BODY_TIME).await {
        Ok(bytes) => Ok((key, bytes)),
        Err(BodyError::TooLarge) => Err(too_large()),
        Err(BodyError::TimedOut) => Err(body_timed_out()),
        // The client went away or sent a broken body: nobody reads this answer.
        Err(BodyError::Broken) => Err(StatusCode::BAD_REQUEST.into_response()),
    }
}

/// The answer to a body that did not arrive in time: 408, and the connection closes (a
/// caller with a valid key still may not hold it by sending a byte now and then).
fn body_timed_out() -> Response {
    (
        StatusCode::REQUEST_TIMEOUT,
        [(header::CONNECTION, "close")],
        "The request body did not arrive in time.",
    )
        .into_response()
}

/// `/` with a method other than GET and POST.
async fn not_get_or_post(headers: HeaderMap) -> Response {
    let err = ApiError::new(
        "UnsupportedProtocol",
        "API calls are GET or POST requests to /.",
    )
    .zh("API 调用须以 GET 或 POST 请求 /。");
    refusal(err, &headers)
}

/// A path that is neither the API (`/`) nor COS.
async fn no_such_path(headers: HeaderMap) -> Response {
    let err = ApiError::new(
        "UnsupportedProtocol",
        "No such path: API calls go to /, COS requests to /cos/<bucket>.",
    )
    .zh("路径不存在：API 调用请求 /，COS 请求 /cos/<存储桶>。");
    refusal(err, &headers)
}

/// An error answered before the call is carried out, in the envelope and language of a
/// call's answer.
fn refusal(err: ApiError, headers: &HeaderMap) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    envelope(Err(err), &request_id, wants_chinese(headers)).into_response()
}

/// Whether the caller asked for Chinese messages (`X-TC-Language: zh-CN`).
fn wants_chinese(headers: &HeaderMap) -> bool {
    headers
        .get("x-tc-language")
        .is_some_and(|v| v.as_bytes() == b"zh-CN")
}

/// Authenticates, with the `key` its SecretId names, and carries out a call; `query` is a
/// GET's.
async fn call(
    emu: &Emulator,
    key: SigningKey,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let chinese = wants_chinese(headers);
    let ctx = match verify::authenticate(key, headers, query, body) {
        Ok(ctx) => ctx,
        Err(err) => return envelope(Err(err), &request_id, chinese).into_response(),
    };
    let armed = if ctx.faults_armed {
        fault::check(&emu.db, ctx.account_id, &ctx.action).await
    } else {
        Ok(())
    };
    let result = match armed {
        Ok(()) => handle(emu, &ctx, query, body).await,
        Err(fault::Injected::Api(err)) => Err(err),
        Err(fault::Injected::Http500) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "upstream failure (injected)",
            )
                .into_response()
        }
        Err(fault::Injected::Malformed) => {
            return (
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"Response": {"Req"#,
            )
                .into_response()
        }
        Err(fault::Injected::Timeout) => {
            tokio::time::sleep(fault::HANG).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
    };
    envelope(result, &request_id, chinese).into_response()
}

/// Carries out an authenticated call.
async fn handle(
    emu: &Emulator,
    ctx: &verify::CallContext,
    query: Option<&str>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let params = match query {
        Some(query) => api::parse_query_params(query)?,
        None => api::parse_params(body)?,
    };
    let expected = match ctx.service.as_str() {
        "cam" => cam::VERSION,
        "cls" => cls::VERSION,
        "scf" => scf::VERSION,
        "mps" => mps::VERSION,
        "region" => region::VERSION,
        _ => "",
    };
    if !expected.is_empty() && ctx.version != expected {
        return Err(ApiError::new(
            "NoSuchVersion",
            format!(
                "The API version {} does not exist for service {}.",
                ctx.version, ctx.service
            ),
        ));
    }
    known_params::check(&ctx.service, &ctx.action, &params)?;
    match ctx.service.as_str() {
        "cam" => cam::handle(emu, ctx, &params).await,
        "cls" => cls::handle(emu, ctx, &params).await,
        "scf" => scf::handle(emu, ctx, &params).await,
        "mps" => mps::handle(emu, ctx, &params).await,
        "region" => region::handle(ctx, &params),
        _ => Err(ApiError::new(
            "InvalidAction",
            format!(
                "The action {} is not supported by service {}.",
                ctx.action, ctx.service
            ),
        )),
    }
}

/// Wraps a result in the API 3.0 envelope. Errors are HTTP 200 too, as the real API does;
/// their message is Chinese when the request asked for `zh-CN` and the error has one.
fn envelope(result: Result<Value, ApiError>, request_id: &str, chinese: bool) -> Json<Value> {
    let mut response = match result {
        Ok(Value::Object(map)) => Value::Object(map),
        Ok(_) => json!({}),
        Err(err) => {
            tracing::debug!(code = %err.code, %request_id, "emulator answered an error");
            json!({ "Error": { "Code": err.code, "Message": err.message_in(chinese) } })
        }
    };
    response["RequestId"] = json!(request_id);
    Json(json!({ "Response": response }))
}
