//! Invitations, roles and the wall between teams.
use integration_tests::*;
use reqwest::StatusCode;

fn member_id(list: &serde_json::Value, email: &str) -> String {
    list.as_array()
        .expect("member list")
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {list}"))["user_id"]
        .as_str()
        .expect("user ids are strings")
        .to_owned()
}

#[tokio::test]
async fn invitations_create_members_with_their_role() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let viewer = srv
        .invite_and_join(&owner, "viewer@example.com", "viewer", "Vera")
        .await;
    let me = viewer.me().await;
    assert_eq!(me["team"]["name"], "Media");
    assert_eq!(me["team"]["role"], "Viewer");

    let members = owner.call("list_members", &[]).await.body;
    assert_eq!(members.as_array().unwrap().len(), 2);
    // The viewer can read the team…
    assert_eq!(
        viewer.call("list_members", &[]).await.status,
        StatusCode::OK
    );
    // …and change nothing in it.
    let owner_id = member_id(&members, "owner@example.com");
    for (endpoint, form) in [
        (
            "create_invite",
            vec![("email", "x@example.com"), ("role", "viewer")],
        ),
        ("remove_member", vec![("user_id", owner_id.as_str())]),
    ] {
        let r = viewer.call(endpoint, &form).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{endpoint}: {r:?}");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from team_invite")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert_eq!(count, 1, "only the owner's invitation exists");

    // The overview offers the viewer no wizard, the owner one.
    let theirs = viewer.get("/").await.text().await.unwrap();
    assert!(!theirs.contains("open-wizard"), "{theirs}");
    assert!(theirs.contains("As a viewer you see"), "{theirs}");
    let ours = owner.get("/").await.text().await.unwrap();
    assert!(ours.contains("open-wizard"), "{ours}");
}

