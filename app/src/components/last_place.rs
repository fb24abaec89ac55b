//! Where the regional pages were last looked at, so that the navigation, the overview and
//! a function's "back" link open Functions and Media processing there again (region,
//! namespace, and the list's search and page) rather than on the defaults. The region and
//! namespace also go in a cookie, so that a reload or the next visit starts there too.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::params::ParamsMap;

use crate::components::region_bar::ScfLoc;
use crate::routes;

/// The last region and namespace, and the functions list as last shown.
#[derive(Clone, Copy)]
pub struct LastPlace {
    loc: Memo<Option<ScfLoc>>,
    list: Memo<Option<ListPlace>>,
}

/// The functions list's place and its address query (`?rid=…&ns=…&q=…&page=…`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct ListPlace {
    loc: ScfLoc,
    query: String,
}

impl LastPlace {
    /// The functions list in the last region and namespace.
    pub fn functions_href(&self) -> String {
        match self.loc.get() {
            Some(l) => format!("{}?{}", routes::FUNCTIONS, l.query()),
            None => routes::FUNCTIONS.to_owned(),
        }
    }

    /// Media processing in the last region.
    pub fn mps_href(&self) -> String {
        match self.loc.get() {
            Some(l) => format!("{}?rid={}", routes::MPS, l.rid),
            None => routes::MPS.to_owned(),
        }
    }

    /// The functions list of `loc` with the search and page it was last shown with there.
    pub fn list_href(&self, loc: &ScfLoc) -> String {
        match self.list.get() {
            Some(list) if list.loc == *loc => format!("{}{}", routes::FUNCTIONS, list.query),
            _ => format!("{}?{}", routes::FUNCTIONS, loc.query()),
        }
    }
}

/// The cookie with the last region and namespace, as `rid.ns` (a namespace has no dot).
const COOKIE: &str = "scf_loc";

/// Provides [`LastPlace`], following the address from now on.
pub fn provide_last_place() {
    let pathname = use_location().pathname;
    let query = use_query_map();
    // The server reads the request's cookie and the browser the same one, so both render
    // the same links.
    let remembered = remembered_loc();
    let first = remembered.clone();
    let loc = Memo::new(move |before: Option<&Option<ScfLoc>>| {
        let before = match before {
            Some(before) => before.clone(),
            None => first.clone(),
        };
        pathname.with(|p| query.with(|q| last_place(p, q, before)))
    });
    Effect::new(move |kept: Option<Option<ScfLoc>>| {
        let now = loc.get();
        let kept = kept.unwrap_or_else(|| remembered.clone());
        if let Some(place) = now.as_ref().filter(|_| kept != now) {
            remember_loc(place);
        }
        now
    });
    let list = Memo::new(move |before: Option<&Option<ListPlace>>| {
        let before = before.cloned().flatten();
        pathname.with(|p| query.with(|q| last_list(p, q, before)))
    });
    // Memos are computed when read, and the list's is read only away from the list: this
    // reads both on every address, so that each sees the pages it must remember.
    Effect::new(move || {
        loc.track();
        list.track();
    });
    provide_context(LastPlace { loc, list });
}

/// The last place, from [`provide_last_place`].
pub fn use_last_place() -> LastPlace {
    expect_context::<LastPlace>()
}

/// The last place from the cookie, if it holds one.
fn remembered_loc() -> Option<ScfLoc> {
    #[cfg(feature = "ssr")]
    let cookies = crate::ssr::request_cookie(COOKIE).map(|v| format!("{COOKIE}={v}"));
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    let cookies = Some(cookie_jar::get());
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    let cookies: Option<String> = None;
    cookies.and_then(|all| loc_in_cookies(&all))
}

/// The place in a `Cookie` header's pairs (`a=b; c=d`).
fn loc_in_cookies(cookies: &str) -> Option<ScfLoc> {
    let value = cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(name, value)| (name == COOKIE).then_some(value))?;
    let (rid, ns) = value.split_once('.')?;
    Some(ScfLoc::from_parts(
        Some(rid.to_owned()),
        Some(ns.to_owned()),
    ))
}

/// Keeps `place` for a year in the browser's cookie (not sent anywhere but here).
fn remember_loc(place: &ScfLoc) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    cookie_jar::set(&format!(
        "{COOKIE}={}.{}; Path=/; Max-Age=31536000; SameSite=Lax",
        place.rid, place.ns
    ));
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = place;
}

/// `document.cookie`, which the DOM bindings in the build do not include.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod cookie_jar {
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsCast;

    #[wasm_bindgen]
    extern "C" {
        type CookieDocument;
        #[wasm_bindgen(method, getter)]
        fn cookie(this: &CookieDocument) -> String;
        #[wasm_bindgen(method, setter)]
        fn set_cookie(this: &CookieDocument, value: &str);
    }

    fn document() -> CookieDocument {
        leptos::prelude::document().unchecked_into()
    }

    pub fn get() -> String {
        document().cookie()
    }

    pub fn set(cookie: &str) {
        document().set_cookie(cookie);
    }
}

