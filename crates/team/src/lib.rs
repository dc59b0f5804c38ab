//! Team mode's PostgreSQL side: the team's schema (migrations beside the solo cache's), leases
//! with fencing tokens (one poller per channel), the change log replicas follow, and claims that
//! never race. See docs/TEAM.md for the design.
//!
//! Like `switchboard-store`, this crate only records: every decision (which interaction goes to
//! which agent, which transition) comes from `switchboard_core`.

mod automation;
mod changes;
mod channels;
mod error;
mod files;
mod ingest;
mod interactions;
mod leases;
mod members;
mod moving;
mod outbox;
mod retention;
mod routing;
mod secrets;
mod sessions;
mod settings;
mod snapshot;

pub use automation::DueInteraction;
pub use changes::{Change, ChangeCursor, Wakeups};
pub use error::TeamError;
pub use files::NewFile;
pub use ingest::Recorded;
pub use leases::Lease;
pub use members::{AuditEntry, Invitation, Invite, Me, ROLES, new_password, with_password};
pub use moving::Exported;
pub use outbox::{NewReply, Outcome};
pub use secrets::TeamKey;
pub use snapshot::{REPLICATED, Snapshot};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// How long the server lets a transaction of a desktop sit idle before ending it. A desktop
/// frozen (SIGSTOP, a laptop's lid) or cut off in the middle of a transaction would otherwise
/// hold its row locks until it resumes, and every other desktop's write to those rows would wait
/// for it. No transaction of ours waits on the desktop between statements anywhere near this
/// long; 4 s was tried and ended legitimate transactions on a loaded 2-core CI machine.
const IDLE_IN_TRANSACTION: &str = "15s";

/// The same limit for a poller's fenced write, which share-locks its channel's lease row: a
/// poller frozen inside one must lose it well within the lease's TTL (6 s), or the take-over
/// waits for the server to end the transaction. Its statements follow one another with no work
/// of the desktop's between them, so 3 s of silence means the desktop is gone; an ended batch
/// is polled again, nothing is lost.
const FENCED_IDLE_IN_TRANSACTION: &str = "SET LOCAL idle_in_transaction_session_timeout = '3s'";

/// The oldest server team mode runs on: `pg_snapshot` functions, `xid8`, `FOR UPDATE SKIP LOCKED`.
pub const MINIMUM_SERVER: i32 = 140_000;

/// A connection pool to the team's database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Team {
    pool: PgPool,
    url: String,
}

impl Team {
    /// Connects, checks that the server is recent enough, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, TeamError> {
        let team = Self::open(url)?;
        team.prepare().await?;
        Ok(team)
    }

    /// Checks that the server is recent enough and brings the schema up to date (migrations
    /// take a lock: desktops starting together wait for each other).
    pub async fn prepare(&self) -> Result<(), TeamError> {
        let version: i32 =
            sqlx::query_scalar!(r#"SELECT current_setting('server_version_num')::int AS "v!""#)
                .fetch_one(&self.pool)
                .await?;
        if version < MINIMUM_SERVER {
            return Err(TeamError::ServerTooOld { version: format_version(version) });
        }
        // Only the team's owner updates the schema; a member's desktop checks it is current
        // (members may read the migrations table, not change the schema).
        let migrator = sqlx::migrate!("./migrations");
        let newest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        // Not checked at compile time: the table is sqlx's own, absent until the first install
        // (then this fails, and the migrations run).
        let installed: Result<i64, _> =
            sqlx::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await;
        if matches!(installed, Ok(v) if v >= newest) {
            return Ok(());
        }
        match migrator.run(&self.pool).await {
            Err(sqlx::migrate::MigrateError::Execute(sqlx::Error::Database(db)))
                if db.code().as_deref() == Some("42501") =>
            {
                Err(TeamError::Refused(
                    "The team's database is older than this Switchboard: the team's owner opens Switchboard \
                     first to update it."
                        .into(),
                ))
            }
            done => Ok(done?),
        }
    }

    /// A team whose database was checked and migrated before (when this desktop created or joined
    /// it): connections are made when first needed, so the app starts — and works from its
    /// replica — while the database is unreachable.
    pub fn open(url: &str) -> Result<Self, TeamError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| TeamError::Address(e.to_string()))?
            .options([("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION)]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options);
        Ok(Self { pool, url: url.to_owned() })
    }

    /// How many changes a replica at `after` has still to apply (for a progress bar).
    pub async fn changes_after(&self, after: ChangeCursor) -> Result<i64, TeamError> {
        let txid = after.txid.to_string();
        Ok(sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM changes
               WHERE txid > $1::text::xid8 OR (txid = $1::text::xid8 AND position > $2)"#,
            txid,
            after.position,
        )
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Times are milliseconds since the Unix epoch in the team's rows, as in the solo cache.
pub(crate) fn millis(at: jiff::Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn timestamp(ms: i64) -> Result<jiff::Timestamp, TeamError> {
    jiff::Timestamp::from_millisecond(ms).map_err(|_| corrupt(format!("time {ms}")))
}

pub(crate) fn corrupt(what: impl Into<String>) -> TeamError {
    TeamError::Corrupt { what: what.into() }
}

/// 150004 → "15.4".
fn format_version(num: i32) -> String {
    format!("{}.{}", num / 10_000, num % 10_000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_read_as_people_write_them() {
        assert_eq!(super::format_version(150_018), "15.18");
        assert_eq!(super::format_version(130_004), "13.4");
    }
}
