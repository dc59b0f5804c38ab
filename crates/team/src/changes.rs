//! The change log a replica follows: read in an order that never skips a change (see the
//! migration's comment and docs/TEAM.md), woken by LISTEN/NOTIFY but never relying on it.

use crate::{Team, TeamError};
use serde_json::Value;

/// Where a reader has read up to: the writing transaction, then the position within it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ChangeCursor {
    pub txid: i64,
    pub position: i64,
}

/// One change: the row as it is now (`None`: deleted), with its version.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub cursor: ChangeCursor,
    pub entity: String,
    pub key: Option<i64>,
    pub name: Option<String>,
    pub version: i64,
    pub row: Option<Value>,
}

/// A row of the log as read.
struct ChangeRow {
    txid: i64,
    position: i64,
    entity: String,
    key: Option<i64>,
    name: Option<String>,
    version: i64,
    row_data: Option<Value>,
}

impl From<ChangeRow> for Change {
    fn from(r: ChangeRow) -> Self {
        Self {
            cursor: ChangeCursor { txid: r.txid, position: r.position },
            entity: r.entity,
            key: r.key,
            name: r.name,
            version: r.version,
            row: r.row_data,
        }
    }
}

/// A change as the replica applies it.
impl From<&Change> for switchboard_store::ReplicaChange {
    fn from(c: &Change) -> Self {
        Self {
            entity: c.entity.clone(),
            key: c.key,
            name: c.name.clone(),
            version: c.version,
            row: c.row.clone(),
        }
    }
}

impl Team {
    /// The next changes after `after`, oldest first, only from transactions that have finished
    /// (older than the oldest still running), so that none is ever skipped.
    pub async fn changes_since(&self, after: ChangeCursor, limit: i64) -> Result<Vec<Change>, TeamError> {
        let txid = after.txid.to_string();
        let rows = sqlx::query_as!(
            ChangeRow,
            r#"SELECT txid::text::bigint AS "txid!", position, entity, key, name, version, row_data
               FROM changes
               WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
                 AND (txid > $1::text::xid8 OR (txid = $1::text::xid8 AND position > $2))
               ORDER BY txid, position
               LIMIT $3"#,
            txid,
            after.position,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Change::from).collect())
    }

    /// The changes already committed beyond what [`Team::changes_since`] may return yet: those of
    /// transactions that finished while an older one is still running (anywhere on the server —
    /// the snapshot's xmin is the cluster's). A reader applies them without moving its cursor
    /// (versions make applying twice harmless), so one long or frozen transaction does not hold
    /// back everyone's view, nor a desktop's view of its own writes.
    pub async fn changes_ahead(&self, after: ChangeCursor, limit: i64) -> Result<Vec<Change>, TeamError> {
        let txid = after.txid.to_string();
        let rows = sqlx::query_as!(
            ChangeRow,
            r#"SELECT txid::text::bigint AS "txid!", position, entity, key, name, version, row_data
               FROM changes
               WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())
                 AND (txid > $1::text::xid8 OR (txid = $1::text::xid8 AND position > $2))
               ORDER BY txid, position
               LIMIT $3"#,
            txid,
            after.position,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Change::from).collect())
    }

    /// Wake-ups when changes are committed. Each only says "look": the reader then calls
    /// [`Team::changes_since`]; a reader also looks every few seconds without one, since
    /// notifications sent while it was disconnected are lost.
    pub async fn listen(&self) -> Result<Wakeups, TeamError> {
        let mut listener = sqlx::postgres::PgListener::connect(&self.url).await?;
        listener.listen("switchboard_changes").await?;
        Ok(Wakeups { listener })
    }
}

/// LISTEN on the change log's channel.
#[derive(Debug)]
pub struct Wakeups {
    listener: sqlx::postgres::PgListener,
}

impl Wakeups {
    /// Waits for the next notification (sqlx reconnects a dropped connection and listens again;
    /// what was sent meanwhile is gone, which the periodic catch-up covers).
    pub async fn next(&mut self) -> Result<(), TeamError> {
        self.listener.recv().await?;
        Ok(())
    }
}
