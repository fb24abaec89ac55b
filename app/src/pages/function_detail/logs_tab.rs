//! The log query: time range, RequestId, keyword, outcome; expandable invocations; live tail.
use std::collections::HashSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use super::FnLoc;
use crate::api::cloud_types::LogRow;
use crate::api::logs::{function_logs, MAX_PAGE, OUTCOMES, PAGE_SIZE, RANGES};
use crate::components::form::{unit_result, FieldError};
use crate::components::poll::poll_while;
use crate::components::states::{EmptyState, ErrorBanner, Loading};
use crate::error::AppError;
use crate::format::{parse_utc_minute, url_encode};
use crate::i18n::{t, use_lang, Lang};

/// Beijing time's offset from UTC, in seconds.
const BEIJING_OFFSET: i64 = 8 * 3600;

/// The filters of one query.
#[derive(Clone, Debug, PartialEq)]
struct Filters {
    range: String,
    start: String,
    end: String,
    request_id: String,
    keyword: String,
    outcome: String,
    page: u32,
}

fn range_label(lang: Lang, key: &str) -> &'static str {
    match key {
        "15m" => t(lang, "logs.range_15m"),
        "1h" => t(lang, "logs.range_1h"),
        "1d" => t(lang, "logs.range_1d"),
        _ => t(lang, "logs.range_custom"),
    }
}

fn outcome_label(lang: Lang, key: &str) -> &'static str {
    match key {
        "success" => t(lang, "logs.success"),
        "failure" => t(lang, "logs.failure"),
        _ => t(lang, "logs.all"),
    }
}

