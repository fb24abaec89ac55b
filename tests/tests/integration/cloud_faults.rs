//! Cloud API faults injected in the emulator (throttling past the retries, HTTP 500, a
//! malformed answer, a request that never answers) reach the console as clear errors and
//! leave nothing half done: the same action succeeds once the fault is gone. Two sessions
//! binding the same MPS event type at once: exactly one wins.
use integration_tests::*;
use reqwest::StatusCode;
use serde_json::Value;
use server::emulator::fault;

use crate::console_forms::{function_names, list_functions, NewFunction};

const F: [(&str, &str); 3] = [("rid", "8"), ("ns", "default"), ("name", "MPSAnalysis")];

fn bind_form<'a>(name: &'a str, event_type: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("rid", "8"),
        ("ns", "default"),
        ("name", name),
        ("event_type", event_type),
    ]
}

/// The team's emulator account (the only one in a fresh database).
async fn account_id(srv: &TestServer) -> i64 {
    sqlx::query_scalar("select account_id from emulator.account")
        .fetch_one(&srv.db)
        .await
        .expect("one emulator account")
}

/// The reply is the error a broken call must give: 502 with the cloud's code and
/// RequestId when it answered, `CloudUnreachable` with a message when it did not.
fn assert_clear_error(r: &Reply, code: &str) {
    assert_eq!(r.status, StatusCode::BAD_GATEWAY, "{code}: {r:?}");
    if code.starts_with('@') {
        assert_eq!(error_kind(r), "CloudUnreachable", "{code}: {r:?}");
        let message = r.body["CloudUnreachable"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(!message.is_empty(), "{code}: {r:?}");
    } else {
        assert_eq!(error_kind(r), "Cloud", "{code}: {r:?}");
        assert_eq!(r.body["Cloud"]["code"], code, "{r:?}");
        let request_id = r.body["Cloud"]["request_id"].as_str().unwrap_or_default();
        assert!(!request_id.is_empty(), "{r:?}");
    }
}

#[tokio::test]
async fn injected_faults_give_clear_errors_and_leave_no_trace() {
    // Lost requests count as lost after 2 s rather than 30.
    let srv = spawn_with(|n| (n == "CLOUD_TIMEOUT_SECONDS").then(|| "2".to_owned())).await;
    let owner = srv.owner().await;
    assert_eq!(owner.call("wizard_state", &[]).await.status, StatusCode::OK);
    let account = account_id(&srv).await;
    let r = NewFunction::named("MPSAnalysis").send(&owner).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    wait_active(&owner, "MPSAnalysis").await;
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        let r = owner.call("authorize_role", &[("name", role)]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }

    // Throttling is retried three times, so four answers in a row get through.
    let faults = [
        ("RequestLimitExceeded", 4),
        (fault::HTTP_500, 4),
        (fault::MALFORMED, 4),
        (fault::TIMEOUT, 4),
    ];
    for (code, times) in faults {
        // A new function: refused, not created, and creatable right after.
        fault::inject(&srv.db, account, "CreateFunction", code, times)
            .await
            .expect("inject");
        let r = NewFunction::named("Second").send(&owner).await;
        assert_clear_error(&r, code);
        sqlx::query("delete from emulator.fault")
            .execute(&srv.db)
            .await
            .expect("clear faults");
        assert!(!function_names(&owner).await.contains(&"Second".to_owned()));
        let r = NewFunction::named("Second").send(&owner).await;
        assert_eq!(r.status, StatusCode::OK, "{code}: {r:?}");
        wait_active(&owner, "Second").await;
        let mut del = F.to_vec();
        del[2].1 = "Second";
        let r = owner.call("delete_function", &del).await;
        assert_eq!(r.status, StatusCode::OK, "{code}: {r:?}");

        // A trigger: refused, neither bound in the cloud nor recorded by the console.
        fault::inject(&srv.db, account, "BindTrigger", code, times)
            .await
            .expect("inject");
        let r = owner
            .call(
                "create_mps_trigger",
                &bind_form("MPSAnalysis", "WorkflowTask"),
            )
            .await;
        assert_clear_error(&r, code);
        sqlx::query("delete from emulator.fault")
            .execute(&srv.db)
            .await
            .expect("clear faults");
        let r = owner.call("list_triggers", &F).await;
        assert_eq!(r.body, Value::Array(vec![]), "{code}: {r:?}");
        let bound: i64 = sqlx::query_scalar("select count(*) from mps_binding")
            .fetch_one(&srv.db)
            .await
            .expect("count");
        assert_eq!(bound, 0, "{code}");
        let r = owner
            .call(
                "create_mps_trigger",
                &bind_form("MPSAnalysis", "WorkflowTask"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{code}: {r:?}");
        let r = owner
            .call(
                "delete_trigger",
                &[
                    ("rid", "8"),
                    ("ns", "default"),
                    ("name", "MPSAnalysis"),
                    ("trigger_name", "WorkflowTask"),
                    ("kind", "mps"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{code}: {r:?}");

        // A read: the error, then the same list as before.
        fault::inject(&srv.db, account, "ListFunctions", code, times)
            .await
            .expect("inject");
        let r = list_functions(&owner, "8", "").await;
        assert_clear_error(&r, code);
        sqlx::query("delete from emulator.fault")
            .execute(&srv.db)
            .await
            .expect("clear faults");
        assert_eq!(function_names(&owner).await, ["MPSAnalysis"], "{code}");
    }
}

#[tokio::test]
async fn concurrent_binds_of_one_event_type_have_one_winner() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    let developer = srv
        .invite_and_join(&owner, "dev@example.com", "developer", "Dana Developer")
        .await;
    // The developer reads the console in Chinese, and so gets the cloud's messages.
    let url = developer.base.parse().expect("base URL");
    developer.jar.add_cookie_str("lang=zh-CN; Path=/", &url);
    for name in ["First", "Second"] {
        let r = NewFunction::named(name).send(&owner).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
        wait_active(&owner, name).await;
    }
    for role in ["SCF_QcsRole", "MPS_QcsRole"] {
        let r = owner.call("authorize_role", &[("name", role)]).await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
    for round in 0..5 {
        let (first, second) = (
            bind_form("First", "EditMediaTask"),
            bind_form("Second", "EditMediaTask"),
        );
        let (a, b) = tokio::join!(
            owner.call("create_mps_trigger", &first),
            developer.call("create_mps_trigger", &second),
        );
        let winners: Vec<&str> = [(&a, "First"), (&b, "Second")]
            .iter()
            .filter(|(r, _)| r.status == StatusCode::OK)
            .map(|(_, name)| *name)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {a:?} {b:?}");
        // The loser hears why: the cloud's code for an event type another function holds.
        let loser = if winners[0] == "First" { &b } else { &a };
        assert_eq!(error_kind(loser), "Cloud", "round {round}: {loser:?}");
        assert_eq!(
            loser.status,
            StatusCode::CONFLICT,
            "round {round}: {loser:?}"
        );
        assert_eq!(
            loser.body["Cloud"]["code"], "ResourceInUse.Trigger",
            "round {round}: {loser:?}"
        );
        let message = loser.body["Cloud"]["message"].as_str().unwrap_or_default();
        let (reader, words) = if winners[0] == "First" {
            ("developer", "已绑定到函数 ap-beijing/default/First")
        } else {
            (
                "owner",
                "already bound to function ap-beijing/default/Second",
            )
        };
        assert!(message.contains(words), "{reader}: {message}");

        // The cloud and the console agree on the one holder.
        let recorded: Vec<String> = sqlx::query_scalar("select function_name from mps_binding")
            .fetch_all(&srv.db)
            .await
            .expect("bindings");
        assert_eq!(recorded, [winners[0]], "round {round}");
        for name in ["First", "Second"] {
            let mut f = F.to_vec();
            f[2].1 = name;
            let r = owner.call("list_triggers", &f).await;
            let n = r.body.as_array().map_or(0, Vec::len);
            assert_eq!(
                n,
                usize::from(name == winners[0]),
                "round {round} {name}: {r:?}"
            );
        }
        let r = owner
            .call(
                "delete_trigger",
                &[
                    ("rid", "8"),
                    ("ns", "default"),
                    ("name", winners[0]),
                    ("trigger_name", "EditMediaTask"),
                    ("kind", "mps"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{r:?}");
    }
}

/// A page asks the cloud once for each list it shows. Server rendering makes a dry run
/// over the page before rendering it; when the session was already known (it is cached),
/// that run built the whole page too, and each list was fetched twice. Counted with
/// faults: every call consumes one.
#[tokio::test]
async fn a_page_asks_the_cloud_once_per_list() {
    let srv = spawn().await;
    let owner = srv.owner().await;
    assert_eq!(owner.call("wizard_state", &[]).await.status, StatusCode::OK);
    let account = account_id(&srv).await;
    const ARMED: i32 = 1000;
    const PAGES: i32 = 12;
    for action in ["ListFunctions", "ListNamespaces"] {
        fault::inject(&srv.db, account, action, "InternalError", ARMED)
            .await
            .expect("inject");
    }
    for _ in 0..PAGES {
        let page = owner.get("/scf/functions?rid=8&ns=default").await;
        let html = page.text().await.expect("page");
        assert!(
            html.contains("InternalError"),
            "the failed list shows its code"
        );
    }
    let left: Vec<(String, i32)> =
        sqlx::query_as("select action, remaining from emulator.fault order by action")
            .fetch_all(&srv.db)
            .await
            .expect("faults");
    let once_each = ARMED - PAGES;
    assert_eq!(
        left,
        [
            ("ListFunctions".to_owned(), once_each),
            ("ListNamespaces".to_owned(), once_each)
        ]
    );
}
