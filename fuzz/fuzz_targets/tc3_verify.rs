//! The TC3 verifier on arbitrary requests must never panic; a request signed with
//! `tc3_sign` must verify, and a changed signature byte or body byte must not.
#![no_main]

use cloud_wire::sign::{tc3_sign, Tc3Request};
use cloud_wire::verify::{verify_tc3, Headers, SigningSecret, VerifiedCall};
use cloud_wire::WireError;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    /// A request as it may come off the wire.
    raw_headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
    now: i64,
    secret_key: &'a str,
    session_token: Option<&'a str>,
    /// A well-signed request built from these.
    secret_id: &'a str,
    service: &'a str,
    action: &'a str,
    version: &'a str,
    region: Option<&'a str>,
    content_type: &'a str,
    host: &'a str,
    /// Seconds between the signer's clock and ours.
    skew: i16,
    /// Upper-case the header names the request sends.
    shout: bool,
    /// Sign `X-TC-Action` too.
    sign_action: bool,
    /// More headers, each signed or not.
    extra: Vec<(&'a str, &'a str, bool)>,
    /// Signature byte to change: (index, new byte).
    sig_change: (u8, u8),
    /// Body byte to change: (index, xor mask).
    body_change: (u16, u8),
    /// Then one header value replaced: (index, new raw value).
    tamper: Option<(u8, &'a [u8])>,
}

fuzz_target!(|input: Input<'_>| {
    let secret = SigningSecret {
        secret_key: input.secret_key,
        session_token: input.session_token,
    };
    // 1. Anything goes in; an answer comes out, whatever the clock says.
    for now in [input.now, i64::MIN, i64::MAX] {
        let _ = verify_tc3(Headers::new(&input.raw_headers), input.body, now, |_| {
            Some(secret)
        });
    }
    signed_round_trip(&input);
});

/// Keeps the bytes of `s` in `allowed`.
fn only(s: &str, allowed: impl Fn(u8) -> bool) -> String {
    s.bytes().filter(|&b| allowed(b)).map(char::from).collect()
}

/// Visible ASCII, as header values must be to count as text.
fn visible(s: &str) -> String {
    only(s, |b| (0x20..0x7f).contains(&b))
}

fn signed_round_trip(input: &Input<'_>) {
    let Some(timestamp) = input.now.checked_add(i64::from(input.skew) % 301) else {
        return;
    };
    // Credential=<id>/<date>/<service>/tc3_request: the parts cannot hold `/` or `,`.
    let mut secret_id = only(input.secret_id, |b| b.is_ascii_alphanumeric());
    if secret_id.is_empty() {
        secret_id.push_str("AKID");
    }
    let service = only(input.service, |b| {
        b.is_ascii_lowercase() || b.is_ascii_digit()
    });
    let mut action = visible(input.action);
    if action.is_empty() {
        action.push_str("DescribeRegions");
    }
    let version = visible(input.version);
    let token = input.session_token.map(visible);

    let name = |n: &str| {
        if input.shout {
            n.to_ascii_uppercase()
        } else {
            n.to_owned()
        }
    };
    // (name as sent, value, signed)
    let mut headers: Vec<(String, String, bool)> = vec![
        (name("content-type"), visible(input.content_type), true),
        (name("host"), visible(input.host), true),
        (name("x-tc-action"), action.clone(), input.sign_action),
        (name("x-tc-version"), version.clone(), false),
        (name("x-tc-timestamp"), timestamp.to_string(), false),
    ];
    if let Some(region) = input.region {
        headers.push((name("x-tc-region"), visible(region), false));
    }
    if let Some(token) = &token {
        headers.push((name("x-tc-token"), token.clone(), false));
    }
    for (n, v, signed) in &input.extra {
        let n = only(n, |b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
        });
        let taken = headers.iter().any(|(h, _, _)| h.eq_ignore_ascii_case(&n));
        if !n.is_empty() && n != "authorization" && !taken {
            headers.push((name(&n), visible(v), *signed));
        }
    }
    let to_sign: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(_, _, signed)| *signed)
        .map(|(n, v, _)| (n.as_str(), v.as_str()))
        .collect();
    let signature = tc3_sign(
        input.secret_key,
        &Tc3Request {
            method: "POST",
            canonical_query: "",
            headers: &to_sign,
            payload: input.body,
            service: &service,
            timestamp,
        },
    );
    let authorization = signature.authorization(&secret_id);
    let secret = SigningSecret {
        secret_key: input.secret_key,
        session_token: token.as_deref(),
    };
    let verify = |authorization: &[u8], body: &[u8], headers: &[(String, String, bool)]| {
        let mut pairs: Vec<(&str, &[u8])> = vec![("Authorization", authorization)];
        pairs.extend(headers.iter().map(|(n, v, _)| (n.as_str(), v.as_bytes())));
        verify_tc3(Headers::new(&pairs), body, input.now, |id| {
            assert_eq!(id, secret_id);
            Some(secret)
        })
    };

    // 2. What tc3_sign signs verifies, and says what was sent.
    let call = verify(authorization.as_bytes(), input.body, &headers)
        .unwrap_or_else(|e| panic!("a signed request was refused: {e:?}\n{authorization}"));
    let sent = |wanted: &str| {
        headers
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(wanted))
            .map(|(_, v, _)| v.clone())
    };
    assert_eq!(
        call,
        VerifiedCall {
            secret_id: secret_id.clone(),
            service: service.clone(),
            action,
            version,
            region: sent("x-tc-region"),
            language: sent("x-tc-language"),
        }
    );

    // 3. Another signature byte: refused, unless only the case of a hex letter changed.
    let at = authorization.len() - 64 + usize::from(input.sig_change.0 % 64);
    let mut changed = authorization.clone().into_bytes();
    let was = changed[at];
    changed[at] = input.sig_change.1;
    if was != input.sig_change.1 {
        let result = verify(&changed, input.body, &headers);
        if input.sig_change.1.eq_ignore_ascii_case(&was) {
            assert!(result.is_ok(), "case of a hex digit: {result:?}");
        } else if input.sig_change.1.is_ascii_hexdigit() {
            assert_eq!(result, Err(WireError::SignatureFailure));
        } else {
            assert_eq!(result, Err(WireError::InvalidAuthorization));
        }
    }

    // 4. Another body byte: refused.
    if !input.body.is_empty() && input.body_change.1 != 0 {
        let mut body = input.body.to_vec();
        let at = usize::from(input.body_change.0) % body.len();
        body[at] ^= input.body_change.1;
        assert_eq!(
            verify(authorization.as_bytes(), &body, &headers),
            Err(WireError::SignatureFailure)
        );
    }

    // 5. A header replaced by raw bytes: any answer at any clock, no panic.
    if let Some((index, value)) = input.tamper {
        let mut pairs: Vec<(&str, &[u8])> = vec![("Authorization", authorization.as_bytes())];
        pairs.extend(headers.iter().map(|(n, v, _)| (n.as_str(), v.as_bytes())));
        let index = usize::from(index) % pairs.len();
        pairs[index].1 = value;
        for now in [input.now, i64::MIN, i64::MAX] {
            let _ = verify_tc3(Headers::new(&pairs), input.body, now, |_| Some(secret));
        }
    }
}
