//! Routing's settings on PostgreSQL, as an admin's desktop changes them: one transaction each,
//! the same rules as the solo cache's (crates/store/src/routing.rs). Core's checks (names,
//! keywords, moves without cycles) run on the desktop against its replica before it writes.

use crate::{Team, TeamError};
use serde_json::Value;
use std::collections::HashMap;
use switchboard_store::{QueueChange, QueueRecord};

fn json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("settings serialize")
}

impl Team {
    /// An organisation-wide routing setting (default capacity, dispositions, offline grace).
    pub async fn setting_set(&self, key: &str, value: &impl serde::Serialize) -> Result<(), TeamError> {
        sqlx::query!(
            "INSERT INTO routing_settings (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            json(value),
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn experience_save(
        &self,
        channel_id: i64,
        experience: &impl serde::Serialize,
    ) -> Result<(), TeamError> {
        let done = sqlx::query!(
            "UPDATE experiences SET settings = $2 WHERE channel_id = $1",
            channel_id,
            json(experience)
        )
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(TeamError::NotFound { what: "experience" });
        }
        Ok(())
    }

    /// Adds a queue under `parent`, last among its siblings; a parent that was a leaf hands its
    /// members to it (agents work leaves only). Answers its id.
    pub async fn queue_add(&self, parent: i64, name: &str) -> Result<i64, TeamError> {
        let mut tx = self.pool.begin().await?;
        let channel = sqlx::query_scalar!("SELECT channel_id FROM queues WHERE id = $1 FOR UPDATE", parent)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(TeamError::NotFound { what: "queue" })?;
        let taken = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM queues WHERE parent_id = $1 AND lower(name) = lower($2)"#,
            parent,
            name
        )
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(TeamError::Refused(format!("There is a queue called \"{name}\" there already.")));
        }
        let id = sqlx::query_scalar!(
            "INSERT INTO queues (channel_id, parent_id, position, name)
             VALUES ($1, $2, (SELECT coalesce(max(position) + 1, 0) FROM queues WHERE parent_id = $2), $3)
             RETURNING id",
            channel,
            parent,
            name,
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query!("UPDATE queue_members SET queue_id = $1 WHERE queue_id = $2", id, parent)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn queue_update(&self, id: i64, change: &QueueChange) -> Result<(), TeamError> {
        let keywords: Vec<&str> = change.keywords.iter().map(|k| k.as_str()).collect();
        let mut tx = self.pool.begin().await?;
        let taken = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM queues s JOIN queues q ON q.id = $1
               WHERE s.id <> q.id AND s.parent_id IS NOT DISTINCT FROM q.parent_id AND s.channel_id = q.channel_id
                 AND lower(s.name) = lower($2)"#,
            id,
            change.name.as_str(),
        )
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(TeamError::Refused(format!(
                "There is a queue called \"{}\" there already.",
                change.name.as_str()
            )));
        }
        let done = sqlx::query!(
            "UPDATE queues SET name = $2, keywords = $3, priority = $4, service_level_percent = $5,
                    service_level_seconds = $6, target_response_seconds = $7, distribution = $8
             WHERE id = $1",
            id,
            change.name.as_str(),
            json(&keywords),
            i32::try_from(change.priority).unwrap_or(0),
            i32::try_from(change.service_level_percent).unwrap_or(80),
            i32::try_from(change.service_level_seconds).unwrap_or(60),
            i32::try_from(change.target_response_seconds).unwrap_or(120),
            json(&change.distribution),
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(TeamError::NotFound { what: "queue" });
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves a queue under `parent`; `order` is the parent's children in their new order (core
    /// checked the move on the desktop). A leaf that gains a child hands its members to it.
    pub async fn queue_move(&self, id: i64, parent: i64, order: &[i64]) -> Result<(), TeamError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!("UPDATE queues SET parent_id = $2 WHERE id = $1", id, parent).execute(&mut *tx).await?;
        sqlx::query!(
            "UPDATE queues SET position = o.n - 1 FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n) WHERE queues.id = o.id",
            order
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO queue_members (queue_id, member) SELECT $1, member FROM queue_members WHERE queue_id = $2
             ON CONFLICT DO NOTHING",
            id,
            parent
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM queue_members WHERE queue_id = $1", parent).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a queue and those under it (`gone`); their waiting customers go to `parent`.
    pub async fn queue_delete(&self, id: i64, parent: i64, gone: &[i64]) -> Result<(), TeamError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "UPDATE interactions SET queue_id = $1, due_at = 0 WHERE state <> 'ended' AND queue_id = ANY($2)",
            parent,
            gone
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM queues WHERE id = $1", id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Who works a (leaf) queue: exactly `members`, of those who are members of the team.
    pub async fn queue_members_set(&self, id: i64, members: &[String]) -> Result<(), TeamError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!("DELETE FROM queue_members WHERE queue_id = $1", id).execute(&mut *tx).await?;
        sqlx::query!(
            "INSERT INTO queue_members (queue_id, member)
             SELECT $1, m FROM unnest($2::text[]) AS m WHERE m IN (SELECT name FROM members)",
            id,
            members
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Copies a channel's experience and queue tree (`source`, parents first, as the desktop's
    /// replica has them) over `to_channel`'s, keeping its root, in one transaction.
    pub async fn experience_copy(
        &self,
        to_channel: i64,
        experience: &impl serde::Serialize,
        source: &[QueueRecord],
    ) -> Result<(), TeamError> {
        let from_root =
            source.iter().find(|q| q.parent_id.is_none()).ok_or(TeamError::NotFound { what: "queue" })?;
        let mut tx = self.pool.begin().await?;
        let to_root = sqlx::query_scalar!(
            "SELECT id FROM queues WHERE channel_id = $1 AND parent_id IS NULL FOR UPDATE",
            to_channel
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(TeamError::NotFound { what: "queue" })?;
        sqlx::query!(
            "UPDATE experiences SET settings = $2 WHERE channel_id = $1",
            to_channel,
            json(experience)
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM queues WHERE parent_id = $1", to_root).execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM queue_members WHERE queue_id = $1", to_root).execute(&mut *tx).await?;
        let mut ids: HashMap<i64, i64> = HashMap::from([(from_root.id, to_root)]);
        for q in source.iter().filter(|q| q.parent_id.is_some()) {
            let Some(&parent) = q.parent_id.and_then(|p| ids.get(&p)) else { continue };
            let id = sqlx::query_scalar!(
                "INSERT INTO queues (channel_id, parent_id, position, name, keywords, priority, service_level_percent,
                                     service_level_seconds, target_response_seconds, distribution)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                to_channel,
                parent,
                i32::try_from(q.position).unwrap_or(0),
                q.name,
                json(&q.keywords),
                i32::try_from(q.priority).unwrap_or(0),
                i32::try_from(q.service_level_percent).unwrap_or(80),
                i32::try_from(q.service_level_seconds).unwrap_or(60),
                i32::try_from(q.target_response_seconds).unwrap_or(120),
                json(&q.distribution),
            )
            .fetch_one(&mut *tx)
            .await?;
            ids.insert(q.id, id);
        }
        for q in source {
            if let Some(&id) = ids.get(&q.id) {
                sqlx::query!(
                    "INSERT INTO queue_members (queue_id, member)
                     SELECT $1, m FROM unnest($2::text[]) AS m WHERE m IN (SELECT name FROM members)
                     ON CONFLICT DO NOTHING",
                    id,
                    &q.members,
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Team {
    /// Each queue's alert limits: a supervisor's one routing setting, written through the
    /// database's function for it (the table itself is an admin's).
    pub async fn alert_thresholds_set(&self, limits: &impl serde::Serialize) -> Result<(), TeamError> {
        sqlx::query!("SELECT team_alert_thresholds_set($1)", json(limits)).execute(&self.pool).await?;
        Ok(())
    }
}
