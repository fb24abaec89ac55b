//! COS's XML API in the emulator, path-style: `/cos/<bucket>/<key>`. Requests are signed
//! with `q-sign` over the object path (`/<key>`) and the headers named in the signature,
//! exactly as against `<bucket>.cos.<region>.myqcloud.com`. Virtual-hosted requests, as
//! official COS SDKs send them, are mapped onto the same routes
//! ([`virtual_host_to_path`]).
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use md5::{Digest, Md5};
use std::collections::BTreeMap;
use time::OffsetDateTime;

use super::account::{self, Account};
use super::api::date_time;
use super::Emulator;
use crate::body_limit::{collect_within, BodyError};
use crate::cloud::sign::{cos_sign, signatures_match, CosRequest};

/// Maps COS's virtual-hosted style onto the path-style routes: a request for `/<key>`
/// whose host is `<name>-<APPID>.cos.<region>.<domain>` becomes `/cos/<name>-<APPID>/<key>`,
/// and `/` on `service.cos.<domain>` or `cos.<region>.<domain>` becomes `/cos` (the bucket
/// list). The host comes from an absolute request URI (the emulator used as the SDK's HTTP
/// proxy) or the Host header (a hosts-file entry). Path-style callers send the same Host
/// header with a path already under `/cos/<bucket>`, and pass unchanged; so would a
/// virtual-hosted request for a key that starts with `cos/<bucket>`, the one ambiguity.
pub fn virtual_host_to_path(mut req: axum::extract::Request) -> axum::extract::Request {
    let host = req
        .uri()
        .host()
        .or_else(|| req.headers().get(header::HOST)?.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase());
    let Some(host) = host else { return req };
    let path = req.uri().path();
    let target = match bucket_of_host(&host) {
        Some(bucket) => {
            let prefix = format!("/cos/{bucket}");
            if path == prefix || path.starts_with(&format!("{prefix}/")) {
                return req;
            }
            if path == "/" {
                prefix
            } else {
                format!("{prefix}{path}")
            }
        }
        None if path == "/" && (host.starts_with("service.cos.") || host.starts_with("cos.")) => {
            "/cos".to_owned()
        }
        // A COS host whose bucket is no bucket name (`a_b-125….cos.…`): COS's error, not
        // the API's JSON, which COS SDKs would read as a success (it comes with a 200).
        // (Path-style callers, already at `/cos…`, pass.)
        None if host
            .split_once(".cos.")
            .is_some_and(|(b, _)| !b.is_empty() && b != "service")
            && path != "/cos"
            && !path.starts_with("/cos/") =>
        {
            INVALID_BUCKET_PATH.to_owned()
        }
        None => return req,
    };
    let target = match req.uri().query() {
        Some(q) => format!("{target}?{q}"),
        None => target,
    };
    if let Ok(uri) = target.parse() {
        *req.uri_mut() = uri;
    }
    req
}

/// The headers COS puts on every answer: a request id (errors already carry theirs) and
/// its server name.
pub async fn response_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    if !headers.contains_key("x-cos-request-id") {
        if let Ok(id) = uuid::Uuid::new_v4().to_string().parse() {
            headers.insert("x-cos-request-id", id);
        }
    }
    headers.insert(
        header::SERVER,
        header::HeaderValue::from_static("tencent-cos"),
    );
    response
}

/// Where requests for a COS host that names no valid bucket are routed.
pub const INVALID_BUCKET_PATH: &str = "/cos-invalid-bucket";

/// Any request to [`INVALID_BUCKET_PATH`]: 400 `InvalidBucketName`, the host as its
/// resource.
pub async fn invalid_bucket(headers: HeaderMap) -> CosError {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or(h))
        .unwrap_or("cos");
    CosError::new(
        StatusCode::BAD_REQUEST,
        "InvalidBucketName",
        "The specified bucket is not valid: bucket names are <name>-<APPID>, in lowercase letters, digits and -.",
        host,
    )
}

/// The bucket a virtual-hosted COS host names: `<name>-<APPID>.cos.…`, in a bucket
/// name's characters only (so a Host header cannot reach another path).
fn bucket_of_host(host: &str) -> Option<&str> {
    let (bucket, rest) = host.split_once(".cos.")?;
    let (name, app_id) = bucket.rsplit_once('-')?;
    let digits = !app_id.is_empty() && app_id.bytes().all(|b| b.is_ascii_digit());
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (digits && name_ok && !rest.is_empty()).then_some(bucket)
}

