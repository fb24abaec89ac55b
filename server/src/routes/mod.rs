//! Plain axum routes beside the Leptos app.
pub mod cos_download;
pub mod health;
pub mod template_zip;
