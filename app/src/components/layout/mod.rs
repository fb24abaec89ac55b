//! The console frame around every signed-in page: top bar, navigation, breadcrumb.
mod breadcrumb;
mod side_nav;
mod top_bar;

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::api::types::SessionInfo;
use crate::components::last_place::provide_last_place;
use crate::components::states::{ErrorBanner, Loading};
use crate::contexts::{use_session, use_toasts};
use crate::error::AppError;
use crate::routes;
use breadcrumb::Breadcrumb;
use side_nav::SideNav;
use top_bar::TopBar;

/// Pending once on the server, so that the page is built once per request.
///
/// Server rendering calls the closure under `<Suspense>` twice: a dry run that starts the
/// resources it meets, whose view it drops, then the real one. With the session already
/// known (it is cached), the dry run would build the whole page too, and every resource
/// of the page would call the cloud twice; pending once ends the dry run before that.
async fn past_dry_resolve() {
    #[cfg(feature = "ssr")]
    {
        let mut pending = true;
        std::future::poll_fn(move |cx| {
            if std::mem::take(&mut pending) {
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
    }
}

/// Wraps signed-in pages; sends everyone else to sign-in (or to first-run setup).
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let session = use_session();
    provide_last_place();
    // An error toast belongs to the page it was raised on: leaving that page clears it.
    let toasts = use_toasts();
    let location = use_location();
    let path = location.pathname;
    Effect::new(move |prev: Option<String>| {
        let now = path.get();
        if prev.is_some_and(|p| p != now) {
            toasts.clear_errors();
        }
        now
    });
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let session = session.0.await;
                past_dry_resolve().await;
                match session {
                    Ok(SessionInfo { needs_setup: true, .. }) => {
                        view! { <Redirect path=routes::SETUP/> }.into_any()
                    }
                    Ok(SessionInfo { me: Some(me), .. }) => {
                        provide_context(me.clone());
                        view! {
                            <div class="console">
                                <TopBar me=me/>
                                <div class="console-body">
                                    <SideNav/>
                                    <main class="console-main" id="main" tabindex="-1">
                                        <Breadcrumb/>
                                        <Outlet/>
                                    </main>
                                </div>
                            </div>
                        }
                            .into_any()
                    }
                    Ok(SessionInfo { me: None, .. }) | Err(AppError::Unauthenticated) => {
                        // Back to this page once signed in.
                        let search = location.search.get_untracked();
                        let mut here = location.pathname.get_untracked();
                        if !search.is_empty() {
                            here = format!("{here}?{search}");
                        }
                        view! { <Redirect path=routes::login_returning_to(&here)/> }.into_any()
                    }
                    Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
