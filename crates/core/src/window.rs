//! The messaging window: what may be sent now on a session, and until when.
//!
//! A pure function of the platform, the contact's last inbound message, whether the contact
//! opted out (SMS), who is writing, and `now`. The UI shows it as a countdown; the engine
//! checks it before anything is sent.

use crate::Platform;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// Messenger and WhatsApp: free messages within 24 h of the person's last message.
pub const STANDARD_WINDOW: SignedDuration = SignedDuration::from_hours(24);
/// Messenger: a person may still answer with the HUMAN_AGENT tag for 7 days.
pub const HUMAN_AGENT_WINDOW: SignedDuration = SignedDuration::from_hours(7 * 24);
/// The Messenger tag that lets an agent answer between 24 h and 7 days.
pub const HUMAN_AGENT_TAG: &str = "HUMAN_AGENT";

/// Who is writing: HUMAN_AGENT may only carry text a person typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Agent,
    Automated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    /// Anything may be sent.
    Open,
    /// Messenger after 24 h: only what an agent types, tagged HUMAN_AGENT.
    HumanAgentOnly,
    /// WhatsApp after 24 h: only approved templates.
    TemplateOnly,
    /// Nothing may be sent.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MessagingWindow {
    pub state: WindowState,
    /// When `state` changes next, for countdowns; `None` when it will not change by itself.
    pub until: Option<Timestamp>,
}

impl MessagingWindow {
    fn new(state: WindowState, until: Option<Timestamp>) -> Self {
        Self { state, until }
    }

    /// The Messenger tag a free-text message must carry now, if any.
    pub fn tag(&self) -> Option<&'static str> {
        (self.state == WindowState::HumanAgentOnly).then_some(HUMAN_AGENT_TAG)
    }

    /// Whether free text (not a template) may be sent now.
    pub fn allows_text(&self) -> bool {
        matches!(self.state, WindowState::Open | WindowState::HumanAgentOnly)
    }

    /// May free text be sent now? `Ok` carries the tag it must bear.
    pub fn check_text(&self, platform: Platform) -> Result<Option<&'static str>, WindowError> {
        match (self.state, platform) {
            (WindowState::Open | WindowState::HumanAgentOnly, _) => Ok(self.tag()),
            (WindowState::TemplateOnly, _) => Err(WindowError::TemplateOnly),
            (WindowState::Closed, Platform::Sms) => Err(WindowError::OptedOut),
            (WindowState::Closed, _) => Err(WindowError::Closed),
        }
    }
}

/// The Messenger update tags Meta still documents: non-promotional messages a page may send
/// after the 24-hour window, each only for what it names (PLATFORMS.md). An agent chooses one
/// explicitly; nothing automated ever uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpdateTag {
    AccountUpdate,
    ConfirmedEventUpdate,
    PostPurchaseUpdate,
}

impl UpdateTag {
    pub const ALL: [UpdateTag; 3] =
        [UpdateTag::AccountUpdate, UpdateTag::ConfirmedEventUpdate, UpdateTag::PostPurchaseUpdate];

    pub fn parse(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == tag)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UpdateTag::AccountUpdate => "ACCOUNT_UPDATE",
            UpdateTag::ConfirmedEventUpdate => "CONFIRMED_EVENT_UPDATE",
            UpdateTag::PostPurchaseUpdate => "POST_PURCHASE_UPDATE",
        }
    }
}

/// The tag an agent's free text carries now, or why it may not go: the window's own rule, or
/// — when the agent chose an update tag — Messenger's rule for those (any time after the
/// customer wrote first; Messenger only).
pub fn agent_text_tag(
    window: &MessagingWindow,
    platform: Platform,
    last_inbound: Option<Timestamp>,
    chosen: Option<UpdateTag>,
) -> Result<Option<&'static str>, WindowError> {
    match chosen {
        None => window.check_text(platform),
        Some(_) if platform != Platform::Messenger => Err(WindowError::TagsAreMessengers),
        Some(_) if last_inbound.is_none() => Err(WindowError::Closed),
        Some(tag) => Ok(Some(tag.as_str())),
    }
}

