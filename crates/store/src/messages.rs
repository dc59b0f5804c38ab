use crate::{Store, StoreError, from_millis, to_millis};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::AssertSqlSafe;
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

/// What recording a batch changed.
#[derive(Debug, Default)]
pub struct RecordedBatch {
    /// Messages seen for the first time, in the order recorded.
    pub new_messages: Vec<MessageRecord>,
    /// Sessions whose list entry changed.
    pub sessions: Vec<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: i64,
    session_id: i64,
    direction: String,
    author: String,
    body: String,
    delivery: String,
    failure: Option<String>,
    tag: Option<String>,
    created_at: i64,
}

pub(crate) const MESSAGE_COLUMNS: &str =
    "id, session_id, direction, author, body, delivery, failure, tag, created_at";

impl TryFrom<MessageRow> for MessageRecord {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str, value: &str| StoreError::Corrupt {
            what: format!("{what} {value:?}"),
        };
        Ok(Self {
            id: row.id,
            session_id: row.session_id,
            direction: Direction::parse(&row.direction)
                .ok_or_else(|| corrupt("direction", &row.direction))?,
            author: Author::parse(&row.author).ok_or_else(|| corrupt("author", &row.author))?,
            delivery: DeliveryState::parse(&row.delivery)
                .ok_or_else(|| corrupt("delivery state", &row.delivery))?,
            body: row.body,
            failure: row.failure,
            tag: row.tag,
            created_at: from_millis(row.created_at)?,
        })
    }
}

impl Store {
    /// Records what a poller read, in one transaction. A message already known (same channel
    /// and platform message id) is left as it is, so polling the same page twice is harmless.
    pub async fn record_messages(
        &self,
        channel_id: i64,
        platform: Platform,
        batch: &[IncomingMessage],
    ) -> Result<RecordedBatch, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut recorded = RecordedBatch::default();
        let mut touched = BTreeSet::new();
        for message in batch {
            let contact_id = upsert_contact(&mut tx, platform, message).await?;
            let session_id = upsert_session(&mut tx, channel_id, contact_id, message).await?;
            if message.direction == Direction::Outbound
                && awaits_in_outbox(&mut tx, session_id, &message.body).await?
            {
                // Our own reply, read back before the outbox recorded its platform id:
                // the outbox will record it, so it is not a second message.
                continue;
            }
            let inserted: Option<MessageRow> = sqlx::query_as(AssertSqlSafe(format!(
                "INSERT INTO messages (session_id, channel_id, platform_message_id, direction, author,
                                       body, delivery, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (channel_id, platform_message_id) DO NOTHING
                 RETURNING {MESSAGE_COLUMNS}"
            )))
            .bind(session_id)
            .bind(channel_id)
            .bind(&message.platform_message_id)
            .bind(message.direction.as_str())
            .bind(message.author.as_str())
            .bind(&message.body)
            .bind(received_state(message.direction).as_str())
            .bind(to_millis(message.created_at))
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = inserted {
                if message.direction == Direction::Inbound {
                    // A customer writing reactivates a stored session.
                    sqlx::query("UPDATE sessions SET state = 'active' WHERE id = ?")
                        .bind(session_id)
                        .execute(&mut *tx)
                        .await?;
                }
                recorded.new_messages.push(row.try_into()?);
                touched.insert(session_id);
            }
        }
        for session_id in &touched {
            refresh_session(&mut tx, *session_id).await?;
        }
        tx.commit().await?;
        recorded.sessions = touched.into_iter().collect();
        Ok(recorded)
    }

    /// A session's messages, oldest first.
    pub async fn session_messages(&self, session_id: i64) -> Result<Vec<MessageRecord>, StoreError> {
        let rows: Vec<MessageRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE session_id = ? ORDER BY created_at, id"
        )))
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

/// Messages read from a platform have already been accepted by it.
fn received_state(direction: Direction) -> DeliveryState {
    match direction {
        Direction::Inbound => DeliveryState::Delivered,
        Direction::Outbound => DeliveryState::Sent,
    }
}

async fn upsert_contact(
    tx: &mut SqliteConnection,
    platform: Platform,
    message: &IncomingMessage,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO contacts (platform, platform_id, display_name) VALUES (?, ?, ?)
         ON CONFLICT (platform, platform_id)
         DO UPDATE SET display_name = COALESCE(excluded.display_name, display_name)
         RETURNING id",
    )
    .bind(platform.as_str())
    .bind(&message.contact_platform_id)
    .bind(&message.contact_name)
    .fetch_one(&mut *tx)
    .await?)
}

async fn upsert_session(
    tx: &mut SqliteConnection,
    channel_id: i64,
    contact_id: i64,
    message: &IncomingMessage,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sessions (channel_id, contact_id, thread_id, last_activity_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (channel_id, contact_id)
         DO UPDATE SET thread_id = COALESCE(excluded.thread_id, thread_id)
         RETURNING id",
    )
    .bind(channel_id)
    .bind(contact_id)
    .bind(&message.thread_id)
    .bind(to_millis(message.created_at))
    .fetch_one(&mut *tx)
    .await?)
}

async fn awaits_in_outbox(
    tx: &mut SqliteConnection,
    session_id: i64,
    body: &str,
) -> Result<bool, StoreError> {
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM messages
         WHERE session_id = ? AND delivery = 'pending' AND platform_message_id IS NULL AND body = ?
         LIMIT 1",
    )
    .bind(session_id)
    .bind(body)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(pending.is_some())
}

/// Recomputes a session's list position from its messages: its last activity, and since when
/// (if at all) the customer has been waiting for a reply.
pub(crate) async fn refresh_session(tx: &mut SqliteConnection, session_id: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE sessions SET
            last_activity_at = COALESCE(
                (SELECT MAX(created_at) FROM messages WHERE session_id = sessions.id),
                last_activity_at),
            awaiting_since = (
                SELECT MIN(m.created_at) FROM messages m
                WHERE m.session_id = sessions.id AND m.direction = 'inbound'
                  AND m.created_at > COALESCE(
                      (SELECT MAX(o.created_at) FROM messages o
                       WHERE o.session_id = sessions.id AND o.direction = 'outbound'), -1))
         WHERE id = ?",
    )
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
