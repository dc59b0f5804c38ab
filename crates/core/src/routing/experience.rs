//! An experience: what a channel does with the messages that arrive on it — its texts, its
//! schedule, its timers and its menu words. Admins edit it in Settings → Routing.

use super::queue::MenuWords;
use super::schedule::Schedule;
use serde::{Deserialize, Serialize};

/// The most an automated text may have: the CCaaS seed's limit, under every platform's own.
pub const TEXT_LIMIT: usize = 918;
/// Timers are whole minutes from 1 to 10,080 (7 days).
pub const TIMER_RANGE: std::ops::RangeInclusive<u32> = 1..=10_080;
/// Every interaction ends after 7 days at most.
pub const LONGEST_INTERACTION_MINUTES: u32 = 10_080;

/// The texts an experience sends by itself. An empty text is not sent, and all start empty: a
/// new channel's customers hear only from people until an admin writes them (the settings
/// screen offers [`EXAMPLES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Texts {
    /// Sent when an interaction starts (with the menu after it when the root has children).
    pub greeting: String,
    pub after_hours: String,
    /// Sent when the queue has no agent signed in and available.
    pub unavailable: String,
    pub dismissal_warning: String,
    pub ended: String,
}

/// Example texts, shown as placeholders in Settings → Routing.
pub const EXAMPLES: [(TextKind, &str); 5] = [
    (TextKind::Greeting, "Hi {first_name}, thanks for your message. An agent will be with you shortly."),
    (TextKind::AfterHours, "Hi {first_name}, we are closed right now. We will answer as soon as we open."),
    (
        TextKind::Unavailable,
        "All our agents are busy right now; you are in the queue and we will answer soon.",
    ),
    (
        TextKind::DismissalWarning,
        "Are you still there? This chat will close soon if we do not hear from you.",
    ),
    (TextKind::Ended, "Thanks for writing to {channel_name}. This chat is now closed."),
];

/// Which text, for messages and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextKind {
    Greeting,
    Menu,
    AfterHours,
    Unavailable,
    DismissalWarning,
    Ended,
}

impl TextKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Greeting => "greeting",
            TextKind::Menu => "menu",
            TextKind::AfterHours => "after_hours",
            TextKind::Unavailable => "unavailable",
            TextKind::DismissalWarning => "dismissal_warning",
            TextKind::Ended => "ended",
        }
    }
}

impl Texts {
    pub fn get(&self, kind: TextKind) -> &str {
        match kind {
            TextKind::Greeting => &self.greeting,
            TextKind::AfterHours => &self.after_hours,
            TextKind::Unavailable => &self.unavailable,
            TextKind::DismissalWarning => &self.dismissal_warning,
            TextKind::Ended => &self.ended,
            TextKind::Menu => "",
        }
    }
}

/// Whether a customer who went quiet is dismissed by the timer or left for the agent to dismiss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Dismissal {
    #[default]
    Automatic,
    Manual,
}

/// What happens to an interaction that arrives after hours (the after-hours text goes first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AfterHours {
    #[default]
    Wait,
    End,
}

/// The timers, in minutes; `None` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timers {
    /// Unanswered in queue while open → `expired_in_queue`.
    pub queue_expiry: Option<u32>,
    /// Unanswered in queue when it arrived after hours.
    pub queue_expiry_after_hours: Option<u32>,
    /// A customer choosing from the menu who stops answering.
    pub selecting_expiry: u32,
    /// The customer quiet since the agent's reply → the dismissal warning.
    pub inactivity_warning: Option<u32>,
    /// After the warning, still quiet → dismissed (or a cue for the agent).
    pub dismiss_after_warning: u32,
    pub dismissal: Dismissal,
    /// No message either way → `inactive_timeout`.
    pub chat_timeout: Option<u32>,
    /// An assigned interaction the agent has not answered goes back to its queue.
    pub reassign_unanswered: Option<u32>,
}

impl Default for Timers {
    fn default() -> Self {
        Self {
            queue_expiry: Some(24 * 60),
            queue_expiry_after_hours: Some(3 * 24 * 60),
            selecting_expiry: 30,
            inactivity_warning: None,
            dismiss_after_warning: 10,
            dismissal: Dismissal::Automatic,
            chat_timeout: Some(24 * 60),
            reassign_unanswered: None,
        }
    }
}

