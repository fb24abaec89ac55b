//! App-wide state provided once in [`crate::App`]: the session, toasts and language.
use leptos::prelude::*;

use crate::api::auth::get_session_info;
use crate::api::types::{Me, SessionInfo};
use crate::error::AppError;

/// Who is signed in. Resolved before the first byte is sent, so pages never flash.
#[derive(Clone, Copy)]
pub struct SessionCtx(pub Resource<Result<SessionInfo, AppError>>);

/// Provides [`SessionCtx`].
pub fn provide_session() {
    let info = Resource::new_blocking(|| (), |_| get_session_info());
    provide_context(SessionCtx(info));
}

/// The session resource.
pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}

/// The signed-in user, provided by the console layout to every page inside it.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// How a toast looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

/// A short message shown in the corner for a few seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// The toast queue.
#[derive(Clone, Copy)]
pub struct Toasts {
    pub items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// Shows a success toast.
    ///
    /// It takes away the error toasts shown before it: they told of earlier attempts, and
    /// left beside a success they read as if it had failed too.
    pub fn success(&self, text: impl Into<String>) {
        self.clear_errors();
        self.push(ToastKind::Success, text.into());
    }

    /// Shows an error toast; errors stay until dismissed or the page is left.
    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    /// Removes every error toast.
    pub fn clear_errors(&self) {
        self.items
            .update(|items| items.retain(|t| t.kind != ToastKind::Error));
    }

    /// Removes a toast.
    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items
            .update(|items| items.push(Toast { id, kind, text }));
        #[cfg(feature = "hydrate")]
        if kind == ToastKind::Success {
            let this = *self;
            set_timeout(move || this.dismiss(id), std::time::Duration::from_secs(4));
        }
    }
}

/// Provides [`Toasts`].
pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(1),
    });
}

/// The toast queue.
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_takes_away_the_errors_before_it() {
        let owner = Owner::new();
        owner.with(|| {
            provide_toasts();
            let toasts = use_toasts();
            toasts.error("first try failed");
            toasts.error("second try failed");
            assert_eq!(toasts.items.get_untracked().len(), 2);
            toasts.success("done");
            let kinds: Vec<_> = toasts
                .items
                .get_untracked()
                .into_iter()
                .map(|t| (t.kind, t.text))
                .collect();
            assert_eq!(kinds, [(ToastKind::Success, "done".to_owned())]);
            // An error after the success stays beside it.
            toasts.error("later");
            assert_eq!(toasts.items.get_untracked().len(), 2);
        });
    }
}