/// `2020-12-10T03:37:30.000Z`, as COS lists times.
fn cos_time(t: OffsetDateTime) -> String {
    date_time(t.to_offset(time::UtcOffset::UTC), 'T', ".000Z")
}

/// An HTTP date (`Thu, 16 May 2019 06:55:53 GMT`), as in `Last-Modified`.
fn http_date(t: OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[usize::from(t.weekday().number_days_from_monday())],
        t.day(),
        MONTHS[usize::from(u8::from(t.month()) - 1)],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A COS error, answered as XML with its HTTP status.
pub struct CosError {
    status: StatusCode,
    code: &'static str,
    message: String,
    resource: String,
}

impl CosError {
    fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        resource: &str,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            resource: resource.to_owned(),
        }
    }

    /// What the emulator does not keep (501 `NotImplemented`); nothing changes.
    fn not_implemented(message: impl Into<String>, resource: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            message,
            resource,
        )
    }
}

impl From<sqlx::Error> for CosError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "emulator COS storage error");
        CosError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "internal error",
            "",
        )
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl IntoResponse for CosError {
    fn into_response(self) -> Response {
        let request_id = uuid::Uuid::new_v4().to_string();
        // An empty element would make cos-python-sdk-v5 drop the whole error (it reads
        // every element's first child), so an error about no resource has none.
        let resource = match self.resource.as_str() {
            "" => String::new(),
            r => format!("<Resource>{}</Resource>", xml_escape(r)),
        };
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>{resource}<RequestId>{request_id}</RequestId><TraceId>{request_id}</TraceId></Error>",
            self.code,
            xml_escape(&self.message),
        );
        (
            self.status,
            [
                (header::CONTENT_TYPE, "application/xml"),
                (
                    header::HeaderName::from_static("x-cos-request-id"),
                    request_id.as_str(),
                ),
            ],
            body,
        )
            .into_response()
    }
}

/// The signature's fields, from the `Authorization` header or the query string.
fn auth_fields(
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
) -> Option<BTreeMap<String, String>> {
    let text = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            query.get("q-signature").map(|_| {
                query
                    .iter()
                    .filter(|(k, _)| k.starts_with("q-"))
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("&")
            })
        })?;
    let fields: BTreeMap<String, String> = text
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (fields.get("q-sign-algorithm").map(String::as_str) == Some("sha1")).then_some(fields)
}

/// Verifies the request's `q-sign` signature over `path`; returns the signing account.
async fn authenticate(
    emu: &Emulator,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
) -> Result<Account, CosError> {
    // Keys and parameters are stored as text, which holds no NUL; COS refuses control
    // characters in them too.
    if path.chars().any(char::is_control) || query.values().any(|v| v.chars().any(char::is_control))
    {
        return Err(CosError::new(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "The object key or a parameter contains a control character.",
            path,
        ));
    }
    let denied = |msg: &str| CosError::new(StatusCode::FORBIDDEN, "AccessDenied", msg, path);
    let fields = auth_fields(headers, query)
        .ok_or_else(|| denied("Request has no valid q-sign Authorization."))?;
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or_default();
    let key_time = get("q-key-time");
    let (start, end) = key_time
        .split_once(';')
        .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
        .ok_or_else(|| denied("q-key-time is malformed."))?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if now < start.saturating_sub(300) || now > end {
        return Err(CosError::new(
            StatusCode::FORBIDDEN,
            "RequestTimeTooSkewed",
            "The signature is not valid at this time.",
            path,
        ));
    }
    let key = account::find_signing_key(&emu.db, get("q-ak"))
        .await?
        .ok_or_else(|| {
            CosError::new(
                StatusCode::FORBIDDEN,
                "InvalidAccessKeyId",
                "The SecretId does not exist.",
                path,
            )
        })?;
    // A temporary key only works with its session token.
    if let Some(token) = &key.session_token {
        let sent = headers
            .get("x-cos-security-token")
            .and_then(|v| v.to_str().ok());
        if sent != Some(token.as_str()) {
            return Err(CosError::new(
                StatusCode::FORBIDDEN,
                "InvalidSecurityToken",
                "The temporary credentials need their x-cos-security-token.",
                path,
            ));
        }
    }
    let account = key.account;
    let mut signed_headers = Vec::new();
    for name in get("q-header-list").split(';').filter(|h| !h.is_empty()) {
        let value = headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        signed_headers.push((name.to_owned(), value.to_owned()));
    }
    let mut signed_params = Vec::new();
    for name in get("q-url-param-list").split(';').filter(|h| !h.is_empty()) {
        signed_params.push((
            name.to_owned(),
            query.get(name).cloned().unwrap_or_default(),
        ));
    }
    let header_refs: Vec<(&str, &str)> = signed_headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let param_refs: Vec<(&str, &str)> = signed_params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let expected = cos_sign(
        &account.secret_key,
        &CosRequest {
            method: method.as_str(),
            path,
            params: &param_refs,
            headers: &header_refs,
            key_time,
        },
    );
    if !signatures_match(&expected.signature, get("q-signature")) {
        return Err(CosError::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The calculated signature does not match the provided one.",
            path,
        ));
    }
    Ok(account)
}

