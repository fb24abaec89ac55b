//! The Tencent Cloud API 3.0 client: signs with TC3, decodes the response envelope, and
//! retries only where that is safe. One `reqwest::Client`; the endpoint decides whether it
//! talks to the real cloud or to the local emulator.
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{CloudError, ErrorBody};
use super::sign::{tc3_sign, Tc3Request};

/// An API key pair. The key never appears in `Debug` output.
#[derive(Clone)]
pub struct Credentials {
    pub secret_id: String,
    secret_key: String,
    /// The session token of temporary credentials (sent as `X-TC-Token`).
    token: Option<String>,
}

impl Credentials {
    /// A key pair.
    pub fn new(secret_id: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
        }
    }

    /// Temporary credentials: the key pair with its session token.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    pub(crate) fn secret_key(&self) -> &str {
        &self.secret_key
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"<redacted>")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Where API calls go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `https://<service>.tencentcloudapi.com/`.
    Tencent,
    /// One base URL for every service, e.g. the emulator's `http://127.0.0.1:9000`, or a
    /// template in which `{service}` stands for the service's name.
    Custom(String),
}

impl Endpoint {
    fn url(&self, service: &str) -> String {
        match self {
            Endpoint::Tencent => format!("https://{service}.tencentcloudapi.com/"),
            Endpoint::Custom(base) => {
                format!(
                    "{}/",
                    base.replace("{service}", service).trim_end_matches('/')
                )
            }
        }
    }
}

/// Seconds since the Unix epoch; replaceable so tests can skew the clock.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| time::OffsetDateTime::now_utc().unix_timestamp())
}

/// How many times a throttled or (for idempotent calls) lost request is retried.
const MAX_RETRIES: u32 = 3;

/// A signing API client.
#[derive(Clone)]
pub struct CloudClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    clock: Clock,
    retry_base: Duration,
    /// `X-TC-Language` for error messages and names (`zh-CN` or `en-US`).
    language: Option<String>,
}

/// One API call.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// `scf`, `cam`, `mps`, …
    pub service: &'a str,
    /// API version, e.g. `2018-04-16`.
    pub version: &'a str,
    pub action: &'a str,
    /// `X-TC-Region`; `None` for region-less services such as CAM.
    pub region: Option<&'a str>,
    /// True when the request carries a `ClientToken` (or is read-only), so a lost request
    /// may be sent again.
    pub idempotent: bool,
}

impl CloudClient {
    /// A client for `endpoint` with a 5 s connect and 30 s request timeout.
    ///
    /// # Errors
    /// The TLS backend failing to initialise.
    pub fn new(endpoint: Endpoint) -> Result<Self, CloudError> {
        Self::with_timeout(endpoint, Duration::from_secs(30))
    }

