//! The cookie-session store: tower-sessions' PostgreSQL store with recently loaded
//! records kept in memory, since every request loads its record.
//!
//! A record only names the login session (`user_session`), which is checked on every
//! request; so a record cached by this process after another process deleted it lets
//! nobody in whose login session has ended.
//!
//! Records are stored under a hash of the cookie's id ([`stored_id`]), as invite tokens
//! are: whoever reads the sessions table (a backup, a replica) finds no cookie that
//! signs in.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
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

/// The id a record is kept under in the database: the first 128 bits of the SHA-256 of
/// the cookie's id.
fn stored_id(id: &Id) -> Id {
    let digest = Sha256::digest(id.0.to_le_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Id(i128::from_le_bytes(bytes))
}

/// `record` as the database keeps it.
fn stored(record: &Record) -> Record {
    Record {
        id: stored_id(&record.id),
        ..record.clone()
    }
}

#[async_trait]
impl SessionStore for CachedStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let mut row = stored(record);
            let wanted = row.id;
            self.db.create(&mut row).await?;
            if row.id == wanted {
                break;
            }
            // The store found a row under that hash and saved this one under a random id
            // of its own, whose cookie id nobody knows: drop it and draw another.
            self.db.delete(&row.id).await?;
            record.id = Id::default();
        }
        self.recent.forget(&record.id);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.db.save(&stored(record)).await?;
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
        let record = self
            .db
            .load(&stored_id(id))
            .await?
            .map(|r| Record { id: *id, ..r });
        if let Some(r) = &record {
            self.recent.put(seen, *id, r.clone());
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.db.delete(&stored_id(id)).await?;
        self.recent.forget(id);
        Ok(())
    }
}
