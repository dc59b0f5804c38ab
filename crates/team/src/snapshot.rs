//! Joining from a snapshot, and pruning the change log.
//!
//! A desktop joining the team (or one whose replica fell behind the pruned log) reads every
//! replicated table in one `REPEATABLE READ` transaction, then follows the log from the
//! snapshot's position: every transaction older than the snapshot's `xmin` is in it, and those
//! from `xmin` on are read from the log again (applying a change twice is harmless: versions
//! decide). Changes older than a week are deleted by whichever desktop gets there first.

use crate::{Change, ChangeCursor, Team, TeamError, corrupt};
use serde_json::Value;
use sqlx::{AssertSqlSafe, Postgres};

/// The replicated tables, in the order their references need, with the column that keys them
/// (`None`: a small table read whole).
pub const REPLICATED: [(&str, Option<&str>); 12] = [
    ("channels", Some("id")),
    ("experiences", Some("channel_id")),
    ("contacts", Some("id")),
    ("queues", Some("id")),
    ("members", None),
    ("queue_members", None),
    ("routing_settings", None),
    ("sessions", Some("id")),
    ("messages", Some("id")),
    ("attachments", Some("id")),
    ("interactions", Some("id")),
    ("interaction_events", Some("id")),
];

/// A consistent view of the team's tables.
pub struct Snapshot {
    tx: sqlx::Transaction<'static, Postgres>,
    cursor: ChangeCursor,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot").field("cursor", &self.cursor).finish_non_exhaustive()
    }
}

