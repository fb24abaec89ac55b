//! Paths of every page, in one place.
pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const SETUP: &str = "/setup";
pub const INVITE_PREFIX: &str = "/invite/";
pub const MEMBERS: &str = "/team/members";
pub const NEW_TEAM: &str = "/team/new";
pub const SESSIONS: &str = "/account/sessions";
pub const CLOUD_ACCOUNT: &str = "/settings/cloud";
pub const FUNCTIONS: &str = "/scf/functions";
pub const FUNCTION_NEW: &str = "/scf/functions/new";
/// A function's page: `?rid=…&ns=…&name=…&tab=…`.
pub const FUNCTION_DETAIL: &str = "/scf/function";
pub const AUDIT: &str = "/audit";
/// COS: `?bucket=…&region=…&prefix=…&key=…`.
pub const COS: &str = "/cos";
/// MPS tasks: `?rid=…`.
pub const MPS: &str = "/mps";
/// The setup wizard: `?step=1|2|3`.
pub const WIZARD: &str = "/wizard";

/// The sign-in page, which returns to `here` (a local path with its query) once signed in.
pub fn login_returning_to(here: &str) -> String {
    if here.is_empty() || here == HOME {
        LOGIN.to_owned()
    } else {
        format!("{LOGIN}?next={}", crate::format::url_encode(here))
    }
}

/// Keeps a redirect target on this site: only absolute local paths pass, anything else
/// (another origin, `//host`, a scheme) becomes `/`.
pub fn safe_local_path(path: &str) -> String {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control());
    if ok {
        path.to_owned()
    } else {
        HOME.to_owned()
    }
}

/// The address of the page shown, from the router's path and query (which it gives
/// without its `?`), for a form that comes back to it.
pub fn here(path: &str, search: &str) -> String {
    match search.trim_start_matches('?') {
        "" => path.to_owned(),
        query => format!("{path}?{query}"),
    }
}

/// Where switching team leads from the page at `from`: the same page, but without what
/// belongs to the team left (a function, a bucket, a list's search), and the overview
/// from pages that show one team's item only.
pub fn after_team_switch(from: &str) -> String {
    let (path, query) = from.split_once('?').unwrap_or((from, ""));
    // The region is the user's choice, not the team's: it stays.
    let rid = query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("rid="))
        .find(|r| !r.is_empty() && r.len() <= 4 && r.bytes().all(|b| b.is_ascii_digit()));
    match path.trim_end_matches('/') {
        FUNCTIONS | FUNCTION_NEW | FUNCTION_DETAIL => match rid {
            Some(rid) => format!("{FUNCTIONS}?rid={rid}&ns=default"),
            None => FUNCTIONS.to_owned(),
        },
        MPS => match rid {
            Some(rid) => format!("{MPS}?rid={rid}"),
            None => MPS.to_owned(),
        },
        p @ (MEMBERS | AUDIT | COS | CLOUD_ACCOUNT | SESSIONS | WIZARD) => p.to_owned(),
        _ => HOME.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_switch_stays_on_the_page() {
        assert_eq!(
            after_team_switch("/scf/function?rid=1&ns=prod&name=A&tab=logs"),
            "/scf/functions?rid=1&ns=default"
        );
        assert_eq!(
            after_team_switch("/scf/functions?rid=8&ns=prod&q=mps&page=2"),
            "/scf/functions?rid=8&ns=default"
        );
        assert_eq!(after_team_switch("/scf/functions"), "/scf/functions");
        assert_eq!(after_team_switch("/mps?rid=4"), "/mps?rid=4");
        assert_eq!(after_team_switch("/cos?bucket=b-1250000000&key=k"), "/cos");
        assert_eq!(after_team_switch("/team/members"), "/team/members");
        assert_eq!(after_team_switch("/wizard?step=3"), "/wizard");
        // Anything else, or a region that is not a number, goes no further than it must.
        assert_eq!(after_team_switch("/team/new"), "/");
        assert_eq!(after_team_switch("//evil.example/"), "/");
        assert_eq!(after_team_switch("https://evil.example/"), "/");
        assert_eq!(after_team_switch("/mps?rid=%2F%2Fx"), "/mps");
    }

    #[test]
    fn here_has_the_query() {
        assert_eq!(here("/team/members", ""), "/team/members");
        assert_eq!(
            here("/scf/functions", "rid=8&ns=default"),
            "/scf/functions?rid=8&ns=default"
        );
        assert_eq!(here("/cos", "?bucket=b"), "/cos?bucket=b");
    }

    #[test]
    fn redirects_stay_local() {
        assert_eq!(safe_local_path("/team/members?x=1"), "/team/members?x=1");
        assert_eq!(safe_local_path("//evil.example/"), "/");
        assert_eq!(safe_local_path("https://evil.example/"), "/");
        assert_eq!(safe_local_path("/\\evil.example"), "/");
        assert_eq!(safe_local_path(""), "/");
    }

    #[test]
    fn sign_in_returns_to_the_page_asked_for() {
        assert_eq!(login_returning_to("/"), "/login");
        assert_eq!(
            login_returning_to("/scf/function?rid=8&name=A"),
            "/login?next=%2Fscf%2Ffunction%3Frid%3D8%26name%3DA"
        );
    }
}