#[tokio::test]
async fn invitation_links_are_single_use_and_expire() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let r = owner
        .call(
            "create_invite",
            &[("email", "new@example.com"), ("role", "developer")],
        )
        .await;
    let token = invite_token(&r);
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from team_invite")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "tokens are stored hashed");

    let info = srv.browser().call("get_invite", &[("token", &token)]).await;
    assert_eq!(info.body["team_name"], "Media");
    assert_eq!(info.body["existing_account"], false);

    let short = srv
        .browser()
        .call(
            "accept_invite",
            &[
                ("token", &token),
                ("display_name", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.body["Invalid"]["field"], "display_name");
    assert_eq!(short.body["Invalid"]["also"][0]["field"], "password");
    let ok = srv
        .browser()
        .call(
            "accept_invite",
            &[
                ("token", &token),
                ("display_name", "Nia"),
                ("password", MEMBER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let reuse = srv
        .browser()
        .call(
            "accept_invite",
            &[
                ("token", &token),
                ("display_name", "Eve"),
                ("password", MEMBER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(error_code(&reuse), "invite_invalid");

    let r = owner
        .call(
            "create_invite",
            &[("email", "late@example.com"), ("role", "viewer")],
        )
        .await;
    let late = invite_token(&r);
    sqlx::query("update team_invite set expires_at = now() - interval '1 minute' where email = 'late@example.com'")
        .execute(&srv.db)
        .await
        .unwrap();
    let r = srv.browser().call("get_invite", &[("token", &late)]).await;
    assert_eq!(error_code(&r), "invite_expired");

    let r = owner
        .call(
            "create_invite",
            &[("email", "gone@example.com"), ("role", "viewer")],
        )
        .await;
    let (gone, id) = (invite_token(&r), r.body["id"].as_str().unwrap().to_owned());
    assert_eq!(
        owner
            .call("revoke_invite", &[("invite_id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    let r = srv.browser().call("get_invite", &[("token", &gone)]).await;
    assert_eq!(error_code(&r), "invite_invalid");
    let r = srv.browser().call("get_invite", &[("token", "0000")]).await;
    assert_eq!(error_code(&r), "invite_invalid");
}

#[tokio::test]
async fn an_account_creates_teams_up_to_its_limit() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    // The owner's first team counts.
    for i in 1..server::backend::MAX_TEAMS_TO_CREATE {
        let r = owner
            .call("create_team", &[("name", &format!("Team {i}"))])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
    assert_eq!(
        owner.me().await["teams"].as_array().map(Vec::len),
        Some(server::backend::MAX_TEAMS_TO_CREATE)
    );
    let r = owner.call("create_team", &[("name", "One too many")]).await;
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (StatusCode::CONFLICT, "team_limit"),
        "{r:?}"
    );
    let last = format!("Team {}", server::backend::MAX_TEAMS_TO_CREATE - 1);
    assert_eq!(
        owner.me().await["team"]["name"],
        last.as_str(),
        "still in the last one made"
    );
}

#[tokio::test]
async fn an_existing_account_joins_with_its_password() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    owner.call("create_team", &[("name", "Second")]).await;
    assert_eq!(owner.me().await["team"]["name"], "Second");
    // A second team of the same name (in any case) would look the same in the picker.
    let r = owner.call("create_team", &[("name", "SECOND")]).await;
    assert_eq!(
        (
            r.status,
            error_code(&r).as_str(),
            r.body["Invalid"]["field"].as_str()
        ),
        (StatusCode::BAD_REQUEST, "team_name_taken", Some("name")),
        "{r:?}"
    );
    let r = owner
        .call(
            "create_invite",
            &[("email", "owner@example.com"), ("role", "viewer")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "the owner is already a member"
    );

    let member = srv
        .invite_and_join(&owner, "dev@example.com", "developer", "Dev")
        .await;
    // Back in the first team, invite the same person: they join with their password.
    let first = owner.me().await["teams"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        owner
            .call("switch_team", &[("team_id", &first)])
            .await
            .status,
        StatusCode::OK
    );
    let r = owner
        .call(
            "create_invite",
            &[("email", "DEV@example.com"), ("role", "admin")],
        )
        .await;
    let token = invite_token(&r);
    let info = srv.browser().call("get_invite", &[("token", &token)]).await;
    assert_eq!(info.body["existing_account"], true);
    let wrong = srv
        .browser()
        .call(
            "accept_invite",
            &[
                ("token", &token),
                ("display_name", ""),
                ("password", "wrong-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let ok = member
        .call(
            "accept_invite",
            &[
                ("token", &token),
                ("display_name", ""),
                ("password", MEMBER_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
    assert_eq!(member.me().await["teams"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn admins_manage_members_but_not_owners() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let admin = srv
        .invite_and_join(&owner, "admin@example.com", "admin", "Ada")
        .await;
    let _dev = srv
        .invite_and_join(&admin, "dev@example.com", "developer", "Dev")
        .await;
    let members = owner.call("list_members", &[]).await.body;
    let (owner_id, dev_id) = (
        member_id(&members, "owner@example.com"),
        member_id(&members, "dev@example.com"),
    );

    let r = admin
        .call(
            "create_invite",
            &[("email", "o2@example.com"), ("role", "owner")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "admins cannot mint owners"
    );
    let r = admin
        .call(
            "change_member_role",
            &[("user_id", &dev_id), ("role", "owner")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .call(
            "change_member_role",
            &[("user_id", &owner_id), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin.call("remove_member", &[("user_id", &owner_id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .call(
            "change_member_role",
            &[("user_id", &dev_id), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = admin
        .call(
            "change_member_role",
            &[("user_id", &dev_id), ("role", "superuser")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let admin_id = member_id(&members, "admin@example.com");
    let r = admin
        .call(
            "change_member_role",
            &[("user_id", &admin_id), ("role", "owner")],
        )
        .await;
    assert_eq!(error_code(&r), "cannot_change_self");

    // The owner promotes, and the removed member loses the team at once.
    assert_eq!(
        owner
            .call(
                "change_member_role",
                &[("user_id", &admin_id), ("role", "owner")]
            )
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        owner
            .call("remove_member", &[("user_id", &dev_id)])
            .await
            .status,
        StatusCode::OK
    );
    let members = owner.call("list_members", &[]).await.body;
    assert_eq!(members.as_array().unwrap().len(), 2);

    // Each change to the members is in the audit log, newest first, naming the member;
    // the refused ones are not.
    let r = owner.call("audit_log", &[("page", "1")]).await;
    let rows: Vec<(&str, &str, &str)> = r.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default();
            (text("action"), text("target"), text("actor"))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("member_removed", "dev@example.com (viewer)", "Olivia Owner"),
            (
                "member_role_changed",
                "admin@example.com (admin → owner)",
                "Olivia Owner"
            ),
            (
                "member_role_changed",
                "dev@example.com (developer → viewer)",
                "Ada"
            ),
            ("member_joined", "dev@example.com (developer)", "Dev"),
            ("invite_created", "dev@example.com (developer)", "Ada"),
            ("member_joined", "admin@example.com (admin)", "Ada"),
            (
                "invite_created",
                "admin@example.com (admin)",
                "Olivia Owner"
            ),
        ],
        "{r:?}"
    );
}

#[tokio::test]
async fn teams_cannot_reach_each_other() {
    let srv = spawn().await;
    let owner = srv.owner().await; // team Media
    let media_dev = srv
        .invite_and_join(&owner, "dev@example.com", "developer", "Dev")
        .await;
    let r = owner
        .call(
            "create_invite",
            &[("email", "pending@example.com"), ("role", "viewer")],
        )
        .await;
    let media_invite = r.body["id"].as_str().unwrap().to_owned();
    let media_team = owner.me().await["team"]["id"].as_str().unwrap().to_owned();
    let media_members = owner.call("list_members", &[]).await.body;
    let dev_id = member_id(&media_members, "dev@example.com");

    // Someone who only belongs to another team, as its admin.
    owner.call("create_team", &[("name", "Rival")]).await;
    let rival = srv
        .invite_and_join(&owner, "rival@example.com", "admin", "Rita")
        .await;
    assert_eq!(rival.me().await["teams"].as_array().unwrap().len(), 1);

    let names: Vec<_> = rival
        .call("list_members", &[])
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].clone())
        .collect();
    assert!(
        !names.contains(&serde_json::json!("dev@example.com")),
        "{names:?}"
    );
    let invites = rival.call("list_invites", &[]).await.body;
    assert!(invites
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["email"] != "pending@example.com"));

    for (endpoint, form) in [
        (
            "change_member_role",
            vec![("user_id", dev_id.as_str()), ("role", "viewer")],
        ),
        ("remove_member", vec![("user_id", dev_id.as_str())]),
        ("revoke_invite", vec![("invite_id", media_invite.as_str())]),
        ("switch_team", vec![("team_id", media_team.as_str())]),
    ] {
        let r = rival.call(endpoint, &form).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{endpoint}: {r:?}");
        assert_eq!(error_kind(&r), "NotFound");
    }
    assert_eq!(media_dev.me().await["team"]["role"], "Developer");
    let pending: i64 = sqlx::query_scalar("select count(*) from team_invite where revoked_at is null and email = 'pending@example.com'")
        .fetch_one(&srv.db)
        .await
        .unwrap();
    assert_eq!(pending, 1);

    // Signed-out callers get nothing at all.
    let anon = srv.browser();
    for endpoint in ["list_members", "list_invites", "list_my_sessions"] {
        assert_eq!(
            anon.call(endpoint, &[]).await.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn the_audit_log_pages_by_fifty() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let add = |n: i32| {
        sqlx::query(
            "insert into audit_event (team_id, action, target)
             select team_id, 'function_created', 'F' || g from team, generate_series(1, $1) g",
        )
        .bind(n)
        .execute(&srv.db)
    };
    add(50).await.unwrap();
    let page = |n: &'static str| {
        let owner = &owner;
        async move { owner.call("audit_log", &[("page", n)]).await }
    };
    let first = page("1").await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    let rows = first.body["rows"].as_array().expect("rows").len();
    assert_eq!((rows, &first.body["more"]), (50, &serde_json::json!(false)));

    add(1).await.unwrap();
    let first = page("1").await;
    assert_eq!(first.body["more"], true);
    let second = page("2").await;
    let rows = second.body["rows"].as_array().expect("rows").len();
    assert_eq!((rows, &second.body["more"]), (1, &serde_json::json!(false)));
    // Page numbers below 1 are page 1.
    assert_eq!(
        page("0").await.body["rows"].as_array().map(Vec::len),
        Some(50)
    );
}

#[tokio::test]
async fn a_new_invitation_replaces_the_pending_one_for_that_address() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let first = invite_token(
        &owner
            .call(
                "create_invite",
                &[("email", "dev@example.com"), ("role", "developer")],
            )
            .await,
    );
    let second = invite_token(
        &owner
            .call(
                "create_invite",
                &[("email", "DEV@example.com"), ("role", "viewer")],
            )
            .await,
    );
    let pending = owner.call("list_invites", &[]).await;
    let rows = pending.body.as_array().expect("invitations");
    assert_eq!(rows.len(), 1, "{pending:?}");
    assert_eq!(rows[0]["role"], "Viewer");
    let old = srv.browser().call("get_invite", &[("token", &first)]).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST, "{old:?}");
    let new = srv
        .browser()
        .call("get_invite", &[("token", &second)])
        .await;
    assert_eq!(new.status, StatusCode::OK, "{new:?}");
}
