//! Files on the desk: checking what an agent attaches before anything is read or sent, writing
//! it to the outbox with its content, and handing a stored file to the window that shows it.

use crate::outbox::TWILIO_FILES;
use crate::{Engine, EngineError, Event};
use switchboard_core::{Attachment, Platform};
use switchboard_store::{AttachmentContent, MessageRecord, StoreError};

impl Engine {
    /// Whether a file of this name and size may be sent in the session now: its type and size
    /// (25 MB), the platform (Twilio cannot take a file from a desktop) and the messaging
    /// window. The desk asks before reading the file; the tag the window needs is answered.
    pub async fn attachment_check(
        &self,
        session_id: i64,
        file_name: &str,
        size_bytes: u64,
    ) -> Result<(Attachment, Option<&'static str>), EngineError> {
        let attachment = Attachment::parse(file_name, size_bytes)?;
        let session = self.store.session_summary(session_id).await?;
        if matches!(session.platform, Platform::Sms | Platform::Whatsapp) {
            return Err(EngineError::Refused(TWILIO_FILES.into()));
        }
        let tag = self.agent_tag(&session, self.clock.now(), None)?;
        Ok((attachment, tag))
    }

    /// Writes a file as a pending reply (content in the encrypted cache) and wakes the outbox
    /// (in a team: the push, which takes the file to the team with its reply).
    pub async fn session_send_attachment(
        &self,
        session_id: i64,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<MessageRecord, EngineError> {
        let (attachment, tag) = self.attachment_check(session_id, file_name, bytes.len() as u64).await?;
        let now = self.clock.now();
        let agent = Some(self.config.agent.as_str());
        let client_id = self.team_client_id();
        let message = self
            .store
            .enqueue_attachment(session_id, &attachment, &bytes, tag, agent, now, client_id.as_deref())
            .await?;
        self.push_wake.notify_one();
        self.publish(Event::MessageChanged { message: message.clone() });
        self.publish_session(session_id).await;
        self.publish_awaiting().await;
        self.outbox_wake.notify_one();
        Ok(message)
    }

    /// A stored file's content, to show or save. In a team, a file shown here for the first time
    /// is read from the team's database and kept in the replica.
    pub async fn attachment_content(&self, attachment_id: i64) -> Result<AttachmentContent, EngineError> {
        match self.store.attachment_content(attachment_id).await {
            Err(StoreError::NotFound { .. }) if self.team().is_some() => {
                let Some(team) = self.team() else { unreachable!("checked above") };
                let content = team.attachment_content(attachment_id).await?;
                self.store.attachment_keep(attachment_id, &content.bytes).await?;
                Ok(content)
            }
            found => Ok(found?),
        }
    }
}
