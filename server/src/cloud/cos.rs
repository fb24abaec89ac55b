//! The COS XML API client: list buckets, list objects by prefix, get and put objects,
//! signed with `q-sign`. Against Tencent Cloud it uses `<bucket>.cos.<region>.myqcloud.com`;
//! against the emulator, its path-style `/cos/<bucket>` with the same Host header signed.
use serde::Deserialize;

use super::client::{Credentials, Endpoint};
use super::error::CloudError;
use super::sign::{cos_sign, url_encode, CosRequest};

/// A COS client for one account.
#[derive(Clone)]
pub struct CosClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    creds: Credentials,
}

/// A bucket.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub creation_date: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListAllMyBucketsResult {
    #[serde(default)]
    buckets: Buckets,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Buckets {
    #[serde(default)]
    bucket: Vec<Bucket>,
}

/// An object in a listing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Object {
    pub key: String,
    pub last_modified: String,
    #[serde(rename = "ETag", default)]
    pub etag: String,
    pub size: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CommonPrefix {
    prefix: String,
}

/// One page of a bucket listing.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectList {
    #[serde(default)]
    pub is_truncated: bool,
    #[serde(default)]
    pub next_marker: Option<String>,
    #[serde(default)]
    pub contents: Vec<Object>,
    #[serde(default, rename = "CommonPrefixes")]
    common_prefixes: Vec<CommonPrefix>,
}

impl ObjectList {
    /// The "folders" under the listed prefix (with a delimiter).
    pub fn folders(&self) -> Vec<&str> {
        self.common_prefixes
            .iter()
            .map(|p| p.prefix.as_str())
            .collect()
    }
}

/// The start of an object.
#[derive(Debug, Clone)]
pub struct ObjectBytes {
    pub content_type: String,
    /// The object's full size.
    pub total: u64,
    /// At most the limit asked for.
    pub bytes: Vec<u8>,
    pub truncated: bool,
}

/// An object whose body is still to be read, chunk by chunk.
#[derive(Debug)]
pub struct ObjectStream {
    pub content_type: String,
    /// The size COS declared, when it did.
    pub length: Option<u64>,
    /// `Content-Range` when COS sent part of the object (a `Range` was asked for).
    pub content_range: Option<String>,
    pub response: reqwest::Response,
}

/// What a request adds to the signed basics.
#[derive(Default)]
struct Extras<'a> {
    range: Option<&'a str>,
    /// Instead of the client's own, for reads that may take long.
    timeout: Option<std::time::Duration>,
}

/// The type of an object COS gives none for.
const UNTYPED: &str = "application/octet-stream";

/// An object's `Content-Type`, or [`UNTYPED`].
fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(UNTYPED)
        .to_owned()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    request_id: String,
}

impl CosClient {
    /// A client for `creds` at `endpoint`.
    ///
    /// # Errors
    /// The HTTP client failing to initialise.
    pub fn new(endpoint: Endpoint, creds: Credentials) -> Result<Self, CloudError> {
        Ok(Self::with_http(Self::http()?, endpoint, creds))
    }

