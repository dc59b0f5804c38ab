//! Where a channel's poller and sender record what they do: this desktop's cache (solo mode),
//! or the team's database under the channel's lease (team mode), every write carrying the
//! lease's fencing token.

use crate::{Engine, EngineError};
use jiff::Timestamp;
use switchboard_store::{AttachmentContent, MessageRecord, PendingDownload};
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

    /// A reply's file, to send.
    pub(crate) async fn attachment_content(
        &self,
        engine: &Engine,
        attachment_id: i64,
    ) -> Result<AttachmentContent, EngineError> {
        Ok(match self {
            Ledger::Cache => engine.store.attachment_content(attachment_id).await?,
            Ledger::Team { team, .. } => team.attachment_content(attachment_id).await?,
        })
    }

    /// Customers' files of the channel still to download.
    pub(crate) async fn pending_downloads(
        &self,
        engine: &Engine,
        channel_id: i64,
        limit: u32,
    ) -> Result<Vec<PendingDownload>, EngineError> {
        Ok(match self {
            Ledger::Cache => engine.store.pending_downloads(channel_id, limit).await?,
            Ledger::Team { team, .. } => team.pending_downloads(channel_id, limit).await?,
        })
    }

    /// A file's content arrived. Answers its message for the windows (in a team they learn it
    /// from the change log instead).
    pub(crate) async fn downloaded(
        &self,
        engine: &Engine,
        attachment_id: i64,
        media_type: Option<&str>,
        bytes: &[u8],
    ) -> Result<Option<MessageRecord>, EngineError> {
        Ok(match self {
            Ledger::Cache => {
                Some(engine.store.attachment_downloaded(attachment_id, media_type, bytes).await?)
            }
            Ledger::Team { team, lease } => {
                team.attachment_downloaded(lease, attachment_id, media_type, bytes).await?;
                None
            }
        })
    }

    /// A download failed: answers whether the file is now given up, and its message for the
    /// windows when this cache says so.
    pub(crate) async fn download_failed(
        &self,
        engine: &Engine,
        attachment_id: i64,
        reason: &str,
        permanent: bool,
    ) -> Result<(bool, Option<MessageRecord>), EngineError> {
        Ok(match self {
            Ledger::Cache => {
                let message = engine.store.attachment_failed(attachment_id, reason, permanent).await?;
                (message.is_some(), message)
            }
            Ledger::Team { team, lease } => {
                (team.attachment_failed(lease, attachment_id, reason, permanent).await?, None)
            }
        })
    }
}
