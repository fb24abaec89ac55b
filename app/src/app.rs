//! The document shell and the route table.
use std::sync::LazyLock;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

use crate::components::layout::ConsoleLayout;
use crate::components::toast::ToastHost;
use crate::contexts::{provide_session, provide_toasts};
use crate::i18n::{provide_lang, request_lang, t};
use crate::pages::{
    AcceptInvitePage, AuditPage, CloudAccountPage, CosPage, FunctionDetailPage, FunctionNewPage,
    FunctionsPage, LoginPage, MembersPage, MpsPage, NewTeamPage, NotFoundPage, OverviewPage,
    SessionsPage, SetupPage, WizardPage,
};

/// Wraps each page in a lazy route: with `cargo leptos build --split`, a page's code ships
/// in its own WASM chunk, fetched when the page is first shown (and preloaded by the
/// server-rendered HTML), so the first download holds only the shell and shared code.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    LoginRoute => LoginPage,
    SetupRoute => SetupPage,
    AcceptInviteRoute => AcceptInvitePage,
    OverviewRoute => OverviewPage,
    MembersRoute => MembersPage,
    NewTeamRoute => NewTeamPage,
    SessionsRoute => SessionsPage,
    CloudAccountRoute => CloudAccountPage,
    FunctionsRoute => FunctionsPage,
    FunctionNewRoute => FunctionNewPage,
    FunctionDetailRoute => FunctionDetailPage,
    AuditRoute => AuditPage,
    MpsRoute => MpsPage,
    CosRoute => CosPage,
    WizardRoute => WizardPage,
}

/// How the page fetches its WASM chunks (retries; quiet while the page is left).
static CHUNK_FETCH: LazyLock<String> =
    LazyLock::new(|| without_comment_lines(include_str!("shell/chunk_fetch.js")));

/// Links clicked before the page has hydrated are followed by the browser.
static EARLY_LINKS: LazyLock<String> =
    LazyLock::new(|| without_comment_lines(include_str!("shell/early_links.js")));

/// A shell script as every page carries it: its whole-line comments explain it to a
/// reader of the source, and are left out of the page.
fn without_comment_lines(script: &str) -> String {
    script
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    #[cfg(feature = "ssr")]
    crate::ssr::set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
                // Before the loader: it wraps the fetches the WASM chunk loader makes.
                <script nonce=leptos::nonce::use_nonce() inner_html=CHUNK_FETCH.as_str()></script>
                <script nonce=leptos::nonce::use_nonce() inner_html=EARLY_LINKS.as_str()></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The console application.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = provide_lang();
    provide_session();
    provide_toasts();

    view! {
        <Stylesheet id="leptos" href="/pkg/mps-callback-console.css"/>
        <Title text=t(lang, "app.title")/>
        // Pages render whole before the first byte (SsrMode::Async) so that a redirect
        // decided by the session (to sign-in, to setup) is a real HTTP 302.
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") ssr=SsrMode::Async view={Lazy::<LoginRoute>::new()}/>
                <Route path=path!("/setup") ssr=SsrMode::Async view={Lazy::<SetupRoute>::new()}/>
                <Route path=path!("/invite/:token") ssr=SsrMode::Async view={Lazy::<AcceptInviteRoute>::new()}/>
                <ParentRoute path=path!("") ssr=SsrMode::Async view=ConsoleLayout>
                    <Route path=path!("") view={Lazy::<OverviewRoute>::new()}/>
                    <Route path=path!("/team/members") view={Lazy::<MembersRoute>::new()}/>
                    <Route path=path!("/team/new") view={Lazy::<NewTeamRoute>::new()}/>
                    <Route path=path!("/account/sessions") view={Lazy::<SessionsRoute>::new()}/>
                    <Route path=path!("/settings/cloud") view={Lazy::<CloudAccountRoute>::new()}/>
                    <Route path=path!("/scf/functions") view={Lazy::<FunctionsRoute>::new()}/>
                    <Route path=path!("/scf/functions/new") view={Lazy::<FunctionNewRoute>::new()}/>
                    <Route path=path!("/scf/function") view={Lazy::<FunctionDetailRoute>::new()}/>
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()}/>
                    <Route path=path!("/mps") view={Lazy::<MpsRoute>::new()}/>
                    <Route path=path!("/cos") view={Lazy::<CosRoute>::new()}/>
                    <Route path=path!("/wizard") view={Lazy::<WizardRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastHost/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_scripts_leave_their_comment_lines_out() {
        for script in [&*CHUNK_FETCH, &*EARLY_LINKS] {
            assert!(script.lines().all(|l| !l.trim_start().starts_with("//")));
            assert!(script.contains("addEventListener("), "{script}");
        }
        // Code keeps its trailing comments: only whole lines go.
        assert_eq!(
            without_comment_lines("// why\n  // more\nrun(); // here\n}"),
            "run(); // here\n}"
        );
    }
}
