//! Verifying an API 3.0 call as the cloud does: the `X-TC-*` headers, the clock window,
//! the `Authorization` header, the key's session token and the TC3 signature itself.
//!
//! The key lookup sits between the header checks and the signature check, and the
//! emulator's lookup is an async database query. So the verifier comes in two steps,
//! [`Tc3Call::parse`] and [`Tc3Call::verify`], with the lookup of [`Tc3Call::secret_id`]
//! in between; [`verify_tc3`] runs both around a plain function.
use crate::sign::{parse_tc3_authorization, signatures_match, tc3_sign, utc_date};
use crate::sign::{Tc3Authorization, Tc3Request};
use crate::WireError;

/// How far a request's timestamp may be from our clock, in seconds.
pub const MAX_SKEW_SECS: u64 = 300;

/// A request's headers as (name, raw value) pairs, in the order they arrived.
///
/// Lookups behave like `http::HeaderMap::get(..).to_str()`: names match ignoring ASCII
/// case, the first of repeated headers wins, and a value that is not visible ASCII (or
/// tab) counts as absent.
#[derive(Clone, Copy, Debug)]
pub struct Headers<'a> {
    pairs: &'a [(&'a str, &'a [u8])],
}

impl<'a> Headers<'a> {
    /// Headers over `pairs`.
    pub fn new(pairs: &'a [(&'a str, &'a [u8])]) -> Self {
        Self { pairs }
    }

    /// The value of the first header called `name`, when it is text.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        let (_, value) = self
            .pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        if value.iter().all(|&b| b == b'\t' || (32..127).contains(&b)) {
            std::str::from_utf8(value).ok()
        } else {
            None
        }
    }
}

/// The key a SecretId names.
#[derive(Clone, Copy, Debug)]
pub struct SigningSecret<'s> {
    pub secret_key: &'s str,
    /// Set for temporary credentials: the call must send it as `X-TC-Token`.
    pub session_token: Option<&'s str>,
}

/// What a verified call asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCall {
    pub secret_id: String,
    /// From the credential scope, e.g. `scf`.
    pub service: String,
    /// `X-TC-Action`.
    pub action: String,
    /// `X-TC-Version`.
    pub version: String,
    /// `X-TC-Region`, when sent.
    pub region: Option<String>,
    /// `X-TC-Language` (`zh-CN` or `en-US`), when sent.
    pub language: Option<String>,
}

/// A call whose headers are well formed and whose timestamp is current; its signature is
/// not checked yet.
#[derive(Clone, Debug)]
pub struct Tc3Call<'a> {
    headers: Headers<'a>,
    /// `POST`, or `GET` with its query.
    method: &'a str,
    query: &'a str,
    body: &'a [u8],
    auth: Tc3Authorization,
    action: &'a str,
    version: &'a str,
    timestamp: i64,
}

impl<'a> Tc3Call<'a> {
    /// Checks, in this order: `Authorization`, `X-TC-Action`, `X-TC-Version`,
    /// `X-TC-Timestamp`, and that the timestamp is within [`MAX_SKEW_SECS`] of `now`
    /// (Unix seconds). The call is a POST with an empty query, as the SDKs send by default.
    pub fn parse(headers: Headers<'a>, body: &'a [u8], now: i64) -> Result<Self, WireError> {
        Self::parse_request("POST", "", headers, body, now)
    }

    /// [`Tc3Call::parse`] for a call made with `method` and `query`: the query, exactly as
    /// sent, is the canonical query string (a GET's parameters; the SDKs' POSTs have none).
    pub fn parse_request(
        method: &'a str,
        query: &'a str,
        headers: Headers<'a>,
        body: &'a [u8],
        now: i64,
    ) -> Result<Self, WireError> {
        let auth = headers
            .get("authorization")
            .and_then(parse_tc3_authorization)
            .ok_or(WireError::InvalidAuthorization)?;
        let action = headers
            .get("x-tc-action")
            .filter(|a| !a.is_empty())
            .ok_or(WireError::MissingAction)?;
        let version = headers
            .get("x-tc-version")
            .ok_or(WireError::MissingVersion)?;
        let timestamp: i64 = headers
            .get("x-tc-timestamp")
            .and_then(|t| t.trim().parse().ok())
            .ok_or(WireError::MissingTimestamp)?;
        // `abs_diff`: a timestamp near i64::MIN must not overflow the subtraction.
        if now.abs_diff(timestamp) > MAX_SKEW_SECS {
            return Err(WireError::SignatureExpire { timestamp, now });
        }
        Ok(Self {
            headers,
            method,
            query,
            body,
            auth,
            action,
            version,
            timestamp,
        })
    }

