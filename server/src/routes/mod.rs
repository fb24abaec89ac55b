//! Plain axum routes beside the Leptos app.
pub mod health;
