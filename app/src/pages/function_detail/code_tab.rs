//! The function's entry file, read-only.
use leptos::prelude::*;

use super::FnLoc;
use crate::api::functions::get_function_code;
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::i18n::{t, use_lang};

#[component]
pub fn CodeTab(f: FnLoc) -> impl IntoView {
    let lang = use_lang();
    let code = Resource::new(
        move || f.clone(),
        |f| get_function_code(f.rid, f.ns, f.name),
    );
    view! {
        <Transition fallback=Loading>
            {move || code.get().map(|r| match r {
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(c) if c.content.is_empty() => view! {
                    <EmptyState title=t(lang, "code.not_shown").to_owned() hint=t(lang, "code.not_shown_hint").to_owned()/>
                }.into_any(),
                Ok(c) => view! {
                    <section class="card">
                        <h2 class="mono" id="code-file">{c.file.clone()}</h2>
                        <p class="muted">{format!("{} {:.1} KB · {}", t(lang, "code.package"), c.size as f64 / 1024.0, t(lang, "code.read_only"))}</p>
                        <pre class="code code-view" id="code-view" tabindex="0">{c.content}</pre>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}
