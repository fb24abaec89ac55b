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
}