    /// The HTTP client COS calls use (timeouts set), to share between [`CosClient`]s.
    ///
    /// # Errors
    /// The HTTP client failing to initialise.
    pub fn http() -> Result<reqwest::Client, CloudError> {
        reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| CloudError::Transport(format!("http client: {e}")))
    }

    /// A client for `creds` at `endpoint` over a shared `http` client.
    pub fn with_http(http: reqwest::Client, endpoint: Endpoint, creds: Credentials) -> Self {
        Self {
            http,
            endpoint,
            creds,
        }
    }

    /// The account's buckets.
    ///
    /// # Errors
    /// COS errors (code, message, RequestId) or transport errors.
    pub async fn list_buckets(&self) -> Result<Vec<Bucket>, CloudError> {
        let text = self
            .send(
                reqwest::Method::GET,
                None,
                "ap-beijing",
                "",
                &[],
                Vec::new(),
            )
            .await?;
        let parsed: ListAllMyBucketsResult = quick_xml::de::from_str(&text)
            .map_err(|e| CloudError::Transport(format!("unexpected ListBuckets answer: {e}")))?;
        Ok(parsed.buckets.bucket)
    }

    /// Objects of `bucket` under `prefix`, folders split at `/`, from `marker` on.
    ///
    /// # Errors
    /// COS errors or transport errors.
    pub async fn list_objects(
        &self,
        bucket: &str,
        region: &str,
        prefix: &str,
        marker: &str,
        max_keys: u32,
    ) -> Result<ObjectList, CloudError> {
        let max = max_keys.clamp(1, 1000).to_string();
        let params = [
            ("delimiter", "/"),
            ("marker", marker),
            ("max-keys", max.as_str()),
            ("prefix", prefix),
        ];
        let text = self
            .send(
                reqwest::Method::GET,
                Some(bucket),
                region,
                "",
                &params,
                Vec::new(),
            )
            .await?;
        quick_xml::de::from_str(&text)
            .map_err(|e| CloudError::Transport(format!("unexpected ListObjects answer: {e}")))
    }

    /// An object's contents as text (the console previews JSON and text).
    ///
    /// # Errors
    /// COS errors (`NoSuchKey`, …) or transport errors.
    pub async fn get_object(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
    ) -> Result<String, CloudError> {
        self.send(
            reqwest::Method::GET,
            Some(bucket),
            region,
            key,
            &[],
            Vec::new(),
        )
        .await
    }

    /// Stores an object.
    ///
    /// # Errors
    /// COS errors or transport errors.
    pub async fn put_object(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(), CloudError> {
        self.send(reqwest::Method::PUT, Some(bucket), region, key, &[], body)
            .await
            .map(|_| ())
    }

    /// An object to be read as it arrives (a download passed on to a browser), with up
    /// to `timeout` for the whole transfer.
    ///
    /// # Errors
    /// COS errors (`NoSuchKey`, …) or transport errors before the body.
    pub async fn get_object_stream(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
        range: Option<&str>,
        timeout: std::time::Duration,
    ) -> Result<ObjectStream, CloudError> {
        let response = self
            .request_with(
                reqwest::Method::GET,
                (Some(bucket), region, key),
                &[],
                Extras {
                    range,
                    timeout: Some(timeout),
                },
                Vec::new(),
            )
            .await?;
        let content_range = (response.status() == reqwest::StatusCode::PARTIAL_CONTENT)
            .then(|| response.headers().get(reqwest::header::CONTENT_RANGE))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(ObjectStream {
            content_type: content_type(&response),
            length: response.content_length(),
            content_range,
            response,
        })
    }

    /// Up to `limit` bytes of an object, with its type and full size.
    ///
    /// # Errors
    /// COS errors (`NoSuchKey`, …) or transport errors.
    pub async fn get_object_bytes(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
        limit: usize,
    ) -> Result<ObjectBytes, CloudError> {
        // Ask for one byte more than the limit: its arrival says the object is larger.
        let range = format!("bytes=0-{}", limit.min(usize::MAX - 1));
        let response = self
            .request_with(
                reqwest::Method::GET,
                (Some(bucket), region, key),
                &[],
                Extras {
                    range: Some(&range),
                    ..Extras::default()
                },
                Vec::new(),
            )
            .await;
        let mut response = match response {
            // COS answers a range on an empty object with InvalidRange (416).
            Err(CloudError::Api { code, .. }) if code == "InvalidRange" => {
                return Ok(ObjectBytes {
                    content_type: UNTYPED.to_owned(),
                    total: 0,
                    bytes: Vec::new(),
                    truncated: false,
                })
            }
            other => other?,
        };
        let content_type = content_type(&response);
        let headers = response.headers();
        let header = |name| {
            headers
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
        };
        // The full size: from `Content-Range: bytes 0-N/TOTAL` (206), else the length (200).
        let declared = header(reqwest::header::CONTENT_RANGE)
            .and_then(|r| r.rsplit('/').next())
            .and_then(|t| t.parse::<u64>().ok())
            .or_else(|| header(reqwest::header::CONTENT_LENGTH).and_then(|l| l.parse().ok()));
        let mut bytes = Vec::new();
        let mut read = 0u64;
        let lost = |e: reqwest::Error| CloudError::Transport(format!("COS response lost: {e}"));
        // Stop at the limit: a server that ignores Range must not be read to the end.
        while let Some(chunk) = response.chunk().await.map_err(lost)? {
            read += chunk.len() as u64;
            let room = limit.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if read > limit as u64 {
                break;
            }
        }
        let total = declared.unwrap_or(read).max(bytes.len() as u64);
        Ok(ObjectBytes {
            content_type,
            truncated: total > bytes.len() as u64,
            total,
            bytes,
        })
    }

    async fn send(
        &self,
        method: reqwest::Method,
        bucket: Option<&str>,
        region: &str,
        key: &str,
        params: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<String, CloudError> {
        self.request_with(
            method,
            (bucket, region, key),
            params,
            Extras::default(),
            body,
        )
        .await?
        .text()
        .await
        .map_err(|e| CloudError::Transport(format!("COS response lost: {e}")))
    }

    /// Sends a signed request; a COS error answer becomes [`CloudError::Api`].
    async fn request_with(
        &self,
        method: reqwest::Method,
        (bucket, region, key): (Option<&str>, &str, &str),
        params: &[(&str, &str)],
        extras: Extras<'_>,
        body: Vec<u8>,
    ) -> Result<reqwest::Response, CloudError> {
        let host = match bucket {
            Some(b) => format!("{b}.cos.{region}.myqcloud.com"),
            None => "service.cos.myqcloud.com".to_owned(),
        };
        let encoded_key: String = key.split('/').map(url_encode).collect::<Vec<_>>().join("/");
        let base = match (&self.endpoint, bucket) {
            (Endpoint::Tencent, _) => format!("https://{host}"),
            (Endpoint::Custom(url), Some(b)) => format!("{}/cos/{b}", url.trim_end_matches('/')),
            (Endpoint::Custom(url), None) => format!("{}/cos", url.trim_end_matches('/')),
        };
        let url = if key.is_empty() {
            base
        } else {
            format!("{base}/{encoded_key}")
        };
        let query: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
            .collect();
        let url = if query.is_empty() {
            url
        } else {
            format!("{url}?{}", query.join("&"))
        };
        let signed_params: Vec<(&str, &str)> = params
            .iter()
            .copied()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let key_time = format!("{};{}", now - 60, now + 600);
        let path = format!("/{key}");
        let signature = cos_sign(
            self.creds.secret_key(),
            &CosRequest {
                method: method.as_str(),
                path: &path,
                params: &signed_params,
                headers: &[("host", &host)],
                key_time: &key_time,
            },
        );
        let mut request = self.http.request(method, url).header("Host", &host).header(
            "Authorization",
            signature.authorization(&self.creds.secret_id, &key_time),
        );
        if let Some(token) = self.creds.token() {
            request = request.header("x-cos-security-token", token);
        }
        if let Some(range) = extras.range {
            request = request.header("Range", range);
        }
        if let Some(timeout) = extras.timeout {
            request = request.timeout(timeout);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| CloudError::Transport(format!("COS request failed: {e}")))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text = response
            .text()
            .await
            .map_err(|e| CloudError::Transport(format!("COS response lost: {e}")))?;
        match quick_xml::de::from_str::<ErrorBody>(&text) {
            Ok(err) => Err(CloudError::Api {
                code: err.code,
                message: err.message,
                request_id: err.request_id,
            }),
            Err(_) => Err(CloudError::Transport(format!("COS answered HTTP {status}"))),
        }
    }
}