/// Authenticates a call on object `key` of `bucket` and checks the caller owns the
/// bucket; returns the caller and the object path the signature covered.
async fn object_access(
    emu: &Emulator,
    method: &Method,
    headers: &HeaderMap,
    query: &BTreeMap<String, String>,
    bucket: &str,
    key: &str,
) -> Result<(Account, String), CosError> {
    let path = format!("/{key}");
    if key.len() > 850 {
        return Err(CosError::new(
            StatusCode::BAD_REQUEST,
            "KeyTooLong",
            "An object key may have at most 850 bytes.",
            &path,
        ));
    }
    // In a URL's path `.` and `..` folders are resolved away by most clients before the
    // request is signed and sent, so such a key could be stored but hardly read back.
    if key.split('/').any(|part| part == "." || part == "..") {
        return Err(CosError::new(
            StatusCode::BAD_REQUEST,
            "InvalidURI",
            "An object key cannot have a . or .. folder.",
            &path,
        ));
    }
    let account = authenticate(emu, method, &path, headers, query).await?;
    owned_bucket(emu, &account, bucket, headers).await?;
    Ok((account, path))
}

/// Refuses query parameters other than the signature's and `allowed`: COS reads the rest
/// as sub-resources (`?acl`, `?tagging`, `?uploads`, `partNumber`, …), which the emulator
/// does not keep. Served as plain object calls they would overwrite or leak the object.
fn only_params(
    query: &BTreeMap<String, String>,
    allowed: &[&str],
    resource: &str,
) -> Result<(), CosError> {
    let signature = |k: &str| k.starts_with("q-") || k == "x-cos-security-token";
    match query
        .keys()
        .find(|k| !signature(k) && !allowed.contains(&k.as_str()))
    {
        Some(other) => Err(CosError::not_implemented(
            format!("The emulator does not support the {other} parameter here."),
            resource,
        )),
        None => Ok(()),
    }
}

/// Any other method on a bucket or object (`POST ?delete`, `DELETE` of a bucket, …).
pub async fn not_implemented(method: Method, uri: axum::http::Uri) -> CosError {
    CosError::not_implemented(
        format!("The emulator does not support {method} here."),
        uri.path(),
    )
}

/// Object bodies read at once (each is held whole until stored).
static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
/// How long an upload waits for one of the [`UPLOADS`] slots.
const UPLOAD_SLOT_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// `<name>-<APPID>`: lowercase letters, digits and `-`, the name at most 50 characters.
fn valid_bucket_name(bucket: &str, app_id: i64) -> bool {
    match bucket.rsplit_once('-') {
        Some((name, id)) => {
            id == app_id.to_string()
                && (1..=50).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !name.starts_with('-')
        }
        None => false,
    }
}

/// The bucket, checked to belong to `account`.
async fn owned_bucket(
    emu: &Emulator,
    account: &Account,
    bucket: &str,
    headers: &HeaderMap,
) -> Result<(), CosError> {
    let owner: Option<(i64, String)> =
        sqlx::query_as("select account_id, region from emulator.cos_bucket where bucket = $1")
            .bind(bucket)
            .fetch_optional(&emu.db)
            .await?;
    // Addressed through another region's endpoint, COS does not find the bucket.
    let elsewhere = |region: &str| host_region(headers).is_some_and(|asked| asked != region);
    let Some((owner, _)) = owner.filter(|(_, region)| !elsewhere(region)) else {
        return Err(CosError::new(
            StatusCode::NOT_FOUND,
            "NoSuchBucket",
            "The specified bucket does not exist.",
            bucket,
        ));
    };
    if owner != account.account_id {
        return Err(CosError::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Access denied.",
            bucket,
        ));
    }
    Ok(())
}

