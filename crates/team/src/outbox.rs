//! The team's outbox: replies (an agent's, routing's texts) are rows of `messages` in state
//! `pending`. Only the holder of the channel's lease sends: it claims the oldest pending reply of
//! a session with `FOR UPDATE SKIP LOCKED`, and every step after (the attempt, the outcome) is a
//! fenced write, refused once another desktop holds the lease — a resumed zombie never sends or
//! settles twice. A reply written on a desktop carries the id that desktop gave it (`client_id`):
//! pushed twice (a reconnect), it is stored once.

use crate::files::{NewFile, record_file};
use crate::interactions::{lock_open, record_event, write};
use crate::{Lease, Team, TeamError, millis};
use jiff::Timestamp;
use switchboard_core::Platform;
use switchboard_store::{OutboxItem, TemplateRef};

/// A reply written on a desktop, to push to the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply<'a> {
    /// The id the desktop gave it (a UUID): the same reply pushed again is stored once.
    pub client_id: &'a str,
    pub session_id: i64,
    pub body: &'a str,
    pub tag: Option<&'a str>,
    pub agent: &'a str,
    pub created_at: Timestamp,
    /// A WhatsApp template to send instead of the body's text.
    pub template: Option<&'a TemplateRef>,
    /// A file to send instead of the body's text.
    pub file: Option<NewFile<'a>>,
}

/// How a send ended, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    Sent { platform_message_id: &'a str },
    Failed { reason: &'a str },
}

impl Team {
    /// Stores a desktop's reply as pending (once, whatever the number of pushes) and makes the
    /// session's open interaction the agent's (core's `respond`: answering is picking up; the
    /// first answer's time is kept). Answers the reply's id in the team.
    pub async fn reply_push(&self, reply: &NewReply<'_>) -> Result<i64, TeamError> {
        let mut tx = self.pool.begin().await?;
        let at = millis(reply.created_at);
        let inserted = sqlx::query_scalar!(
            "INSERT INTO messages (session_id, channel_id, client_id, direction, author, agent, body, delivery, tag,
                                   created_at, template_sid, template_variables)
             SELECT id, channel_id, $2::text::uuid, 'outbound', 'agent', $3, $4, 'pending', $5, $6, $7, $8
             FROM sessions WHERE id = $1
             ON CONFLICT (client_id) DO NOTHING
             RETURNING id",
            reply.session_id,
            reply.client_id,
            reply.agent,
            reply.body,
            reply.tag,
            at,
            reply.template.map(|t| t.content_sid.as_str()),
            reply.template.map(|t| t.variables.as_str()),
        )
        .fetch_optional(&mut *tx)
        .await?;
        let id = match inserted {
            Some(id) => {
                if let Some(file) = &reply.file {
                    record_file(&mut tx, id, file).await?;
                }
                // Answering picks the interaction up and records the first response (core's
                // `respond`), whoever held it before in the queue.
                if let Some((interaction_id, open)) = lock_open(&mut tx, reply.session_id).await? {
                    let picked_up = open.agent.is_none();
                    let answered = open.respond(reply.agent, reply.created_at)?;
                    write(&mut tx, interaction_id, &answered, Some(0), None).await?;
                    if picked_up {
                        record_event(
                            &mut tx,
                            interaction_id,
                            reply.created_at,
                            "assigned",
                            reply.agent,
                            None,
                        )
                        .await?;
                    }
                }
                id
            }
            None => sqlx::query_scalar!(
                "SELECT id FROM messages WHERE client_id = $1::text::uuid",
                reply.client_id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(TeamError::Corrupt {
                what: format!("reply {} for an unknown session", reply.client_id),
            })?,
        };
        tx.commit().await?;
        Ok(id)
    }