/// Why a reply cannot be sent now, worded for the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowError {
    #[error(
        "The messaging window is closed: Messenger allows replies up to 7 days after the customer's last message."
    )]
    Closed,
    #[error(
        "It has been over 24 hours since the customer's last message: WhatsApp allows only a template now."
    )]
    TemplateOnly,
    #[error("The customer replied STOP: no SMS can be sent until they send START.")]
    OptedOut,
    #[error("Message tags are Messenger's: SMS and WhatsApp have none.")]
    TagsAreMessengers,
}

/// The window of a session now.
pub fn messaging_window(
    platform: Platform,
    last_inbound: Option<Timestamp>,
    opted_out: bool,
    writer: Writer,
    now: Timestamp,
) -> MessagingWindow {
    use WindowState::*;
    match platform {
        Platform::Sms if opted_out => MessagingWindow::new(Closed, None),
        Platform::Sms => MessagingWindow::new(Open, None),
        Platform::Whatsapp => match last_inbound {
            Some(last) if now < last + STANDARD_WINDOW => {
                MessagingWindow::new(Open, Some(last + STANDARD_WINDOW))
            }
            _ => MessagingWindow::new(TemplateOnly, None),
        },
        Platform::Messenger => match last_inbound {
            // A page cannot start a Messenger conversation.
            None => MessagingWindow::new(Closed, None),
            Some(last) if now < last + STANDARD_WINDOW => {
                MessagingWindow::new(Open, Some(last + STANDARD_WINDOW))
            }
            Some(last) if writer == Writer::Agent && now < last + HUMAN_AGENT_WINDOW => {
                MessagingWindow::new(HumanAgentOnly, Some(last + HUMAN_AGENT_WINDOW))
            }
            Some(_) => MessagingWindow::new(Closed, None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(hours: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + hours * 3600).unwrap()
    }

    #[test]
    fn messenger_moves_from_open_to_human_agent_to_closed() {
        let last = Some(t(0));
        let at = |h| messaging_window(Platform::Messenger, last, false, Writer::Agent, t(h));
        assert_eq!(at(23), MessagingWindow::new(WindowState::Open, Some(t(24))));
        assert_eq!(at(24), MessagingWindow::new(WindowState::HumanAgentOnly, Some(t(168))));
        assert_eq!(at(24).tag(), Some("HUMAN_AGENT"));
        assert_eq!(at(168), MessagingWindow::new(WindowState::Closed, None));
    }

    #[test]
    fn refusals_say_why_for_each_platform() {
        let closed = messaging_window(Platform::Messenger, Some(t(0)), false, Writer::Agent, t(200));
        assert_eq!(closed.check_text(Platform::Messenger), Err(WindowError::Closed));
        let human = messaging_window(Platform::Messenger, Some(t(0)), false, Writer::Agent, t(30));
        assert_eq!(human.check_text(Platform::Messenger), Ok(Some("HUMAN_AGENT")));
        let stopped = messaging_window(Platform::Sms, Some(t(0)), true, Writer::Agent, t(1));
        assert_eq!(stopped.check_text(Platform::Sms), Err(WindowError::OptedOut));
    }

    #[test]
    fn an_update_tag_chosen_by_the_agent_goes_after_any_window_on_messenger_only() {
        let late = messaging_window(Platform::Messenger, Some(t(0)), false, Writer::Agent, t(24 * 30));
        assert_eq!(late.check_text(Platform::Messenger), Err(WindowError::Closed));
        assert!(UpdateTag::ALL.iter().all(|t| UpdateTag::parse(t.as_str()) == Some(*t)));
        assert_eq!(UpdateTag::parse("HUMAN_AGENT"), None, "HUMAN_AGENT is no update tag");
        let tag = Some(UpdateTag::PostPurchaseUpdate);
        assert_eq!(
            agent_text_tag(&late, Platform::Messenger, Some(t(0)), tag),
            Ok(Some("POST_PURCHASE_UPDATE"))
        );
        assert_eq!(
            agent_text_tag(&late, Platform::Messenger, None, tag),
            Err(WindowError::Closed),
            "never first"
        );
        let sms = messaging_window(Platform::Sms, Some(t(0)), false, Writer::Agent, t(1));
        assert_eq!(agent_text_tag(&sms, Platform::Sms, Some(t(0)), tag), Err(WindowError::TagsAreMessengers));
        let human = messaging_window(Platform::Messenger, Some(t(0)), false, Writer::Agent, t(30));
        assert_eq!(agent_text_tag(&human, Platform::Messenger, Some(t(0)), None), Ok(Some("HUMAN_AGENT")));
    }

    #[test]
    fn automated_messages_never_use_human_agent() {
        let window = messaging_window(Platform::Messenger, Some(t(0)), false, Writer::Automated, t(30));
        assert_eq!(window.state, WindowState::Closed);
    }

    #[test]
    fn whatsapp_needs_a_template_after_24_hours_or_before_the_contact_wrote() {
        let open = messaging_window(Platform::Whatsapp, Some(t(0)), false, Writer::Agent, t(1));
        assert_eq!((open.state, open.until), (WindowState::Open, Some(t(24))));
        let late = messaging_window(Platform::Whatsapp, Some(t(0)), false, Writer::Agent, t(25));
        assert_eq!(late.state, WindowState::TemplateOnly);
        assert!(!late.allows_text());
        let never = messaging_window(Platform::Whatsapp, None, false, Writer::Agent, t(0));
        assert_eq!(never.state, WindowState::TemplateOnly);
    }

    #[test]
    fn sms_is_open_unless_the_contact_opted_out() {
        let open = messaging_window(Platform::Sms, None, false, Writer::Automated, t(9_000));
        assert_eq!(open, MessagingWindow::new(WindowState::Open, None));
        let stopped = messaging_window(Platform::Sms, Some(t(0)), true, Writer::Agent, t(1));
        assert_eq!(stopped.state, WindowState::Closed);
    }

    fn platform() -> impl Strategy<Value = Platform> {
        prop_oneof![Just(Platform::Messenger), Just(Platform::Whatsapp), Just(Platform::Sms)]
    }

    fn rank(state: WindowState) -> u8 {
        match state {
            WindowState::Open => 0,
            WindowState::HumanAgentOnly | WindowState::TemplateOnly => 1,
            WindowState::Closed => 2,
        }
    }

    proptest! {
        #[test]
        fn until_is_in_the_future_and_the_state_changes_there(
            platform in platform(), last in 0i64..1_000_000, offset in -100_000i64..2_000_000, agent: bool, opted_out: bool,
        ) {
            let writer = if agent { Writer::Agent } else { Writer::Automated };
            let last = Timestamp::from_second(1_700_000_000 + last).unwrap();
            let now = last + SignedDuration::from_secs(offset);
            let window = messaging_window(platform, Some(last), opted_out, writer, now);
            if let Some(until) = window.until {
                prop_assert!(until > now, "a countdown never ends in the past");
                let after = messaging_window(platform, Some(last), opted_out, writer, until);
                prop_assert_ne!(after.state, window.state, "the state changes when the countdown ends");
            }
        }

        #[test]
        fn windows_only_narrow_as_time_passes(
            platform in platform(), last in 0i64..1_000_000, a in 0i64..2_000_000, b in 0i64..2_000_000, agent: bool,
        ) {
            let writer = if agent { Writer::Agent } else { Writer::Automated };
            let last = Timestamp::from_second(1_700_000_000 + last).unwrap();
            let (early, late) = (a.min(b), a.max(b));
            let at = |s| messaging_window(platform, Some(last), false, writer, last + SignedDuration::from_secs(s));
            prop_assert!(rank(at(early).state) <= rank(at(late).state));
        }

        #[test]
        fn automated_writers_are_never_offered_human_agent(
            platform in platform(), last in proptest::option::of(0i64..1_000_000), offset in 0i64..2_000_000,
        ) {
            let last = last.map(|s| Timestamp::from_second(1_700_000_000 + s).unwrap());
            let now = Timestamp::from_second(1_700_000_000 + offset).unwrap();
            let window = messaging_window(platform, last, false, Writer::Automated, now);
            prop_assert_ne!(window.state, WindowState::HumanAgentOnly);
        }
    }
}
