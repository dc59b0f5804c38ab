//! The outbox: replies are written `pending` before any network call, so nothing typed is lost.

use crate::messages::{MESSAGE_COLUMNS, MessageRow, refresh_session};
use crate::{MessageRecord, Store, StoreError, to_millis};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use switchboard_core::{Platform, ReplyText};

/// A pending reply with what is needed to send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub message_id: i64,
    pub session_id: i64,
    pub channel_id: i64,
    pub platform: Platform,
    pub channel_external_id: String,
    pub recipient: String,
    pub body: String,
    pub tag: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    message_id: i64,
    session_id: i64,
    channel_id: i64,
    platform: String,
    channel_external_id: String,
    recipient: String,
    body: String,
    tag: Option<String>,
}

impl Store {
    /// Writes an agent's reply as `pending`. Returns it as the UI should show it.
    pub async fn enqueue_reply(
        &self,
        session_id: i64,
        text: &ReplyText,
        tag: Option<&str>,
        now: Timestamp,
    ) -> Result<MessageRecord, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<MessageRow> = sqlx::query_as(AssertSqlSafe(format!(
            "INSERT INTO messages (session_id, channel_id, direction, author, body, delivery, tag, created_at)
             SELECT id, channel_id, 'outbound', 'agent', ?, 'pending', ?, ? FROM sessions WHERE id = ?
             RETURNING {MESSAGE_COLUMNS}"
        )))
        .bind(text.as_str())
        .bind(tag)
        .bind(to_millis(now))
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        let row = row.ok_or(StoreError::NotFound { what: "session" })?;
        refresh_session(&mut tx, session_id).await?;
        tx.commit().await?;
        row.try_into()
    }

    /// The oldest pending reply on a connected channel, if any.
    pub async fn next_pending(&self) -> Result<Option<OutboxItem>, StoreError> {
        let row: Option<OutboxRow> = sqlx::query_as(
            "SELECT m.id AS message_id, m.session_id, m.channel_id, c.platform,
                    c.external_id AS channel_external_id, k.platform_id AS recipient, m.body, m.tag
             FROM messages m
             JOIN channels c ON c.id = m.channel_id
             JOIN sessions s ON s.id = m.session_id
             JOIN contacts k ON k.id = s.contact_id
             WHERE m.delivery = 'pending' AND c.state = 'connected'
             ORDER BY m.id LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(OutboxItem {
                platform: Platform::parse(&row.platform).ok_or_else(|| StoreError::Corrupt {
                    what: format!("platform {:?}", row.platform),
                })?,
                message_id: row.message_id,
                session_id: row.session_id,
                channel_id: row.channel_id,
                channel_external_id: row.channel_external_id,
                recipient: row.recipient,
                body: row.body,
                tag: row.tag,
            })
        })
        .transpose()
    }

    /// The platform accepted the reply under `platform_message_id`.
    pub async fn mark_sent(
        &self,
        message_id: i64,
        platform_message_id: &str,
    ) -> Result<MessageRecord, StoreError> {
        self.settle(message_id, "sent", Some(platform_message_id), None)
            .await
    }

    /// The platform refused the reply for good; `reason` is worded for the agent.
    pub async fn mark_failed(&self, message_id: i64, reason: &str) -> Result<MessageRecord, StoreError> {
        self.settle(message_id, "failed", None, Some(reason)).await
    }

    async fn settle(
        &self,
        message_id: i64,
        delivery: &str,
        platform_message_id: Option<&str>,
        failure: Option<&str>,
    ) -> Result<MessageRecord, StoreError> {
        let row: Option<MessageRow> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE messages SET delivery = ?, platform_message_id = COALESCE(?, platform_message_id),
                                 failure = ?
             WHERE id = ? RETURNING {MESSAGE_COLUMNS}"
        )))
        .bind(delivery)
        .bind(platform_message_id)
        .bind(failure)
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound { what: "message" })?.try_into()
    }
}