/// The region of the endpoint a request was addressed to (`Host:
/// <bucket>.cos.<region>.myqcloud.com`), when the Host names one the emulator knows.
fn host_region(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.split(".cos.").nth(1))
        .and_then(|rest| rest.split('.').next())
        .filter(|r| app::regions::by_id(r).is_some())
}

/// `PUT /cos/<bucket>`: creates a bucket in the region named by the Host header
/// (`<bucket>.cos.<region>.myqcloud.com`), else `ap-beijing`.
pub async fn put_bucket(
    State(emu): State<Emulator>,
    Path(bucket): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, CosError> {
    only_params(&query, &[], &bucket)?;
    let account = authenticate(&emu, &method, "/", &headers, &query).await?;
    // The body, when there is one, is a `CreateBucketConfiguration` whose settings
    // (availability zone, …) the emulator does not keep; it must still be XML.
    let malformed = || {
        CosError::new(
            StatusCode::BAD_REQUEST,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema.",
            &bucket,
        )
    };
    let body = collect_within(body, BUCKET_BODY_LIMIT, super::API_BODY_TIME)
        .await
        .map_err(|_| malformed())?;
    if !body.is_empty() && !well_formed_xml(&body) {
        return Err(malformed());
    }
    if !valid_bucket_name(&bucket, account.app_id) {
        return Err(CosError::new(
            StatusCode::BAD_REQUEST,
            "InvalidBucketName",
            format!("Bucket names are <name>-{}: lowercase letters, digits and -, at most 50 before the APPID.", account.app_id),
            &bucket,
        ));
    }
    let region = host_region(&headers).unwrap_or("ap-beijing").to_owned();
    let inserted = sqlx::query("insert into emulator.cos_bucket (bucket, account_id, region) values ($1, $2, $3) on conflict do nothing")
        .bind(&bucket)
        .bind(account.account_id)
        .bind(&region)
        .execute(&emu.db)
        .await?;
    // The name carries the caller's APPID, so an existing bucket of that name is theirs.
    if inserted.rows_affected() == 0 {
        return Err(CosError::new(
            StatusCode::CONFLICT,
            "BucketAlreadyOwnedByYou",
            "You have already created this bucket.",
            &bucket,
        ));
    }
    Ok(StatusCode::OK.into_response())
}

/// The most a bucket's configuration body may hold.
const BUCKET_BODY_LIMIT: usize = 64 * 1024;

/// Whether `body` is one well-formed XML element (with an optional declaration).
fn well_formed_xml(body: &[u8]) -> bool {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::Text(t)) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                return false
            }
            Ok(Event::Eof) => return depth == 0 && roots == 1,
            Ok(_) => {}
            Err(_) => return false,
        }
        buf.clear();
    }
}

