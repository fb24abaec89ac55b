//! A function being created, followed until it leaves `Creating`: the new-function page
//! and the wizard's first step both create one and wait for it to be Active.
use std::time::Duration;

use leptos::prelude::*;

use crate::api::cloud_types::FunctionDetail;
use crate::api::functions::{get_function, CreateFunction};
use crate::components::poll::poll_while;
use crate::error::AppError;

/// What a page shows of the function it creates.
#[derive(Clone, Copy)]
pub struct CreationProgress {
    /// The create call succeeded.
    pub created: Memo<bool>,
    /// The function as last polled; `None` until the create call succeeded.
    pub function: LocalResource<Option<Result<FunctionDetail, AppError>>>,
}

/// After `create` succeeds, polls the function every 700 ms until it leaves `Creating`,
/// and calls `on_active` once it is Active (any other status ends the polling: the page
/// reports it). `target` names the function (rid, namespace, name); it is read, untracked,
/// at each poll.
///
/// The polling resource is browser-only: it starts after the create call, and pages read
/// it outside a Transition.
pub fn follow_creation(
    create: ServerAction<CreateFunction>,
    target: impl Fn() -> (u32, String, String) + 'static,
    on_active: impl Fn(&FunctionDetail) + 'static,
) -> CreationProgress {
    let created = Memo::new(move |_| matches!(create.value().get(), Some(Ok(()))));
    let settled = RwSignal::new(false);
    let tick = poll_while(
        move || created.get() && !settled.get(),
        Duration::from_millis(700),
    );
    let function = LocalResource::new(move || {
        let done = created.get();
        tick.track();
        let (rid, ns, name) = untrack(&target);
        async move {
            if done {
                Some(get_function(rid, ns, name).await)
            } else {
                None
            }
        }
    });
    Effect::new(move || {
        if let Some(Some(Ok(f))) = function.get() {
            if f.status != "Creating" {
                settled.set(true);
                if f.status == "Active" {
                    on_active(&f);
                }
            }
        }
    });
    CreationProgress { created, function }
}

/// What [`follow_creation`] last saw, once the create call succeeded: the status while
/// creating, a failed creation, or the polling's error (with the cloud's code and
/// RequestId).
#[component]
pub fn CreationStatus(progress: CreationProgress) -> impl IntoView {
    use crate::components::states::ErrorBanner;
    use crate::i18n::{t, use_lang};
    use crate::pages::functions::status_badge;
    let lang = use_lang();
    let CreationProgress { created, function } = progress;
    // Only once created: the progress resource is browser-only, and read on the server it
    // would hold the whole page's render at its loading state.
    view! {
        <Show when=move || created.get()>
            {move || function.get().flatten().map(|r| match r {
                Ok(f) if f.status != "Creating" && f.status != "Active" => view! {
                    <p class="form-error" role="alert" id="create-failed">
                        {format!("{} {}", t(lang, "scf.create_failed"), status_badge(lang, &f.status).1)}
                    </p>
                }.into_any(),
                Ok(f) => view! {
                    <p class="state state-loading" role="status" id="create-progress">
                        <span class="spinner" aria-hidden="true"></span>
                        {format!("{} {}", t(lang, "scf.creating"), status_badge(lang, &f.status).1)}
                    </p>
                }.into_any(),
                Err(e) => view! { <ErrorBanner error=e/> }.into_any(),
            })}
        </Show>
    }
}
