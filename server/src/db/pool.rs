//! The connection pool the console and the emulator query through.
//!
//! sqlx's `Pool` pings every connection it takes back, and sqlx 0.8 has no setting to
//! turn that off: a second round trip for every query. This pool takes back a
//! connection whose last query ran to its end as it is (an A/B run of `./x bench` at 64
//! clients: per functions page 14% less server CPU and 25% less PostgreSQL CPU). One
//! left midway (a failed query, a request dropped while waiting, a transaction dropped
//! uncommitted) is settled first, as sqlx does: pinged, or rolled back,
//! before anyone else gets it; one that fails that is closed.
//!
//! The tower-sessions store and the migrations keep sqlx's pool ([`Db::sqlx`]).
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::postgres::{
    PgConnectOptions, PgConnection, PgQueryResult, PgRow, PgStatement, PgTypeInfo,
};
use sqlx::{Connection, Describe, Either, Execute, Executor, PgPool, Postgres};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::CHECK_AFTER_IDLE;

/// How many connections a pool serving requests opens at most: twice the cores plus
/// two, PostgreSQL's rule of thumb. More backends than that only compete for the same
/// cores: at 64 clients on 2 cores, 6 connections gave a p99 of 48 ms where 16 gave
/// 58 to 72 ms, and 20% less PostgreSQL CPU per page.
pub fn request_pool_size() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .saturating_mul(2)
        .saturating_add(2)
        .clamp(4, 64)
}
/// How long a caller waits for a connection before getting `PoolTimedOut`.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection idle this long is closed rather than used.
const CLOSE_AFTER_IDLE: Duration = Duration::from_secs(600);

/// A pool of PostgreSQL connections; cheap to clone. `&Db` is an executor.
#[derive(Clone)]
pub struct Db(Arc<Inner>);

struct Inner {
    sqlx: PgPool,
    options: PgConnectOptions,
    /// The most recently used last.
    idle: Mutex<Vec<Idle>>,
    /// One permit per connection that may be open, idle ones included.
    slots: Arc<Semaphore>,
    max_connections: usize,
    closed: AtomicBool,
}

struct Idle {
    conn: PgConnection,
    since: Instant,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("idle", &self.idle().len())
            .field("free_slots", &self.0.slots.available_permits())
            .finish()
    }
}

impl Db {
    /// A pool of [`request_pool_size`] connections opened as `sqlx` opens them; `sqlx`
    /// stays usable for the session store and migrations.
    pub fn new(sqlx: PgPool) -> Db {
        Db::sized(sqlx, request_pool_size())
    }

    /// A separate pool of `max_connections` on the same database, for work that holds
    /// connections long (background workers) and must not starve requests.
    pub fn sibling(&self, max_connections: usize) -> Db {
        Db::sized(self.0.sqlx.clone(), max_connections)
    }

    fn sized(sqlx: PgPool, max_connections: usize) -> Db {
        let options = (*sqlx.connect_options()).clone();
        Db(Arc::new(Inner {
            sqlx,
            options,
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(max_connections)),
            max_connections,
            closed: AtomicBool::new(false),
        }))
    }

    /// How many connections it opens at most.
    pub fn max_connections(&self) -> usize {
        self.0.max_connections
    }

    /// The sqlx pool this one was made from.
    pub fn sqlx(&self) -> &PgPool {
        &self.0.sqlx
    }

    /// A connection, idle or new.
    ///
    /// # Errors
    /// `PoolTimedOut` when none is free within 10 s, `PoolClosed`, or a failed connect.
    pub async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        let deadline = tokio::time::Instant::now() + ACQUIRE_TIMEOUT;
        let slot = tokio::time::timeout_at(deadline, self.0.slots.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        if self.0.closed.load(Ordering::Acquire) {
            return Err(sqlx::Error::PoolClosed);
        }
        loop {
            // The lock is let go before any await.
            let next = self.idle().pop();
            let Some(Idle { mut conn, since }) = next else {
                break;
            };
            let idle_for = since.elapsed();
            if idle_for >= CLOSE_AFTER_IDLE {
                continue;
            }
            if idle_for < CHECK_AFTER_IDLE || conn.ping().await.is_ok() {
                return Ok(Conn::new(conn, slot, self.clone()));
            }
        }
        let conn = tokio::time::timeout_at(deadline, PgConnection::connect_with(&self.0.options))
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)??;
        Ok(Conn::new(conn, slot, self.clone()))
    }

    /// Starts a transaction; it rolls back unless committed.
    ///
    /// # Errors
    /// As [`Db::acquire`], or `begin` failing.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let mut conn = self.acquire().await?;
        conn.state = State::Busy;
        conn.execute("begin").await?;
        conn.state = State::InTransaction;
        Ok(Tx(conn))
    }

    /// Closes the idle connections and, as they come back, the others; then sqlx's pool.
    pub async fn close(&self) {
        self.0.closed.store(true, Ordering::Release);
        let idle = std::mem::take(&mut *self.idle());
        for Idle { conn, .. } in idle {
            let _ = conn.close().await;
        }
        self.0.sqlx.close().await;
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Idle>> {
        self.0.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn put_back(&self, conn: PgConnection) {
        if self.0.closed.load(Ordering::Acquire) {
            return;
        }
        let now = Instant::now();
        let mut idle = self.idle();
        idle.retain(|i| now.duration_since(i.since) < CLOSE_AFTER_IDLE);
        idle.push(Idle { conn, since: now });
    }
}

/// Where a connection's conversation stands when it is given back.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Nothing pending: it can be used again as it is.
    Ready,
    /// A query may not have been read to its end.
    Busy,
    /// Inside a transaction that was not committed.
    InTransaction,
}

