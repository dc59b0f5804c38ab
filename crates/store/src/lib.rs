//! The only SQL in Switchboard: the local cache of channels, contacts, sessions, interactions,
//! messages, notes and categories.
//!
//! SQLite, encrypted with SQLCipher, in WAL mode, migrated on open; queries are checked at
//! compile time (`.sqlx/` holds the offline data). Times cross this boundary as
//! `jiff::Timestamp` and are kept as milliseconds since the epoch. Nothing here leaks SQLite
//! meaning to callers, so that a PostgreSQL store can offer the same API.

mod attachments;
mod canned;
mod channels;
mod crm;
mod details;
mod dump;
mod error;
mod exit;
mod export;
mod folder_lock;
mod key;
mod messages;
mod monitor;
mod outbox;
mod replica;
mod retention;
mod routing;
mod search;
mod sessions;
mod team_replies;
mod transcripts;

#[cfg(test)]
mod fuzz;

pub use attachments::{
    AttachmentContent, AttachmentRecord, AttachmentState, IncomingAttachment, PendingDownload,
};
pub use canned::CannedRecord;
pub use channels::{ChannelRecord, NewChannel};
pub use crm::{CrmHook, CrmStatus};
pub use details::{Category, Note};
pub use error::StoreError;
pub use export::Exported;
use folder_lock::FolderLock;
pub use folder_lock::FolderLockError;
pub use key::CacheKey;
pub use messages::{IncomingMessage, MessageCursor, MessageRecord, RecordedBatch};
pub use monitor::{
    ALERT_THRESHOLDS_KEY, BreachRecord, MonitorSnapshot, MonitoredInteraction, MonitoredQueue,
};
pub use outbox::{OutboxItem, TemplateRef};
pub use replica::{ReplicaApplied, ReplicaChange, ReplicaCursor, SnapshotPart};
pub use retention::{PurgeReport, RETENTION_KEY, RetentionPolicy};
pub use routing::{
    CAPACITY_KEY, DISPOSITIONS_KEY, MemberRecord, OFFLINE_GRACE_KEY, QueueChange, QueueRecord, QueueView,
    RoutedInteraction, RoutingRecord,
};
pub use search::{MATCH_END, MATCH_START, SearchHit, SearchQuery};
pub use sessions::{ListCursor, OpenInteraction, SessionFilter, SessionPage, SessionState, SessionSummary};
pub use team_replies::{TeamMember, UnpushedReply};
pub use transcripts::{TimelineStep, Transcript, TranscriptFilter, TranscriptHit};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

/// What SQLite may keep in memory, all connections together, before it gives pages back (bytes).
const SOFT_HEAP_LIMIT: &str = "8388608";

/// A handle on the cache; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// The data folder is this store's alone while any handle lives.
    _lock: std::sync::Arc<FolderLock>,
}

/// What opening does with a cache already in the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Keep it (the normal case).
    Resume,
    /// Start empty (the embedded demo, whose sandbox is new each time). Done only once the
    /// folder is locked, so a running engine's cache is never removed under it.
    Afresh,
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
        Self::open_with(path, key, Opening::Resume).await
    }

    /// Locks the cache's folder (one engine per folder), then opens the cache as `opening` says.
    pub async fn open_with(path: &Path, key: &CacheKey, opening: Opening) -> Result<Self, StoreError> {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let lock = FolderLock::acquire(folder)?;
        if opening == Opening::Afresh {
            for suffix in ["", "-wal", "-shm"] {
                let mut file = path.as_os_str().to_owned();
                file.push(suffix);
                match std::fs::remove_file(&file) {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                        return Err(StoreError::opening_io(path, error));
                    }
                    _ => {}
                }
            }
        }
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
            // …but all connections together keep at most this much (process-wide, SQLite evicts
            // least-recently-used pages past it). Pooled connections are handed out in turn, so
            // the pollers' and outbox's small queries keep every connection alive; without a
            // shared budget each would hold its own 32 MiB of pages from the last big read.
            .pragma("soft_heap_limit", SOFT_HEAP_LIMIT)
            .pragma("temp_store", "memory")
            // Pollers, the outbox and the UI write concurrently; wait rather than fail.
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // Each connection's page cache holds up to 32 MiB of decrypted pages: connections
            // left idle for 30 s close, giving that memory back (a raw key makes
            // reopening cheap: no key derivation).
            .min_connections(0)
            .idle_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::opening(path, source))?;
        // A wrong key only shows on the first read.
        sqlx::query_scalar!("SELECT count(*) AS \"n!: i64\" FROM sqlite_schema")
            .fetch_one(&pool)
            .await
            .map_err(|source| StoreError::opening(path, source))?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        exit::wait_for_closing_connections();
        Ok(Self { pool, _lock: std::sync::Arc::new(lock) })
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