/// `PUT /cos/<bucket>/<key>`: stores an object.
pub async fn put_object(
    State(emu): State<Emulator>,
    Path((bucket, key)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, CosError> {
    // The size and the signature are checked from the headers before a byte of the body
    // is read, and bodies are read a few at a time: each is held in memory whole.
    let too_large = || {
        CosError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "EntityTooLarge",
            format!(
                "An object may be at most {} MB here.",
                super::OBJECT_LIMIT / (1024 * 1024)
            ),
            &format!("/{key}"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > super::OBJECT_LIMIT as u64) {
        return Err(too_large());
    }
    let (account, path) = object_access(&emu, &method, &headers, &query, &bucket, &key).await?;
    only_params(&query, &[], &path)?;
    if headers.contains_key("x-cos-copy-source") {
        return Err(CosError::not_implemented(
            "The emulator does not copy objects (x-cos-copy-source).",
            &path,
        ));
    }
    // Two slots for every caller: one waiting long is told to slow down, as COS does.
    let Ok(_slot) = tokio::time::timeout(UPLOAD_SLOT_WAIT, UPLOADS.acquire()).await else {
        return Err(CosError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SlowDown",
            "Please reduce your request rate.",
            &path,
        ));
    };
    let body: Bytes =
        match collect_within(body, super::OBJECT_LIMIT, super::OBJECT_BODY_TIME).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) => return Err(too_large()),
            Err(BodyError::TimedOut) => {
                return Err(CosError::new(
                    StatusCode::BAD_REQUEST,
                    "RequestTimeout",
                    "Your socket connection to the server was not read from or written to within the timeout period.",
                    &path,
                ))
            }
            Err(BodyError::Broken) => {
                return Err(CosError::new(
                    StatusCode::BAD_REQUEST,
                    "IncompleteBody",
                    "You did not provide the number of bytes specified by the Content-Length HTTP header.",
                    &path,
                ))
            }
        };
    let digest = Md5::digest(&body);
    if let Some(sent) = headers.get("content-md5") {
        check_content_md5(sent.as_bytes(), &digest, &path)?;
    }
    let etag = crate::cloud::sign::hex(&digest);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream");
    sqlx::query(
        "insert into emulator.cos_object (bucket, key, body, content_type, etag, size) values ($1, $2, $3, $4, $5, $6)
         on conflict (bucket, key) do update set body = excluded.body, content_type = excluded.content_type,
           etag = excluded.etag, size = excluded.size, last_modified = now()",
    )
    .bind(&bucket)
    .bind(&key)
    .bind(body.as_ref())
    .bind(content_type)
    .bind(&etag)
    .bind(body.len() as i64)
    .execute(&emu.db)
    .await?;
    // An upload can start MPS workflows; a failure there must not fail the upload.
    if let Err(err) =
        super::mps_workflow::on_upload(&emu.db, account.account_id, account.app_id, &bucket, &key)
            .await
    {
        tracing::warn!("starting workflows for an upload: {err}");
    }
    Ok((StatusCode::OK, [(header::ETAG, format!("\"{etag}\""))]).into_response())
}

/// A `Content-MD5` header (the body's MD5, base64) against the body's digest: 400
/// `InvalidDigest` when it is no MD5, `BadDigest` when it is another body's.
fn check_content_md5(sent: &[u8], digest: &[u8], path: &str) -> Result<(), CosError> {
    use base64::Engine as _;
    match base64::engine::general_purpose::STANDARD.decode(sent) {
        Ok(md5) if md5.len() == 16 => {
            if md5 == digest {
                Ok(())
            } else {
                Err(CosError::new(
                    StatusCode::BAD_REQUEST,
                    "BadDigest",
                    "The Content-MD5 you specified did not match what was received.",
                    path,
                ))
            }
        }
        _ => Err(CosError::new(
            StatusCode::BAD_REQUEST,
            "InvalidDigest",
            "The Content-MD5 you specified is not valid.",
            path,
        )),
    }
}

/// The response overrides a GET may ask for; only the content type is applied.
const RESPONSE_PARAMS: &[&str] = &[
    "response-content-type",
    "response-content-disposition",
    "response-content-language",
    "response-content-encoding",
    "response-cache-control",
    "response-expires",
];

/// `GET`/`HEAD /cos/<bucket>/<key>`: an object's bytes (or just its headers).
pub async fn get_object(
    State(emu): State<Emulator>,
    Path((bucket, key)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, CosError> {
    let (_, path) = object_access(&emu, &method, &headers, &query, &bucket, &key).await?;
    only_params(&query, RESPONSE_PARAMS, &path)?;
    let row: Option<(Vec<u8>, String, String, OffsetDateTime)> = sqlx::query_as(
        "select body, content_type, etag, last_modified from emulator.cos_object where bucket = $1 and key = $2",
    )
    .bind(&bucket)
    .bind(&key)
    .fetch_optional(&emu.db)
    .await?;
    let (body, content_type, etag, modified) = row.ok_or_else(|| {
        CosError::new(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
            &path,
        )
    })?;
    let content_type = match query.get("response-content-type") {
        Some(asked) if axum::http::HeaderValue::from_str(asked).is_err() => {
            return Err(CosError::new(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                "response-content-type is not a valid header value.",
                &path,
            ))
        }
        Some(asked) => asked.clone(),
        None => content_type,
    };
    let last_modified = http_date(modified);
    let total = body.len();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| byte_range(v, total));
    let (status, body, content_range) = match range {
        None => (StatusCode::OK, body, None),
        Some(Err(())) => {
            // As RFC 9110 asks of a 416: the object's length, for the client's next range.
            let mut response = CosError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable.",
                &path,
            )
            .into_response();
            if let Ok(value) = format!("bytes */{total}").parse() {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return Ok(response);
        }
        Some(Ok((first, last))) => (
            StatusCode::PARTIAL_CONTENT,
            body[first..=last].to_vec(),
            Some(format!("bytes {first}-{last}/{total}")),
        ),
    };
    let length = body.len();
    let body = if method == Method::HEAD {
        Vec::new()
    } else {
        body
    };
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::ETAG, format!("\"{etag}\"")),
            (header::LAST_MODIFIED, last_modified),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::ACCEPT_RANGES, "bytes".to_owned()),
        ],
        body,
    )
        .into_response();
    if let Some(value) = content_range.and_then(|v| v.parse().ok()) {
        response.headers_mut().insert(header::CONTENT_RANGE, value);
    }
    Ok(response)
}

