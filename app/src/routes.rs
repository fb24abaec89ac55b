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

#[cfg(test)]
mod tests {
    use super::*;

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
