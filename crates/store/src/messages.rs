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
        })
    }
}

impl Store {
    /// Records what a poller read, in one transaction. A message already known (same channel
    /// and platform message id) is left as it is, so reading the same page twice is harmless.
    /// A customer message reactivates a stored session and opens an interaction if none is open.
    pub async fn record_messages(
        &self,
        channel_id: i64,
        platform: Platform,
        batch: &[IncomingMessage],
    ) -> Result<RecordedBatch, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut recorded = RecordedBatch::default();
        let mut touched = BTreeSet::new();
        // One contact and session upsert per customer, not per message.
        let mut order: Vec<&str> = Vec::new();
        for message in batch {
            if !order.contains(&message.contact_platform_id.as_str()) {
                order.push(&message.contact_platform_id);
            }
        }
        for contact in order {
            let messages: Vec<&IncomingMessage> =
                batch.iter().filter(|m| m.contact_platform_id == contact).collect();
            let name = messages.iter().rev().find_map(|m| m.contact_name.as_deref());
            let thread = messages.iter().rev().find_map(|m| m.thread_id.as_deref());
            let first_at = to_millis(messages[0].created_at);
            let contact_id = upsert_contact(&mut tx, platform, contact, name).await?;
            let session_id = upsert_session(&mut tx, channel_id, contact_id, thread, first_at).await?;
            let mut inbound = None;
            for message in messages {
                if message.direction == Direction::Outbound
                    && awaits_in_outbox(&mut tx, session_id, &message.body).await?
                {
                    // Our own reply, read back before the outbox recorded its platform id:
                    // the outbox will record it, so it is not a second message.
                    continue;
                }
                if let Some(row) = insert_message(&mut tx, session_id, channel_id, message).await? {
                    if message.direction == Direction::Inbound {
                        inbound.get_or_insert(row.created_at);
                    }
                    recorded.new_messages.push(row.try_into()?);
                    touched.insert(session_id);
                }
            }
            if let Some(first_inbound) = inbound {
                activate(&mut tx, session_id, first_inbound).await?;
            }
        }
        for session_id in &touched {
            refresh_session(&mut tx, *session_id).await?;
        }
        tx.commit().await?;
        recorded.sessions = touched.into_iter().collect();
        Ok(recorded)
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
        .fetch_all(&self.pool)
        .await?;
        rows.reverse();
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

async fn upsert_contact(
    tx: &mut SqliteConnection,
    platform: Platform,
    platform_id: &str,
    name: Option<&str>,
) -> Result<i64, StoreError> {
    let platform = platform.as_str();
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO contacts (platform, platform_id, platform_name) VALUES (?, ?, ?)
           ON CONFLICT (platform, platform_id)
           DO UPDATE SET platform_name = COALESCE(excluded.platform_name, platform_name)
           RETURNING id AS "id!""#,
        platform,
        platform_id,
        name,
    )
    .fetch_one(&mut *tx)
    .await?)
}

async fn upsert_session(
    tx: &mut SqliteConnection,
    channel_id: i64,
    contact_id: i64,
    thread_id: Option<&str>,
    first_at: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO sessions (channel_id, contact_id, thread_id, last_activity_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (channel_id, contact_id) DO UPDATE SET thread_id = COALESCE(excluded.thread_id, thread_id)
           RETURNING id AS "id!""#,
        channel_id,
        contact_id,
        thread_id,
        first_at,
    )
    .fetch_one(&mut *tx)
    .await?)
}

async fn insert_message(
    tx: &mut SqliteConnection,
    session_id: i64,
    channel_id: i64,
    message: &IncomingMessage,
) -> Result<Option<MessageRow>, StoreError> {
    let direction = message.direction.as_str();
    let author = message.author.as_str();
    // Messages read from a platform have already been accepted by it.
    let delivery = match message.direction {
        Direction::Inbound => DeliveryState::Delivered,
        Direction::Outbound => DeliveryState::Sent,
    }
    .as_str();
    let created_at = to_millis(message.created_at);
    Ok(sqlx::query_as!(
        MessageRow,
        r#"INSERT INTO messages (session_id, channel_id, platform_message_id, direction, author, body,
                                 delivery, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (channel_id, platform_message_id) DO NOTHING
           RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
        session_id,
        channel_id,
        message.platform_message_id,
        direction,
        author,
        message.body,
        delivery,
        created_at,
    )
    .fetch_optional(&mut *tx)
    .await?)
}

async fn awaits_in_outbox(
    tx: &mut SqliteConnection,
    session_id: i64,
    body: &str,
) -> Result<bool, StoreError> {
    let pending = sqlx::query_scalar!(
        "SELECT id FROM messages
         WHERE session_id = ? AND delivery = 'pending' AND platform_message_id IS NULL AND body = ?
         LIMIT 1",
        session_id,
        body,
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(pending.is_some())
}

/// A customer wrote: the session is active again, and an interaction is open (a new one if
/// the last one ended).
async fn activate(tx: &mut SqliteConnection, session_id: i64, at: i64) -> Result<(), StoreError> {
    sqlx::query!("UPDATE sessions SET state = 'active' WHERE id = ?", session_id).execute(&mut *tx).await?;
    sqlx::query!(
        "INSERT INTO interactions (session_id, state, queued_at)
         SELECT ?, 'queued', ?
         WHERE NOT EXISTS (SELECT 1 FROM interactions WHERE session_id = ? AND state <> 'ended')",
        session_id,
        at,
        session_id,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Recomputes what a session's list entry shows from its messages and interactions: the last
/// message, the last activity, the contact's last message (for the messaging window), and
/// since when the customer has waited for a reply: the first unanswered customer message of
/// the open interaction (none when no interaction is open).
pub(crate) async fn refresh_session(tx: &mut SqliteConnection, session_id: i64) -> Result<(), StoreError> {
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
                  AND m.created_at >= i.queued_at
                  AND m.created_at > COALESCE(
                      (SELECT MAX(o.created_at) FROM messages o
                       WHERE o.session_id = sessions.id AND o.direction = 'outbound'), -1))
         WHERE id = ?",
        session_id,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
