//! Interactions on PostgreSQL as core sees them: read into core's value, changed by core's
//! transitions, written back whole — one transaction each, the row locked while core decides, so
//! two desktops acting on one interaction take turns and the second sees the first's result.

use crate::{Team, TeamError, millis, timestamp};
use jiff::Timestamp;
use switchboard_core::interaction::TransitionError;
use switchboard_core::{EndReason, Interaction, InteractionState, MenuPosition};

/// An interaction's row, as read.
pub(crate) struct InteractionRow {
    pub id: i64,
    pub state: String,
    pub end_reason: Option<String>,
    pub queue_id: Option<i64>,
    pub agent: Option<String>,
    pub menu_node: Option<i64>,
    pub menu_repeated: bool,
    pub started_at: i64,
    pub queued_at: i64,
    pub assigned_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub after_hours: bool,
    pub warned_at: Option<i64>,
    pub dismiss_cue: bool,
    pub disposition: Option<String>,
}

impl InteractionRow {
    pub(crate) fn into_core(self) -> Result<(i64, Interaction), TeamError> {
        let state = InteractionState::parse(&self.state, self.end_reason.as_deref())
            .ok_or_else(|| TeamError::Corrupt { what: format!("interaction state {:?}", self.state) })?;
        let opt = |v: Option<i64>| v.map(timestamp).transpose();
        Ok((
            self.id,
            Interaction {
                state,
                queue: self.queue_id,
                agent: self.agent,
                menu: self.menu_node.map(|node| MenuPosition { node, repeated: self.menu_repeated }),
                started_at: timestamp(self.started_at)?,
                queued_at: timestamp(self.queued_at)?,
                assigned_at: opt(self.assigned_at)?,
                first_response_at: opt(self.first_response_at)?,
                ended_at: opt(self.ended_at)?,
                after_hours: self.after_hours,
                warned_at: opt(self.warned_at)?,
                dismiss_cue: self.dismiss_cue,
                disposition: self.disposition,
            },
        ))
    }
}

/// The session's open interaction, locked until the transaction ends.
pub(crate) async fn lock_open(
    tx: &mut sqlx::PgConnection,
    session_id: i64,
) -> Result<Option<(i64, Interaction)>, TeamError> {
    sqlx::query_as!(
        InteractionRow,
        "SELECT id, state, end_reason, queue_id, agent, menu_node, menu_repeated, started_at, queued_at, assigned_at,
                first_response_at, ended_at, after_hours, warned_at, dismiss_cue, disposition
         FROM interactions WHERE session_id = $1 AND state <> 'ended' FOR UPDATE",
        session_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(InteractionRow::into_core)
    .transpose()
}

/// Writes core's value over the row; `due_at` 0 asks routing to look again at once; `routed`,
/// when routing decided, is the newest customer message it read.
pub(crate) async fn write(
    tx: &mut sqlx::PgConnection,
    id: i64,
    i: &Interaction,
    due_at: Option<i64>,
    routed: Option<i64>,
) -> Result<(), TeamError> {
    let due = if i.is_open() { due_at } else { None };
    sqlx::query!(
        "UPDATE interactions SET state = $2, end_reason = $3, queue_id = $4, agent = $5, menu_node = $6,
                menu_repeated = $7, queued_at = $8, assigned_at = $9, first_response_at = $10,
                ended_at = $11, after_hours = $12, warned_at = $13, dismiss_cue = $14, disposition = $15,
                due_at = $16, routed_message_id = coalesce($17, routed_message_id)
         WHERE id = $1",
        id,
        i.state.as_str(),
        i.state.end_reason().map(EndReason::as_str),
        i.queue,
        i.agent,
        i.menu.map(|m| m.node),
        i.menu.is_some_and(|m| m.repeated),
        millis(i.queued_at),
        i.assigned_at.map(millis),
        i.first_response_at.map(millis),
        i.ended_at.map(millis),
        i.after_hours,
        i.warned_at.map(millis),
        i.dismiss_cue,
        i.disposition,
        due,
        routed,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub(crate) async fn record_event(
    tx: &mut sqlx::PgConnection,
    id: i64,
    at: Timestamp,
    kind: &str,
    actor: &str,
    detail: Option<&str>,
) -> Result<(), TeamError> {
    sqlx::query!(
        "INSERT INTO interaction_events (interaction_id, at, kind, actor, detail) VALUES ($1, $2, $3, $4, $5)",
        id,
        millis(at),
        kind,
        actor,
        detail,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Team {
    /// Applies one of core's transitions to a session's open interaction, as `actor`, and records
    /// it on the timeline, in one transaction (the same as the solo cache's `interaction_update`).
    pub async fn interaction_update(
        &self,
        session_id: i64,
        actor: &str,
        event: &str,
        change: impl FnOnce(Interaction) -> Result<Interaction, TransitionError>,
        now: Timestamp,
    ) -> Result<Interaction, TeamError> {
        let mut tx = self.pool.begin().await?;
        let (id, interaction) =
            lock_open(&mut tx, session_id).await?.ok_or(TeamError::NotFound { what: "open interaction" })?;
        let changed = change(interaction)?;
        write(&mut tx, id, &changed, Some(0), None).await?;
        record_event(&mut tx, id, now, event, actor, changed.disposition.as_deref()).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Transfers a session's open interaction (core's `transfer`): it ends as `transferred` and a
    /// new one waits in `queue`, or is assigned to `agent`, in one transaction.
    pub async fn interaction_transfer(
        &self,
        session_id: i64,
        actor: &str,
        queue: i64,
        agent: Option<&str>,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<Interaction, TeamError> {
        let mut tx = self.pool.begin().await?;
        let (id, interaction) =
            lock_open(&mut tx, session_id).await?.ok_or(TeamError::NotFound { what: "open interaction" })?;
        let routed = sqlx::query_scalar!("SELECT routed_message_id FROM interactions WHERE id = $1", id)
            .fetch_one(&mut *tx)
            .await?;
        let (ended, next) = interaction.transfer(queue, agent, now)?;
        write(&mut tx, id, &ended, None, None).await?;
        let detail = switchboard_core::interaction::transfer_detail(queue, agent, note);
        record_event(&mut tx, id, now, "transferred", actor, Some(&detail)).await?;
        let new_id = sqlx::query_scalar!(
            "INSERT INTO interactions (session_id, state, started_at, queued_at, routed_message_id, transfer_note)
             VALUES ($1, 'queued', $2, $2, $3, $4) RETURNING id",
            session_id,
            millis(next.started_at),
            Some(routed.unwrap_or(0)),
            note,
        )
        .fetch_one(&mut *tx)
        .await?;
        write(&mut tx, new_id, &next, Some(0), None).await?;
        let kind = if agent.is_some() { "assigned" } else { "queued" };
        record_event(&mut tx, new_id, now, kind, actor, note).await?;
        tx.commit().await?;
        Ok(next)
    }
}
