//! Request signing as pure functions: TC3-HMAC-SHA256 for API 3.0 and the COS XML API's
//! `q-sign` scheme. The clock is an argument, so both are tested against the providers'
//! published vectors, and the emulator verifies with the very same code ([`crate::verify`]).
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;
type HmacSha1 = Hmac<Sha1>;

/// Name of the TC3 algorithm as it appears in `Authorization`.
pub const TC3_ALGORITHM: &str = "TC3-HMAC-SHA256";

/// What a TC3 signature covers.
#[derive(Clone, Debug)]
pub struct Tc3Request<'a> {
    /// `POST` or `GET`.
    pub method: &'a str,
    /// `""` for POST; the encoded query for GET.
    pub canonical_query: &'a str,
    /// Headers to sign, as (name, value); at least `content-type` and `host`.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes.
    pub payload: &'a [u8],
    /// The service, i.e. the first label of the host (`scf`, `cam`, `mps`, …).
    pub service: &'a str,
    /// `X-TC-Timestamp`, Unix seconds.
    pub timestamp: i64,
}

/// A computed TC3 signature with the pieces the `Authorization` header needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tc3Signature {
    /// `<date>/<service>/tc3_request`.
    pub credential_scope: String,
    /// Lowercase header names joined by `;`, sorted.
    pub signed_headers: String,
    /// Hex SHA-256 of the canonical request (useful when debugging a mismatch).
    pub canonical_request_hash: String,
    /// Lowercase hex signature.
    pub signature: String,
}

impl Tc3Signature {
    /// The `Authorization` header value for `secret_id`.
    pub fn authorization(&self, secret_id: &str) -> String {
        format!(
            "{TC3_ALGORITHM} Credential={secret_id}/{}, SignedHeaders={}, Signature={}",
            self.credential_scope, self.signed_headers, self.signature
        )
    }
}

/// Signs `req` with `secret_key` (TC3-HMAC-SHA256).
pub fn tc3_sign(secret_key: &str, req: &Tc3Request<'_>) -> Tc3Signature {
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n/\n{}\n{}\n{}\n{}",
        req.method,
        req.canonical_query,
        canonical_headers,
        signed_headers,
        hex(&Sha256::digest(req.payload))
    );
    let canonical_request_hash = hex(&Sha256::digest(canonical_request.as_bytes()));
    let date = utc_date(req.timestamp);
    let credential_scope = format!("{date}/{}/tc3_request", req.service);
    let string_to_sign = format!(
        "{TC3_ALGORITHM}\n{}\n{credential_scope}\n{canonical_request_hash}",
        req.timestamp
    );
    let secret_date = hmac256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac256(&secret_date, req.service.as_bytes());
    let secret_signing = hmac256(&secret_service, b"tc3_request");
    let signature = hex(&hmac256(&secret_signing, string_to_sign.as_bytes()));
    Tc3Signature {
        credential_scope,
        signed_headers,
        canonical_request_hash,
        signature,
    }
}

