//! The outbox: replies are written `pending` before any network call, so nothing typed is lost.

use crate::messages::{MessageRow, refresh_session};
use crate::{MessageRecord, Store, StoreError, parse_name, to_millis};
use jiff::Timestamp;
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
    /// Set when an earlier attempt went out without a known outcome.
    pub attempted_at: Option<Timestamp>,
    /// A WhatsApp template to send instead of the body's text.
    pub template: Option<TemplateRef>,
    /// A file to send instead of the body's text (its content: `Store::attachment_content`).
    pub attachment_id: Option<i64>,
}

/// Which template a reply is, and its variables (a JSON object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    pub content_sid: String,
    pub variables: String,
}

impl Store {
    /// Writes an agent's reply as `pending`; see [`Store::enqueue_replies`].
    pub async fn enqueue_reply(
        &self,
        session_id: i64,
        text: &ReplyText,
        tag: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<MessageRecord, StoreError> {
        let mut sent = self.enqueue_replies(session_id, std::slice::from_ref(text), tag, agent, now).await?;
        sent.pop().ok_or(StoreError::NotFound { what: "session" })
    }

    /// Writes an agent's bubbles as `pending` messages, in order, in one transaction, and
    /// clears the session's draft with them; the open interaction becomes the agent's, and its
    /// first response is recorded.
    pub async fn enqueue_replies(
        &self,
        session_id: i64,
        texts: &[ReplyText],
        tag: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let bubbles: Vec<(Option<&str>, &ReplyText)> = texts.iter().map(|t| (None, t)).collect();
        self.enqueue_bubbles(session_id, &bubbles, tag, agent, now).await
    }

    /// The agent's bubbles as pending replies, in one transaction with the draft cleared and the
    /// interaction answered. A bubble with a client id (team mode: to be pushed to the team) gets
    /// a negative local id, below every other, so it never collides with the team's ids.
    pub(crate) async fn enqueue_bubbles(
        &self,
        session_id: i64,
        bubbles: &[(Option<&str>, &ReplyText)],
        tag: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut tx = self.write().await?;
        let at = to_millis(now);
        let mut messages = Vec::with_capacity(bubbles.len());
        for (client_id, text) in bubbles {
            let body = text.as_str();
            let row = sqlx::query_as!(
                MessageRow,
                r#"INSERT INTO messages (id, session_id, channel_id, client_id, direction, author, body, delivery, tag, created_at)
                   SELECT CASE WHEN ?1 IS NULL THEN NULL ELSE min(0, (SELECT coalesce(min(id), 0) FROM messages)) - 1 END,
                          id, channel_id, ?1, 'outbound', 'agent', ?2, 'pending', ?3, ?4 FROM sessions WHERE id = ?5
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

    /// Writes a WhatsApp template reply as `pending`: `body` is its text with the variables
    /// filled in, as the conversation shows it.
    /// With a `client_id` (team mode) it gets a negative local id until the team's copy replaces it.
    pub async fn enqueue_template(
        &self,
        session_id: i64,
        body: &str,
        template: &TemplateRef,
        agent: Option<&str>,
        now: Timestamp,
        client_id: Option<&str>,
    ) -> Result<MessageRecord, StoreError> {
        let mut tx = self.write().await?;
        let at = to_millis(now);
        let row = sqlx::query_as!(
            MessageRow,
            r#"INSERT INTO messages (id, session_id, channel_id, client_id, direction, author, body, delivery, created_at,
                                     template_sid, template_variables)
               SELECT CASE WHEN ?1 IS NULL THEN NULL ELSE min(0, (SELECT coalesce(min(id), 0) FROM messages)) - 1 END,
                      id, channel_id, ?1, 'outbound', 'agent', ?2, 'pending', ?3, ?4, ?5 FROM sessions WHERE id = ?6
               RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
            client_id,
            body,
            at,
            template.content_sid,
            template.variables,
            session_id,
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound { what: "session" })?;
        answered(&mut tx, session_id, agent, at, Draft::Clear).await?;
        refresh_session(&mut tx, session_id).await?;
        tx.commit().await?;
        row.try_into()
    }

    /// Claims the oldest reply that may go out now, for `owner` until `now + lease`, in the
    /// transaction that finds it: two workers never hold one reply. Only the oldest pending
    /// reply of each session can be claimed (so a session's replies go out in order), on a
    /// connected channel, and only when no live claim holds it.
    pub async fn claim_next(
        &self,
        owner: &str,
        now: Timestamp,
        lease: std::time::Duration,
    ) -> Result<Option<OutboxItem>, StoreError> {
        let now_ms = to_millis(now);
        let until = now_ms.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let mut tx = self.write().await?;
        let row = sqlx::query!(
            "SELECT m.id, m.session_id, m.channel_id, c.platform, c.external_id, k.platform_id, m.body, m.tag,
                    m.attempted_at, m.template_sid, m.template_variables,
                    (SELECT a.id FROM attachments a WHERE a.message_id = m.id) AS attachment_id
             FROM messages m
             JOIN channels c ON c.id = m.channel_id
             JOIN sessions s ON s.id = m.session_id
             JOIN contacts k ON k.id = s.contact_id
             WHERE m.delivery = 'pending' AND c.state = 'connected'
               AND (m.claimed_until IS NULL OR m.claimed_until <= ?1)
               AND NOT EXISTS (SELECT 1 FROM messages e
                               WHERE e.session_id = m.session_id AND e.delivery = 'pending' AND e.id < m.id)
             ORDER BY m.id LIMIT 1",
            now_ms,
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        sqlx::query!(
            "UPDATE messages SET claimed_by = ?, claimed_until = ? WHERE id = ?",
            owner,
            until,
            row.id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(OutboxItem {
            platform: parse_name("platform", &row.platform, Platform::parse)?,
            message_id: row.id,
            session_id: row.session_id,
            channel_id: row.channel_id,
            channel_external_id: row.external_id,
            recipient: row.platform_id,
            body: row.body,
            tag: row.tag,
            attempted_at: row.attempted_at.map(crate::from_millis).transpose()?,
            template: row.template_sid.map(|content_sid| TemplateRef {
                content_sid,
                variables: row.template_variables.unwrap_or_else(|| "{}".into()),
            }),
            attachment_id: row.attachment_id,
        }))
    }

    /// Gives a claimed reply back unsent (a passing failure): any worker may take it again.
    pub async fn release_claim(&self, message_id: i64, owner: &str) -> Result<(), StoreError> {
        sqlx::query!(
            "UPDATE messages SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
            message_id,
            owner,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Drops every claim: called on opening, when the folder lock proves that no other worker
    /// of this cache is alive, so a crash's claims do not wait for their leases to lapse.
    pub async fn release_all_claims(&self) -> Result<u64, StoreError> {
        // Claims exist only on pending replies (settling clears them): the partial index on
        // pending messages keeps this from reading a million settled ones at every start.
        let done = sqlx::query!(
            "UPDATE messages SET claimed_by = NULL, claimed_until = NULL
             WHERE delivery = 'pending' AND claimed_by IS NOT NULL"
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Records that the reply is about to go out, before the network call, so that a crash or a
    /// lost answer leads to reconciliation rather than a blind resend.
    pub async fn mark_attempt(&self, message_id: i64, at: Timestamp) -> Result<(), StoreError> {
        let at = to_millis(at);
        sqlx::query!("UPDATE messages SET attempted_at = ? WHERE id = ?", at, message_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts a failed reply back in the outbox (the agent pressed Retry), with the tag the
    /// messaging window requires now. Only failed outbound messages can be retried.
    pub async fn retry_message(
        &self,
        message_id: i64,
        tag: Option<&str>,
    ) -> Result<MessageRecord, StoreError> {
        let row = sqlx::query_as!(
            MessageRow,
            r#"UPDATE messages SET delivery = 'pending', failure = NULL, attempted_at = NULL, tag = ?
               WHERE id = ? AND delivery = 'failed' AND direction = 'outbound'
               RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
            tag,
            message_id,
        )
        .fetch_optional(&self.pool)
        .await?;
        let message = row.ok_or(StoreError::NotFound { what: "failed reply" })?.try_into()?;
        self.message_with_attachments(message).await
    }

    /// The platform accepted the reply under `platform_message_id`.
    pub async fn mark_sent(
        &self,
        message_id: i64,
        platform_message_id: &str,
    ) -> Result<MessageRecord, StoreError> {
        self.settle(message_id, "sent", Some(platform_message_id), None).await
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
        let row = sqlx::query_as!(
            MessageRow,
            r#"UPDATE messages SET delivery = ?, platform_message_id = COALESCE(?, platform_message_id),
                                   failure = ?, claimed_by = NULL, claimed_until = NULL
               WHERE id = ? AND delivery = 'pending'
               RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
            delivery,
            platform_message_id,
            failure,
            message_id,
        )
        .fetch_optional(&self.pool)
        .await?;
        let message = row.ok_or(StoreError::NotFound { what: "pending reply" })?.try_into()?;
        self.message_with_attachments(message).await
    }
}

/// What answering does to the session's draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Draft {
    /// The draft was what went out.
    Clear,
    /// A file went out; what the agent is typing stays.
    Keep,
}

/// The agent answered: the draft goes (when it was what went out), and core's `respond` runs on
/// the open interaction (it becomes the agent's, its first response is recorded).
pub(crate) async fn answered(
    tx: &mut sqlx::SqliteConnection,
    session_id: i64,
    agent: Option<&str>,
    at: i64,
    draft: Draft,
) -> Result<(), StoreError> {
    if draft == Draft::Clear {
        sqlx::query!("DELETE FROM drafts WHERE session_id = ?", session_id).execute(&mut *tx).await?;
    }
    if let Some(agent) = agent {
        crate::routing::answered(tx, session_id, agent, crate::from_millis(at)?).await?;
    }
    Ok(())
}
