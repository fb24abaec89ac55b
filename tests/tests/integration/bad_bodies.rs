//! Bad bodies to every endpoint: every server function (listed from the registry, so a
//! new one is covered without touching this file), the emulator's API and COS. Oversized
//! bodies get 413 and malformed ones 400 (the cloud API answers its error envelope, as
//! the real one does); nothing answers 5xx.
use integration_tests::*;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends only the head of a request announcing `length` bytes of body; returns the status
/// the server answers with before reading it.
async fn announce(addr: &str, method: &str, path: &str, length: usize) -> u16 {
    announce_with(addr, method, path, length, "").await.0
}

/// [`announce`] with more header lines (each ending in CRLF); also returns the start of
/// the answer.
async fn announce_with(
    addr: &str,
    method: &str,
    path: &str,
    length: usize,
    extra: &str,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n{extra}Connection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut buf = [0u8; 2048];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("the server answers without waiting for the body")
        .expect("read");
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{method} {path}: no status in {text:?}"));
    (status, text)
}

/// Sends a chunked body of `length` bytes (no `Content-Length`, so no limit can be checked
/// from the head); returns the answer's status.
async fn send_chunked(addr: &str, path: &str, length: usize) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    // The server may answer and close before the whole body is sent: stop writing then.
    while sent < length {
        let n = chunk.len().min(length - sent);
        let mut frame = format!("{n:x}\r\n").into_bytes();
        frame.extend_from_slice(&chunk[..n]);
        frame.extend_from_slice(b"\r\n");
        if stream.write_all(&frame).await.is_err() {
            break;
        }
        sent += n;
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("the server answers")
        .expect("read");
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("POST {path}: no status in {text:?}"))
}