/// The three fields of a TC3 `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tc3Authorization {
    pub secret_id: String,
    pub date: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=…, Signature=…`.
/// `None` when it is not of that form.
pub fn parse_tc3_authorization(value: &str) -> Option<Tc3Authorization> {
    let rest = value.trim().strip_prefix(TC3_ALGORITHM)?.trim_start();
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed_headers = Some(val),
            "Signature" => signature = Some(val),
            _ => return None,
        }
    }
    let mut scope = credential?.splitn(4, '/');
    let (secret_id, date, service, terminator) =
        (scope.next()?, scope.next()?, scope.next()?, scope.next()?);
    let signature = signature?;
    let signed_headers: Vec<String> = signed_headers?.split(';').map(str::to_owned).collect();
    let ok = terminator == "tc3_request"
        && !secret_id.is_empty()
        && signed_headers.iter().all(|h| !h.is_empty())
        && signature.len() == 64
        && signature.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| Tc3Authorization {
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

/// Constant-time comparison of two signatures.
pub fn signatures_match(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// What a COS `q-sign` signature covers.
#[derive(Clone, Debug)]
pub struct CosRequest<'a> {
    /// HTTP method, any case.
    pub method: &'a str,
    /// The decoded path, e.g. `/exampleobject(腾讯云)`.
    pub path: &'a str,
    /// Query parameters to sign, raw (not yet encoded).
    pub params: &'a [(&'a str, &'a str)],
    /// Headers to sign, raw.
    pub headers: &'a [(&'a str, &'a str)],
    /// `<start>;<end>` Unix seconds.
    pub key_time: &'a str,
}

/// A computed COS signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosSignature {
    pub sign_key: String,
    pub url_param_list: String,
    pub header_list: String,
    pub http_string_sha1: String,
    pub signature: String,
}

impl CosSignature {
    /// The `Authorization` header value for `secret_id`.
    pub fn authorization(&self, secret_id: &str, key_time: &str) -> String {
        format!(
            "q-sign-algorithm=sha1&q-ak={secret_id}&q-sign-time={key_time}&q-key-time={key_time}&q-header-list={}&q-url-param-list={}&q-signature={}",
            self.header_list, self.url_param_list, self.signature
        )
    }
}

/// Signs a COS XML API request with `secret_key`.
pub fn cos_sign(secret_key: &str, req: &CosRequest<'_>) -> CosSignature {
    let sign_key = hex(&hmac1(secret_key.as_bytes(), req.key_time.as_bytes()));
    let (url_param_list, http_parameters) = cos_pairs(req.params);
    let (header_list, http_headers) = cos_pairs(req.headers);
    let http_string = format!(
        "{}\n{}\n{http_parameters}\n{http_headers}\n",
        req.method.to_ascii_lowercase(),
        req.path
    );
    let http_string_sha1 = hex(&Sha1::digest(http_string.as_bytes()));
    let string_to_sign = format!("sha1\n{}\n{http_string_sha1}\n", req.key_time);
    // The key is the hex *text* of SignKey, not its bytes.
    let signature = hex(&hmac1(sign_key.as_bytes(), string_to_sign.as_bytes()));
    CosSignature {
        sign_key,
        url_param_list,
        header_list,
        http_string_sha1,
        signature,
    }
}

/// (`k1;k2`, `k1=v1&k2=v2`) with keys lowercased and both sides URL-encoded, sorted.
fn cos_pairs(pairs: &[(&str, &str)]) -> (String, String) {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (url_encode(&k.to_lowercase()), url_encode(v)))
        .collect();
    encoded.sort();
    let list = encoded
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let joined = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    (list, joined)
}

/// RFC 3986 percent-encoding: everything but `A-Za-z0-9-_.~`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `YYYY-MM-DD` of a Unix timestamp, in UTC.
pub fn utc_date(timestamp: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(timestamp)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn hmac1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha1::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    // Every signed call hexes four digests on each side; `format!` per byte made that a
    // twelfth of a console page's instructions.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const BODY_A: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&all), expected);
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn vector_a_official() {
        let headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
        ];
        let sig = tc3_sign(
            KEY,
            &Tc3Request {
                method: "POST",
                canonical_query: "",
                headers: &headers,
                payload: BODY_A.as_bytes(),
                service: "cvm",
                timestamp: 1_551_113_065,
            },
        );
        assert_eq!(sig.signed_headers, "content-type;host");
        assert_eq!(
            sig.canonical_request_hash,
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            sig.signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(
            sig.authorization(ID),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn vector_b_action_signed() {
        let headers = [
            ("content-type", "application/json; charset=utf-8"),
            ("host", "cvm.tencentcloudapi.com"),
            ("x-tc-action", "DescribeInstances"),
        ];
        let sig = tc3_sign(
            KEY,
            &Tc3Request {
                method: "POST",
                canonical_query: "",
                headers: &headers,
                payload: BODY_A.as_bytes(),
                service: "cvm",
                timestamp: 1_551_113_065,
            },
        );
        assert_eq!(
            sig.canonical_request_hash,
            "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
        );
        assert_eq!(
            sig.signature,
            "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26"
        );
    }

    #[test]
    fn vector_c_scf_shaped() {
        let headers = [
            ("content-type", "application/json"),
            ("host", "scf.tencentcloudapi.com"),
        ];
        let sig = tc3_sign(
            KEY,
            &Tc3Request {
                method: "POST",
                canonical_query: "",
                headers: &headers,
                payload: b"{}",
                service: "scf",
                timestamp: 1_700_000_000,
            },
        );
        assert_eq!(sig.credential_scope, "2023-11-14/scf/tc3_request");
        assert_eq!(
            sig.canonical_request_hash,
            "823de3f9663446b13caff35bf50c270c00f736cd3e3e2be9c66f5e05a95865d1"
        );
        assert_eq!(
            sig.signature,
            "c4e8e4dea83906026294836927609aa1f0226792fde2cd20b16505ea2ac05724"
        );
    }

    #[test]
    fn parses_what_it_writes() {
        let value = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
        let auth = parse_tc3_authorization(value).expect("parses");
        assert_eq!(auth.secret_id, ID);
        assert_eq!(auth.date, "2019-02-25");
        assert_eq!(auth.service, "cvm");
        assert_eq!(auth.signed_headers, vec!["content-type", "host"]);
        for bad in [
            "",
            "TC3-HMAC-SHA256",
            "HMAC Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=00",
            "TC3-HMAC-SHA256 Credential=a/b/c/other, SignedHeaders=host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
            "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=xyz",
        ] {
            assert!(parse_tc3_authorization(bad).is_none(), "{bad:?}");
        }
        assert!(signatures_match("abc", "abc"));
        assert!(!signatures_match("abc", "abd"));
        assert!(!signatures_match("abc", "abcd"));
    }

    const COS_KEY: &str = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz";

    #[test]
    fn cos_download_vector() {
        let sig = cos_sign(
            COS_KEY,
            &CosRequest {
                method: "GET",
                path: "/exampleobject(腾讯云)",
                params: &[
                    ("response-content-type", "application/octet-stream"),
                    ("response-cache-control", "max-age=600"),
                ],
                headers: &[
                    ("Date", "Thu, 16 May 2019 06:55:53 GMT"),
                    (
                        "Host",
                        "examplebucket-1250000000.cos.ap-beijing.myqcloud.com",
                    ),
                ],
                key_time: "1557989753;1557996953",
            },
        );
        assert_eq!(sig.sign_key, "937914bf490e9e8c189836aad2052e4feeb35eaf");
        assert_eq!(
            sig.url_param_list,
            "response-cache-control;response-content-type"
        );
        assert_eq!(sig.header_list, "date;host");
        assert_eq!(
            sig.http_string_sha1,
            "54ecfe22f59d3514fdc764b87a32d8133ea611e6"
        );
        assert_eq!(sig.signature, "01681b8c9d798a678e43b685a9f1bba0f6c0e012");
    }

    #[test]
    fn cos_upload_vector() {
        let sig = cos_sign(
            COS_KEY,
            &CosRequest {
                method: "PUT",
                path: "/exampleobject(腾讯云)",
                params: &[],
                headers: &[
                    ("Content-Length", "13"),
                    ("Content-MD5", "mQ/fVh815F3k6TAUm8m0eg=="),
                    ("Content-Type", "text/plain"),
                    ("Date", "Thu, 16 May 2019 06:45:51 GMT"),
                    (
                        "Host",
                        "examplebucket-1250000000.cos.ap-beijing.myqcloud.com",
                    ),
                    ("x-cos-acl", "private"),
                    ("x-cos-grant-read", "uin=\"100000000011\""),
                ],
                key_time: "1557989151;1557996351",
            },
        );
        assert_eq!(sig.sign_key, "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f");
        assert_eq!(
            sig.http_string_sha1,
            "8b2751e77f43a0995d6e9eb9477f4b685cca4172"
        );
        assert_eq!(sig.signature, "3b8851a11a569213c17ba8fa7dcf2abec6935172");
    }
}
