//! Routing's operations on PostgreSQL: what the store does for solo mode, with claims that take
//! row locks (`FOR UPDATE … SKIP LOCKED`) so that concurrent desktops never race.

use crate::{Team, TeamError, corrupt, millis, timestamp};
use jiff::Timestamp;
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::routing::assignment::{self, Agent, Capacity, Load, Presence, Waiting};

use switchboard_store::CAPACITY_KEY;

impl Team {
    /// Claims waiting interactions for one agent, as their desktop does: in one transaction it
    /// locks the agent's row, counts what they hold, takes waiting interactions of their queues
    /// with `FOR UPDATE SKIP LOCKED` (so racing desktops split the queue instead of waiting or
    /// colliding), asks core's plan which of them fit presence and capacity, and assigns those.
    /// Answers the interactions assigned.
    pub async fn claim_for(&self, agent: &str, now: Timestamp, at_most: i64) -> Result<Vec<i64>, TeamError> {
        // Five round trips in all (begin, read, lock, write, commit): on a busy team the claim's
        // cost is its round trips, not the server's work.
        let mut tx = self.pool.begin().await?;
        let Some(member) = sqlx::query!(
            r#"SELECT m.presence, m.idle_since, m.capacity,
                      (SELECT value FROM routing_settings WHERE key = $2) AS default_capacity,
                      m.in_hand_messenger, m.in_hand_sms, m.in_hand_whatsapp, m.in_hand_held,
                      (SELECT coalesce(array_agg(queue_id), '{}') FROM queue_members WHERE member = m.name) AS "queues!"
               FROM members m WHERE m.name = $1
               FOR UPDATE OF m"#,
            agent,
            CAPACITY_KEY,
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(Vec::new());
        };
        let presence = Presence::parse(&member.presence)
            .ok_or_else(|| corrupt(format!("presence {:?}", member.presence)))?;
        if !presence.takes_new_work() {
            return Ok(Vec::new());
        }
        let json =
            |v: serde_json::Value| serde_json::from_value::<Capacity>(v).map_err(|e| corrupt(e.to_string()));
        let default = member.default_capacity.map(json).transpose()?.unwrap_or_default();
        let capacity = member.capacity.map(json).transpose()?.unwrap_or(default);
        // Kept on the member's row by the database (migration 0003), in every transaction that
        // changes an interaction's state or agent.
        let count = |n: i32| u32::try_from(n).unwrap_or(0);
        let load = Load {
            messenger: count(member.in_hand_messenger),
            sms: count(member.in_hand_sms),
            whatsapp: count(member.in_hand_whatsapp),
            held: count(member.in_hand_held),
        };
        let queues = member.queues;
        // Full on every channel type, or in no queue: nothing to lock. (Desktops ask every
        // routing tick while customers wait; an agent at capacity must not hold the waiting
        // rows others would take.)
        if queues.is_empty() || !load.has_any_room(&capacity) {
            tx.commit().await?;
            return Ok(Vec::new());
        }
        // The longest-waiting few of each of the agent's queues, locked, skipping what another
        // desktop holds: each queue is one walk of its waiting index, however long the queue.
        // Core then orders them (priority, then wait) and checks capacity.
        let rows = sqlx::query!(
            r#"SELECT w.id AS "id!", w.queue_id AS "queue_id!", w.queued_at AS "queued_at!", q.priority, c.platform
               FROM unnest($1::bigint[]) AS wanted(queue)
               CROSS JOIN LATERAL (
                   SELECT i.id, i.queue_id, i.queued_at, i.session_id FROM interactions i
                   WHERE i.state = 'queued' AND i.queue_id = wanted.queue
                   ORDER BY i.queued_at, i.id
                   LIMIT $2
                   FOR UPDATE SKIP LOCKED
               ) w
               JOIN queues q ON q.id = w.queue_id
               JOIN sessions s ON s.id = w.session_id
               JOIN channels c ON c.id = s.channel_id"#,
            &queues,
            at_most,
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut waiting = Vec::with_capacity(rows.len());
        for r in rows {
            waiting.push(Waiting {
                interaction: r.id,
                queue: r.queue_id,
                priority: i64::from(r.priority),
                platform: Platform::parse(&r.platform)
                    .ok_or_else(|| corrupt(format!("platform {:?}", r.platform)))?,
                queued_at: timestamp(r.queued_at)?,
                previous_agent: None,
            });
        }
        let me = Agent {
            name: agent.to_owned(),
            presence,
            idle_since: member.idle_since.map(timestamp).transpose()?,
            queues,
            capacity,
            load,
            assigned_today: 0,
        };
        let plan = assignment::plan(&waiting, std::slice::from_ref(&me), &HashMap::new(), now);
        let mut ids: Vec<i64> = plan.iter().map(|a| a.interaction).collect();
        ids.truncate(usize::try_from(at_most).unwrap_or(usize::MAX));
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(ids);
        }
        let at = millis(now);
        // Core's `assign` on each and the history, in one statement (the member's counts and idle
        // time follow by the database's trigger, migration 0003).
        sqlx::query!(
            "WITH assigned AS (
                 UPDATE interactions SET state = 'assigned', agent = $1, assigned_at = $2, due_at = 0
                 WHERE id = ANY($3) AND state = 'queued' RETURNING id)
             INSERT INTO interaction_events (interaction_id, at, kind, actor)
             SELECT id, $2, 'assigned', $1 FROM assigned",
            agent,
            at,
            &ids,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Sets a member's presence (made Available if new), as their desktop's switch does.
    pub async fn member_presence_set(
        &self,
        name: &str,
        presence: Presence,
        now: Timestamp,
    ) -> Result<(), TeamError> {
        let (value, at) = (presence.as_str(), millis(now));
        sqlx::query!(
            "INSERT INTO members (name, presence, presence_since) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET presence = excluded.presence,
               presence_since = CASE WHEN members.presence = excluded.presence THEN members.presence_since ELSE excluded.presence_since END",
            name,
            value,
            at,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A member's own capacity (`None`: the team's default).
    pub async fn member_capacity_set(
        &self,
        name: &str,
        capacity: Option<&Capacity>,
    ) -> Result<(), TeamError> {
        let value = capacity.map(|c| serde_json::to_value(c).expect("a capacity serializes"));
        sqlx::query!("UPDATE members SET capacity = $2 WHERE name = $1", name, value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
