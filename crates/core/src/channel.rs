//! Channels: one connected endpoint of a platform.

use serde::{Deserialize, Serialize};

/// The messaging platforms Switchboard speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Messenger,
    Sms,
    Whatsapp,
}

impl Platform {
    /// The stable name used in storage and over IPC.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Messenger => "messenger",
            Platform::Sms => "sms",
            Platform::Whatsapp => "whatsapp",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Platform::Messenger, Platform::Sms, Platform::Whatsapp]
            .into_iter()
            .find(|platform| platform.as_str() == name)
    }

    /// The name an agent reads in the UI and in notifications.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Messenger => "Messenger",
            Platform::Sms => "SMS",
            Platform::Whatsapp => "WhatsApp",
        }
    }
}

/// Whether a channel can send and receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelState {
    Connected,
    /// The platform no longer accepts the channel's token: an admin must reauthorize.
    Expired,
    /// History kept; nothing is sent or received.
    Disconnected,
}

impl ChannelState {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelState::Connected => "connected",
            ChannelState::Expired => "expired",
            ChannelState::Disconnected => "disconnected",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [ChannelState::Connected, ChannelState::Expired, ChannelState::Disconnected]
            .into_iter()
            .find(|state| state.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names_round_trip_through_storage_form() {
        for platform in [Platform::Messenger, Platform::Sms, Platform::Whatsapp] {
            assert_eq!(Platform::parse(platform.as_str()), Some(platform));
        }
        assert_eq!(Platform::parse("fax"), None, "unknown platforms are refused");
    }

    #[test]
    fn channel_states_round_trip_through_storage_form() {
        for state in [ChannelState::Connected, ChannelState::Expired, ChannelState::Disconnected] {
            assert_eq!(ChannelState::parse(state.as_str()), Some(state));
        }
    }
}
