//! Form helpers: errors shown next to the field they belong to.
use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{error_text, t, use_lang, Lang};

/// The message for `field` when the last submission failed on it.
#[component]
pub fn FieldError(
    /// The last result of the action the form submits.
    #[prop(into)]
    result: Signal<Option<Result<(), AppError>>>,
    /// The server function argument this input feeds.
    field: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let message = move || match result.get() {
        Some(Err(e)) => e.on_field(field).map(|e| error_text(lang, &e)),
        _ => None,
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" id=format!("{field}-error")>
                {message}
            </p>
        </Show>
    }
}

/// The message for a failed submission that is not about one field.
#[component]
pub fn FormError(#[prop(into)] result: Signal<Option<Result<(), AppError>>>) -> impl IntoView {
    let lang = use_lang();
    let message = move || match result.get() {
        Some(Err(e)) if e.field().is_none() => Some(error_text(lang, &e)),
        _ => None,
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="form-error" role="alert">{message}</p>
        </Show>
    }
}

/// Maps any action result to `Result<(), AppError>` for the error widgets.
pub fn unit_result<T, S>(value: S) -> Signal<Option<Result<(), AppError>>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().map(|r| r.map(|_| ())))
}

/// The message for a variables problem from [`crate::scf_rules::parse_variables`]: the
/// line it is on (0: the whole text) and its code.
pub fn variables_problem_text(lang: Lang, (line, code): (usize, &str)) -> String {
    let message = error_text(lang, &AppError::invalid("variables", code));
    if line > 0 {
        format!(
            "{}{message}",
            t(lang, "scf.variables_line").replace("{}", &line.to_string())
        )
    } else {
        message
    }
}
