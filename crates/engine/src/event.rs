//! The one typed event enum from the engine to the windows.

use serde::Serialize;
use switchboard_store::{ChannelRecord, MessageRecord, PurgeReport, SessionSummary};

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A session's list entry changed (new message, reply, state).
    SessionChanged { session: SessionSummary },
    /// A message was added or its delivery state changed.
    MessageChanged { message: MessageRecord },
    /// A channel was connected, expired or disconnected.
    ChannelChanged { channel: ChannelRecord },
    /// The retention purge removed old messages (and perhaps sessions): windows reload.
    Purged { report: PurgeReport },
}

impl Event {
    /// The event's name on the Tauri event bus; the UI subscribes by it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::SessionChanged { .. } => "session_changed",
            Event::MessageChanged { .. } => "message_changed",
            Event::Purged { .. } => "purged",
            Event::ChannelChanged { .. } => "channel_changed",
        }
    }
}
