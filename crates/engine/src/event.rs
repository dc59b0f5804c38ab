//! The one typed event enum from the engine to the windows.

pub use crate::poller::BackfillProgress;
use serde::Serialize;
use switchboard_store::{ChannelRecord, MessageRecord, PurgeReport, SessionSummary};

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A session's list entry changed (new message, reply, state).
    SessionChanged { session: Box<SessionSummary> },
    /// A session was deleted: windows drop it.
    SessionDeleted { session_id: i64 },
    /// A message was added or its delivery state changed.
    MessageChanged { message: MessageRecord },
    /// Team mode: a reply written here was replaced by the team's copy (announced next as a
    /// message of its own): windows drop the local one.
    MessageRemoved { message_id: i64, session_id: i64 },
    /// A channel was connected, expired or disconnected.
    ChannelChanged { channel: ChannelRecord },
    /// The retention purge removed old messages (and perhaps sessions): windows reload.
    Purged { report: PurgeReport },
    /// A channel's first read of its history moved on (or ended).
    BackfillProgress { progress: BackfillProgress },
    /// A channel still works but needs an admin soon (e.g. Facebook data access ending).
    ChannelWarning { channel_id: i64, warning: String },
    /// The agent clicked a notification: bring the main window forward on this session.
    OpenSession { session_id: i64 },
    /// How many sessions await a reply (the tray icon shows it).
    AwaitingChanged { count: u32 },
    /// A channel's last sync or token times changed (at most every 30 s for syncs).
    ChannelHealth { health: crate::status::ChannelHealth },
    /// An agent's presence or load changed.
    MembersChanged { members: Vec<switchboard_store::MemberRecord> },
    /// Team mode: whether this desktop reaches the team, and how many replies wait to be pushed.
    TeamStatus { status: crate::TeamStatus },
    /// Team mode: how far moving this desktop's inbox into the team, or building the replica, has come.
    TeamProgress { progress: crate::TeamProgress },
    /// Team mode: the roles this desktop's member holds changed (or became known).
    TeamRoles { roles: Vec<String> },
    /// Team mode: the team refused this desktop's sign-in (the member was removed, or their
    /// password changed); its team tasks stopped.
    TeamSignedOut { signed_out: crate::SignedOut },
    /// What the supervisor's monitor shows changed (coalesced): it reads the wallboard again.
    MonitorChanged,
    /// A clicked alert: open the monitor at this queue or agent.
    OpenMonitor { focus: String },
}

impl Event {
    /// The event's name on the Tauri event bus; the UI subscribes by it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::SessionChanged { .. } => "session_changed",
            Event::SessionDeleted { .. } => "session_deleted",
            Event::MessageChanged { .. } => "message_changed",
            Event::MessageRemoved { .. } => "message_removed",
            Event::Purged { .. } => "purged",
            Event::ChannelChanged { .. } => "channel_changed",
            Event::BackfillProgress { .. } => "backfill_progress",
            Event::ChannelWarning { .. } => "channel_warning",
            Event::OpenSession { .. } => "open_session",
            Event::AwaitingChanged { .. } => "awaiting_changed",
            Event::ChannelHealth { .. } => "channel_health",
            Event::MembersChanged { .. } => "members_changed",
            Event::TeamStatus { .. } => "team_status",
            Event::TeamProgress { .. } => "team_progress",
            Event::TeamRoles { .. } => "team_roles",
            Event::TeamSignedOut { .. } => "team_signed_out",
            Event::MonitorChanged => "monitor_changed",
            Event::OpenMonitor { .. } => "open_monitor",
        }
    }
}
