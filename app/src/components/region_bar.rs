//! Region and namespace of the SCF pages, kept in the URL as `?rid=8&ns=default` so that
//! links are shareable and survive a reload; and the bar that changes them.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::functions::list_namespaces;
use crate::i18n::{t, use_lang, Lang};
use crate::regions::{self, Region};

/// Beijing, the region the MPS guides use.
pub const DEFAULT_RID: u32 = 8;

/// Where the SCF pages are looking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScfLoc {
    pub rid: u32,
    pub ns: String,
}

impl ScfLoc {
    /// Reads `rid` and `ns` from a query, falling back to Beijing and `default` for
    /// missing or unusable values.
    pub fn from_query(q: &ParamsMap) -> Self {
        Self::from_parts(q.get("rid"), q.get("ns"))
    }

    /// Like [`ScfLoc::from_query`], from the two raw values.
    pub fn from_parts(rid: Option<String>, ns: Option<String>) -> Self {
        let rid = rid
            .and_then(|r| r.parse().ok())
            .filter(|r| regions::by_rid(*r).is_some_and(|x| x.scf))
            .unwrap_or(DEFAULT_RID);
        let ns = ns
            .filter(|n| namespace_ok(n))
            .unwrap_or_else(|| "default".to_owned());
        Self { rid, ns }
    }

    /// `rid=…&ns=…`, safe to put in a URL as is.
    pub fn query(&self) -> String {
        format!("rid={}&ns={}", self.rid, self.ns)
    }

    /// The region's API name.
    pub fn region(&self) -> &'static str {
        regions::by_rid(self.rid).map_or("ap-beijing", |r| r.id)
    }
}

/// Namespace names: 1–30 letters, digits, `-` and `_` (which also keeps them URL-safe).
pub fn namespace_ok(ns: &str) -> bool {
    (1..=30).contains(&ns.len())
        && ns
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The current region and namespace, from the URL.
pub fn use_scf_loc() -> Memo<ScfLoc> {
    let query = use_query_map();
    Memo::new(move |_| query.with(ScfLoc::from_query))
}

/// A region's name in `lang`.
pub fn region_name(lang: Lang, r: &Region) -> &'static str {
    match lang {
        Lang::En => r.name_en,
        Lang::Zh => r.name_zh,
    }
}

/// Region and namespace pickers; changing either goes to `path` with the new query.
#[component]
pub fn RegionBar(
    /// The page to show for the new region (its own path).
    path: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let loc = use_scf_loc();
    let navigate = use_navigate();
    let rid = Memo::new(move |_| loc.get().rid);
    let namespaces = Resource::new(move || rid.get(), list_namespaces);
    let go = move |l: ScfLoc| navigate(&format!("{path}?{}", l.query()), Default::default());
    let go_ns = go.clone();
    // A `rid` in the address that names no SCF region is shown as Beijing: say so.
    let query = use_query_map();
    let unknown_rid = move || {
        query
            .with(|q| q.get("rid"))
            .filter(|asked| *asked != loc.get().rid.to_string())
    };
    view! {
        {move || unknown_rid().map(|asked| view! {
            <p class="notice notice-warn" id="region-unknown" role="status">
                {format!("{} {asked}", t(lang, "scf.region_unknown"))}
            </p>
        })}
        <div class="region-bar">
            <label for="region-select">{t(lang, "scf.region")}</label>
            <select
                id="region-select"
                on:change=move |ev| {
                    if let Ok(rid) = event_target_value(&ev).parse() {
                        go(ScfLoc { rid, ns: "default".to_owned() });
                    }
                }
            >
                {regions::REGIONS
                    .iter()
                    .filter(|r| r.scf)
                    .map(|r| {
                        let rid = r.rid;
                        // The attribute for the server's page, the property for later
                        // changes (Back and Forward): once chosen by hand, a select no
                        // longer follows its options' attributes.
                        view! {
                            <option
                                value=rid.to_string()
                                selected=move || loc.get().rid == rid
                                prop:selected=move || loc.get().rid == rid
                            >
                                {region_name(lang, r)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="ns-select">{t(lang, "scf.namespace")}</label>
            <select
                id="ns-select"
                on:change=move |ev| {
                    let ns = event_target_value(&ev);
                    if namespace_ok(&ns) {
                        go_ns(ScfLoc { rid: loc.get_untracked().rid, ns });
                    }
                }
            >
                <Transition fallback=move || view! { <option>{loc.get().ns}</option> }>
                    {move || {
                        let current = loc.get().ns;
                        let mut names = namespaces.get().and_then(Result::ok).unwrap_or_default();
                        if !names.contains(&current) {
                            names.insert(0, current.clone());
                        }
                        names
                            .into_iter()
                            .map(|n| {
                                let selected = n == current;
                                view! { <option value=n.clone() selected=selected>{n.clone()}</option> }
                            })
                            .collect_view()
                    }}
                </Transition>
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_falls_back_to_beijing_default() {
        let loc = |r: Option<&str>, n: Option<&str>| {
            ScfLoc::from_parts(r.map(str::to_owned), n.map(str::to_owned)).query()
        };
        assert_eq!(loc(None, None), "rid=8&ns=default");
        assert_eq!(loc(Some("1"), Some("prod")), "rid=1&ns=prod");
        assert_eq!(loc(Some("99999"), Some("a b&c")), "rid=8&ns=default");
        assert_eq!(loc(Some("x"), Some("")), "rid=8&ns=default");
    }
}