/// Where the regional pages last looked, from the address of the page shown (`path`, `q`)
/// and what was known before: the SCF pages give region and namespace, the MPS page its
/// region.
fn last_place(path: &str, q: &ParamsMap, before: Option<ScfLoc>) -> Option<ScfLoc> {
    if q.get("rid").is_none() {
        return before;
    }
    let here = ScfLoc::from_query(q);
    if path.starts_with("/scf/") {
        Some(here)
    } else if path.starts_with(routes::MPS) {
        let ns = before.map_or_else(|| "default".to_owned(), |b| b.ns);
        Some(ScfLoc { rid: here.rid, ns })
    } else {
        before
    }
}

/// The functions list's place when `path` is the list, else `before`. Only the list's own
/// parameters are kept, cleaned as the list reads them.
fn last_list(path: &str, q: &ParamsMap, before: Option<ListPlace>) -> Option<ListPlace> {
    if path.trim_end_matches('/') != routes::FUNCTIONS {
        return before;
    }
    let loc = ScfLoc::from_query(q);
    let mut kept = ParamsMap::new();
    kept.insert("rid", loc.rid.to_string());
    kept.insert("ns", loc.ns.clone());
    if let Some(search) = q.get("q").filter(|s| !s.is_empty()) {
        kept.insert("q", search);
    }
    if let Some(page) = q.get("page").and_then(|p| p.parse::<u32>().ok()) {
        kept.insert("page", page.to_string());
    }
    Some(ListPlace {
        loc,
        query: kept.to_query_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut m = ParamsMap::new();
        for (k, v) in pairs {
            m.insert(*k, (*v).to_owned());
        }
        m
    }

    #[test]
    fn remembers_the_last_region_and_namespace() {
        let gz = |ns: &str| {
            Some(ScfLoc {
                rid: 1,
                ns: ns.to_owned(),
            })
        };
        // An SCF page gives both; the MPS page its region, keeping the namespace.
        let place = last_place("/scf/functions", &q(&[("rid", "1"), ("ns", "prod")]), None);
        assert_eq!(place, gz("prod"));
        let place = last_place("/mps", &q(&[("rid", "4")]), place);
        assert_eq!(
            place,
            Some(ScfLoc {
                rid: 4,
                ns: "prod".to_owned()
            })
        );
        assert_eq!(last_place("/mps", &q(&[("rid", "1")]), None), gz("default"));
        // Pages without a region, and regional pages without one in the address, keep it.
        assert_eq!(last_place("/members", &q(&[]), gz("prod")), gz("prod"));
        assert_eq!(
            last_place("/scf/functions", &q(&[]), gz("prod")),
            gz("prod")
        );
        assert_eq!(
            last_place("/cos", &q(&[("rid", "4")]), gz("prod")),
            gz("prod")
        );
    }

    #[test]
    fn reads_the_place_from_the_cookie() {
        let place = loc_in_cookies("lang=zh-CN; scf_loc=1.prod; id=x");
        assert_eq!(
            place,
            Some(ScfLoc {
                rid: 1,
                ns: "prod".to_owned()
            })
        );
        // Values the address would not take fall back as the address does.
        let place = loc_in_cookies("scf_loc=999.a%20b").expect("a place");
        assert_eq!((place.rid, place.ns.as_str()), (8, "default"));
        assert_eq!(loc_in_cookies("scf_loc=8"), None);
        assert_eq!(loc_in_cookies("lang=en"), None);
    }

    #[test]
    fn remembers_the_list_search_and_page() {
        let list = last_list(
            "/scf/functions",
            &q(&[
                ("rid", "1"),
                ("ns", "prod"),
                ("q", "MPS a&b"),
                ("page", "2"),
                ("x", "y"),
            ]),
            None,
        )
        .expect("the list");
        assert_eq!(list.loc.rid, 1);
        assert_eq!(list.query, "?rid=1&ns=prod&q=MPS%20a%26b&page=2");
        // Other pages, the new-function page included, keep it.
        for path in ["/scf/function", "/scf/functions/new", "/mps"] {
            assert_eq!(
                last_list(path, &q(&[("rid", "4")]), Some(list.clone())).as_ref(),
                Some(&list)
            );
        }
        // A bad page number is left out, as the list ignores it.
        let plain = last_list("/scf/functions", &q(&[("page", "x")]), Some(list));
        assert_eq!(plain.expect("the list").query, "?rid=8&ns=default");
    }
}
