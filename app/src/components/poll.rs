//! Polling: a counter that ticks on an interval while a condition holds. Resources keyed
//! on it refetch on each tick (live log tail, running tasks, functions being created).
use std::time::Duration;

use leptos::prelude::*;

/// Ticks every `period` while `active()` is true, in the browser; stops when it turns
/// false and when the owner is cleaned up.
pub fn poll_while(
    active: impl Fn() -> bool + Send + Sync + 'static,
    period: Duration,
) -> RwSignal<u32> {
    let tick = RwSignal::new(0u32);
    let handle = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(h) = handle.get_value() {
            h.clear();
            handle.set_value(None);
        }
    };
    Effect::new(move || {
        let on = active();
        if on && handle.get_value().is_none() {
            let h = set_interval_with_handle(move || tick.update(|t| *t += 1), period);
            handle.set_value(h.ok());
        } else if !on {
            stop();
        }
    });
    on_cleanup(stop);
    tick
}
