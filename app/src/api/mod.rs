//! Server functions by area. Each stays thin: resolve the backend and the request, call
//! one backend method, set the HTTP status of an error.
pub mod auth;
pub mod cloud;
pub mod cloud_types;
pub mod cos;
pub mod encoding;
pub mod functions;
pub mod logs;
pub mod mps;
pub mod sessions;
pub mod team;
pub mod triggers;
pub mod types;
pub mod wizard;
