//! The team's channels and what each needs before its first message: an experience and a root
//! queue (as a solo cache makes them when a channel connects), and members in its queues.

use crate::{Team, TeamError};
use switchboard_core::Platform;
use switchboard_core::routing::Experience;

impl Team {
    /// Adds a channel to the team, or finds it (a second poller connecting the same page);
    /// a disconnected or expired one becomes connected again. Answers its id.
    pub async fn channel_ensure(
        &self,
        platform: Platform,
        external_id: &str,
        name: &str,
    ) -> Result<i64, TeamError> {
        Ok(sqlx::query_scalar!(
            "INSERT INTO channels (platform, external_id, name) VALUES ($1, $2, $3)
             ON CONFLICT (platform, external_id) DO UPDATE SET name = excluded.name, state = 'connected'
             RETURNING id",
            platform.as_str(),
            external_id,
            name,
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Gives a channel without one its experience (`default`) and a root queue called
    /// `root_name` with every member in it, in one transaction; a channel that has them keeps
    /// its own.
    pub async fn routing_ensure(
        &self,
        channel_id: i64,
        root_name: &str,
        default: &Experience,
    ) -> Result<(), TeamError> {
        let settings =
            serde_json::to_value(default).map_err(|e| TeamError::Corrupt { what: e.to_string() })?;
        let mut tx = self.pool.begin().await?;
        root_membership_lock(&mut tx).await?;
        let made = sqlx::query!(
            "INSERT INTO experiences (channel_id, settings) VALUES ($1, $2) ON CONFLICT (channel_id) DO NOTHING",
            channel_id,
            settings,
        )
        .execute(&mut *tx)
        .await?;
        if made.rows_affected() > 0 {
            // Every member is in a new channel's root queue, as a solo cache's one user is.
            sqlx::query!(
                "WITH root AS (INSERT INTO queues (channel_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id)
                 INSERT INTO queue_members (queue_id, member) SELECT root.id, m.name FROM root, members m
                 ON CONFLICT DO NOTHING",
                channel_id,
                root_name
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Makes `member` one of the team (Offline until they say otherwise) and, with `every_root`,
    /// a member of each channel's root queue — how a desktop joins before the admin assigns
    /// queues (issue #15 gives admins that screen).
    pub async fn member_join(&self, member: &str, now_ms: i64, every_root: bool) -> Result<(), TeamError> {
        // An invited member is one already (with the queues the admin gave them); an agent's
        // login could not add a member anyway. A member known only by a presence switch that
        // came first (the desktop starts its engine while it joins) is in no queue yet: joined
        // below like a new one.
        let known = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM members m WHERE m.name = $1
                              AND (m.login IS NOT NULL OR EXISTS (SELECT 1 FROM queue_members q WHERE q.member = m.name)))
                   AS "known!""#,
            member
        )
        .fetch_one(&self.pool)
        .await?;
        if known {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        if every_root {
            root_membership_lock(&mut tx).await?;
        }
        sqlx::query!(
            "INSERT INTO members (name, presence, presence_since) VALUES ($1, 'offline', $2)
             ON CONFLICT (name) DO NOTHING",
            member,
            now_ms,
        )
        .execute(&mut *tx)
        .await?;
        if every_root {
            sqlx::query!(
                "INSERT INTO queue_members (queue_id, member)
                 SELECT id, $1 FROM queues WHERE parent_id IS NULL ON CONFLICT DO NOTHING",
                member
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Team {
    /// Keeps a WhatsApp channel's approved templates (as JSON) for desktops without credentials.
    pub async fn templates_set(
        &self,
        channel_id: i64,
        templates: &serde_json::Value,
    ) -> Result<(), TeamError> {
        sqlx::query!(
            "INSERT INTO whatsapp_templates (channel_id, templates) VALUES ($1, $2)
             ON CONFLICT (channel_id) DO UPDATE SET templates = excluded.templates, read_at = now()",
            channel_id,
            templates,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A WhatsApp channel's approved templates as a poller last read them (`None`: never read).
    pub async fn templates(&self, channel_id: i64) -> Result<Option<serde_json::Value>, TeamError> {
        Ok(sqlx::query_scalar!("SELECT templates FROM whatsapp_templates WHERE channel_id = $1", channel_id)
            .fetch_optional(&self.pool)
            .await?)
    }
}

/// Serializes a new channel's root queue (which takes every member) with a new member (who
/// joins every root queue). Without it the two transactions, run at the same moment, each miss
/// the other's row — the member ended in no queue and never got work (the failover test caught
/// it: two of three agents at 0 while customers waited). Each statement after the lock sees
/// what the other committed.
async fn root_membership_lock(tx: &mut sqlx::PgConnection) -> Result<(), TeamError> {
    sqlx::query!("SELECT pg_advisory_xact_lock(7410003)").fetch_one(&mut *tx).await?;
    Ok(())
}
