//! Logging setup. Request logs carry method, path and status only: never headers (they
//! hold session cookies) nor bodies (they hold passwords).
use tracing_subscriber::EnvFilter;

/// Default filter: our crates at info, chatty dependencies quieter.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_sessions=warn,tower_sessions_core=warn";

/// Installs the global subscriber (honours `RUST_LOG`).
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Logs go to stderr: stdout carries command output (`server emulator-account`).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The path of a request as logged: invitation tokens are credentials, so whatever
/// follows an `invite/` segment is cut, however the path is spelt (`//invite/…`,
/// `/INVITE/…` reach no page but would still carry a pasted token).
pub fn loggable_path(path: &str) -> String {
    const SEGMENT: &str = "invite/";
    let lower = path.to_ascii_lowercase();
    let cut = lower
        .match_indices(SEGMENT)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || lower.as_bytes()[at - 1] == b'/');
    match cut {
        Some(at) => format!("{}…", &path[..at + SEGMENT.len()]),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_tokens_are_not_logged() {
        assert_eq!(loggable_path("/invite/abcdef"), "/invite/…");
        assert_eq!(loggable_path("/team/members"), "/team/members");
        assert_eq!(loggable_path("//invite/abcdef"), "//invite/…");
        assert_eq!(loggable_path("/INVITE/abcdef"), "/INVITE/…");
        assert_eq!(loggable_path("/x/Invite/abc?y=1"), "/x/Invite/…");
        assert_eq!(loggable_path("/reinvite/abc"), "/reinvite/abc");
    }
}
