//! What an agent changes on a session in a team: storing it away (which ends its open
//! interaction, as in the solo cache) or reopening it, and the contact's names and the internal
//! reference. One transaction each; every replica hears them through the change log.

use crate::interactions::{lock_open, record_event, write};
use crate::{Team, TeamError};
use jiff::Timestamp;
use switchboard_core::EndReason;

impl Team {
    /// Sets a session's state (`active` or `stored`); storing ends its open interaction as the
    /// agent's, with "stored" on the timeline.
    pub async fn session_set_state(
        &self,
        session_id: i64,
        state: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<(), TeamError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query!("UPDATE sessions SET state = $2 WHERE id = $1", session_id, state)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(TeamError::NotFound { what: "session" });
        }
        if state == "stored"
            && let Some((id, open)) = lock_open(&mut tx, session_id).await?
        {
            let agent = open.agent.clone();
            let ended = open.end(EndReason::AgentEnded, now)?;
            write(&mut tx, id, &ended, None, None).await?;
            record_event(&mut tx, id, now, "ended", agent.as_deref().unwrap_or(actor), Some("stored"))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Names a session's contact by hand (blank parts are cleared) and sets its internal reference.
    pub async fn session_set_contact(
        &self,
        session_id: i64,
        first_name: Option<&str>,
        last_name: Option<&str>,
        internal_reference: Option<&str>,
    ) -> Result<(), TeamError> {
        let clean = |part: Option<&str>| part.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        let (first, last, reference) = (clean(first_name), clean(last_name), clean(internal_reference));
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query!(
            "UPDATE contacts SET first_name = $2, last_name = $3
             WHERE id = (SELECT contact_id FROM sessions WHERE id = $1)",
            session_id,
            first,
            last,
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(TeamError::NotFound { what: "session" });
        }
        sqlx::query!("UPDATE sessions SET internal_reference = $2 WHERE id = $1", session_id, reference)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Team {
    /// Deletes a conversation for the whole team (an admin's): the session with its messages,
    /// files and interactions; the audit says who did it.
    pub async fn session_delete(&self, session_id: i64) -> Result<(), TeamError> {
        sqlx::query!("SELECT team_session_delete($1)", session_id).execute(&self.pool).await?;
        Ok(())
    }
}