/// The whole experience of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experience {
    pub enabled: bool,
    pub texts: Texts,
    pub schedule: Schedule,
    pub after_hours: AfterHours,
    pub timers: Timers,
    pub words: MenuWords,
    /// Where an unrecognised second menu answer goes (a leaf); the first leaf when unset.
    pub default_queue: Option<i64>,
}

impl Experience {
    /// What a new channel gets: enabled, office hours in the OS zone, the default texts.
    pub fn new(zone: &str) -> Self {
        Self {
            enabled: true,
            texts: Texts::default(),
            schedule: Schedule::office_hours(zone),
            after_hours: AfterHours::default(),
            timers: Timers::default(),
            words: MenuWords::default(),
            default_queue: None,
        }
    }

    /// Refuses what cannot be saved, naming the field.
    pub fn check(&self) -> Result<(), ExperienceError> {
        for kind in [
            TextKind::Greeting,
            TextKind::AfterHours,
            TextKind::Unavailable,
            TextKind::DismissalWarning,
            TextKind::Ended,
        ] {
            let length = self.texts.get(kind).chars().count();
            if length > TEXT_LIMIT {
                return Err(ExperienceError::TextTooLong { text: kind, limit: TEXT_LIMIT, length });
            }
            crate::canned::check_variables(self.texts.get(kind))
                .map_err(|e| ExperienceError::Variables { text: kind, reason: e.to_string() })?;
        }
        let t = &self.timers;
        let timers = [
            ("queue_expiry", t.queue_expiry),
            ("queue_expiry_after_hours", t.queue_expiry_after_hours),
            ("selecting_expiry", Some(t.selecting_expiry)),
            ("inactivity_warning", t.inactivity_warning),
            ("dismiss_after_warning", Some(t.dismiss_after_warning)),
            ("chat_timeout", t.chat_timeout),
            ("reassign_unanswered", t.reassign_unanswered),
        ];
        for (timer, minutes) in timers {
            if let Some(minutes) = minutes.filter(|m| !TIMER_RANGE.contains(m)) {
                return Err(ExperienceError::TimerOutOfRange { timer, minutes });
            }
        }
        self.words.check().map_err(ExperienceError::Words)?;
        self.schedule.check().map_err(ExperienceError::Schedule)?;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExperienceError {
    #[error("The {} text has {length} characters; at most {limit} can be sent.", text.as_str().replace('_', "-"))]
    TextTooLong { text: TextKind, limit: usize, length: usize },
    #[error("The {} text: {reason}", text.as_str().replace('_', "-"))]
    Variables { text: TextKind, reason: String },
    #[error("The timer {timer} is {minutes} minutes; timers run from 1 to 10,080 minutes (7 days).")]
    TimerOutOfRange { timer: &'static str, minutes: u32 },
    #[error("{0}")]
    Words(super::queue::QueueError),
    #[error("{0}")]
    Schedule(super::schedule::ScheduleError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_limits_are_named() {
        let mut e = Experience::new("UTC");
        assert_eq!(e.check(), Ok(()));
        e.texts.after_hours = "x".repeat(919);
        assert!(EXAMPLES.iter().all(|(_, text)| crate::canned::check_variables(text).is_ok()));
        assert_eq!(
            e.check().unwrap_err().to_string(),
            "The after-hours text has 919 characters; at most 918 can be sent."
        );
        e.texts.after_hours = "x".repeat(918);
        e.timers.selecting_expiry = 0;
        assert!(matches!(e.check(), Err(ExperienceError::TimerOutOfRange { timer: "selecting_expiry", .. })));
        e.timers.selecting_expiry = 10_080;
        e.timers.chat_timeout = Some(10_081);
        assert!(e.check().is_err());
    }

    #[test]
    fn texts_may_only_use_known_variables() {
        let mut e = Experience::new("UTC");
        e.texts.greeting = "Hello {nickname}".into();
        assert!(matches!(e.check(), Err(ExperienceError::Variables { text: TextKind::Greeting, .. })));
    }

    #[test]
    fn settings_survive_a_json_round_trip() {
        let e = Experience::new("Europe/Madrid");
        let back: Experience = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
}
