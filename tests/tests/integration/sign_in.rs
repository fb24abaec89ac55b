//! First-run setup, sign in/out, session rotation, expiry and revocation.
use integration_tests::*;
use reqwest::StatusCode;

#[tokio::test]
async fn setup_creates_the_owner_once_and_signs_in() {
    let srv = spawn().await;
    let b = srv.browser();
    let info = b.call("get_session_info", &[]).await;
    assert_eq!(info.body["needs_setup"], true);
    assert!(info.body["me"].is_null());

    let owner = srv.owner().await;
    let me = owner.me().await;
    assert_eq!(me["email"], "owner@example.com");
    assert_eq!(me["team"]["role"], "Owner");
    assert_eq!(me["team"]["name"], "Media");

    // A second setup is refused, whoever asks.
    let again = b
        .call(
            "setup_owner",
            &[
                ("team_name", "X"),
                ("display_name", "Mallory"),
                ("email", "m@example.com"),
                ("password", "password-1234"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(error_code(&again), "already_set_up");
    let count: i64 = sqlx::query_scalar("select count(*) from app_user")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn setup_validates_every_field() {
    let srv = spawn().await;
    let b = srv.browser();
    for (field, form) in [
        (
            "team_name",
            [
                ("team_name", " "),
                ("display_name", "A"),
                ("email", "a@example.com"),
                ("password", "password-1234"),
            ],
        ),
        (
            "display_name",
            [
                ("team_name", "T"),
                ("display_name", ""),
                ("email", "a@example.com"),
                ("password", "password-1234"),
            ],
        ),
        (
            "email",
            [
                ("team_name", "T"),
                ("display_name", "A"),
                ("email", "not-an-email"),
                ("password", "password-1234"),
            ],
        ),
        (
            "password",
            [
                ("team_name", "T"),
                ("display_name", "A"),
                ("email", "a@example.com"),
                ("password", "short"),
            ],
        ),
    ] {
        let r = b.call("setup_owner", &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {r:?}");
        assert_eq!(r.body["Invalid"]["field"], field);
    }
    // Every field's problem comes back at once: the first, then the others in `also`.
    let all = b
        .call(
            "setup_owner",
            &[
                ("team_name", " "),
                ("display_name", "A\u{202E}B"),
                ("email", "no"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(all.status, StatusCode::BAD_REQUEST, "{all:?}");
    assert_eq!(all.body["Invalid"]["field"], "team_name");
    assert_eq!(
        all.body["Invalid"]["also"],
        serde_json::json!([
            {"field": "display_name", "code": "name_chars"},
            {"field": "email", "code": "email_invalid"},
            {"field": "password", "code": "password_too_short"},
        ])
    );
    let missing = b.call("setup_owner", &[("team_name", "T")]).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{missing:?}");
    assert_eq!(
        b.call("get_session_info", &[]).await.body["needs_setup"],
        true
    );
}

#[tokio::test]
async fn sign_out_and_in_again() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    assert_eq!(owner.call("logout", &[]).await.status, StatusCode::OK);
    assert!(owner.me().await.is_null());

    let wrong = owner
        .call(
            "login",
            &[
                ("email", "owner@example.com"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_kind(&wrong), "BadCredentials");
    let unknown = owner
        .call(
            "login",
            &[
                ("email", "nobody@example.com"),
                ("password", OWNER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(unknown.body, wrong.body, "same answer for unknown accounts");

    // Email matching ignores case and surrounding spaces.
    let ok = owner
        .call(
            "login",
            &[
                ("email", " OWNER@example.com "),
                ("password", OWNER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
    assert_eq!(owner.me().await["email"], "owner@example.com");
}

#[tokio::test]
async fn session_id_changes_at_sign_in_and_the_old_one_dies() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let first = owner.session_cookie().expect("cookie after setup");

    let r = owner
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let second = owner.session_cookie().expect("cookie after login");
    assert_ne!(first, second, "sign-in must issue a new session id");

    // Replaying the first cookie from elsewhere gets nothing.
    let thief = srv.browser();
    let r = thief
        .client
        .post(format!("{}/api/get_session_info", srv.base))
        .header("cookie", format!("{}={first}", server::SESSION_COOKIE))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["me"].is_null(), "old session id still works: {body}");
    assert!(!owner.me().await.is_null());
}

#[tokio::test]
async fn the_sessions_table_holds_no_cookie_that_signs_in() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let cookie = owner.session_cookie().expect("cookie after setup");
    let ids: Vec<String> = sqlx::query_scalar("select id from tower_sessions.session")
        .fetch_all(&srv.db)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_ne!(ids[0], cookie);
    // Whoever reads the table cannot use what is in it.
    let thief = srv.browser();
    let r = thief
        .client
        .post(format!("{}/api/get_session_info", srv.base))
        .header("cookie", format!("{}={}", server::SESSION_COOKIE, ids[0]))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["me"].is_null(), "the stored id signs in: {body}");
    assert!(!owner.me().await.is_null());
}

#[tokio::test]
async fn a_planted_session_id_is_not_adopted() {
    let srv = spawn().await;
    let _owner = srv.owner().await;
    let victim = srv.browser();
    let planted = "AAAAAAAAAAAAAAAAAAAAAA";
    victim.jar.add_cookie_str(
        &format!("{}={planted}; Path=/", server::SESSION_COOKIE),
        &srv.base.parse().unwrap(),
    );
    let r = victim
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_ne!(victim.session_cookie().as_deref(), Some(planted));
    assert!(!victim.me().await.is_null());
}

#[tokio::test]
async fn cookie_flags_are_strict() {
    let srv = spawn().await;
    let b = srv.browser();
    let res = b
        .client
        .post(format!("{}/api/setup_owner", srv.base))
        .header("accept", "application/json")
        .form(&[
            ("team_name", "T"),
            ("display_name", "A"),
            ("email", "a@example.com"),
            ("password", "password-1234"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get("set-cookie")
        .expect("session cookie set")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http by default: {cookie}"
    );

    let secure = spawn_with(|n| (n == "SESSION_SECURE_COOKIE").then(|| "true".to_owned())).await;
    let res = secure
        .browser()
        .client
        .post(format!("{}/api/setup_owner", secure.base))
        .header("accept", "application/json")
        .form(&[
            ("team_name", "T"),
            ("display_name", "A"),
            ("email", "a@example.com"),
            ("password", "password-1234"),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn sessions_expire_by_absolute_lifetime_and_by_idleness() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    sqlx::query("update user_session set expires_at = now() - interval '1 second'")
        .execute(&srv.db)
        .await
        .unwrap();
    assert!(owner.me().await.is_null(), "absolute lifetime not enforced");

    let r = owner
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!owner.me().await.is_null());
    sqlx::query("update user_session set last_seen_at = now() - interval '31 minutes' where revoked_at is null")
        .execute(&srv.db)
        .await
        .unwrap();
    assert!(owner.me().await.is_null(), "idle timeout not enforced");
    let protected = owner.call("list_my_sessions", &[]).await;
    assert_eq!(protected.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn activity_renews_the_cookie_session() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    // As if the user signed in 29 minutes ago and was last seen 2 minutes ago: the
    // cookie session's record is a minute from expiring.
    sqlx::query("update user_session set last_seen_at = now() - interval '2 minutes' where revoked_at is null")
        .execute(&srv.db)
        .await
        .unwrap();
    sqlx::query("update tower_sessions.session set expiry_date = now() + interval '1 minute'")
        .execute(&srv.db)
        .await
        .unwrap();
    let res = owner.get("/scf/functions").await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(server::SESSION_COOKIE))
        .expect("the cookie is sent again with a renewed lifetime")
        .to_owned();
    assert!(cookie.contains("Max-Age=1800"), "{cookie}");
    let left: f64 = sqlx::query_scalar(
        "select extract(epoch from max(expiry_date) - now())::float8 from tower_sessions.session",
    )
    .fetch_one(&srv.db)
    .await
    .unwrap();
    assert!(left > 29.0 * 60.0, "record expires in {left} s");
    assert!(!owner.me().await.is_null());
}

#[tokio::test]
async fn revoking_a_session_signs_that_browser_out() {
    let srv = spawn().await;
    let laptop = srv.owner().await;
    let phone = srv.browser();
    let r = phone
        .call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    let list = laptop.call("list_my_sessions", &[]).await;
    let rows = list.body.as_array().expect("session list").clone();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows.iter().filter(|r| r["current"] == true).count(), 1);
    let other = rows.iter().find(|r| r["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let r = laptop
        .call("revoke_session", &[("session_id", &other)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert!(
        phone.me().await.is_null(),
        "revoked browser still signed in"
    );
    assert_eq!(
        phone.call("list_my_sessions", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(!laptop.me().await.is_null());
    let rows = laptop.call("list_my_sessions", &[]).await.body;
    assert_eq!(rows.as_array().unwrap().len(), 1);

    // Another user's session id is not ours to revoke.
    let member = srv
        .invite_and_join(&laptop, "dev@example.com", "developer", "Dev")
        .await;
    let theirs = member.call("list_my_sessions", &[]).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = laptop
        .call("revoke_session", &[("session_id", &theirs)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!member.me().await.is_null());
}

#[tokio::test]
async fn sign_out_everywhere_else() {
    let srv = spawn().await;
    let a = srv.owner().await;
    let mut others = Vec::new();
    for _ in 0..3 {
        let b = srv.browser();
        b.call(
            "login",
            &[("email", "owner@example.com"), ("password", OWNER_PASSWORD)],
        )
        .await;
        others.push(b);
    }
    let r = a.call("revoke_other_sessions", &[]).await;
    assert_eq!(r.body, 3);
    for b in &others {
        assert!(b.me().await.is_null());
    }
    assert!(!a.me().await.is_null());
}