    /// The SecretId the call is signed with.
    pub fn secret_id(&self) -> &str {
        &self.auth.secret_id
    }

    /// Checks the call against the key its SecretId names (`None`: no such key): the
    /// session token of a temporary key, that `SignedHeaders` covers `content-type` and
    /// `host` and names only headers the request has, the credential scope's date, and
    /// the signature (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD` leaves the body out of it).
    pub fn verify(self, secret: Option<SigningSecret<'_>>) -> Result<VerifiedCall, WireError> {
        let secret = secret.ok_or(WireError::SecretIdNotFound)?;
        if let Some(token) = secret.session_token {
            if self.headers.get("x-tc-token") != Some(token) {
                return Err(WireError::TokenFailure);
            }
        }
        let auth = self.auth;
        // A call to a service's own host (`scf.tencentcloudapi.com`) signed for another
        // service is refused, as the cloud's gateway does; other hosts (the emulator's own
        // address) name no service.
        if let Some(service) = self.headers.get("host").and_then(host_service) {
            if service != auth.service {
                return Err(WireError::SignatureFailure);
            }
        }
        if !auth.signed_headers.iter().any(|h| h == "host")
            || !auth.signed_headers.iter().any(|h| h == "content-type")
        {
            return Err(WireError::SignedHeadersIncomplete);
        }
        let mut signed: Vec<(&str, &str)> = Vec::with_capacity(auth.signed_headers.len());
        for name in &auth.signed_headers {
            let value = self
                .headers
                .get(name)
                .ok_or_else(|| WireError::SignedHeaderMissing(name.clone()))?;
            signed.push((name, value));
        }
        let payload = match self.headers.get("x-tc-content-sha256") {
            Some("UNSIGNED-PAYLOAD") => &b"UNSIGNED-PAYLOAD"[..],
            _ => self.body,
        };
        let expected = tc3_sign(
            secret.secret_key,
            &Tc3Request {
                method: self.method,
                canonical_query: self.query,
                headers: &signed,
                payload,
                service: &auth.service,
                timestamp: self.timestamp,
            },
        );
        if auth.date != utc_date(self.timestamp)
            || !signatures_match(&expected.signature, &auth.signature)
        {
            return Err(WireError::SignatureFailure);
        }
        Ok(VerifiedCall {
            secret_id: auth.secret_id,
            service: auth.service,
            action: self.action.to_owned(),
            version: self.version.to_owned(),
            region: self.headers.get("x-tc-region").map(str::to_owned),
            language: self.headers.get("x-tc-language").map(str::to_owned),
        })
    }
}

/// The service a Tencent Cloud API host names: `scf` for `scf.tencentcloudapi.com`,
/// `scf.ap-beijing.tencentcloudapi.com` or `scf.intl.tencentcloudapi.com` (a port is
/// ignored); `None` for any other host.
pub fn host_service(host: &str) -> Option<&str> {
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let rest = name
        .strip_suffix(".tencentcloudapi.com")
        .or_else(|| name.strip_suffix(".tencentcloudapi.com."))?;
    rest.split('.').next().filter(|s| !s.is_empty())
}

