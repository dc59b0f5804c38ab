//! The transcript-to-CRM hook's durable queue (the engine delivers; see crates/engine/src/crm.rs).

use crate::{Store, StoreError, to_millis};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where ended interactions' transcripts go, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmHook {
    pub url: String,
    /// Interactions that ended before the hook was set are not sent.
    pub since: Timestamp,
}

/// How deliveries are going.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CrmStatus {
    pub delivered: i64,
    pub waiting: i64,
    pub given_up: i64,
    pub last_error: Option<String>,
}

impl Store {
    pub async fn crm_hook(&self) -> Result<Option<CrmHook>, StoreError> {
        let stored = sqlx::query_scalar!("SELECT value FROM settings WHERE name = 'crm_hook'")
            .fetch_optional(&self.pool)
            .await?;
        stored
            .map(|json| {
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt { what: format!("crm hook: {e}") })
            })
            .transpose()
    }

    /// Sets the hook, or removes it (and forgets what was waiting).
    pub async fn crm_hook_set(&self, hook: Option<&CrmHook>) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        match hook {
            Some(hook) => {
                let json =
                    serde_json::to_string(hook).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
                sqlx::query!(
                    "INSERT INTO settings (name, value) VALUES ('crm_hook', ?)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    json
                )
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query!("DELETE FROM settings WHERE name = 'crm_hook'").execute(&mut *tx).await?;
                sqlx::query!("DELETE FROM crm_deliveries WHERE delivered_at IS NULL")
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Queues every interaction that ended since `since` (on these channels, if given) and is
    /// not queued yet; answers how many were added.
    pub async fn crm_enqueue(
        &self,
        since: Timestamp,
        channels: Option<&[i64]>,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let (since, now) = (to_millis(since), to_millis(now));
        let channels = channels.map(|c| serde_json::to_string(c).unwrap_or_else(|_| "[]".into()));
        let done = sqlx::query!(
            "INSERT OR IGNORE INTO crm_deliveries (interaction_id, next_at)
             SELECT i.id, ?3 FROM interactions i JOIN sessions s ON s.id = i.session_id
             WHERE i.state = 'ended' AND i.ended_at >= ?1
               AND (?2 IS NULL OR s.channel_id IN (SELECT value FROM json_each(?2)))",
            since,
            channels,
            now,
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Deliveries due now: (interaction, attempts so far).
    pub async fn crm_due(&self, now: Timestamp, limit: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let now = to_millis(now);
        let rows = sqlx::query!(
            r#"SELECT interaction_id AS "id!", attempts FROM crm_deliveries
               WHERE delivered_at IS NULL AND given_up = 0 AND next_at <= ? ORDER BY next_at LIMIT ?"#,
            now,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.attempts)).collect())
    }

    pub async fn crm_delivered(&self, interaction_id: i64, now: Timestamp) -> Result<(), StoreError> {
        let now = to_millis(now);
        sqlx::query!(
            "UPDATE crm_deliveries SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE interaction_id = ?",
            now,
            interaction_id
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A failed attempt: tried again at `next` (or given up).
    pub async fn crm_failed(
        &self,
        interaction_id: i64,
        error: &str,
        next: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let (next_at, give_up) = (next.map_or(0, to_millis), next.is_none());
        sqlx::query!(
            "UPDATE crm_deliveries SET attempts = attempts + 1, last_error = ?, next_at = ?, given_up = ?
             WHERE interaction_id = ?",
            error,
            next_at,
            give_up,
            interaction_id
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn crm_status(&self) -> Result<CrmStatus, StoreError> {
        let row = sqlx::query!(
            r#"SELECT count(delivered_at) AS "delivered!: i64",
                      sum(delivered_at IS NULL AND given_up = 0) AS "waiting: i64",
                      sum(given_up) AS "given_up: i64",
                      (SELECT last_error FROM crm_deliveries WHERE last_error IS NOT NULL ORDER BY next_at DESC LIMIT 1) AS last_error
               FROM crm_deliveries"#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(CrmStatus {
            delivered: row.delivered,
            waiting: row.waiting.unwrap_or(0),
            given_up: row.given_up.unwrap_or(0),
            last_error: row.last_error,
        })
    }
}
