//! Routing's own decisions on PostgreSQL: the interactions due (new, a customer's answer, a timer)
//! read with what core needs, and each decision recorded in one transaction — only if nobody
//! changed the interaction meanwhile (its version), so a desktop that decided on a stale read
//! (an agent picked it up, another desktop decided first) records nothing and sends no text.

use crate::interactions::{InteractionRow, write};
use crate::{Team, TeamError, corrupt, millis, timestamp};
use jiff::Timestamp;
use switchboard_core::Platform;
use switchboard_core::routing::automation::Activity;
use switchboard_core::routing::{Experience, QueueNode, QueueTree};
use switchboard_store::{RoutedInteraction, RoutingRecord};

/// An interaction due for a decision, with the version it was read at.
#[derive(Debug, Clone)]
pub struct DueInteraction {
    pub item: RoutedInteraction,
    pub version: i64,
}

impl Team {
    /// Interactions of `channels` whose deadline has come (0: "look now"), oldest deadline first.
    pub async fn routing_due(
        &self,
        channels: &[i64],
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<DueInteraction>, TeamError> {
        let rows = sqlx::query!(
            r#"SELECT i.id, i.session_id, i.state, i.end_reason, i.queue_id, i.agent, i.menu_node, i.menu_repeated,
                      i.started_at, i.queued_at, i.assigned_at, i.first_response_at, i.ended_at, i.after_hours,
                      i.warned_at, i.dismiss_cue, i.disposition, i.routed_message_id, i.version,
                      s.channel_id, c.platform, k.opted_out, s.last_inbound_at,
                      (SELECT max(created_at) FROM messages o WHERE o.session_id = s.id AND o.author = 'agent') AS last_outbound,
                      (SELECT coalesce(jsonb_agg(jsonb_build_array(m.id, m.body) ORDER BY m.id), '[]') FROM messages m
                       WHERE m.session_id = s.id AND m.direction = 'inbound' AND m.id > coalesce(i.routed_message_id, 0)) AS "unread!"
               FROM interactions i
               JOIN sessions s ON s.id = i.session_id
               JOIN channels c ON c.id = s.channel_id
               JOIN contacts k ON k.id = s.contact_id
               WHERE i.state <> 'ended' AND i.due_at <= $2 AND s.channel_id = ANY($1)
               ORDER BY i.due_at, i.id
               LIMIT $3"#,
            channels,
            millis(now),
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        let mut due = Vec::with_capacity(rows.len());
        for r in rows {
            let (_, interaction) = InteractionRow {
                id: r.id,
                state: r.state,
                end_reason: r.end_reason,
                queue_id: r.queue_id,
                agent: r.agent,
                menu_node: r.menu_node,
                menu_repeated: r.menu_repeated,
                started_at: r.started_at,
                queued_at: r.queued_at,
                assigned_at: r.assigned_at,
                first_response_at: r.first_response_at,
                ended_at: r.ended_at,
                after_hours: r.after_hours,
                warned_at: r.warned_at,
                dismiss_cue: r.dismiss_cue,
                disposition: r.disposition,
            }
            .into_core()?;
            let opt = |v: Option<i64>| v.map(timestamp).transpose();
            let unread: Vec<(i64, String)> =
                serde_json::from_value(r.unread).map_err(|e| corrupt(e.to_string()))?;
            due.push(DueInteraction {
                item: RoutedInteraction {
                    id: r.id,
                    session_id: r.session_id,
                    channel_id: r.channel_id,
                    platform: Platform::parse(&r.platform)
                        .ok_or_else(|| corrupt(format!("platform {:?}", r.platform)))?,
                    interaction,
                    activity: Activity {
                        last_inbound: opt(r.last_inbound_at)?,
                        last_outbound: opt(r.last_outbound)?,
                    },
                    opted_out: r.opted_out,
                    unread,
                    new: r.routed_message_id.is_none(),
                },
                version: r.version,
            });
        }
        Ok(due)
    }

    /// A channel's experience and queue tree.
    pub async fn experience(&self, channel_id: i64) -> Result<(Experience, QueueTree), TeamError> {
        let settings =
            sqlx::query_scalar!("SELECT settings FROM experiences WHERE channel_id = $1", channel_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| corrupt(format!("channel {channel_id} has no experience")))?;
        let experience: Experience = serde_json::from_value(settings).map_err(|e| corrupt(e.to_string()))?;
        let nodes = sqlx::query!(
            "SELECT id, parent_id, position, name, keywords, priority FROM queues WHERE channel_id = $1",
            channel_id
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|q| {
            Ok(QueueNode {
                id: q.id,
                parent: q.parent_id,
                position: i64::from(q.position),
                name: q.name,
                keywords: serde_json::from_value(q.keywords).map_err(|e| corrupt(e.to_string()))?,
                priority: i64::from(q.priority),
            })
        })
        .collect::<Result<Vec<_>, TeamError>>()?;
        Ok((experience, QueueTree::new(nodes)))
    }

    /// The queues with at least one Available member now.
    pub async fn staffed_queues(&self) -> Result<std::collections::HashSet<i64>, TeamError> {
        Ok(sqlx::query_scalar!(
            "SELECT DISTINCT qm.queue_id FROM queue_members qm JOIN members m ON m.name = qm.member
             WHERE m.presence = 'available'"
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect())
    }

    /// Records one routing decision read at `version`: the interaction's new value, what routing
    /// has read, its next deadline, the automated texts as pending system replies (each with a
    /// client id, so the outbox of the channel's lease holder sends it once) and the timeline,
    /// in one transaction. `false`: the interaction changed since it was read; nothing recorded.
    pub async fn routing_record(&self, record: RoutingRecord<'_>, version: i64) -> Result<bool, TeamError> {
        let mut tx = self.pool.begin().await?;
        let now = sqlx::query_scalar!(
            "SELECT version FROM interactions WHERE id = $1 FOR UPDATE",
            record.interaction_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        if now != Some(version) {
            return Ok(false);
        }
        let due = record.due_at.map(millis);
        write(&mut tx, record.interaction_id, record.interaction, due, record.routed_message_id).await?;
        let at = millis(record.now);
        for text in record.texts {
            sqlx::query!(
                "INSERT INTO messages (session_id, channel_id, client_id, direction, author, body, delivery, created_at)
                 SELECT id, channel_id, gen_random_uuid(), 'outbound', 'system', $2, 'pending', $3 FROM sessions WHERE id = $1",
                record.session_id,
                text,
                at,
            )
            .execute(&mut *tx)
            .await?;
        }
        for (kind, detail) in record.events {
            sqlx::query!(
                "INSERT INTO interaction_events (interaction_id, at, kind, actor, detail) VALUES ($1, $2, $3, 'routing', $4)",
                record.interaction_id,
                at,
                kind,
                detail.as_deref(),
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
