//! A small in-process cache for rows that every request reads and that rarely change
//! (cookie sessions, a team's cloud credentials): each hit saves a PostgreSQL round trip.
//!
//! Entries live at most `ttl`, so that a change made by another server process on the
//! same database is seen within that time; this process's own writes drop the entry
//! at once ([`RecentCache::forget`]). A value read before a `forget` is never stored
//! after it: [`RecentCache::put`] takes the generation seen before the read.
use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RecentCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    ttl: Duration,
    capacity: usize,
}

struct Inner<K, V> {
    generation: u64,
    entries: HashMap<K, (Instant, V)>,
}

/// The cache's state before a read from the database; see [`RecentCache::put`].
#[derive(Clone, Copy)]
pub struct Generation(u64);

impl<K: Eq + Hash, V: Clone> RecentCache<K, V> {
    /// Holds up to `capacity` entries (emptied when full), each for up to `ttl`.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                generation: 0,
                entries: HashMap::new(),
            }),
            ttl,
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K, V>> {
        // The map stays consistent whatever panicked while holding it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value stored for `key`, unless older than the ttl.
    pub fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let inner = self.lock();
        let (at, value) = inner.entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    /// Take before reading the value from the database, and hand to [`Self::put`].
    pub fn generation(&self) -> Generation {
        Generation(self.lock().generation)
    }

    /// Stores a value read from the database, unless something was forgotten since
    /// `seen` was taken (the value may predate that change).
    pub fn put(&self, seen: Generation, key: K, value: V) {
        let mut inner = self.lock();
        if inner.generation != seen.0 {
            return;
        }
        if inner.entries.len() >= self.capacity {
            inner.entries.clear();
        }
        inner.entries.insert(key, (Instant::now(), value));
    }

    /// Drops `key` after this process changed it in the database.
    pub fn forget(&self, key: &K) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.remove(key);
    }

    /// Drops every entry, after a change that may touch any of them.
    pub fn forget_all(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_read_before_a_change_is_not_stored_after_it() {
        let cache = RecentCache::new(Duration::from_secs(60), 10);
        let seen = cache.generation();
        cache.forget(&1);
        cache.put(seen, 1, "old");
        assert_eq!(cache.get(&1), None);
        let seen = cache.generation();
        cache.put(seen, 1, "new");
        assert_eq!(cache.get(&1), Some("new"));
        cache.forget(&1);
        assert_eq!(cache.get(&1), None);
    }

    #[test]
    fn entries_expire_and_the_size_is_bounded() {
        let cache = RecentCache::new(Duration::from_millis(30), 2);
        let seen = cache.generation();
        cache.put(seen, 1, 'a');
        cache.put(seen, 2, 'b');
        cache.put(seen, 3, 'c');
        assert_eq!((cache.get(&1), cache.get(&3)), (None, Some('c')));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get(&3), None);
    }
}