/// The first and last byte a `Range: bytes=…` header asks for in an object of `total`
/// bytes: `None` to send it whole (no single byte range, as for a multi-range request),
/// `Err` when nothing of it lies inside the object.
fn byte_range(header: &str, total: usize) -> Option<Result<(usize, usize), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let (first, last) = spec.split_once('-')?;
    if spec.contains(',') {
        return None;
    }
    // Digits past usize are a position past any object, not a malformed header.
    let number = |s: &str| -> Option<usize> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().unwrap_or(usize::MAX))
    };
    let (first, last) = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let n: usize = number(suffix)?;
            if n == 0 || total == 0 {
                return Some(Err(()));
            }
            (total.saturating_sub(n), total - 1)
        }
        (first, "") => (number(first)?, total.checked_sub(1)?),
        (first, last) => {
            let (first, last) = (number(first)?, number(last)?);
            if last < first {
                return None;
            }
            (first, last.min(total.checked_sub(1)?))
        }
    };
    Some(if first < total {
        Ok((first, last))
    } else {
        Err(())
    })
}

/// `DELETE /cos/<bucket>/<key>`: removes an object (204 even when it was not there).
pub async fn delete_object(
    State(emu): State<Emulator>,
    Path((bucket, key)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, CosError> {
    let (_, path) = object_access(&emu, &method, &headers, &query, &bucket, &key).await?;
    only_params(&query, &[], &path)?;
    sqlx::query("delete from emulator.cos_object where bucket = $1 and key = $2")
        .bind(&bucket)
        .bind(&key)
        .execute(&emu.db)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /cos/<bucket>`: lists objects by `prefix`, `delimiter`, `marker`, `max-keys`.
pub async fn list_objects(
    State(emu): State<Emulator>,
    Path(bucket): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, CosError> {
    only_params(
        &query,
        &["prefix", "delimiter", "marker", "max-keys", "encoding-type"],
        &bucket,
    )?;
    let account = authenticate(&emu, &method, "/", &headers, &query).await?;
    owned_bucket(&emu, &account, &bucket, &headers).await?;
    // `encoding-type=url`: names go out percent-encoded (COS SDKs ask for it and decode).
    let encode = match query.get("encoding-type").map(String::as_str) {
        None => xml_escape,
        Some("url") => |s: &str| xml_escape(&cloud_wire::sign::url_encode(s).replace("%2F", "/")),
        Some(_) => {
            return Err(CosError::new(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                "encoding-type must be url.",
                "/",
            ))
        }
    };
    let prefix = query.get("prefix").cloned().unwrap_or_default();
    let delimiter = query.get("delimiter").cloned().unwrap_or_default();
    let marker = query.get("marker").cloned().unwrap_or_default();
    let max_keys: usize = match query.get("max-keys") {
        None => 1000,
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                CosError::new(
                    StatusCode::BAD_REQUEST,
                    "InvalidArgument",
                    "max-keys must be 1 to 1000.",
                    "/",
                )
            })?,
    };
    let rows: Vec<(String, String, i64, OffsetDateTime)> = sqlx::query_as(
        "select key, etag, size, last_modified from emulator.cos_object
         where bucket = $1 and starts_with(key, $2) and key > $3 order by key",
    )
    .bind(&bucket)
    .bind(&prefix)
    .bind(&marker)
    .fetch_all(&emu.db)
    .await?;
    let mut contents = String::new();
    let mut prefixes: Vec<String> = Vec::new();
    let mut count = 0;
    // The last key or common prefix listed: where the next page starts.
    let mut last = String::new();
    let mut truncated = false;
    for (key, etag, size, modified) in rows {
        let rest = &key[prefix.len()..];
        let common = (!delimiter.is_empty())
            .then(|| rest.find(&delimiter))
            .flatten()
            .map(|pos| format!("{prefix}{}", &rest[..pos + delimiter.len()]));
        // Keys rolled up into a prefix already listed, on this page or (as the marker)
        // on an earlier one, are not listed again.
        if let Some(common) = &common {
            if prefixes.last() == Some(common) || *common <= marker {
                continue;
            }
        }
        if count == max_keys {
            truncated = true;
            break;
        }
        count += 1;
        match common {
            Some(common) => {
                last.clone_from(&common);
                prefixes.push(common);
            }
            None => {
                let modified = cos_time(modified);
                contents.push_str(&format!(
                    "<Contents><Key>{}</Key><LastModified>{modified}</LastModified><ETag>&quot;{etag}&quot;</ETag><Size>{size}</Size><Owner><ID>{}</ID><DisplayName>{}</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>",
                    encode(&key),
                    account.app_id,
                    account.app_id
                ));
                last = key;
            }
        }
    }
    let common: String = prefixes
        .iter()
        .map(|p| {
            format!(
                "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
                encode(p)
            )
        })
        .collect();
    let next = if truncated {
        format!("<NextMarker>{}</NextMarker>", encode(&last))
    } else {
        String::new()
    };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>{}</Name><Prefix>{}</Prefix><Marker>{}</Marker><MaxKeys>{max_keys}</MaxKeys><Delimiter>{}</Delimiter><IsTruncated>{truncated}</IsTruncated>{next}{contents}{common}</ListBucketResult>",
        xml_escape(&bucket),
        encode(&prefix),
        encode(&marker),
        encode(&delimiter)
    );
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response())
}

/// `GET /cos`: the account's buckets.
pub async fn list_buckets(
    State(emu): State<Emulator>,
    Query(query): Query<BTreeMap<String, String>>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, CosError> {
    let account = authenticate(&emu, &method, "/", &headers, &query).await?;
    let rows: Vec<(String, String, OffsetDateTime)> = sqlx::query_as(
        "select bucket, region, created_at from emulator.cos_bucket where account_id = $1 order by bucket",
    )
    .bind(account.account_id)
    .fetch_all(&emu.db)
    .await?;
    let buckets: String = rows
        .iter()
        .map(|(name, region, created)| {
            format!(
                "<Bucket><Name>{}</Name><Location>{region}</Location><CreationDate>{}</CreationDate></Bucket>",
                xml_escape(name),
                cos_time(*created)
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult><Owner><ID>qcs::cam::uin/{}:uin/{}</ID><DisplayName>{}</DisplayName></Owner><Buckets>{buckets}</Buckets></ListAllMyBucketsResult>",
        account.uin, account.uin, account.uin
    );
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        assert!(valid_bucket_name("mps-out-1250000001", 1_250_000_001));
        assert!(
            !valid_bucket_name("mps-out-1250000002", 1_250_000_001),
            "another account's APPID"
        );
        assert!(!valid_bucket_name("Upper-1250000001", 1_250_000_001));
        assert!(!valid_bucket_name("-x-1250000001", 1_250_000_001));
        assert!(!valid_bucket_name("nohyphen", 1_250_000_001));
        assert!(!valid_bucket_name(
            &format!("{}-1250000001", "a".repeat(51)),
            1_250_000_001
        ));
    }

    fn rewritten(uri: &str, host: Option<&str>) -> String {
        let mut req = axum::extract::Request::builder().uri(uri);
        if let Some(host) = host {
            req = req.header(header::HOST, host);
        }
        let req = req.body(axum::body::Body::empty()).expect("request");
        virtual_host_to_path(req).uri().to_string()
    }

    #[test]
    fn virtual_hosted_requests_map_onto_the_path_style_routes() {
        let host = Some("media-1250000001.cos.ap-beijing.myqcloud.com");
        // Through the emulator as an HTTP proxy: an absolute URI.
        assert_eq!(
            rewritten(
                "http://media-1250000001.cos.ap-beijing.myqcloud.com/dir/a%20b.mp4?x=1",
                host
            ),
            "/cos/media-1250000001/dir/a%20b.mp4?x=1"
        );
        // A hosts-file entry: the Host header alone.
        assert_eq!(
            rewritten("/?prefix=dir/", host),
            "/cos/media-1250000001?prefix=dir/"
        );
        assert_eq!(
            rewritten("/k", Some("media-1250000001.cos.ap-beijing.localhost:3900")),
            "/cos/media-1250000001/k"
        );
        assert_eq!(
            rewritten("/", Some("service.cos.myqcloud.com")),
            "/cos",
            "the bucket list"
        );
        // Path-style callers send the virtual Host with their path: unchanged.
        assert_eq!(
            rewritten("/cos/media-1250000001/k", host),
            "/cos/media-1250000001/k"
        );
        assert_eq!(
            rewritten("/cos/media-1250000001", host),
            "/cos/media-1250000001"
        );
        assert_eq!(rewritten("/cos", Some("service.cos.myqcloud.com")), "/cos");
        // API calls; COS hosts that name no valid bucket get COS's InvalidBucketName.
        assert_eq!(rewritten("/", Some("scf.tencentcloudapi.com")), "/");
        assert_eq!(rewritten("/", Some("127.0.0.1:3900")), "/");
        assert_eq!(
            rewritten("/k", Some("nobucket.cos.ap-beijing.myqcloud.com")),
            INVALID_BUCKET_PATH
        );
        assert_eq!(
            rewritten("/k", Some("a/b-125.cos.ap-beijing.myqcloud.com")),
            INVALID_BUCKET_PATH,
            "only a bucket name's characters"
        );
        assert_eq!(
            rewritten("/k?x=1", Some("a_b-125.cos.ap-beijing.myqcloud.com")),
            format!("{INVALID_BUCKET_PATH}?x=1")
        );
    }

    #[test]
    fn bucket_configurations_must_be_xml() {
        for good in [
            &b"<CreateBucketConfiguration><BucketAZConfig>MAZ</BucketAZConfig></CreateBucketConfiguration>"[..],
            b"<?xml version=\"1.0\"?>\n<CreateBucketConfiguration/>\n",
        ] {
            assert!(well_formed_xml(good), "{}", String::from_utf8_lossy(good));
        }
        for bad in [
            &b"<CreateBucketConfiguration><bad"[..],
            b"<a></b>",
            b"<a/><b/>",
            b"text",
            b"<a>",
            b"",
        ] {
            assert!(!well_formed_xml(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn content_md5() {
        let digest = Md5::digest(b"abc");
        // base64 of MD5("abc")
        assert!(check_content_md5(b"kAFQmDzST7DWlj99KOF/cg==", &digest, "/k").is_ok());
        let code = |sent: &[u8]| check_content_md5(sent, &digest, "/k").err().map(|e| e.code);
        assert_eq!(code(b"AAAAAAAAAAAAAAAAAAAAAA=="), Some("BadDigest"));
        assert_eq!(code(b"!!!"), Some("InvalidDigest"));
        assert_eq!(code(b"YWJj"), Some("InvalidDigest"), "three bytes, no MD5");
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(byte_range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(byte_range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(byte_range("bytes=-500", 100), Some(Ok((0, 99))));
        assert_eq!(byte_range("bytes=50-500", 100), Some(Ok((50, 99))));
        assert_eq!(byte_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(byte_range("bytes=-0", 100), Some(Err(())));
        // Past usize: past the object.
        assert_eq!(
            byte_range("bytes=99999999999999999999-", 100),
            Some(Err(()))
        );
        assert_eq!(
            byte_range("bytes=0-99999999999999999999", 100),
            Some(Ok((0, 99)))
        );
        assert_eq!(byte_range("bytes=x-", 100), None);
        // Sent whole: several ranges, a reversed one, another unit, nonsense.
        for whole in [
            "bytes=0-1,5-6",
            "bytes=9-1",
            "items=0-1",
            "bytes=a-b",
            "bytes=0-1-2",
        ] {
            assert_eq!(byte_range(whole, 100), None, "{whole}");
        }
        assert_eq!(byte_range("bytes=0-", 0), None);
    }

    #[test]
    fn cos_times() {
        let t = OffsetDateTime::from_unix_timestamp(1_557_989_753).expect("time");
        assert_eq!(cos_time(t), "2019-05-16T06:55:53.000Z");
        assert_eq!(http_date(t), "Thu, 16 May 2019 06:55:53 GMT");
    }
}
