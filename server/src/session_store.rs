//! The cookie-session store: tower-sessions' PostgreSQL store with recently loaded
//! records kept in memory, since every request loads its record.
//!
//! A record only names the login session (`user_session`), which is checked on every
//! request; so a record cached by this process after another process deleted it lets
//! nobody in whose login session has ended.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Result, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

use crate::recent::RecentCache;

#[derive(Clone)]
pub struct CachedStore {
    db: PostgresStore,
    recent: Arc<RecentCache<Id, Record>>,
}

impl std::fmt::Debug for CachedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedStore").finish_non_exhaustive()
    }
}

impl CachedStore {
    pub fn new(db: PostgresStore) -> Self {
        Self {
            db,
            recent: Arc::new(RecentCache::new(Duration::from_secs(60), 10_000)),
        }
    }
}

#[async_trait]
impl SessionStore for CachedStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.db.create(record).await?;
        self.recent.forget(&record.id);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.db.save(record).await?;
        self.recent.forget(&record.id);
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        if let Some(record) = self.recent.get(id) {
            if record.expiry_date > OffsetDateTime::now_utc() {
                return Ok(Some(record));
            }
        }
        let seen = self.recent.generation();
        let record = self.db.load(id).await?;
        if let Some(r) = &record {
            self.recent.put(seen, *id, r.clone());
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.db.delete(id).await?;
        self.recent.forget(id);
        Ok(())
    }
}
