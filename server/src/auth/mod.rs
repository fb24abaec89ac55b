//! Authentication pieces: password hashing, random tokens, input rules, CSRF defence.
pub mod csrf;
pub mod password;
pub mod token;
pub mod validate;

/// The key under which the tower-sessions session stores the `user_session` id. Nothing
/// else is kept in the cookie session.
pub const SESSION_KEY: &str = "user_session_id";
