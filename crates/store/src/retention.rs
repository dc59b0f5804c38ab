//! The purge: removes messages past the retention policy with their attachment files, and the
//! sessions left without messages. Pending replies (the outbox) are never purged.

use crate::{Store, StoreError, to_millis};
use jiff::Timestamp;
use serde::Serialize;
pub use switchboard_core::retention::RetentionPolicy;

/// The routing setting that holds the retention policy.
pub const RETENTION_KEY: &str = "retention";

/// Deleting in chunks keeps each write transaction short, so the UI and pollers are not
/// blocked for the whole purge.
const CHUNK: i64 = 5_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub messages_deleted: u64,
    pub sessions_deleted: u64,
    pub files_deleted: u64,
}

impl Store {
    /// The organisation's retention policy (a routing setting: in a team, the team's, as this
    /// replica has it).
    pub async fn retention_policy(&self) -> Result<RetentionPolicy, StoreError> {
        Ok(self.setting(RETENTION_KEY).await?.unwrap_or_default())
    }

    pub async fn set_retention_policy(&self, policy: RetentionPolicy) -> Result<(), StoreError> {
        self.setting_set(RETENTION_KEY, &policy).await
    }

    /// Applies `policy` as of `now`.
    pub async fn purge(&self, policy: RetentionPolicy, now: Timestamp) -> Result<PurgeReport, StoreError> {
        self.purge_messages(policy, now, true).await
    }

    /// Applies `policy` to a team's replica as of `now`: old messages go (the team keeps them),
    /// sessions stay, so that whatever the team changes later still has its session here.
    pub async fn purge_replica(
        &self,
        policy: RetentionPolicy,
        now: Timestamp,
    ) -> Result<PurgeReport, StoreError> {
        self.purge_messages(policy, now, false).await
    }

    async fn purge_messages(
        &self,
        policy: RetentionPolicy,
        now: Timestamp,
        empty_sessions: bool,
    ) -> Result<PurgeReport, StoreError> {
        let cutoff = to_millis(policy.cutoff(now));
        let keep = i64::from(policy.max_messages_per_session);
        let mut report = PurgeReport::default();
        let mut files = Vec::new();

        // Too old.
        loop {
            let mut tx = self.write().await?;
            let chunk = sqlx::query_scalar!(
                r#"SELECT id AS "id!" FROM messages WHERE created_at < ? AND delivery <> 'pending' LIMIT ?"#,
                cutoff,
                CHUNK,
            )
            .fetch_all(&mut *tx)
            .await?;
            if chunk.is_empty() {
                break;
            }
            report.messages_deleted += delete_messages(&mut tx, &chunk, &mut files).await?;
            tx.commit().await?;
        }

        // Beyond the newest `keep` of each session.
        let mut tx = self.write().await?;
        let surplus = sqlx::query_scalar!(
            r#"SELECT id AS "id!" FROM (
                   SELECT id, delivery,
                          row_number() OVER (PARTITION BY session_id ORDER BY created_at DESC, id DESC) AS n
                   FROM messages)
               WHERE n > ? AND delivery <> 'pending'"#,
            keep,
        )
        .fetch_all(&mut *tx)
        .await?;
        for chunk in surplus.chunks(CHUNK as usize) {
            report.messages_deleted += delete_messages(&mut tx, chunk, &mut files).await?;
        }
        // Interactions outlive their messages' text (reports count them) until `report_days`.
        let report_cutoff = to_millis(policy.report_cutoff(now));
        sqlx::query!("DELETE FROM interactions WHERE state = 'ended' AND queued_at < ?", report_cutoff)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if empty_sessions {
            // A session without messages stays while it has an interaction reports count (one
            // that reached a queue; the report's row names its contact and channel). In chunks,
            // each its own transaction: deleting a session deletes its interactions through
            // every index they have, and one transaction for all would hold the cache's writers
            // (pollers, the outbox) back for seconds.
            let mut after = 0;
            loop {
                let mut tx = self.write().await?;
                let chunk = sqlx::query_scalar!(
                    r#"SELECT id AS "id!" FROM sessions
                       WHERE id > ?
                         AND NOT EXISTS (SELECT 1 FROM messages WHERE session_id = sessions.id)
                         AND NOT EXISTS (SELECT 1 FROM interactions WHERE session_id = sessions.id AND queue_id IS NOT NULL)
                       ORDER BY id LIMIT ?"#,
                    after,
                    CHUNK,
                )
                .fetch_all(&mut *tx)
                .await?;
                let Some(&last) = chunk.last() else { break };
                after = last;
                let ids = json_array(&chunk);
                let gone =
                    sqlx::query!("DELETE FROM sessions WHERE id IN (SELECT value FROM json_each(?))", ids)
                        .execute(&mut *tx)
                        .await?;
                tx.commit().await?;
                report.sessions_deleted += gone.rows_affected();
            }
        }

        // Files go after the rows: a crash in between leaves files, never rows without files.
        for path in files {
            match std::fs::remove_file(&path) {
                Ok(()) => report.files_deleted += 1,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => tracing::warn!(%error, path, "cannot delete a purged attachment"),
            }
        }
        Ok(report)
    }

    /// Records an attachment's metadata (and a local copy, if any) on a message.
    pub async fn add_attachment(
        &self,
        message_id: i64,
        attachment: &switchboard_core::Attachment,
        url: Option<&str>,
        local_path: Option<&str>,
    ) -> Result<i64, StoreError> {
        let kind = serde_json::to_value(attachment.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let size = attachment.size_bytes as i64;
        Ok(sqlx::query_scalar!(
            r#"INSERT INTO attachments (message_id, kind, file_name, size_bytes, url, local_path)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
            message_id,
            kind,
            attachment.file_name,
            size,
            url,
            local_path,
        )
        .fetch_one(&self.pool)
        .await?)
    }
}

/// Deletes messages with their attachments; the attachments' local files are added to `files`
/// for deletion after the commit.
async fn delete_messages(
    tx: &mut sqlx::SqliteConnection,
    ids: &[i64],
    files: &mut Vec<String>,
) -> Result<u64, StoreError> {
    let ids = json_array(ids);
    let paths = sqlx::query_scalar!(
        "DELETE FROM attachments WHERE message_id IN (SELECT value FROM json_each(?)) RETURNING local_path",
        ids,
    )
    .fetch_all(&mut *tx)
    .await?;
    files.extend(paths.into_iter().flatten());
    let done = sqlx::query!("DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))", ids)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected())
}

fn json_array(ids: &[i64]) -> String {
    format!("[{}]", ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(","))
}
