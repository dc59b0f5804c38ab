use crate::attachments::{AttachmentRecord, IncomingAttachment, attach, incoming_json, record_incoming};
use crate::{Store, StoreError, from_millis, parse_name, to_millis};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::collections::BTreeSet;
use switchboard_core::{Author, DeliveryState, Direction, Platform};

/// A message as a poller read it from a platform.
#[derive(Debug, Clone)]
pub struct IncomingMessage {
    pub platform_message_id: String,
    /// The customer's id on the platform, whichever way the message went.
    pub contact_platform_id: String,
    pub contact_name: Option<String>,
    pub thread_id: Option<String>,
    pub direction: Direction,
    pub author: Author,
    pub body: String,
    pub created_at: Timestamp,
    /// The files the message carries; their content is downloaded after recording.
    pub attachments: Vec<IncomingAttachment>,
}

/// A stored message, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageRecord {
    pub id: i64,
    pub session_id: i64,
    pub direction: Direction,
    pub author: Author,
    pub body: String,
    pub delivery: DeliveryState,
    pub failure: Option<String>,
    pub tag: Option<String>,
    pub created_at: Timestamp,
    pub attachments: Vec<AttachmentRecord>,
}

/// Where a page of a conversation's history ends: older messages come before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCursor {
    pub created_at: Timestamp,
    pub id: i64,
}

/// What recording a batch changed.
#[derive(Debug, Default)]
pub struct RecordedBatch {
    /// Messages seen for the first time, in the order recorded.
    pub new_messages: Vec<MessageRecord>,
    /// Sessions whose list entry changed.
    pub sessions: Vec<i64>,
}

pub(crate) struct MessageRow {
    pub id: i64,
    pub session_id: i64,
    pub direction: String,
    pub author: String,
    pub body: String,
    pub delivery: String,
    pub failure: Option<String>,
    pub tag: Option<String>,
    pub created_at: i64,
}

impl TryFrom<MessageRow> for MessageRecord {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            session_id: row.session_id,
            direction: parse_name("direction", &row.direction, Direction::parse)?,
            author: parse_name("author", &row.author, Author::parse)?,
            delivery: parse_name("delivery state", &row.delivery, DeliveryState::parse)?,
            body: row.body,
            failure: row.failure,
            tag: row.tag,
            created_at: from_millis(row.created_at)?,
            attachments: Vec::new(),
        })
    }
}

