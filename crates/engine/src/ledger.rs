//! Where a channel's poller and sender record what they do: this desktop's cache (solo mode),
//! or the team's database under the channel's lease (team mode), every write carrying the
//! lease's fencing token.

use crate::{Engine, EngineError};
use jiff::Timestamp;
use switchboard_team::{Lease, Team};

#[derive(Debug, Clone)]
pub(crate) enum Ledger {
    Cache,
    Team { team: Team, lease: Lease },
}

impl Ledger {
    /// How far the channel has been read.
    pub(crate) async fn cursor(
        &self,
        engine: &Engine,
        channel_id: i64,
    ) -> Result<Option<String>, EngineError> {
        Ok(match self {
            Ledger::Cache => engine.store.sync_cursor(channel_id).await?,
            Ledger::Team { team, .. } => team.sync_cursor(channel_id).await?,
        })
    }

    pub(crate) async fn set_cursor(
        &self,
        engine: &Engine,
        channel_id: i64,
        cursor: &str,
    ) -> Result<(), EngineError> {
        match self {
            Ledger::Cache => engine.store.set_sync_cursor(channel_id, cursor).await?,
            Ledger::Team { team, lease } => team.sync_cursor_set(lease, cursor).await?,
        }
        Ok(())
    }

    /// A send is about to be tried.
    pub(crate) async fn mark_attempt(
        &self,
        engine: &Engine,
        message_id: i64,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        match self {
            Ledger::Cache => engine.store.mark_attempt(message_id, now).await?,
            Ledger::Team { team, lease } => team.outbox_attempt(lease, message_id, now).await?,
        }
        Ok(())
    }
}
