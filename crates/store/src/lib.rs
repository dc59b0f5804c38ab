//! The only SQL in Switchboard: the local cache of channels, contacts, sessions and messages.
//!
//! SQLite in WAL mode, migrations applied on open. Times cross this boundary as
//! `jiff::Timestamp` and are kept as milliseconds since the epoch.

mod channels;
mod error;
mod messages;
mod outbox;
mod sessions;

pub use channels::{ChannelRecord, NewChannel};
pub use error::StoreError;
pub use messages::{IncomingMessage, MessageRecord, RecordedBatch};
pub use outbox::OutboxItem;
pub use sessions::SessionSummary;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::time::Duration;

/// A handle on the cache; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the cache file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            // Pollers, the outbox and the UI write concurrently; wait rather than fail.
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.display().to_string(),
                source,
            })?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn to_millis(at: jiff::Timestamp) -> i64 {
    at.as_millisecond()
}

fn from_millis(millis: i64) -> Result<jiff::Timestamp, StoreError> {
    jiff::Timestamp::from_millisecond(millis).map_err(|_| StoreError::Corrupt {
        what: format!("timestamp {millis} out of range"),
    })
}
