//! What an agent may send: reply text parsed against each platform's limits.

use crate::Platform;
use serde::Serialize;

/// Reply text that the platform will accept: not blank, and within its length limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReplyError {
    #[error("The reply is empty.")]
    Empty,
    #[error("{platform} accepts at most {limit} characters; this reply has {length}.")]
    TooLong { platform: &'static str, limit: usize, length: usize },
}

impl ReplyText {
    /// The platforms count characters (Unicode scalar values), not bytes.
    pub fn parse(platform: Platform, text: &str) -> Result<Self, ReplyError> {
        if text.trim().is_empty() {
            return Err(ReplyError::Empty);
        }
        let limit = Self::limit(platform);
        let length = text.chars().count();
        if length > limit {
            return Err(ReplyError::TooLong { platform: platform.label(), limit, length });
        }
        Ok(Self(text.to_owned()))
    }

    /// PLATFORMS.md: Messenger 2,000; Twilio's `Body` 1,600; WhatsApp (Cloud API) 4,096.
    pub fn limit(platform: Platform) -> usize {
        match platform {
            Platform::Messenger => 2_000,
            Platform::Sms => 1_600,
            Platform::Whatsapp => 4_096,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many SMS segments this text is billed and sent as.
    pub fn sms_segments(&self) -> crate::sms::Segments {
        crate::sms::segments(&self.0)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_replies_are_refused() {
        assert_eq!(ReplyText::parse(Platform::Messenger, "  \n"), Err(ReplyError::Empty));
    }

    #[test]
    fn messenger_limit_counts_characters_not_bytes() {
        let at_limit = "é".repeat(2_000); // 4,000 bytes, 2,000 characters
        assert!(ReplyText::parse(Platform::Messenger, &at_limit).is_ok());
        let over = "é".repeat(2_001);
        assert_eq!(
            ReplyText::parse(Platform::Messenger, &over),
            Err(ReplyError::TooLong { platform: "Messenger", limit: 2_000, length: 2_001 })
        );
    }

    #[test]
    fn sms_replies_know_their_segments() {
        let reply = ReplyText::parse(Platform::Sms, &"a".repeat(200)).unwrap();
        assert_eq!(reply.sms_segments().count, 2);
    }

    #[test]
    fn too_long_error_tells_the_agent_the_numbers() {
        let error = ReplyText::parse(Platform::Sms, &"a".repeat(1_601)).unwrap_err();
        assert_eq!(error.to_string(), "SMS accepts at most 1600 characters; this reply has 1601.");
    }
}
