//! The only SQL in Switchboard: the local cache of channels, contacts, sessions, interactions,
//! messages, notes and categories.
//!
//! SQLite, encrypted with SQLCipher, in WAL mode, migrated on open; queries are checked at
//! compile time (`.sqlx/` holds the offline data). Times cross this boundary as
//! `jiff::Timestamp` and are kept as milliseconds since the epoch. Nothing here leaks SQLite
//! meaning to callers, so that a PostgreSQL store can offer the same API.

mod channels;
mod details;
mod error;
mod key;
mod messages;
mod outbox;
mod retention;
mod search;
mod sessions;

pub use channels::{ChannelRecord, NewChannel};
pub use details::{Category, Note};
pub use error::StoreError;
pub use key::CacheKey;
pub use messages::{IncomingMessage, MessageCursor, MessageRecord, RecordedBatch};
pub use outbox::OutboxItem;
pub use retention::{PurgeReport, RetentionPolicy};
pub use search::{MATCH_END, MATCH_START, SearchHit, SearchQuery};
pub use sessions::{ListCursor, SessionFilter, SessionPage, SessionState, SessionSummary};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

/// A handle on the cache; cheap to clone. The connections close when the last handle goes.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    _closer: std::sync::Arc<CloseOnDrop>,
}

/// SQLCipher frees its global state in an exit handler (atexit and `.fini_array`, with no
/// switch to turn it off). A pool dropped without closing leaves each connection to close on
/// its own worker thread, later: if the process exits meanwhile, that close runs on freed
/// state and the process dies with SIGSEGV after its work is done (seen in CI after every
/// test had passed; reproduced 36 times in 300 runs of a program that drops six stores and
/// returns). So the last handle closes the connections before it goes.
#[derive(Debug)]
struct CloseOnDrop(SqlitePool);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        if self.0.is_closed() {
            return;
        }
        // Closing needs no runtime (each connection's worker answers over a channel), but a
        // connection still lent to a task being torn down would make it wait for ever: it gets
        // a few seconds, on a thread of its own so that no async runtime is blocked by it.
        let pool = self.0.clone();
        let (done, closed) = std::sync::mpsc::channel();
        let closing = std::thread::Builder::new().name("store-close".into()).spawn(move || {
            futures_executor::block_on(pool.close());
            let _ = done.send(());
        });
        if closing.is_ok() {
            let _ = closed.recv_timeout(Duration::from_secs(5));
        }
    }
}

impl Store {
    /// A write transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A deferred
    /// one that reads first cannot wait for the lock when it upgrades: SQLite fails it at once
    /// with "database is locked" when another writer (a second poller) got there first.
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Opens (creating if needed) the encrypted cache file and brings its schema up to date.
    pub async fn open(path: &Path, key: &CacheKey) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            // SQLCipher: the key must be the first statement on every connection; sqlx
            // issues it before any other pragma.
            .pragma("key", key.pragma_value())
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL is durable against application crashes, and much faster.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Every page read from disk is decrypted: a 32 MiB page cache per connection (the
            // default is 2 MiB) keeps the hot indexes decrypted in memory.
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory")
            // Pollers, the outbox and the UI write concurrently; wait rather than fail.
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::opening(path, source))?;
        // A wrong key only shows on the first read.
        sqlx::query_scalar!("SELECT count(*) AS \"n!: i64\" FROM sqlite_schema")
            .fetch_one(&pool)
            .await
            .map_err(|source| StoreError::opening(path, source))?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { _closer: std::sync::Arc::new(CloseOnDrop(pool.clone())), pool })
    }

    /// Closes every connection, waiting for them (the app calls it on the way out).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn to_millis(at: jiff::Timestamp) -> i64 {
    at.as_millisecond()
}

fn from_millis(millis: i64) -> Result<jiff::Timestamp, StoreError> {
    jiff::Timestamp::from_millisecond(millis)
        .map_err(|_| StoreError::Corrupt { what: format!("timestamp {millis} out of range") })
}

/// Parses a stored name (platform, state…) into its type, or reports the cache as corrupt.
fn parse_name<T>(what: &str, value: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::Corrupt { what: format!("{what} {value:?}") })
}
