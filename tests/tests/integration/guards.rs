//! Throttling, CSRF defence, body limits and the HTTP surface.
use integration_tests::*;
use reqwest::cookie::CookieStore;
use reqwest::StatusCode;

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let srv = spawn().await;
    let _owner = srv.owner().await;
    let b = srv.browser();
    for _ in 0..5 {
        let r = b
            .call(
                "login",
                &[("email", "owner@example.com"), ("password", "guess-guess")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, without being checked.
    let r = b
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    let retry = r.body["TooManyRequests"]["retry_after_secs"]
        .as_u64()
        .expect("retry hint");
    assert!(retry > 0 && retry <= 15 * 60);
    assert!(b.me().await.is_null());

    // Once the window has passed, the owner gets in again.
    sqlx::query("update login_failure set created_at = now() - interval '16 minutes'")
        .execute(&srv.db)
        .await
        .unwrap();
    let r = b
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

/// The status of a sign-in as the owner with `password`.
async fn login(b: &Browser, password: &str) -> StatusCode {
    b.call(
        "login",
        &[("email", "owner@example.com"), ("password", password)],
    )
    .await
    .status
}

#[tokio::test]
async fn others_failing_at_an_account_do_not_lock_out_a_browser_that_signed_in_before() {
    let srv = spawn().await;
    let _owner = srv.owner().await;
    let known = srv.browser();
    assert_eq!(login(&known, OWNER_PASSWORD).await, StatusCode::OK);
    // The device cookie goes to the sign-in endpoint alone, and only its hash is stored.
    let cookies = |path: &str| {
        let url = format!("{}{path}", known.base).parse().unwrap();
        known
            .jar
            .cookies(&url)
            .map(|h| h.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let token = cookies("/api/login")
        .split("; ")
        .find_map(|c| c.strip_prefix("mcc_device="))
        .expect("a device cookie")
        .to_owned();
    assert!(!cookies("/scf/functions").contains("mcc_device"));
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from known_device where encode(token_hash, 'hex') = encode(sha256($1::bytea), 'hex')",
    )
    .bind(token.as_bytes())
    .fetch_one(&srv.db)
    .await
    .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(known.call("logout", &[]).await.status, StatusCode::OK);

    // Someone else fails five times: the account is closed to browsers it does not know…
    let attacker = srv.browser();
    for _ in 0..5 {
        assert_eq!(
            login(&attacker, "guess-guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login(&attacker, OWNER_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login(&srv.browser(), OWNER_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …but the owner's browser still gets in, and its sign-in does not reopen it to them.
    assert_eq!(login(&known, OWNER_PASSWORD).await, StatusCode::OK);
    assert!(!known.me().await.is_null());
    assert_eq!(
        login(&attacker, OWNER_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A cookie planted beside the browser's own (for a parent domain, say) and sent first
    // does not hide it.
    let r = srv
        .browser()
        .client
        .post(format!("{}/api/login", srv.base))
        .header("accept", "application/json")
        .header(
            "cookie",
            format!("mcc_device={}; mcc_device={token}", "cd".repeat(32)),
        )
        .form(&[("email", "owner@example.com"), ("password", OWNER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A known browser is throttled by its own failures.
    for _ in 0..5 {
        assert_eq!(login(&known, "wrong-wrong").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&known, OWNER_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    // A forged or foreign token is just an unknown browser.
    let forged = srv.browser();
    let url = format!("{}/api/login", forged.base).parse().unwrap();
    forged.jar.add_cookie_str(
        &format!("mcc_device={}; Path=/api/login", "ab".repeat(32)),
        &url,
    );
    assert_eq!(
        login(&forged, OWNER_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn the_wait_given_lasts_until_the_account_is_under_its_limit() {
    let srv = spawn().await;
    let _owner = srv.owner().await;
    // Seven failures (more than the limit of five: known browsers' failures count too),
    // 14 to 8 minutes old: the fifth newest leaves the 15-minute window in 3 minutes.
    for minutes in 8..15 {
        sqlx::query(
            "insert into login_failure (email, ip, created_at)
             values ('owner@example.com', '192.0.2.1', now() - make_interval(mins => $1))",
        )
        .bind(minutes)
        .execute(&srv.db)
        .await
        .unwrap();
    }
    let r = srv
        .browser()
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    let wait = r.body["TooManyRequests"]["retry_after_secs"]
        .as_u64()
        .expect("retry hint");
    assert!((170..=181).contains(&wait), "{wait} s");
}

#[tokio::test]
async fn an_account_keeps_its_twenty_newest_known_browsers() {
    let srv = spawn().await;
    let _owner = srv.owner().await;
    let user: uuid::Uuid = sqlx::query_scalar("select app_user_id from app_user")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    for i in 0..19 {
        sqlx::query(
            "insert into known_device (token_hash, app_user_id, created_at, expires_at)
             values (sha256($1::bytea), $2, now() - make_interval(mins => 100 - $3), now() + interval '1 day')",
        )
        .bind(format!("old-{i}").into_bytes())
        .bind(user)
        .bind(i)
        .execute(&srv.db)
        .await
        .unwrap();
    }
    for _ in 0..2 {
        assert_eq!(login(&srv.browser(), OWNER_PASSWORD).await, StatusCode::OK);
    }
    let left: Vec<bool> = sqlx::query_scalar(
        "select token_hash = sha256('old-0'::bytea) from known_device where app_user_id = $1",
    )
    .bind(user)
    .fetch_all(&srv.db)
    .await
    .unwrap();
    assert_eq!(left.len(), 20);
    assert!(!left.contains(&true), "the oldest went first");
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled() {
    let srv = spawn_with(|n| (n == "LOGIN_MAX_FAILURES_PER_IP").then(|| "4".to_owned())).await;
    let _owner = srv.owner().await;
    let b = srv.browser();
    for i in 0..4 {
        let email = format!("user{i}@example.com");
        let r = b
            .call("login", &[("email", &email), ("password", "whatever-1234")])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = b
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn cross_site_requests_change_nothing() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    for headers in [
        vec![("origin", "http://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
        vec![
            ("sec-fetch-site", "same-site"),
            ("origin", "http://sub.evil.example"),
        ],
        vec![("origin", "null")],
    ] {
        let r = owner.call_with("logout", &[], &headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
        let r = owner
            .call_with(
                "create_invite",
                &[("email", "x@example.com"), ("role", "admin")],
                &headers,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert!(
        !owner.me().await.is_null(),
        "a cross-site logout went through"
    );
    let invites: i64 = sqlx::query_scalar("select count(*) from team_invite")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert_eq!(invites, 0);

    // The same request from the console's own origin works.
    let origin = srv.base.clone();
    let r = owner
        .call_with(
            "logout",
            &[],
            &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(owner.me().await.is_null());
}

#[tokio::test]
async fn get_never_changes_state() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let r = owner.get("/api/logout").await;
    assert!(
        r.status().is_client_error(),
        "GET logout answered {}",
        r.status()
    );
    assert!(!owner.me().await.is_null());
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let srv = spawn().await;
    let b = srv.browser();
    let big = "x".repeat(server::BODY_LIMIT + 10);
    let r = b
        .client
        .post(format!("{}/api/login", srv.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email=a%40b.c&password={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn pages_redirect_by_session_state() {
    let srv = spawn().await;
    let b = srv.browser();
    let r = b.get("/").await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()["location"], "/setup");
    let r = b.get("/setup").await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"team_name\""), "setup form missing");

    let owner = srv.owner().await;
    let r = b.get("/").await;
    assert_eq!(r.headers()["location"], "/login");
    let r = owner.get("/").await;
    assert_eq!(r.status(), StatusCode::OK);
    // A signed-in page is kept by no cache: Back after signing out must not show it.
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Olivia Owner"),
        "console shell missing the user"
    );
    assert!(html.contains("class=\"topbar\""));
    assert_eq!(owner.get("/login").await.headers()["location"], "/");
    assert_eq!(b.get("/no/such/page").await.status(), StatusCode::NOT_FOUND);
    // The not-found page has the console around it, signed in.
    let r = owner.get("/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains("Olivia Owner"), "{html}");
    assert!(!html.contains("Internal"), "{html}");
    let r = srv.browser().get("/healthz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn language_follows_the_cookie() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let html = owner.get("/").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\""));
    let r = owner
        .call(
            "set_language",
            &[("lang", "zh-CN"), ("back_to", "/team/members")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let html = owner.get("/team/members").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\""));
    assert!(html.contains("成员管理"));
    let r = owner
        .call(
            "set_language",
            &[("lang", "en"), ("back_to", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

/// The front end's files: sent precompressed to a browser that accepts it, and always
/// revalidated, since their names stay the same from one build to the next.
#[tokio::test]
async fn site_files_are_sent_precompressed_and_revalidated() {
    let site = std::env::temp_dir().join(format!("site-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/app.wasm"), b"\0asm raw module").unwrap();
    std::fs::write(site.join("pkg/app.wasm.br"), b"brotli bytes").unwrap();
    let root = site.display().to_string();
    let srv = spawn_with(move |name| (name == "LEPTOS_SITE_ROOT").then(|| root.clone())).await;
    let client = reqwest::Client::new();
    let url = format!("{}/pkg/app.wasm", srv.base);
    let get = |name: &'static str, value: String| client.get(&url).header(name, value).send();

    let r = get("accept-encoding", "gzip, deflate, br".into())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert_eq!(r.headers()["vary"], "accept-encoding");
    let modified = r.headers()["last-modified"].to_str().unwrap().to_owned();
    assert_eq!(&r.bytes().await.unwrap()[..], b"brotli bytes");

    // No brotli without asking for it; no gzip file to fall back on.
    let r = get("accept-encoding", "gzip".into()).await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(&r.bytes().await.unwrap()[..], b"\0asm raw module");

    let r = get("if-modified-since", modified).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let _ = std::fs::remove_dir_all(&site);
}

/// The nonce in a page's Content-Security-Policy, after checking what else it allows.
fn csp_nonce(r: &reqwest::Response) -> String {
    let policy = r.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII policy")
        .to_owned();
    for directive in [
        "default-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "'wasm-unsafe-eval'",
    ] {
        assert!(policy.contains(directive), "{directive} missing: {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let start = policy.find("'nonce-").expect("a nonce") + "'nonce-".len();
    let len = policy[start..].find('\'').expect("closing quote");
    policy[start..start + len].to_owned()
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let mut seen = std::collections::HashSet::new();
    for (b, path) in [
        (&owner, "/"),
        (&owner, "/scf/functions?rid=8&ns=default"),
        (&owner, "/no/such/page"),
        (&srv.browser(), "/login"),
    ] {
        let r = b.get(path).await;
        let nonce = csp_nonce(&r);
        assert!(nonce.len() >= 22, "{path}: short nonce {nonce}");
        assert!(seen.insert(nonce.clone()), "{path}: nonce reused");
        let html = r.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(scripts.len() >= 2, "{path}: {html}");
        for script in scripts {
            let tag = &script[..script.find('>').expect("tag end")];
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the page's nonce: <script{tag}>"
            );
        }
    }
}

#[tokio::test]
async fn sign_in_refuses_impossible_emails_without_a_server_error() {
    let srv = spawn().await;
    let _owner = srv.owner().await;
    let huge = format!("{}@example.com", "a".repeat(500_000));
    for email in ["alice\u{0}@example.com", huge.as_str(), "no-at-sign"] {
        let r = srv
            .browser()
            .call("login", &[("email", email), ("password", "x\u{0}y")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{r:?}");
        assert_eq!(r.body["Invalid"]["field"], "email");
    }
}

/// A client that never finishes a request's head (slowloris) is cut off after the header
/// timeout, on the console and on the emulator; it held the connection for ever before.
/// Sends `head` and the start of a body that never ends; returns what the server answers
/// before it closes the connection, and when it began to. With `drip`, one more byte of
/// the body goes every `drip`.
async fn stall(
    addr: &str,
    head: String,
    drip: Option<std::time::Duration>,
) -> (String, std::time::Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    writer.write_all(head.as_bytes()).await.expect("write");
    let started = std::time::Instant::now();
    let dripping = tokio::spawn(async move {
        while let Some(every) = drip {
            tokio::time::sleep(every).await;
            if writer.write_all(b"x").await.is_err() {
                break;
            }
        }
        // Held (not closed) until the server ends the exchange.
        std::future::pending::<()>().await;
    });
    let limit = server::body_limit::BODY_TIMEOUT + std::time::Duration::from_secs(10);
    let answer = tokio::time::timeout(limit, async {
        let mut answer = Vec::new();
        let mut buf = [0u8; 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break answer,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("the connection is closed");
    dripping.abort();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn unfinished_request_bodies_are_cut_off() {
    let srv = spawn().await;
    let addr = srv.addr.to_string();
    // A body announced at 100 bytes, of which 2 come.
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nem"
    );
    let (answer, after) = stall(&addr, head, None).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        after >= server::body_limit::BODY_TIMEOUT - std::time::Duration::from_secs(1),
        "cut off before the timeout"
    );
}

#[tokio::test]
async fn emulator_bodies_that_stall_are_cut_off_even_for_a_valid_key() {
    let emu = spawn_emulator().await;
    let addr = emu.base.trim_start_matches("http://").to_owned();
    let secret_key = &emu.account.secret_key;
    let secret_id = &emu.account.secret_id;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    // An API call signed for its whole body, of which a tenth comes.
    let body = format!("{{\"Limit\":10,\"Pad\":\"{}\"}}", "x".repeat(80));
    let sig = server::cloud::sign::tc3_sign(
        secret_key,
        &server::cloud::sign::Tc3Request {
            method: "POST",
            canonical_query: "",
            headers: &[("content-type", "application/json"), ("host", &addr)],
            payload: body.as_bytes(),
            service: "scf",
            timestamp: now,
        },
    );
    let api = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-TC-Action: ListFunctions\r\nX-TC-Version: 2018-04-16\r\nX-TC-Region: ap-beijing\r\nX-TC-Timestamp: {now}\r\nAuthorization: {}\r\nContent-Length: {}\r\n\r\n{}",
        sig.authorization(secret_id),
        body.len(),
        &body[..10]
    );

    // A COS upload, signed, announced at 100 bytes, of which 10 come.
    let bucket = emu.create_bucket("slow").await;
    let host = format!("{bucket}.cos.ap-beijing.myqcloud.com");
    let key_time = format!("{};{}", now - 10, now + 600);
    let cos_sig = server::cloud::sign::cos_sign(
        secret_key,
        &server::cloud::sign::CosRequest {
            method: "PUT",
            path: "/slow.bin",
            params: &[],
            headers: &[("host", &host)],
            key_time: &key_time,
        },
    );
    let cos = format!(
        "PUT /cos/{bucket}/slow.bin HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nContent-Length: 100\r\n\r\n0123456789",
        cos_sig.authorization(secret_id, &key_time)
    );

    // And one whose body comes a byte every 2 s, never pausing long but never arriving.
    let dripped = cos.replace("slow.bin", "drip.bin");
    let dripped = {
        let sig = server::cloud::sign::cos_sign(
            secret_key,
            &server::cloud::sign::CosRequest {
                method: "PUT",
                path: "/drip.bin",
                params: &[],
                headers: &[("host", &host)],
                key_time: &key_time,
            },
        );
        let old = cos_sig.authorization(secret_id, &key_time);
        dripped.replace(&old, &sig.authorization(secret_id, &key_time))
    };

    let ((api_answer, api_after), (cos_answer, cos_after), (drip_answer, drip_after)) = tokio::join!(
        stall(&addr, api, None),
        stall(&addr, cos, None),
        stall(&addr, dripped, Some(std::time::Duration::from_secs(2)))
    );
    let least = server::body_limit::BODY_TIMEOUT - std::time::Duration::from_secs(1);
    assert!(api_answer.starts_with("HTTP/1.1 408"), "{api_answer}");
    assert!(api_after >= least, "cut off before the timeout");
    assert!(cos_answer.starts_with("HTTP/1.1 400"), "{cos_answer}");
    assert!(
        cos_answer.contains("<Code>RequestTimeout</Code>"),
        "{cos_answer}"
    );
    assert!(cos_after >= least, "cut off before the timeout");
    assert!(
        drip_answer.contains("<Code>RequestTimeout</Code>"),
        "{drip_answer}"
    );
    assert!(drip_after >= least, "cut off before the first window ended");
    let stored: i64 = sqlx::query_scalar("select count(*) from emulator.cos_object")
        .fetch_one(&emu.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing stored");
}

#[tokio::test]
async fn unfinished_request_heads_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let srv = spawn().await;
    let emulator = srv.emulator_url.trim_start_matches("http://").to_owned();
    for addr in [srv.addr.to_string(), emulator] {
        let mut stream = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
            .await
            .expect("write");
        let started = std::time::Instant::now();
        let mut buf = [0u8; 256];
        let limit = server::http_server::HEADER_TIMEOUT + std::time::Duration::from_secs(10);
        // The server answers 408 or just closes; either way the read ends.
        let read = tokio::time::timeout(limit, async {
            let mut total = 0;
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break total,
                    Ok(n) => total += n,
                }
            }
        })
        .await;
        assert!(read.is_ok(), "{addr}: the connection is still open");
        assert!(
            started.elapsed()
                >= server::http_server::HEADER_TIMEOUT - std::time::Duration::from_secs(1),
            "{addr}: cut off before the timeout"
        );
    }
}