/// A connection out of the pool; back into it when dropped.
pub struct Conn {
    /// `None` only while being dropped.
    conn: Option<PgConnection>,
    state: State,
    slot: Option<OwnedSemaphorePermit>,
    db: Db,
}

impl Conn {
    fn new(conn: PgConnection, slot: OwnedSemaphorePermit, db: Db) -> Conn {
        Conn {
            conn: Some(conn),
            state: State::Ready,
            slot: Some(slot),
            db,
        }
    }
}

impl Deref for Conn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.conn
            .as_ref()
            .expect("a connection is taken out only on drop")
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn
            .as_mut()
            .expect("a connection is taken out only on drop")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let (Some(mut conn), slot) = (self.conn.take(), self.slot.take()) else {
            return;
        };
        let db = self.db.clone();
        let state = self.state;
        if state == State::Ready {
            db.put_back(conn);
            return;
        }
        // The slot stays taken until the connection is known to be usable or is closed.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        runtime.spawn(async move {
            // Either first reads whatever the abandoned query still had to say.
            let settled = match state {
                State::InTransaction => conn.execute("rollback").await.map(drop),
                _ => conn.ping().await,
            };
            match settled {
                Ok(()) => db.put_back(conn),
                Err(err) => tracing::debug!("closing a pooled connection: {err}"),
            }
            drop(slot);
        });
    }
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx(Conn);

impl Tx {
    /// Commits.
    ///
    /// # Errors
    /// The commit failing (the transaction is then rolled back).
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        self.0.execute("commit").await?;
        self.0.state = State::Ready;
        Ok(())
    }
}

impl Deref for Tx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.0
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.0
    }
}

impl<'p> Executor<'p> for &'_ Db {
    type Database = Postgres;

    // Rows are read in full before the connection goes back: nothing here streams a
    // result set (`fetch_all`, `execute` and `fetch_one` collect or stop anyway).
    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<PgQueryResult, PgRow>, sqlx::Error>>
    where
        E: 'q + Execute<'q, Postgres>,
    {
        let db = self.clone();
        stream::once(async move {
            let mut conn = db.acquire().await?;
            conn.state = State::Busy;
            let all: Vec<_> = conn.fetch_many(query).try_collect().await?;
            conn.state = State::Ready;
            Ok::<_, sqlx::Error>(stream::iter(all.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<PgRow>, sqlx::Error>>
    where
        E: 'q + Execute<'q, Postgres>,
    {
        let db = self.clone();
        Box::pin(async move {
            let mut conn = db.acquire().await?;
            conn.state = State::Busy;
            let row = conn.fetch_optional(query).await?;
            conn.state = State::Ready;
            Ok(row)
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [PgTypeInfo],
    ) -> BoxFuture<'e, Result<PgStatement<'q>, sqlx::Error>> {
        let db = self.clone();
        Box::pin(async move {
            let mut conn = db.acquire().await?;
            conn.state = State::Busy;
            let statement = conn.prepare_with(sql, parameters).await?;
            conn.state = State::Ready;
            Ok(statement)
        })
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Postgres>, sqlx::Error>> {
        let db = self.clone();
        Box::pin(async move {
            let mut conn = db.acquire().await?;
            conn.state = State::Busy;
            let described = conn.describe(sql).await?;
            conn.state = State::Ready;
            Ok(described)
        })
    }
}