/// Verifies a call at `now` (Unix seconds), looking its SecretId up with `lookup`:
/// [`Tc3Call::parse`] then [`Tc3Call::verify`].
pub fn verify_tc3<'s>(
    headers: Headers<'_>,
    body: &[u8],
    now: i64,
    lookup: impl FnOnce(&str) -> Option<SigningSecret<'s>>,
) -> Result<VerifiedCall, WireError> {
    let call = Tc3Call::parse(headers, body, now)?;
    let secret = lookup(call.secret_id());
    call.verify(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const NOW: i64 = 1_551_113_065;
    const BODY: &[u8] =
        br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    /// The official vector A: `Authorization` for `BODY` at `NOW` with `KEY`.
    const AUTH: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

    fn request(auth: &str, extra: &[(&'static str, &'static str)]) -> Vec<(String, Vec<u8>)> {
        let mut h: Vec<(String, Vec<u8>)> = [
            ("Authorization", auth),
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
            ("X-TC-Action", "DescribeInstances"),
            ("X-TC-Version", "2017-03-12"),
            ("X-TC-Timestamp", "1551113065"),
            ("X-TC-Region", "ap-guangzhou"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| ((*k).to_owned(), v.as_bytes().to_vec()))
        .collect();
        // Later entries replace earlier ones of the same name.
        let mut seen = Vec::new();
        h.reverse();
        h.retain(|(k, _)| {
            let k = k.to_ascii_lowercase();
            let new = !seen.contains(&k);
            seen.push(k);
            new
        });
        h.reverse();
        h
    }

    fn verify(
        pairs: &[(String, Vec<u8>)],
        now: i64,
        secret: Option<SigningSecret<'_>>,
    ) -> Result<VerifiedCall, WireError> {
        let pairs: Vec<(&str, &[u8])> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        verify_tc3(Headers::new(&pairs), BODY, now, |id| {
            assert_eq!(id, ID);
            secret
        })
    }

    fn key() -> Option<SigningSecret<'static>> {
        Some(SigningSecret {
            secret_key: KEY,
            session_token: None,
        })
    }

    #[test]
    fn accepts_the_official_vector() {
        let call = verify(&request(AUTH, &[]), NOW, key()).expect("verifies");
        assert_eq!(
            call,
            VerifiedCall {
                secret_id: ID.to_owned(),
                service: "cvm".to_owned(),
                action: "DescribeInstances".to_owned(),
                version: "2017-03-12".to_owned(),
                region: Some("ap-guangzhou".to_owned()),
                language: None,
            }
        );
        // Upper-case hex is the same signature.
        let upper = AUTH.replace("72e494ea", "72E494EA");
        assert!(verify(&request(&upper, &[]), NOW + 300, key()).is_ok());
    }

    #[test]
    fn get_signs_its_query_and_unsigned_payload_its_marker() {
        let query = "Limit=1&Filters.0.Name=instance-name&Filters.0.Values.0=%E6%9C%AA";
        let form = "application/x-www-form-urlencoded";
        let signed = |method: &str, query: &str, payload: &[u8]| {
            let sig = tc3_sign(
                KEY,
                &Tc3Request {
                    method,
                    canonical_query: query,
                    headers: &[("content-type", form), ("host", "cvm.tencentcloudapi.com")],
                    payload,
                    service: "cvm",
                    timestamp: NOW,
                },
            );
            request(&sig.authorization(ID), &[("Content-Type", form)])
        };
        let check = |method: &str, query: &str, pairs: &[(String, Vec<u8>)], body: &[u8]| {
            let pairs: Vec<(&str, &[u8])> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_slice()))
                .collect();
            Tc3Call::parse_request(method, query, Headers::new(&pairs), body, NOW)?.verify(key())
        };
        let get = signed("GET", query, b"");
        assert!(check("GET", query, &get, b"").is_ok());
        // Another query, or the same call replayed as a POST, is another signature.
        assert_eq!(
            check("GET", "Limit=2", &get, b"").expect_err("query changed"),
            WireError::SignatureFailure
        );
        assert_eq!(
            check("POST", query, &get, b"").expect_err("method changed"),
            WireError::SignatureFailure
        );
        // UNSIGNED-PAYLOAD: the body is not part of the signature.
        let mut unsigned = signed("POST", "", b"UNSIGNED-PAYLOAD");
        unsigned.push(("X-TC-Content-SHA256".into(), b"UNSIGNED-PAYLOAD".to_vec()));
        assert!(check("POST", "", &unsigned, BODY).is_ok());
        assert!(check("POST", "", &unsigned, b"{}").is_ok());
        unsigned.pop();
        assert_eq!(
            check("POST", "", &unsigned, BODY).expect_err("no marker"),
            WireError::SignatureFailure
        );
    }

    #[test]
    fn refuses_in_order() {
        let err = |pairs: &[(String, Vec<u8>)], now: i64, secret| {
            verify(pairs, now, secret).expect_err("refused")
        };
        assert_eq!(
            err(&request("", &[]), NOW, key()),
            WireError::InvalidAuthorization
        );
        assert_eq!(
            err(&request(AUTH, &[("X-TC-Action", "")]), NOW, key()),
            WireError::MissingAction
        );
        let mut no_version = request(AUTH, &[]);
        no_version.retain(|(k, _)| k != "X-TC-Version");
        assert_eq!(err(&no_version, NOW, key()), WireError::MissingVersion);
        for bad in ["", "soon", "1551113065.5"] {
            assert_eq!(
                err(&request(AUTH, &[("X-TC-Timestamp", bad)]), NOW, key()),
                WireError::MissingTimestamp
            );
        }
        assert_eq!(
            err(&request(AUTH, &[]), NOW + 301, key()),
            WireError::SignatureExpire {
                timestamp: NOW,
                now: NOW + 301
            }
        );
        assert_eq!(
            err(
                &request(AUTH, &[("X-TC-Timestamp", "-9223372036854775808")]),
                NOW,
                key()
            ),
            WireError::SignatureExpire {
                timestamp: i64::MIN,
                now: NOW
            }
        );
        assert_eq!(
            err(&request(AUTH, &[]), NOW, None),
            WireError::SecretIdNotFound
        );
        let temp = |token| {
            Some(SigningSecret {
                secret_key: KEY,
                session_token: Some(token),
            })
        };
        assert_eq!(
            err(&request(AUTH, &[]), NOW, temp("t")),
            WireError::TokenFailure
        );
        assert!(verify(&request(AUTH, &[("X-TC-Token", "t")]), NOW, temp("t")).is_ok());
        let host_only = AUTH.replace("content-type;host", "host");
        assert_eq!(
            err(&request(&host_only, &[]), NOW, key()),
            WireError::SignedHeadersIncomplete
        );
        let extra_signed = AUTH.replace("content-type;host", "content-type;host;x-tc-foo");
        assert_eq!(
            err(&request(&extra_signed, &[]), NOW, key()),
            WireError::SignedHeaderMissing("x-tc-foo".to_owned())
        );
        assert_eq!(
            err(&request(AUTH, &[("Host", "cvm.example.com")]), NOW, key()),
            WireError::SignatureFailure
        );
        // Signed for cvm (validly), sent to scf's host: refused; to another host, taken.
        let signed_for = |host: &'static str| {
            let sig = tc3_sign(
                KEY,
                &Tc3Request {
                    method: "POST",
                    canonical_query: "",
                    headers: &[
                        ("content-type", "application/json; charset=utf-8"),
                        ("host", host),
                    ],
                    payload: BODY,
                    service: "cvm",
                    timestamp: NOW,
                },
            );
            request(&sig.authorization(ID), &[("Host", host)])
        };
        assert_eq!(
            err(&signed_for("scf.tencentcloudapi.com"), NOW, key()),
            WireError::SignatureFailure
        );
        assert!(verify(&signed_for("127.0.0.1:3900"), NOW, key()).is_ok());
        assert!(verify(
            &signed_for("cvm.ap-guangzhou.tencentcloudapi.com"),
            NOW,
            key()
        )
        .is_ok());
        // The scope's date must be the timestamp's.
        let next_day = AUTH.replace("2019-02-25", "2019-02-26");
        assert_eq!(
            err(&request(&next_day, &[]), NOW, key()),
            WireError::SignatureFailure
        );
        assert_eq!(
            err(
                &request(AUTH, &[]),
                NOW,
                Some(SigningSecret {
                    secret_key: "other",
                    session_token: None
                })
            ),
            WireError::SignatureFailure
        );
    }

    #[test]
    fn host_names_its_service() {
        for (host, service) in [
            ("scf.tencentcloudapi.com", Some("scf")),
            ("scf.ap-beijing.tencentcloudapi.com", Some("scf")),
            ("mps.intl.tencentcloudapi.com:443", Some("mps")),
            ("127.0.0.1:3900", None),
            ("localhost", None),
            ("tencentcloudapi.com", None),
            (".tencentcloudapi.com", None),
            ("[::1]:3900", None),
        ] {
            assert_eq!(host_service(host), service, "{host}");
        }
    }

    #[test]
    fn header_lookup_is_like_header_map() {
        let pairs: [(&str, &[u8]); 4] = [
            ("x-a", b"first"),
            ("X-A", b"second"),
            ("x-b", b"caf\xc3\xa9"),
            ("x-c", b"\tok "),
        ];
        let h = Headers::new(&pairs);
        assert_eq!(h.get("X-a"), Some("first"));
        assert_eq!(h.get("x-b"), None);
        assert_eq!(h.get("x-c"), Some("\tok "));
        assert_eq!(h.get("x-d"), None);
    }

    #[test]
    fn error_codes_and_messages() {
        assert_eq!(
            WireError::SignatureFailure.code(),
            "AuthFailure.SignatureFailure"
        );
        assert_eq!(
            WireError::SignatureExpire {
                timestamp: 1,
                now: 302
            }
            .to_string(),
            "Signature expired. Timestamp 1 differs from server time 302 by more than 300 seconds."
        );
        assert_eq!(
            WireError::SignedHeaderMissing("x-y".to_owned()).to_string(),
            "Signed header x-y is missing from the request."
        );
    }
}
