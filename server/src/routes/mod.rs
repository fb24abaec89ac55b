//! Plain axum routes beside the Leptos app.
pub mod health;
pub mod template_zip;
