//! The document shell and the route table.
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::layout::ConsoleLayout;
use crate::components::toast::ToastHost;
use crate::contexts::{provide_session, provide_toasts};
use crate::i18n::{provide_lang, request_lang, t};
use crate::pages::{
    AcceptInvitePage, AuditPage, CloudAccountPage, CosPage, FunctionDetailPage, FunctionNewPage,
    FunctionsPage, LoginPage, MembersPage, MpsPage, NewTeamPage, NotFoundPage, OverviewPage,
    SessionsPage, SetupPage, WizardPage,
};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <AutoReload options=options.clone()/>
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
                <Route path=path!("/login") ssr=SsrMode::Async view=LoginPage/>
                <Route path=path!("/setup") ssr=SsrMode::Async view=SetupPage/>
                <Route path=path!("/invite/:token") ssr=SsrMode::Async view=AcceptInvitePage/>
                <ParentRoute path=path!("") ssr=SsrMode::Async view=ConsoleLayout>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("/team/members") view=MembersPage/>
                    <Route path=path!("/team/new") view=NewTeamPage/>
                    <Route path=path!("/account/sessions") view=SessionsPage/>
                    <Route path=path!("/settings/cloud") view=CloudAccountPage/>
                    <Route path=path!("/scf/functions") view=FunctionsPage/>
                    <Route path=path!("/scf/functions/new") view=FunctionNewPage/>
                    <Route path=path!("/scf/function") view=FunctionDetailPage/>
                    <Route path=path!("/audit") view=AuditPage/>
                    <Route path=path!("/mps") view=MpsPage/>
                    <Route path=path!("/cos") view=CosPage/>
                    <Route path=path!("/wizard") view=WizardPage/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastHost/>
    }
}