impl Store {
    /// Records what a poller read, in one transaction and a handful of set-based statements
    /// (the batch travels as one JSON array), so that ingesting is bound by SQLite's own work,
    /// not by a round trip per message. A message already known (same channel and platform
    /// message id) is left as it is, so reading the same page twice is harmless. A customer
    /// message reactivates a stored session and opens an interaction if none is open.
    pub async fn record_messages(
        &self,
        channel_id: i64,
        platform: Platform,
        batch: &[IncomingMessage],
    ) -> Result<RecordedBatch, StoreError> {
        if batch.is_empty() {
            return Ok(RecordedBatch::default());
        }
        let rows = batch_json(batch);
        let platform = platform.as_str();
        let mut tx = self.write().await?;
        // One row per customer: the newest name and thread the batch gives.
        sqlx::query!(
            "INSERT INTO contacts (platform, platform_id, platform_name)
             SELECT ?1, value ->> 'c', max(value ->> 'n') FROM json_each(?2) WHERE true GROUP BY value ->> 'c'
             ON CONFLICT (platform, platform_id)
             DO UPDATE SET platform_name = COALESCE(excluded.platform_name, platform_name)",
            platform,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO sessions (channel_id, contact_id, thread_id, last_activity_at)
             SELECT ?1, k.id, j.thread, j.first_at
             FROM (SELECT value ->> 'c' AS c, max(value ->> 't') AS thread, min(value ->> 'at') AS first_at
                   FROM json_each(?3) GROUP BY value ->> 'c') j
             JOIN contacts k ON k.platform = ?2 AND k.platform_id = j.c
             WHERE true
             ON CONFLICT (channel_id, contact_id) DO UPDATE SET thread_id = COALESCE(excluded.thread_id, thread_id)",
            channel_id,
            platform,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        // New messages in the batch's order. An outbound message whose twin is still pending
        // in the outbox is our own reply read back before the outbox recorded its platform
        // id: the outbox will record it, so it is not a second message.
        let inserted = sqlx::query_as!(
            MessageRow,
            r#"INSERT INTO messages (session_id, channel_id, platform_message_id, direction, author, body,
                                     delivery, created_at)
               SELECT s.id, ?1, j.mid, j.direction, j.author, j.body, j.delivery, j.at
               FROM (SELECT key AS ord, value ->> 'c' AS c, value ->> 'mid' AS mid, value ->> 'd' AS direction,
                            value ->> 'a' AS author, value ->> 'b' AS body, value ->> 's' AS delivery,
                            value ->> 'at' AS at
                     FROM json_each(?3)) j
               JOIN contacts k ON k.platform = ?2 AND k.platform_id = j.c
               JOIN sessions s ON s.channel_id = ?1 AND s.contact_id = k.id
               WHERE NOT (j.direction = 'outbound' AND EXISTS (
                   SELECT 1 FROM messages p
                   WHERE p.session_id = s.id AND p.delivery = 'pending' AND p.platform_message_id IS NULL
                     AND p.body = j.body))
               ORDER BY j.ord
               ON CONFLICT (channel_id, platform_message_id) DO NOTHING
               RETURNING id AS "id!", session_id AS "session_id!", direction AS "direction!", author AS "author!",
                         body AS "body!", delivery AS "delivery!", failure, tag, created_at AS "created_at!""#,
            channel_id,
            platform,
            rows,
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut new_messages: Vec<MessageRecord> =
            inserted.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        // RETURNING's order is unspecified; ids follow the batch's order.
        new_messages.sort_by_key(|m| m.id);
        if batch.iter().any(|m| !m.attachments.is_empty()) && !new_messages.is_empty() {
            let new_ids: Vec<i64> = new_messages.iter().map(|m| m.id).collect();
            record_incoming(&mut tx, channel_id, &rows, &new_ids).await?;
            attach(&mut tx, &mut new_messages).await?;
        }
        let sessions: BTreeSet<i64> = new_messages.iter().map(|m| m.session_id).collect();
        let mut first_inbound: Vec<(i64, i64)> = Vec::new();
        for message in new_messages.iter().filter(|m| m.direction == Direction::Inbound) {
            if !first_inbound.iter().any(|(session, _)| *session == message.session_id) {
                first_inbound.push((message.session_id, to_millis(message.created_at)));
            }
        }
        if !first_inbound.is_empty() {
            activate(&mut tx, &first_inbound).await?;
        }
        let touched: Vec<i64> = sessions.into_iter().collect();
        refresh_sessions(&mut tx, &touched).await?;
        tx.commit().await?;
        Ok(RecordedBatch { new_messages, sessions: touched })
    }

    /// Which of these platform message ids the channel already has: a poller reading a page
    /// again need not fetch what those messages carry a second time.
    pub async fn known_messages(
        &self,
        channel_id: i64,
        platform_message_ids: &[String],
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        if platform_message_ids.is_empty() {
            return Ok(Default::default());
        }
        let ids = serde_json::to_string(platform_message_ids)
            .map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
        let known = sqlx::query_scalar!(
            r#"SELECT platform_message_id AS "id!" FROM messages
               WHERE channel_id = ? AND platform_message_id IN (SELECT value FROM json_each(?))"#,
            channel_id,
            ids,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(known.into_iter().collect())
    }

    /// A page of a session's history, oldest first: the `limit` messages before `before`
    /// (or the newest ones).
    pub async fn session_messages(
        &self,
        session_id: i64,
        before: Option<MessageCursor>,
        limit: u32,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let (at, id) = before.map_or((i64::MAX, i64::MAX), |c| (to_millis(c.created_at), c.id));
        // One connection for the page and its files.
        let mut conn = self.pool.acquire().await?;
        let mut rows = sqlx::query_as!(
            MessageRow,
            "SELECT id, session_id, direction, author, body, delivery, failure, tag, created_at
             FROM messages
             WHERE session_id = ? AND (created_at, id) < (?, ?)
             ORDER BY created_at DESC, id DESC
             LIMIT ?",
            session_id,
            at,
            id,
            limit,
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.reverse();
        let mut messages: Vec<MessageRecord> =
            rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        attach(&mut conn, &mut messages).await?;
        Ok(messages)
    }
}

/// The batch as the JSON array the statements above read with `json_each`.
fn batch_json(batch: &[IncomingMessage]) -> String {
    let rows: Vec<serde_json::Value> = batch
        .iter()
        .map(|m| {
            // Messages read from a platform have already been accepted by it.
            let delivery = match m.direction {
                Direction::Inbound => DeliveryState::Delivered,
                Direction::Outbound => DeliveryState::Sent,
            };
            serde_json::json!({
                "c": m.contact_platform_id, "n": m.contact_name, "t": m.thread_id,
                "mid": m.platform_message_id, "d": m.direction.as_str(), "a": m.author.as_str(),
                "b": m.body, "s": delivery.as_str(), "at": to_millis(m.created_at),
                "att": incoming_json(&m.attachments),
            })
        })
        .collect();
    serde_json::Value::Array(rows).to_string()
}

/// Customers wrote: their sessions are active again, and routing has an interaction to look
/// at (a new one if none was open).
async fn activate(tx: &mut SqliteConnection, first_inbound: &[(i64, i64)]) -> Result<(), StoreError> {
    let json =
        serde_json::to_string(first_inbound).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
    sqlx::query!(
        "UPDATE sessions SET state = 'active' WHERE id IN (SELECT value ->> 0 FROM json_each(?))",
        json,
    )
    .execute(&mut *tx)
    .await?;
    crate::routing::arrived(tx, first_inbound).await
}

/// Recomputes what a session's list entry shows from its messages and interactions: the last
/// message, the last activity, the contact's last message (for the messaging window), and
/// since when the customer has waited for a reply: the first unanswered customer message of
/// the open interaction (none when no interaction is open), and how many customer messages
/// came after both the agent's last look and the last reply.
pub(crate) async fn refresh_session(tx: &mut SqliteConnection, session_id: i64) -> Result<(), StoreError> {
    refresh_sessions(tx, &[session_id]).await
}

pub(crate) async fn refresh_sessions(
    tx: &mut SqliteConnection,
    session_ids: &[i64],
) -> Result<(), StoreError> {
    if session_ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(session_ids).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
    sqlx::query!(
        "UPDATE sessions SET
            last_message_id = (SELECT id FROM messages WHERE session_id = sessions.id
                               ORDER BY created_at DESC, id DESC LIMIT 1),
            last_activity_at = COALESCE(
                (SELECT MAX(created_at) FROM messages WHERE session_id = sessions.id), last_activity_at),
            last_inbound_at = (SELECT MAX(created_at) FROM messages
                               WHERE session_id = sessions.id AND direction = 'inbound'),
            awaiting_since = (
                SELECT MIN(m.created_at) FROM messages m
                JOIN interactions i ON i.session_id = m.session_id AND i.state <> 'ended'
                WHERE m.session_id = sessions.id AND m.direction = 'inbound'
                  AND m.created_at >= COALESCE(i.started_at, i.queued_at)
                  AND m.created_at > COALESCE(
                      (SELECT MAX(o.created_at) FROM messages o
                       WHERE o.session_id = sessions.id AND o.direction = 'outbound'
                         AND o.author <> 'system'), -1)),
            unread = (
                SELECT count(*) FROM messages m
                WHERE m.session_id = sessions.id AND m.direction = 'inbound'
                  AND m.created_at > MAX(COALESCE(sessions.read_at, -1), COALESCE(
                      (SELECT MAX(o.created_at) FROM messages o
                       WHERE o.session_id = sessions.id AND o.direction = 'outbound'
                         AND o.author <> 'system'), -1)))
         WHERE id IN (SELECT value FROM json_each(?))",
        ids,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