#[component]
pub fn LogsTab(f: FnLoc) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let initial_request = query
        .with_untracked(|q| q.get("request"))
        .unwrap_or_default();
    let initial_keyword = query
        .with_untracked(|q| q.get("keyword"))
        .unwrap_or_default();
    let linked = !initial_request.is_empty() || !initial_keyword.is_empty();
    // The rest of a search the address keeps (a reload brings it back as it was).
    let from_query = |name: &str| query.with_untracked(|q| q.get(name)).unwrap_or_default();
    let initial_range = Some(from_query("range"))
        .filter(|r| r == "custom" || RANGES.iter().any(|(k, _)| k == r))
        .unwrap_or_else(|| if linked { "1d" } else { "1h" }.to_owned());
    let custom = initial_range == "custom";
    let initial_outcome = Some(from_query("outcome"))
        .filter(|o| OUTCOMES.contains(&o.as_str()))
        .unwrap_or_else(|| "all".to_owned());
    let range = RwSignal::new(initial_range);
    let start = RwSignal::new(if custom {
        from_query("from")
    } else {
        String::new()
    });
    let end = RwSignal::new(if custom {
        from_query("to")
    } else {
        String::new()
    });
    let request_id = RwSignal::new(initial_request);
    let keyword = RwSignal::new(initial_keyword);
    let outcome = RwSignal::new(initial_outcome);
    let live = RwSignal::new(false);
    // The invocations shown expanded, by RequestId: each refetch (the live tail's every
    // 3 s) renders the rows anew, and they open as they were.
    let expanded = RwSignal::new(HashSet::<String>::new());
    // Live tail: refetch every 3 s while on; the preset range slides with now.
    let tick = poll_while(move || live.get(), Duration::from_secs(3));
    // What the last Search asked for; the form's fields only apply on Search.
    let applied = RwSignal::new(Filters {
        range: range.get_untracked(),
        start: start.get_untracked(),
        end: end.get_untracked(),
        request_id: request_id.get_untracked(),
        keyword: keyword.get_untracked(),
        outcome: outcome.get_untracked(),
        page: 1,
    });
    // Counts Searches, so that searching again with the same filters asks again (the
    // resource compares its key and would not).
    let searches = RwSignal::new(0u32);
    let navigate = use_navigate();
    let here = f.clone();
    let apply = move || {
        searches.update(|n| *n = n.wrapping_add(1));
        // The address keeps what is searched for (a link here arrives with it), so that a
        // reload does not bring back an older RequestId or keyword.
        let mut url = here.href("logs");
        let custom = range.get_untracked() == "custom";
        let outcome_kept = outcome.get_untracked();
        for (name, value) in [
            ("request", request_id.get_untracked()),
            ("keyword", keyword.get_untracked()),
            // Always: without it the default would differ with a RequestId or keyword.
            ("range", range.get_untracked()),
            (
                "from",
                if custom {
                    start.get_untracked()
                } else {
                    String::new()
                },
            ),
            (
                "to",
                if custom {
                    end.get_untracked()
                } else {
                    String::new()
                },
            ),
            (
                "outcome",
                if outcome_kept == "all" {
                    String::new()
                } else {
                    outcome_kept
                },
            ),
        ] {
            if !value.trim().is_empty() {
                url.push_str(&format!("&{name}={}", url_encode(value.trim())));
            }
        }
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
        applied.set(Filters {
            range: range.get_untracked(),
            start: start.get_untracked(),
            end: end.get_untracked(),
            request_id: request_id.get_untracked(),
            keyword: keyword.get_untracked(),
            outcome: outcome.get_untracked(),
            page: 1,
        });
    };
    let key = f.clone();
    let logs = Resource::new(
        move || (key.clone(), applied.get(), tick.get(), searches.get()),
        |(f, q, _, _)| {
            // Typed in Beijing time (UTC+8), as SCF shows the invocations.
            let beijing = |text: &str| parse_utc_minute(text).map_or(0, |t| t - BEIJING_OFFSET);
            let (start, end) = (beijing(&q.start), beijing(&q.end));
            function_logs(
                f.rid,
                f.ns,
                f.name,
                q.range,
                start,
                end,
                q.request_id,
                q.keyword,
                q.outcome,
                q.page,
            )
        },
    );
    // A custom range the server refused is shown by the field it is about.
    let result = unit_result(logs);
    // So is a malformed RequestId, once the page runs in the browser. (Read here, outside
    // the Transition, the resource would stall the server's render; there the banner
    // below says it.)
    let request_problem = RwSignal::new(None::<Result<(), AppError>>);
    Effect::new(move || {
        let refused = result
            .get()
            .filter(|r| matches!(r, Err(e) if e.field() == Some("request_id")));
        request_problem.set(refused);
    });
    // Opened from a link (a finished task's invocation, a RequestId), the invocation may
    // still be on its way: an empty first answer turns the live tail on, once.
    let await_linked = StoredValue::new(linked);
    // Signed out meanwhile: the live tail stops asking.
    Effect::new(move || {
        if let Some(Err(AppError::Unauthenticated)) = logs.get() {
            live.set(false);
        }
    });
    Effect::new(move || {
        let Some(Ok(p)) = logs.get() else { return };
        if await_linked.get_value() {
            await_linked.set_value(false);
            if p.items.is_empty() {
                live.set(true);
            }
        }
    });
    view! {
        <form class="filters" id="log-filters" on:submit=move |ev| { ev.prevent_default(); apply(); }>
            // Each label stays on one line with its field when the filters wrap.
            <span class="filter">
                <label for="log-range">{t(lang, "logs.range")}</label>
                <select id="log-range" on:change=move |ev| range.set(event_target_value(&ev))>
                    {RANGES.iter().map(|(k, _)| *k).chain(["custom"]).map(|k| view! {
                        <option value=k selected=move || range.get() == k>{range_label(lang, k)}</option>
                    }).collect_view()}
                </select>
            </span>
            <Show when=move || range.get() == "custom">
                <span class="filter">
                    <label for="log-start">{t(lang, "logs.start")}</label>
                    <input id="log-start" type="datetime-local" prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev))/>
                    <FieldError result=result field="start"/>
                </span>
                <span class="filter">
                    <label for="log-end">{t(lang, "logs.end")}</label>
                    <input id="log-end" type="datetime-local" prop:value=move || end.get() on:input=move |ev| end.set(event_target_value(&ev))/>
                    <span class="muted">"UTC+8"</span>
                    <FieldError result=result field="end"/>
                </span>
            </Show>
            <span class="filter">
                <label for="log-request">"RequestId"</label>
                <input id="log-request" type="search" maxlength="128" class="mono" prop:value=move || request_id.get() on:input=move |ev| request_id.set(event_target_value(&ev))/>
                <FieldError result=request_problem field="request_id"/>
            </span>
            <span class="filter">
                <label for="log-keyword">{t(lang, "logs.keyword")}</label>
                <input id="log-keyword" type="search" maxlength="200" prop:value=move || keyword.get() on:input=move |ev| keyword.set(event_target_value(&ev))/>
            </span>
            <span class="filter">
                <label for="log-outcome">{t(lang, "logs.outcome")}</label>
                <select id="log-outcome" on:change=move |ev| outcome.set(event_target_value(&ev))>
                    {OUTCOMES.map(|k| view! {
                        <option value=k selected=move || outcome.get() == k>{outcome_label(lang, k)}</option>
                    }).collect_view()}
                </select>
            </span>
            <button type="submit" class="btn btn-primary" id="log-search">{t(lang, "action.search")}</button>
            <label class="inline-check">
                <input type="checkbox" id="log-live" prop:checked=move || live.get() on:change=move |ev| live.set(event_target_checked(&ev))/>
                {t(lang, "logs.live")}
            </label>
        </form>
        <Transition fallback=Loading>
            {move || logs.get().map(|r| match r {
                // Shown by its field while the custom range's fields are; a malformed
                // RequestId always by its field.
                Err(error) if matches!(error.field(), Some("start" | "end")) => view! {
                    <Show when=move || range.get() != "custom">
                        <ErrorBanner error=error.clone()/>
                    </Show>
                }.into_any(),
                Err(error) if error.field() == Some("request_id") => view! {
                    <Show when=move || request_problem.with(Option::is_none)>
                        <ErrorBanner error=error.clone()/>
                    </Show>
                }.into_any(),
                Err(error) => view! { <ErrorBanner error=error/> }.into_any(),
                Ok(p) if p.items.is_empty() => view! {
                    <EmptyState title=t(lang, "logs.empty").to_owned() hint=format!("{} {} — {}", t(lang, "logs.empty_hint"), p.start, p.end)/>
                }.into_any(),
                Ok(p) => {
                    let current = applied.get_untracked().page;
                    // CLS (Tencent Cloud) does not count matches: then the pager knows
                    // only whether a next page follows.
                    let pages = p.total.map(|n| n.div_ceil(u64::from(PAGE_SIZE)).clamp(1, u64::from(MAX_PAGE)));
                    let last = !p.more || current >= MAX_PAGE;
                    let range = match p.total {
                        Some(n) => format!("{} — {} (UTC+8) · {} {n}", p.start, p.end, t(lang, "pager.total")),
                        None => format!("{} — {} (UTC+8)", p.start, p.end),
                    };
                    view! {
                        <p class="muted">{range}</p>
                        <div class="log-list" id="log-list">
                            <div class="log-head" aria-hidden="true">
                                <span>"RequestId"</span>
                                <span>{t(lang, "logs.start_time")}</span>
                                <span>{t(lang, "logs.duration")}</span>
                                <span>{t(lang, "logs.billed")}</span>
                                <span>{t(lang, "logs.memory")}</span>
                                <span>{t(lang, "logs.status")}</span>
                            </div>
                            {p.items.into_iter().map(|row| view! { <LogEntry row=row expanded=expanded lang=lang/> }).collect_view()}
                        </div>
                        <nav class="pager" id="log-pager" aria-label=t(lang, "pager.label")>
                            <button type="button" class="btn btn-small" disabled={current <= 1} on:click=move |_| applied.update(|q| q.page = q.page.saturating_sub(1).max(1))>
                                {t(lang, "pager.prev")}
                            </button>
                            <span>{match pages {
                                Some(pages) => format!("{current} / {pages}"),
                                None => current.to_string(),
                            }}</span>
                            <button type="button" class="btn btn-small" disabled=last on:click=move |_| applied.update(|q| q.page += 1)>
                                {t(lang, "pager.next")}
                            </button>
                        </nav>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn LogEntry(row: LogRow, expanded: RwSignal<HashSet<String>>, lang: Lang) -> impl IntoView {
    // SCF's RetCode 2: the function is still running.
    let running = row.ret_code == 2;
    let ok = row.ret_code == 0;
    let id = row.request_id.clone();
    let open = expanded.with_untracked(|e| e.contains(&id));
    let on_toggle = move |ev: leptos::ev::Event| {
        let now_open = event_target::<leptos::web_sys::Element>(&ev).has_attribute("open");
        expanded.update(|e| {
            if now_open {
                e.insert(id.clone());
            } else {
                e.remove(&id);
            }
        });
    };
    let duration = format!("{:.0} ms", row.duration_ms);
    let billed = format!("{} ms", row.billed_ms);
    let memory = format!("{:.1} MB", row.memory_bytes as f64 / 1_048_576.0);
    let (status, badge) = match (ok, running) {
        (true, _) => (t(lang, "logs.success"), "badge badge-ok"),
        (_, true) => (t(lang, "logs.running"), "badge badge-busy"),
        _ => (t(lang, "logs.failure"), "badge badge-bad"),
    };
    // The column heads are drawn once above the rows (hidden from screen readers), so
    // each row says what its values are.
    let label = format!(
        "RequestId {}, {} {}, {} {duration}, {} {billed}, {} {memory}, {} {status}",
        row.request_id,
        t(lang, "logs.start_time"),
        row.start_time,
        t(lang, "logs.duration"),
        t(lang, "logs.billed"),
        t(lang, "logs.memory"),
        t(lang, "logs.status"),
    );
    view! {
        <details class="log-row" data-request-id=row.request_id.clone() open=open on:toggle=on_toggle>
            <summary aria-label=label>
                <span class="mono">{row.request_id.clone()}</span>
                <span>{row.start_time.clone()}</span>
                <span>{duration}</span>
                <span>{billed}</span>
                <span>{memory}</span>
                <span class=badge>{status}</span>
            </summary>
            {(row.retry_num > 0).then(|| view! {
                <p class="muted log-retry">{format!("{}{}", t(lang, "logs.retry_num"), row.retry_num)}</p>
            })}
            <pre class="code log-text">{row.log}</pre>
            {(!row.ret_msg.is_empty()).then(|| view! {
                <p class="muted">{t(lang, "logs.returned")}</p>
                <pre class="code">{row.ret_msg.clone()}</pre>
            })}
        </details>
    }
}