    /// A client for `endpoint` whose requests count as lost after `timeout`.
    ///
    /// # Errors
    /// The TLS backend failing to initialise.
    pub fn with_timeout(endpoint: Endpoint, timeout: Duration) -> Result<Self, CloudError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            .build()
            .map_err(|e| CloudError::Transport(format!("http client: {e}")))?;
        Ok(Self {
            http,
            endpoint,
            clock: system_clock(),
            retry_base: Duration::from_millis(200),
            language: None,
        })
    }

    /// The same client with another clock (tests skew it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same client asking for answers in `language` (`zh-CN` or `en-US`).
    pub fn with_language(mut self, language: &str) -> Self {
        self.language = Some(language.to_owned());
        self
    }

    /// The same client with another first retry delay (tests shorten it).
    pub fn with_retry_base(mut self, base: Duration) -> Self {
        self.retry_base = base;
        self
    }

    /// Calls an action and decodes the `Response` object into `T`.
    ///
    /// # Errors
    /// [`CloudError::Api`] with the cloud's code, message and RequestId, or
    /// [`CloudError::Transport`].
    pub async fn call<T: DeserializeOwned>(
        &self,
        creds: &Credentials,
        call: Call<'_>,
        params: &Value,
    ) -> Result<T, CloudError> {
        let body = serde_json::to_vec(params)
            .map_err(|e| CloudError::Transport(format!("encoding request: {e}")))?;
        let mut attempt = 0;
        loop {
            let result = self.send_once(creds, call, &body).await;
            let retry = match &result {
                Err(CloudError::Api { code, .. }) => code == "RequestLimitExceeded",
                Err(CloudError::Transport(_)) => call.idempotent,
                Ok(_) => false,
            };
            if !retry || attempt >= MAX_RETRIES {
                return result.and_then(|response| {
                    serde_json::from_value(response).map_err(|e| {
                        CloudError::Transport(format!("unexpected {} response: {e}", call.action))
                    })
                });
            }
            attempt += 1;
            tokio::time::sleep(self.backoff(attempt)).await;
        }
    }

    /// Exponential back-off with full jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self.retry_base * 2u32.pow(attempt.saturating_sub(1));
        let millis = cap.as_millis().max(1) as u64;
        Duration::from_millis(rand::thread_rng().gen_range(millis / 2..=millis))
    }

    async fn send_once(
        &self,
        creds: &Credentials,
        call: Call<'_>,
        body: &[u8],
    ) -> Result<Value, CloudError> {
        let url = self.endpoint.url(call.service);
        let parsed = reqwest::Url::parse(&url)
            .map_err(|e| CloudError::Transport(format!("bad endpoint {url}: {e}")))?;
        let host = match (parsed.host_str(), parsed.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(CloudError::Transport(format!("endpoint {url} has no host"))),
        };
        let timestamp = (self.clock)();
        let content_type = "application/json";
        let signature = tc3_sign(
            creds.secret_key(),
            &Tc3Request {
                method: "POST",
                canonical_query: "",
                headers: &[("content-type", content_type), ("host", &host)],
                payload: body,
                service: call.service,
                timestamp,
            },
        );
        let mut request = self
            .http
            .post(parsed)
            .header("Content-Type", content_type)
            .header("Host", &host)
            .header("X-TC-Action", call.action)
            .header("X-TC-Version", call.version)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-RequestClient", "mps-callback-console")
            .header("Authorization", signature.authorization(&creds.secret_id))
            .body(body.to_vec());
        if let Some(region) = call.region {
            request = request.header("X-TC-Region", region);
        }
        if let Some(language) = &self.language {
            request = request.header("X-TC-Language", language);
        }
        if let Some(token) = creds.token() {
            request = request.header("X-TC-Token", token);
        }
        let response = request.send().await.map_err(|e| {
            let what = if e.is_timeout() {
                "no answer in time".to_owned()
            } else if e.is_connect() {
                "could not connect".to_owned()
            } else {
                e.to_string()
            };
            CloudError::Transport(format!("{host} ({}): {what}", call.action))
        })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| CloudError::Transport(format!("{} response lost: {e}", call.action)))?;
        if !status.is_success() {
            return Err(CloudError::Transport(format!(
                "{} answered HTTP {status}",
                call.action
            )));
        }
        decode_envelope(&text)
    }
}

/// Splits an API 3.0 envelope into the `Response` object or its error.
fn decode_envelope(text: &str) -> Result<Value, CloudError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|_| CloudError::Transport("the response is not JSON".to_owned()))?;
    let response = value
        .get("Response")
        .cloned()
        .ok_or_else(|| CloudError::Transport("the response has no Response object".to_owned()))?;
    if let Some(error) = response.get("Error") {
        let body: ErrorBody = serde_json::from_value(error.clone())
            .map_err(|_| CloudError::Transport("malformed error envelope".to_owned()))?;
        return Err(CloudError::Api {
            code: body.code,
            message: body.message,
            request_id: response
                .get("RequestId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        });
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_envelopes() {
        let ok = decode_envelope(r#"{"Response":{"RoleId":"1","RequestId":"r1"}}"#).expect("ok");
        assert_eq!(ok["RoleId"], "1");
        let err = decode_envelope(
            r#"{"Response":{"Error":{"Code":"InvalidParameter.RoleNotExist","Message":"no"},"RequestId":"r2"}}"#,
        )
        .expect_err("error envelope");
        assert_eq!(
            err,
            CloudError::Api {
                code: "InvalidParameter.RoleNotExist".into(),
                message: "no".into(),
                request_id: "r2".into()
            }
        );
        for bad in ["", "<html>", "{}", r#"{"Response":{"Error":{}}}"#] {
            assert!(
                matches!(decode_envelope(bad), Err(CloudError::Transport(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn secrets_are_redacted() {
        let creds =
            Credentials::new("AKIDexample", "super-secret-key").with_token("session-token-value");
        let shown = format!("{creds:?}");
        assert!(shown.contains("AKIDexample"));
        assert!(!shown.contains("super-secret-key"));
        assert!(!shown.contains("session-token-value"));
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            Endpoint::Tencent.url("scf"),
            "https://scf.tencentcloudapi.com/"
        );
        assert_eq!(
            Endpoint::Custom("http://127.0.0.1:9000/".into()).url("cam"),
            "http://127.0.0.1:9000/"
        );
        assert_eq!(
            Endpoint::Custom("https://{service}.internal.tencentcloudapi.com".into()).url("mps"),
            "https://mps.internal.tencentcloudapi.com/"
        );
    }
}