#[tokio::test]
async fn every_server_function_refuses_bad_bodies_with_4xx() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let addr = srv.addr.to_string();
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_owned())
        .collect();
    paths.sort();
    assert!(
        paths.len() > 30,
        "registry lists the server functions: {paths:?}"
    );
    // Session-ending ones last, so the others run signed in.
    paths.sort_by_key(|p| p.contains("logout") || p.contains("sign_out"));

    let mut wrong = Vec::new();
    for path in &paths {
        let status = announce(&addr, "POST", path, server::BODY_LIMIT + 1).await;
        if status != 413 {
            wrong.push(format!("{path}: oversized → {status}"));
        }
        let status = send_chunked(&addr, path, server::BODY_LIMIT + 1).await;
        if status != 413 {
            wrong.push(format!("{path}: oversized, chunked → {status}"));
        }
        let bodies: [(&str, &[u8]); 3] = [
            (
                "application/x-www-form-urlencoded",
                b"\xff\xfe%%%=&rid=%zz&page=-1",
            ),
            (
                "application/x-www-form-urlencoded",
                b"rid=eight&page=x&memory_size=1e999",
            ),
            ("application/json", b"{\"rid\": [1, "),
        ];
        for (content_type, body) in bodies {
            let r = owner
                .client
                .post(format!("{}{path}", srv.base))
                .header("content-type", content_type)
                .header("accept", "application/json")
                .body(body.to_vec())
                .send()
                .await
                .expect("request");
            let status = r.status();
            // Functions without arguments may take any body; the rest must say 400.
            let ok = status == StatusCode::BAD_REQUEST
                || status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                || (status.is_success() && takes_no_arguments(path))
                || (status == StatusCode::UNAUTHORIZED && path.contains("logout"));
            if !ok {
                let text = r.text().await.unwrap_or_default();
                wrong.push(format!("{path} ({content_type}): {status} {text}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Server functions whose signature takes no argument (a body is then ignored).
fn takes_no_arguments(path: &str) -> bool {
    const NONE: [&str; 12] = [
        "list_templates",
        "list_my_sessions",
        "revoke_other_sessions",
        "get_session_info",
        "logout",
        "get_cloud_account",
        "wizard_state",
        "list_members",
        "list_invites",
        "cos_buckets",
        "service_roles",
        "mps_bindings",
    ];
    NONE.iter().any(|n| path.ends_with(&format!("/{n}")))
}

#[tokio::test]
async fn the_emulator_refuses_bad_bodies_without_5xx() {
    let emu = spawn_emulator().await;
    let addr = emu.base.trim_start_matches("http://").to_owned();
    // An API body over the limit: refused from the headers, in the API's envelope (errors
    // are HTTP 200), before the body comes. Without a valid key for the signature's
    // checks, the answer is the key's failure; with one, the limit's.
    let (status, text) =
        announce_with(&addr, "POST", "/", server::emulator::BODY_LIMIT + 1, "").await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("AuthFailure.InvalidAuthorization"), "{text}");
    let now = time::OffsetDateTime::now_utc();
    let signed = format!(
        "Authorization: TC3-HMAC-SHA256 Credential={}/{}/scf/tc3_request, SignedHeaders=content-type;host, Signature={}\r\nX-TC-Action: ListFunctions\r\nX-TC-Version: 2018-04-16\r\nX-TC-Timestamp: {}\r\n",
        emu.creds.secret_id,
        now.date(),
        "0".repeat(64),
        now.unix_timestamp(),
    );
    for length in [server::emulator::BODY_LIMIT + 1, 1 << 40] {
        let (status, text) = announce_with(&addr, "POST", "/", length, &signed).await;
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("\"LimitExceeded\""), "{length}: {text}");
    }
    // Methods other than GET and POST, and paths that are nothing: the envelope too.
    let client = reqwest::Client::new();
    for (method, path) in [("PUT", "/"), ("DELETE", "/"), ("POST", "/nothing/here")] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let r = client
            .request(method.clone(), format!("{}{path}", emu.base))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::OK, "{method} {path}");
        let v: serde_json::Value = r.json().await.expect("an envelope");
        assert_eq!(
            v["Response"]["Error"]["Code"], "UnsupportedProtocol",
            "{method} {path}: {v}"
        );
        assert!(v["Response"]["RequestId"].is_string());
    }
    let bucket = emu.create_bucket("bodies").await;
    let status = announce(
        &addr,
        "PUT",
        &format!("/cos/{bucket}/big.bin"),
        server::emulator::OBJECT_LIMIT + 1,
    )
    .await;
    assert_eq!(status, 413, "object over the limit");
    // Within the limit but unsigned: refused from the headers, before the body comes.
    let status = announce(
        &addr,
        "PUT",
        &format!("/cos/{bucket}/unsigned.bin"),
        100 * 1024 * 1024,
    )
    .await;
    assert_eq!(status, 403, "unsigned object upload");

    // Malformed API bodies, signed and unsigned: the API's error envelope, never a 5xx.
    for body in [&b"{\"Limit\": "[..], b"\xff\xfe", b"[]", b"null"] {
        let r = client
            .post(&emu.base)
            .header("content-type", "application/json")
            .header("x-tc-action", "ListFunctions")
            .body(body.to_vec())
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), StatusCode::OK);
        let v: serde_json::Value = r.json().await.expect("an envelope");
        assert!(v["Response"]["Error"]["Code"].is_string(), "{v}");
    }
    for params in [
        serde_json::json!([]),
        serde_json::json!("text"),
        serde_json::json!(null),
        serde_json::json!({"Offset": -1, "Limit": 1e9}),
        serde_json::json!({"Namespace": {"nested": true}}),
    ] {
        match emu.call("scf", "ListFunctions", params.clone()).await {
            Err(server::cloud::error::CloudError::Api { code, .. }) => {
                assert!(code.starts_with("InvalidParameter"), "{params}: {code}")
            }
            other => panic!("{params}: expected an API error, got {other:?}"),
        }
    }
    // Values of the wrong type inside a call: a type error naming the parameter, not an
    // error about a value it does not hold.
    for (action, params, message) in [
        (
            "ListFunctions",
            serde_json::json!({"Filters": [{"Name": {"a": 1}, "Values": ["x"]}]}),
            "Name",
        ),
        (
            "ListFunctions",
            serde_json::json!({"Filters": [null]}),
            "Name",
        ),
        (
            "GetFunctionLogs",
            serde_json::json!({"FunctionName": "Missing", "Filter": "x"}),
            "Filter",
        ),
        (
            "Invoke",
            serde_json::json!({"FunctionName": "Missing", "LogType": ["Tail"]}),
            "LogType",
        ),
        (
            "Invoke",
            serde_json::json!({"FunctionName": "Missing", "RoutingKey": {"a": 1}}),
            "RoutingKey",
        ),
        (
            "CreateFunction",
            serde_json::json!({"FunctionName": "Typed", "Code": "x"}),
            "Code",
        ),
    ] {
        match emu.call("scf", action, params.clone()).await {
            Err(server::cloud::error::CloudError::Api {
                code,
                message: text,
                ..
            }) => {
                assert_eq!(code, "InvalidParameter", "{action} {params}: {text}");
                assert!(text.contains(message), "{action} {params}: {text}");
            }
            other => panic!("{action} {params}: expected a type error, got {other:?}"),
        }
    }
}