impl Team {
    /// Opens a snapshot of the replicated tables.
    pub async fn snapshot(&self) -> Result<Snapshot, TeamError> {
        let mut tx = self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
        // The replica applies each part between reads: this transaction may idle longer than
        // a desktop's others, and holds no locks that writers wait for.
        sqlx::raw_sql("SET LOCAL idle_in_transaction_session_timeout = '10min'").execute(&mut *tx).await?;
        let xmin =
            sqlx::query_scalar!(r#"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "xmin!""#)
                .fetch_one(&mut *tx)
                .await?;
        // Every transaction below `xmin` has ended and is in this snapshot; the log is read
        // again from `xmin` on.
        let cursor = ChangeCursor { txid: xmin - 1, position: i64::MAX };
        Ok(Snapshot { tx, cursor })
    }

    /// Up to where the change log has been pruned: a replica whose cursor is below has missed
    /// changes and is rebuilt from a snapshot.
    pub async fn change_log_pruned(&self) -> Result<ChangeCursor, TeamError> {
        let row = sqlx::query!("SELECT txid, position FROM change_log_pruned WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(ChangeCursor { txid: row.txid, position: row.position })
    }

    /// Deletes the changes older than `keep` (only from transactions that have ended), unless
    /// another desktop is doing it now. Answers how many went.
    pub async fn changes_prune(&self, keep: std::time::Duration) -> Result<u64, TeamError> {
        let mut tx = self.pool.begin().await?;
        let mine = sqlx::query_scalar!(r#"SELECT pg_try_advisory_xact_lock(7410001) AS "mine!""#)
            .fetch_one(&mut *tx)
            .await?;
        if !mine {
            return Ok(0);
        }
        let seconds = keep.as_secs_f64();
        let Some(cut) = sqlx::query!(
            r#"SELECT txid::text::bigint AS "txid!", position FROM changes
               WHERE at < now() - make_interval(secs => $1)
                 AND txid < pg_snapshot_xmin(pg_current_snapshot())
               ORDER BY txid DESC, position DESC LIMIT 1"#,
            seconds,
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(0);
        };
        let txid = cut.txid.to_string();
        let gone = sqlx::query!(
            "DELETE FROM changes WHERE txid < $1::text::xid8 OR (txid = $1::text::xid8 AND position <= $2)",
            txid,
            cut.position,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE change_log_pruned SET txid = $1, position = $2 WHERE id = 1 AND (txid, position) < ($1, $2)",
            cut.txid,
            cut.position,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(gone.rows_affected())
    }
}

/// A row read from its table, as the change log would carry it.
fn change_of(table: &str, row: Value, cursor: ChangeCursor) -> Result<Change, TeamError> {
    let version = row["version"].as_i64().ok_or_else(|| corrupt(format!("{table} without a version")))?;
    let name = match table {
        "members" => row["name"].as_str(),
        "queue_members" => row["member"].as_str(),
        "routing_settings" => row["key"].as_str(),
        _ => None,
    }
    .map(str::to_owned);
    let key = ["id", "queue_id", "channel_id"].iter().find_map(|k| row[*k].as_i64());
    Ok(Change { cursor, entity: table.to_owned(), key, name, version, row: Some(row) })
}

impl Team {
    /// Sessions whole — the session, its messages and files, its interactions and their
    /// timeline — as changes, for a replica that lacks them (an agent's, when a session comes
    /// into their queue after its first rows went by). What the member may not see is left out.
    pub async fn sessions_whole(&self, ids: &[i64]) -> Result<Vec<Change>, TeamError> {
        let rows = sqlx::query!(
            r#"SELECT 'sessions' AS "entity!", to_jsonb(s) AS "row!" FROM sessions s WHERE s.id = ANY($1)
               UNION ALL SELECT 'messages', to_jsonb(m) FROM messages m WHERE m.session_id = ANY($1)
               UNION ALL SELECT 'attachments', to_jsonb(a) FROM attachments a
                   JOIN messages m ON m.id = a.message_id WHERE m.session_id = ANY($1)
               UNION ALL SELECT 'interactions', to_jsonb(i) FROM interactions i WHERE i.session_id = ANY($1)
               UNION ALL SELECT 'interaction_events', to_jsonb(e) FROM interaction_events e
                   JOIN interactions i ON i.id = e.interaction_id WHERE i.session_id = ANY($1)"#,
            ids
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| change_of(&r.entity, r.row, ChangeCursor::default())).collect()
    }
}

impl Snapshot {
    /// Where the replica follows the log from once the snapshot is applied.
    pub fn cursor(&self) -> ChangeCursor {
        self.cursor
    }

    /// How many rows the snapshot holds, for the progress bar.
    pub async fn size(&mut self) -> Result<u64, TeamError> {
        let mut total = 0u64;
        for (table, _) in REPLICATED {
            // The names come from the constant list above, never from outside.
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *self.tx)
                .await?;
            total += u64::try_from(n).unwrap_or(0);
        }
        Ok(total)
    }

    /// Up to `limit` rows of `table` with keys above `after`, in key order, as changes (a small
    /// table without a key column comes whole, in one call).
    pub async fn rows(&mut self, table: &str, after: i64, limit: i64) -> Result<Vec<Change>, TeamError> {
        let Some(&(table, key)) = REPLICATED.iter().find(|(t, _)| *t == table) else {
            return Err(corrupt(format!("{table:?} is not replicated")));
        };
        // One statement for every table: each row as the change log carries it (`to_jsonb`),
        // from names in the constant list above.
        let rows: Vec<Value> = match key {
            Some(key) => {
                let sql =
                    format!("SELECT to_jsonb(t) FROM {table} t WHERE {key} > $1 ORDER BY {key} LIMIT $2");
                sqlx::query_scalar(AssertSqlSafe(sql))
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&mut *self.tx)
                    .await?
            }
            None => {
                let sql = format!("SELECT to_jsonb(t) FROM {table} t");
                sqlx::query_scalar(AssertSqlSafe(sql)).fetch_all(&mut *self.tx).await?
            }
        };
        rows.into_iter().map(|row| change_of(table, row, self.cursor)).collect()
    }

    /// Ends the snapshot's transaction.
    pub async fn close(self) -> Result<(), TeamError> {
        self.tx.rollback().await?;
        Ok(())
    }
}
