//! MPS Callback Console: the Leptos UI and its server functions.
//!
//! Rendering lives here; database and cloud code live in the `server` crate behind
//! [`ssr::Backend`], so the hydrate (wasm) build never pulls them in.
#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod components;
pub mod contexts;
pub mod error;
pub mod format;
pub mod fuzzy;
pub mod i18n;
pub mod pages;
pub mod regions;
pub mod routes;
pub mod scf_rules;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{shell, App};

/// Room in the WASM's constant data (`.rodata`) for the WASM splitter (`--split`). It
/// regroups that segment's data by the module (entry or page chunk) using it, and when
/// the regrouped data plus alignment padding is longer than the segment was, by even a
/// byte, it gives up and puts the whole segment, about 190 KB, in the entry module: a
/// small code change moved about 30 KiB brotli onto every page so. These bytes make the
/// segment longer without being used, so they are in no output module.
#[cfg(feature = "hydrate")]
#[used]
static SPLIT_SLACK: [u8; 4096] = [0xA5; 4096];

/// The wasm entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Server functions that change who is signed in (login, logout, team switch, language)
    // answer with a redirect. A full page load after them refreshes every server-rendered
    // piece of state at once; the router's default hook would navigate client-side and keep
    // stale session data. The first hook set wins, so this one must be set before mounting.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        let _ = leptos::prelude::window().location().replace(location);
    });
    // `hydrate_lazy`, spelled out so that the marker is set once hydration is done: with
    // lazy routes it first waits for the current page's WASM chunk.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else { return };
        leptos::mount::hydrate_from_async(body.clone(), App)
            .await
            .forget();
        crate::components::typed_values::restore_after_reload();
        // Lets people and browser tests tell a hydrated page from server-rendered HTML.
        let _ = body.set_attribute("data-hydrated", "");
    });
}
