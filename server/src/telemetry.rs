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

/// The path of a request as logged: invitation tokens are credentials, so they are cut.
pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix(app::routes::INVITE_PREFIX) {
        Some(_) => format!("{}…", app::routes::INVITE_PREFIX),
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
    }
}
