//! Routing's operations on PostgreSQL: what the store does for solo mode, with claims that take
//! row locks (`FOR UPDATE … SKIP LOCKED`) so that concurrent desktops never race.

use crate::{Team, TeamError};
use jiff::Timestamp;
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::routing::assignment::{self, Agent, Capacity, Load, Presence, Waiting};

const CAPACITY_KEY: &str = "default_capacity";

fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

fn timestamp(ms: i64) -> Result<Timestamp, TeamError> {
    Timestamp::from_millisecond(ms).map_err(|_| TeamError::Corrupt { what: format!("time {ms}") })
}

fn corrupt(what: impl Into<String>) -> TeamError {
    TeamError::Corrupt { what: what.into() }
}

impl Team {
    /// Claims waiting interactions for one agent, as their desktop does: in one transaction it
    /// locks the agent's row, counts what they hold, takes waiting interactions of their queues
    /// with `FOR UPDATE SKIP LOCKED` (so racing desktops split the queue instead of waiting or
    /// colliding), asks core's plan which of them fit presence and capacity, and assigns those.
    /// Answers the interactions assigned.
    pub async fn claim_for(&self, agent: &str, now: Timestamp, at_most: i64) -> Result<Vec<i64>, TeamError> {
        let mut tx = self.pool.begin().await?;
        let Some(member) = sqlx::query!(
            "SELECT presence, idle_since, capacity FROM members WHERE name = $1 FOR UPDATE",
            agent
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
        let default: Capacity =
            sqlx::query_scalar!("SELECT value FROM routing_settings WHERE key = $1", CAPACITY_KEY)
                .fetch_optional(&mut *tx)
                .await?
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?
                .unwrap_or_default();
        let capacity = member
            .capacity
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?
            .unwrap_or(default);
        let mut load = Load::default();
        for row in sqlx::query!(
            r#"SELECT c.platform, i.state, count(*) AS "n!" FROM interactions i
               JOIN sessions s ON s.id = i.session_id JOIN channels c ON c.id = s.channel_id
               WHERE i.agent = $1 AND i.state IN ('assigned', 'held') GROUP BY c.platform, i.state"#,
            agent
        )
        .fetch_all(&mut *tx)
        .await?
        {
            let n = u32::try_from(row.n).unwrap_or(u32::MAX);
            match Platform::parse(&row.platform) {
                Some(Platform::Messenger) => load.messenger += n,
                Some(Platform::Sms) => load.sms += n,
                Some(Platform::Whatsapp) => load.whatsapp += n,
                None => return Err(corrupt(format!("platform {:?}", row.platform))),
            }
            if row.state == "held" {
                load.held += n;
            }
        }
        let queues: Vec<i64> =
            sqlx::query_scalar!("SELECT queue_id FROM queue_members WHERE member = $1", agent)
                .fetch_all(&mut *tx)
                .await?;
        let rows = sqlx::query!(
            r#"SELECT i.id, i.queue_id AS "queue_id!", i.queued_at, q.priority, c.platform
               FROM interactions i
               JOIN queues q ON q.id = i.queue_id
               JOIN sessions s ON s.id = i.session_id
               JOIN channels c ON c.id = s.channel_id
               WHERE i.state = 'queued' AND i.queue_id = ANY($1)
               ORDER BY q.priority DESC, i.queued_at, i.id
               LIMIT $2
               FOR UPDATE OF i SKIP LOCKED"#,
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
        let ids: Vec<i64> = plan.iter().map(|a| a.interaction).collect();
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(ids);
        }
        let at = millis(now);
        sqlx::query!(
            "UPDATE interactions SET state = 'assigned', agent = $1, assigned_at = $2, due_at = 0
             WHERE id = ANY($3) AND state = 'queued'",
            agent,
            at,
            &ids,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO interaction_events (interaction_id, at, kind, actor) SELECT id, $2, 'assigned', $1 FROM unnest($3::bigint[]) AS id",
            agent,
            at,
            &ids,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("UPDATE members SET idle_since = $2 WHERE name = $1", agent, at)
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
