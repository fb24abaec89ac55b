//! Arbitrary bytes as an emulator API request: `Name: value` header lines, a blank line,
//! the body. Reading the body, the `Authorization` header and the `X-TC-*` headers must
//! never panic, and what they accept must be what they promise.
#![no_main]

use cloud_wire::sign::{parse_tc3_authorization, TC3_ALGORITHM};
use cloud_wire::verify::{Headers, Tc3Call, MAX_SKEW_SECS};
use cloud_wire::{parse_params, parse_query_params, ParamKind, WireError};
use libfuzzer_sys::fuzz_target;

/// The clock the requests are checked against (2024-01-01).
const NOW: i64 = 1_704_067_200;

fuzz_target!(|data: &[u8]| {
    // The whole input as a body.
    check_params(data);
    // The whole input as an `Authorization` value, and as a GET's query.
    if let Ok(value) = std::str::from_utf8(data) {
        check_authorization(value);
        check_query(value);
    }
    // The input as a request.
    let (head, body) = match find(data, b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    check_params(body);
    let mut pairs: Vec<(&str, &[u8])> = Vec::new();
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let Ok(name) = std::str::from_utf8(&line[..colon]) else {
            continue;
        };
        let value = line[colon + 1..].trim_ascii();
        pairs.push((name, value));
        if name.eq_ignore_ascii_case("authorization") {
            if let Ok(value) = std::str::from_utf8(value) {
                check_authorization(value);
            }
        }
    }
    // Our clock, and clocks as far off as they go; a POST, and the body as a GET's query.
    let query = std::str::from_utf8(body).unwrap_or("");
    for now in [NOW, i64::MIN, i64::MAX] {
        check_call(&pairs, "POST", "", body, now);
        check_call(&pairs, "GET", query, &[], now);
    }
});

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn check_call(pairs: &[(&str, &[u8])], method: &str, query: &str, body: &[u8], now: i64) {
    match Tc3Call::parse_request(method, query, Headers::new(pairs), body, now) {
        Ok(call) => {
            assert!(!call.secret_id().is_empty());
            // No key: refused, whatever the headers say.
            assert_eq!(call.verify(None), Err(WireError::SecretIdNotFound));
        }
        Err(WireError::SignatureExpire {
            timestamp,
            now: was,
        }) => {
            assert_eq!(was, now);
            assert!(timestamp.abs_diff(now) > MAX_SKEW_SECS);
        }
        Err(err) => assert!(!err.code().is_empty() && !err.to_string().is_empty()),
    }
}

fn check_params(body: &[u8]) {
    match parse_params(body) {
        Ok(value) => assert!(value.is_object()),
        Err(WireError::BodyNotObject) => {}
        Err(WireError::NulInParameter) => assert!(body.windows(6).any(|w| w == b"\\u0000")),
        Err(err) => panic!("unexpected {err:?}"),
    }
}

/// A query parses to an object (numbers and booleans only where `kind` asks for them), or
/// is refused with a reason.
fn check_query(query: &str) {
    let kind = |name: &str| match name.len() % 3 {
        0 => ParamKind::Text,
        1 => ParamKind::Number,
        _ => ParamKind::Bool,
    };
    match parse_query_params(query, kind) {
        Ok(value) => assert!(value.is_object()),
        Err(WireError::QueryNotParams(why)) => assert!(!why.is_empty()),
        Err(WireError::NulInParameter) => assert!(query.contains("%00") || query.contains('\0')),
        Err(err) => panic!("unexpected {err:?}"),
    }
}

/// What parses has the promised shape, and parses the same when written out again.
fn check_authorization(value: &str) {
    let Some(auth) = parse_tc3_authorization(value) else {
        return;
    };
    assert!(!auth.secret_id.is_empty());
    for part in [&auth.secret_id, &auth.date, &auth.service] {
        assert!(!part.contains('/') && !part.contains(','), "{auth:?}");
    }
    assert!(auth.signed_headers.iter().all(|h| !h.is_empty()));
    assert_eq!(auth.signature.len(), 64);
    assert!(auth
        .signature
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let again = format!(
        "{TC3_ALGORITHM} Credential={}/{}/{}/tc3_request, SignedHeaders={}, Signature={}",
        auth.secret_id,
        auth.date,
        auth.service,
        auth.signed_headers.join(";"),
        auth.signature
    );
    assert_eq!(
        parse_tc3_authorization(&again).as_ref(),
        Some(&auth),
        "{again}"
    );
}