    /// Sends a failed reply again (with the tag the window needs now): pending once more, with
    /// no attempt or claim left on it, for the channel's lease holder.
    pub async fn reply_retry(&self, message_id: i64, tag: Option<&str>) -> Result<(), TeamError> {
        let done = sqlx::query!(
            "UPDATE messages SET delivery = 'pending', failure = NULL, tag = $2, attempted_at = NULL,
                    claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND direction = 'outbound' AND delivery = 'failed'",
            message_id,
            tag,
        )
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(TeamError::NotFound { what: "failed reply" });
        }
        Ok(())
    }

    /// Claims the oldest reply of a session of `lease`'s channel that may go out (no older one of
    /// its session is pending), for `hold`. A claim by another worker — a former holder of the
    /// lease — is void: its writes are refused anyway. `None`: nothing to send, or the lease is gone.
    pub async fn outbox_claim(
        &self,
        lease: &Lease,
        worker: &str,
        now: Timestamp,
        hold: std::time::Duration,
    ) -> Result<Option<OutboxItem>, TeamError> {
        let now_ms = millis(now);
        let until = now_ms + i64::try_from(hold.as_millis()).unwrap_or(i64::MAX / 2);
        let row = sqlx::query!(
            r#"WITH picked AS (
                   UPDATE messages SET claimed_by = $3, claimed_until = $4
                   WHERE id = (
                       SELECT m.id FROM messages m
                       WHERE m.channel_id = $1 AND m.delivery = 'pending'
                         AND (m.claimed_until IS NULL OR m.claimed_until < $5 OR m.claimed_by IS DISTINCT FROM $3)
                         AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.session_id = m.session_id
                                         AND e.delivery = 'pending' AND e.id < m.id)
                         AND EXISTS (SELECT 1 FROM leases WHERE channel_id = $1 AND token = $2)
                       ORDER BY m.id LIMIT 1
                       FOR UPDATE SKIP LOCKED)
                   RETURNING id, session_id, channel_id, body, tag, attempted_at, template_sid, template_variables)
               SELECT p.id AS "id!", p.session_id AS "session_id!", p.channel_id AS "channel_id!", p.body AS "body!",
                      p.tag, p.attempted_at, p.template_sid, p.template_variables, c.platform, c.external_id,
                      k.platform_id, (SELECT a.id FROM attachments a WHERE a.message_id = p.id LIMIT 1) AS attachment_id
               FROM picked p
               JOIN sessions s ON s.id = p.session_id
               JOIN channels c ON c.id = p.channel_id
               JOIN contacts k ON k.id = s.contact_id"#,
            lease.channel_id,
            lease.token,
            worker,
            until,
            now_ms,
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(OutboxItem {
            message_id: r.id,
            session_id: r.session_id,
            channel_id: r.channel_id,
            platform: Platform::parse(&r.platform)
                .ok_or_else(|| TeamError::Corrupt { what: format!("platform {:?}", r.platform) })?,
            channel_external_id: r.external_id,
            recipient: r.platform_id,
            body: r.body,
            tag: r.tag,
            attempted_at: r
                .attempted_at
                .map(|ms| {
                    Timestamp::from_millisecond(ms)
                        .map_err(|_| TeamError::Corrupt { what: format!("time {ms}") })
                })
                .transpose()?,
            template: r.template_sid.map(|content_sid| TemplateRef {
                content_sid,
                variables: r.template_variables.unwrap_or_else(|| "{}".into()),
            }),
            attachment_id: r.attachment_id,
        }))
    }

    /// Records that a send is about to be tried (a later claim reconciles before resending).
    /// Refused with a stale token.
    pub async fn outbox_attempt(
        &self,
        lease: &Lease,
        message_id: i64,
        now: Timestamp,
    ) -> Result<(), TeamError> {
        let done = sqlx::query!(
            "UPDATE messages SET attempted_at = $3
             WHERE id = $1 AND delivery = 'pending'
               AND EXISTS (SELECT 1 FROM leases WHERE channel_id = messages.channel_id AND token = $2)",
            message_id,
            lease.token,
            millis(now),
        )
        .execute(&self.pool)
        .await?;
        self.fenced(lease, done.rows_affected()).await
    }

    /// Records a send's outcome. Refused with a stale token; a reply already settled is left as it is.
    pub async fn outbox_settle(
        &self,
        lease: &Lease,
        message_id: i64,
        outcome: Outcome<'_>,
    ) -> Result<(), TeamError> {
        let (delivery, platform_id, failure) = match outcome {
            Outcome::Sent { platform_message_id } => ("sent", Some(platform_message_id), None),
            Outcome::Failed { reason } => ("failed", None, Some(reason)),
        };
        let done = sqlx::query!(
            "UPDATE messages SET delivery = $3, platform_message_id = coalesce($4, platform_message_id), failure = $5,
                    claimed_by = NULL, claimed_until = NULL
             WHERE id = $1 AND delivery = 'pending'
               AND EXISTS (SELECT 1 FROM leases WHERE channel_id = messages.channel_id AND token = $2)",
            message_id,
            lease.token,
            delivery,
            platform_id,
            failure,
        )
        .execute(&self.pool)
        .await?;
        self.fenced(lease, done.rows_affected()).await
    }

    /// Gives a claimed reply back (a passing failure): the next claim tries it again.
    pub async fn outbox_release(&self, lease: &Lease, message_id: i64) -> Result<(), TeamError> {
        sqlx::query!(
            "UPDATE messages SET claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND channel_id = $2",
            message_id,
            lease.channel_id,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// After a write that touched nothing: the lease is gone (refused), or the row had already
    /// moved on (nothing to do).
    pub(crate) async fn fenced(&self, lease: &Lease, touched: u64) -> Result<(), TeamError> {
        if touched > 0 || self.lease_held(lease).await? {
            return Ok(());
        }
        Err(TeamError::StaleLease { channel_id: lease.channel_id })
    }

    /// Whether `lease`'s token is still the channel's.
    pub async fn lease_held(&self, lease: &Lease) -> Result<bool, TeamError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM leases WHERE channel_id = $1 AND token = $2) AS "held!""#,
            lease.channel_id,
            lease.token
        )
        .fetch_one(&self.pool)
        .await?)
    }
}
