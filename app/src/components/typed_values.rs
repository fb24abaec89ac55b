//! What the user has typed on a page, carried over the full reload that switches the
//! language: the UI strings are rendered once per language, so a switch loads the page
//! again, and without this it would come back with its forms empty.
//!
//! Kept in `sessionStorage` (this tab only) until the page is shown again, then dropped.
//! Fields are found by id within `<main>`; passwords, hidden and file inputs are never
//! kept. A value is put back only where it differs from what the page now shows, with the
//! `input` and `change` events a person's typing would send, so the page's signals follow.
//! A chosen list option with an id (a template card) is clicked again first.
#[cfg(feature = "hydrate")]
mod imp {
    use leptos::wasm_bindgen::JsCast;
    use web_sys::{
        Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
    };

    const KEY: &str = "mcc-typed";
    const FIELDS: &str = "main input[id]:not([type=password]):not([type=hidden]):not([type=file]):not([type=submit]):not([type=button]), main textarea[id], main select[id]";
    const CHOSEN: &str = "main [role=option][aria-selected=true][id]";

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Kept {
        /// The page's path and query, which the page shown next must have.
        at: String,
        /// Id, value and, for checkboxes and radio buttons, whether it is checked.
        fields: Vec<(String, String, Option<bool>)>,
        /// Ids of the chosen options.
        chosen: Vec<String>,
    }

    fn here() -> Option<String> {
        let l = web_sys::window()?.location();
        Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    fn all(selector: &str) -> Vec<Element> {
        let Some(list) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector_all(selector).ok())
        else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    /// The element's value and checked state, if it is a field to keep.
    fn read(el: &Element) -> Option<(String, Option<bool>)> {
        if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
            let checkable = matches!(i.type_().as_str(), "checkbox" | "radio");
            return Some((i.value(), checkable.then(|| i.checked())));
        }
        if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
            return Some((t.value(), None));
        }
        el.dyn_ref::<HtmlSelectElement>().map(|s| (s.value(), None))
    }

    pub fn keep() {
        let (Some(at), Some(storage)) = (here(), storage()) else {
            return;
        };
        let fields = all(FIELDS)
            .iter()
            .filter_map(|el| {
                let (value, checked) = read(el)?;
                Some((el.id(), value, checked))
            })
            .collect();
        let chosen = all(CHOSEN).iter().map(Element::id).collect();
        if let Ok(text) = serde_json::to_string(&Kept { at, fields, chosen }) {
            let _ = storage.set_item(KEY, &text);
        }
    }

    /// Restores a tick after hydration, once the effects that set the page's defaults
    /// (a template's settings, say) have run, so that they do not overwrite what is put
    /// back.
    pub fn restore() {
        leptos::prelude::set_timeout(restore_now, std::time::Duration::ZERO);
    }

    fn restore_now() {
        let Some(storage) = storage() else { return };
        let Ok(Some(text)) = storage.get_item(KEY) else {
            return;
        };
        let _ = storage.remove_item(KEY);
        let Ok(kept) = serde_json::from_str::<Kept>(&text) else {
            return;
        };
        if here().as_deref() != Some(kept.at.as_str()) {
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        for id in kept.chosen {
            let option = document.get_element_by_id(&id);
            let option = option.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(option) =
                option.filter(|o| o.get_attribute("aria-selected").as_deref() != Some("true"))
            {
                option.click();
            }
        }
        for (id, value, checked) in kept.fields {
            let Some(el) = document.get_element_by_id(&id) else {
                continue;
            };
            if !el.matches(FIELDS).unwrap_or(false) || el.has_attribute("disabled") {
                continue;
            }
            if read(&el) == Some((value.clone(), checked)) {
                continue;
            }
            if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
                match checked {
                    Some(c) => i.set_checked(c),
                    None => i.set_value(&value),
                }
            } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
                t.set_value(&value);
            } else if let Some(s) = el.dyn_ref::<HtmlSelectElement>() {
                s.set_value(&value);
            }
            for name in ["input", "change"] {
                let init = EventInit::new();
                init.set_bubbles(true);
                if let Ok(ev) = Event::new_with_event_init_dict(name, &init) {
                    let _ = el.dispatch_event(&ev);
                }
            }
        }
    }
}

/// Keeps what is typed on this page for the reload that follows (the language switch).
pub fn keep_for_reload() {
    #[cfg(feature = "hydrate")]
    imp::keep();
}

/// Puts back what [`keep_for_reload`] kept, if this is the page it was kept on.
pub fn restore_after_reload() {
    #[cfg(feature = "hydrate")]
    imp::restore();
}
