//! A time limit per test. A test that hangs would otherwise hold CI until its overall
//! timeout, with no name attached; the watchdog names it and ends the test binary.
//!
//! A test is watched from its first database (every test starts with one) until its thread
//! ends: libtest runs each test on a thread of its own, and `#[tokio::test]` runs the body
//! on that thread, so a thread-local guard is dropped exactly when the test is over.
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

/// How long one test may run, unless `TEST_TIME_LIMIT_SECS` says otherwise. The whole
/// integration binary takes about a minute on 2 cores; the first official-SDK test also
/// installs the SDK.
const DEFAULT_LIMIT: Duration = Duration::from_secs(300);
const CHECK_EVERY: Duration = Duration::from_secs(5);

static RUNNING: Mutex<Option<HashMap<u64, (String, Instant)>>> = Mutex::new(None);
static NEXT_ID: AtomicU64 = AtomicU64::new(0);
static START: Once = Once::new();

thread_local! {
    static GUARD: RefCell<Option<Guard>> = const { RefCell::new(None) };
}

/// Removes its test from the watch list when the test's thread ends.
struct Guard(u64);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(running) = running().as_mut() {
            running.remove(&self.0);
        }
    }
}

/// A panicking test poisons nothing the watchdog cares about: the map stays consistent.
fn running() -> MutexGuard<'static, Option<HashMap<u64, (String, Instant)>>> {
    RUNNING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn limit() -> Duration {
    std::env::var("TEST_TIME_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_LIMIT)
}

/// Starts the clock for the test running on this thread (once per test).
pub fn watch_this_test() {
    GUARD.with(|guard| {
        let mut guard = guard.borrow_mut();
        if guard.is_some() {
            return;
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let name = std::thread::current()
            .name()
            .unwrap_or("(unnamed thread)")
            .to_owned();
        running()
            .get_or_insert_with(HashMap::new)
            .insert(id, (name, Instant::now()));
        *guard = Some(Guard(id));
    });
    START.call_once(|| {
        let limit = limit();
        std::thread::Builder::new()
            .name("test-watchdog".to_owned())
            .spawn(move || watch(limit))
            .expect("the watchdog thread starts");
    });
}

fn watch(limit: Duration) {
    loop {
        std::thread::sleep(CHECK_EVERY);
        let overdue: Vec<(String, Duration)> = running()
            .iter()
            .flat_map(|running| running.values())
            .filter(|(_, started)| started.elapsed() > limit)
            .map(|(name, started)| (name.clone(), started.elapsed()))
            .collect();
        if overdue.is_empty() {
            continue;
        }
        // Straight to stderr: `eprintln!` would go to the capture buffer of the test that
        // started this thread, which nobody prints once the process exits.
        let mut stderr = std::io::stderr();
        for (name, elapsed) in &overdue {
            let _ = writeln!(
                stderr,
                "\ntest {name} has run for {:.1} s, over its limit of {} s \
                 (TEST_TIME_LIMIT_SECS): stopping the test binary",
                elapsed.as_secs_f64(),
                limit.as_secs()
            );
        }
        std::process::exit(101);
    }
}
