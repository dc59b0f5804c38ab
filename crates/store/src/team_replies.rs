//! Team mode's replies on this desktop: written here first (so nothing typed is lost, online or
//! not) with a negative local id and the client id this desktop gave them, then pushed to the
//! team; the team's copy replaces each when it comes back through the change log.

use crate::messages::{MessageRow, refresh_session};
use crate::outbox::{Draft, answered};
use crate::{MessageRecord, Store, StoreError, from_millis, to_millis};
use jiff::Timestamp;
use switchboard_core::ReplyText;

/// A reply written here and not yet in the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpushedReply {
    pub client_id: String,
    pub session_id: i64,
    pub body: String,
    pub tag: Option<String>,
    pub created_at: Timestamp,
}

impl Store {
    /// Writes an agent's bubbles as pending replies waiting to be pushed, in order, in one
    /// transaction (clearing the draft). `client_ids` go with the texts, one each.
    pub async fn enqueue_team_replies(
        &self,
        session_id: i64,
        texts: &[(String, ReplyText)],
        tag: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut tx = self.write().await?;
        let at = to_millis(now);
        let mut messages = Vec::with_capacity(texts.len());
        for (client_id, text) in texts {
            let body = text.as_str();
            let row = sqlx::query_as!(
                MessageRow,
                r#"INSERT INTO messages (id, session_id, channel_id, client_id, direction, author, body, delivery, tag, created_at)
                   SELECT min(0, (SELECT coalesce(min(id), 0) FROM messages)) - 1, id, channel_id, ?, 'outbound', 'agent', ?,
                          'pending', ?, ? FROM sessions WHERE id = ?
                   RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
                client_id,
                body,
                tag,
                at,
                session_id,
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound { what: "session" })?;
            messages.push(MessageRecord::try_from(row)?);
        }
        answered(&mut tx, session_id, agent, at, Draft::Clear).await?;
        refresh_session(&mut tx, session_id).await?;
        tx.commit().await?;
        Ok(messages)
    }

    /// Replies written here that the team does not have yet, oldest first.
    pub async fn unpushed_replies(&self) -> Result<Vec<UnpushedReply>, StoreError> {
        sqlx::query!(
            r#"SELECT client_id AS "client_id!", session_id, body, tag, created_at FROM messages
               WHERE id < 0 AND client_id IS NOT NULL ORDER BY id DESC"#
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            Ok(UnpushedReply {
                client_id: r.client_id,
                session_id: r.session_id,
                body: r.body,
                tag: r.tag,
                created_at: from_millis(r.created_at)?,
            })
        })
        .collect()
    }
}
