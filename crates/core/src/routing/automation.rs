//! What routing does by itself: when a customer writes (greeting, menu, after-hours text) and
//! when a timer runs out (expiry, dismissal warning, dismissal, time-out). Each decision is the
//! interaction's next value plus the texts to send; the engine sends them through the outbox,
//! the store records both in one transaction.

use super::experience::{Dismissal, Experience, LONGEST_INTERACTION_MINUTES, TextKind};
use super::menu::{self, MenuStep};
use super::queue::QueueTree;
use crate::interaction::{EndReason, Interaction, InteractionState, MenuPosition};
use crate::window::{Writer, messaging_window};
use crate::{Platform, WindowError};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// A text routing sends: one of the experience's, or a menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoText {
    pub kind: TextKind,
    /// The text before its variables are filled in (a menu has none).
    pub text: String,
}

/// The interaction's next value and what to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub interaction: Interaction,
    pub texts: Vec<AutoText>,
}

impl Decision {
    fn new(interaction: Interaction) -> Self {
        Self { interaction, texts: Vec::new() }
    }

    fn say(mut self, experience: &Experience, kind: TextKind) -> Self {
        let text = experience.texts.get(kind);
        if !text.trim().is_empty() {
            self.texts.push(AutoText { kind, text: text.to_owned() });
        }
        self
    }

    fn menu(mut self, tree: &QueueTree, experience: &Experience, node: i64) -> Self {
        self.texts
            .push(AutoText { kind: TextKind::Menu, text: menu::menu_text(tree, node, &experience.words) });
        self
    }
}

/// What routing is given about the place an interaction lives in.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    pub experience: &'a Experience,
    pub tree: &'a QueueTree,
    /// The queues with at least one Available member now: a customer routed elsewhere is told
    /// nobody is available (the "unavailable" text), and waits.
    pub staffed: &'a std::collections::HashSet<i64>,
}

/// A new interaction (just `arrive`d): greet, or say we are closed; then show the menu or queue it.
pub fn start(setting: Setting<'_>, interaction: Interaction, now: Timestamp) -> Decision {
    let Setting { experience, tree, .. } = setting;
    // An agent answered before routing got to it (routing runs after the message is stored):
    // the customer has a person already; nothing to greet, no menu, no queue.
    if interaction.agent.is_some() || interaction.state != InteractionState::Queued {
        return Decision::new(interaction);
    }
    let Some(step) = menu::start(tree).filter(|_| experience.enabled) else {
        // Routing off (or no queues yet): it waits unrouted, as an inbox does.
        return Decision::new(interaction);
    };
    let open = experience.schedule.is_open(now);
    let mut interaction = interaction;
    interaction.after_hours = !open;
    let decision = if open {
        Decision::new(interaction).say(experience, TextKind::Greeting)
    } else {
        let closed = Decision::new(interaction).say(experience, TextKind::AfterHours);
        if experience.after_hours == super::experience::AfterHours::End {
            let ended = closed
                .interaction
                .clone()
                .end(EndReason::AfterHours, now)
                .expect("a new interaction is open");
            return Decision { interaction: ended, texts: closed.texts };
        }
        closed
    };
    // Routed at once (no menu): the customer has waited in the queue since they wrote, however
    // late routing got to it (an engine that was down).
    let arrived = decision.interaction.started_at;
    let mut decided = follow(setting, decision, step, now);
    if decided.interaction.state == InteractionState::Queued {
        decided.interaction.queued_at = arrived;
    }
    decided
}

/// A customer wrote in an open interaction: a selecting customer's answer moves the menu; any
/// message clears a pending dismissal.
pub fn customer_message(
    setting: Setting<'_>,
    interaction: Interaction,
    text: &str,
    now: Timestamp,
) -> Decision {
    let interaction = interaction.customer_wrote();
    match (interaction.state, interaction.menu) {
        (InteractionState::Selecting, Some(position)) if setting.experience.enabled => {
            let step = menu::answer(
                setting.tree,
                &setting.experience.words,
                setting.experience.default_queue,
                position.node,
                position.repeated,
                text,
            );
            follow(setting, Decision::new(interaction), step, now)
        }
        _ => Decision::new(interaction),
    }
}

fn follow(setting: Setting<'_>, decision: Decision, step: MenuStep, now: Timestamp) -> Decision {
    let Decision { interaction, texts } = decision;
    match step {
        MenuStep::Show { node, repeat } => {
            match interaction.clone().select(MenuPosition { node, repeated: repeat }) {
                Ok(selecting) => {
                    Decision { interaction: selecting, texts }.menu(setting.tree, setting.experience, node)
                }
                Err(_) => Decision { interaction, texts },
            }
        }
        MenuStep::Route { queue, .. } => match interaction.clone().enter_queue(queue, now) {
            Ok(queued) if !setting.staffed.contains(&queue) => {
                Decision { interaction: queued, texts }.say(setting.experience, TextKind::Unavailable)
            }
            Ok(queued) => Decision { interaction: queued, texts },
            Err(_) => Decision { interaction, texts },
        },
        MenuStep::Exit => match interaction.clone().end(EndReason::CustomerEnded, now) {
            Ok(ended) => Decision { interaction: ended, texts }.say(setting.experience, TextKind::Ended),
            Err(_) => Decision { interaction, texts },
        },
    }
}

/// The timers routing runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timer {
    SelectingExpiry,
    QueueExpiry,
    ReassignUnanswered,
    InactivityWarning,
    Dismiss,
    ChatTimeout,
    LongestInteraction,
}

impl Timer {
    pub fn as_str(self) -> &'static str {
        match self {
            Timer::SelectingExpiry => "selecting_expiry",
            Timer::QueueExpiry => "queue_expiry",
            Timer::ReassignUnanswered => "reassign_unanswered",
            Timer::InactivityWarning => "inactivity_warning",
            Timer::Dismiss => "dismiss",
            Timer::ChatTimeout => "chat_timeout",
            Timer::LongestInteraction => "longest_interaction",
        }
    }
}

/// The conversation's last messages either way, which the timers count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    pub last_inbound: Option<Timestamp>,
    pub last_outbound: Option<Timestamp>,
}

fn minutes(m: u32) -> SignedDuration {
    SignedDuration::from_mins(i64::from(m))
}

/// The next timer due on an interaction and when: stored as the interaction's deadline, so
/// timers survive restarts, and recomputed whenever it changes.
pub fn next_timer(
    experience: &Experience,
    i: &Interaction,
    activity: Activity,
) -> Option<(Timer, Timestamp)> {
    if !i.is_open() {
        return None;
    }
    let t = &experience.timers;
    // On a tie the more specific timer wins (it comes first).
    let mut due: Vec<(Timer, Timestamp)> = Vec::new();
    match i.state {
        InteractionState::Selecting => {
            let since = activity.last_inbound.unwrap_or(i.started_at).max(i.started_at);
            due.push((Timer::SelectingExpiry, since + minutes(t.selecting_expiry)));
        }
        InteractionState::Queued if i.queue.is_some() => {
            let expiry = if i.after_hours { t.queue_expiry_after_hours } else { t.queue_expiry };
            if let Some(m) = expiry {
                due.push((Timer::QueueExpiry, i.queued_at + minutes(m)));
            }
        }
        InteractionState::Assigned | InteractionState::Held => {
            if let (Some(m), None, Some(at)) = (t.reassign_unanswered, i.first_response_at, i.assigned_at) {
                due.push((Timer::ReassignUnanswered, at + minutes(m)));
            }
            // The ball is in the customer's court: the agent wrote after the customer did.
            let quiet_since =
                activity.last_outbound.filter(|out| activity.last_inbound.is_none_or(|inb| *out > inb));
            match (i.warned_at, quiet_since) {
                (Some(warned), _) if !i.dismiss_cue => {
                    due.push((Timer::Dismiss, warned + minutes(t.dismiss_after_warning)));
                }
                (None, Some(since)) => {
                    if let Some(m) = t.inactivity_warning {
                        due.push((Timer::InactivityWarning, since + minutes(m)));
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    let last_any =
        [Some(i.started_at), activity.last_inbound, activity.last_outbound].into_iter().flatten().max();
    if let (Some(m), Some(last)) = (t.chat_timeout, last_any) {
        due.push((Timer::ChatTimeout, last + minutes(m)));
    }
    due.push((Timer::LongestInteraction, i.started_at + minutes(LONGEST_INTERACTION_MINUTES)));
    due.into_iter().min_by_key(|(_, at)| *at)
}

/// A timer ran out (`now` at or past its deadline): what happens. `None` when no timer is due
/// any more (the interaction changed meanwhile) — so a timer fires once.
pub fn fire(
    experience: &Experience,
    i: Interaction,
    activity: Activity,
    now: Timestamp,
) -> Option<(Timer, Decision)> {
    let (timer, at) = next_timer(experience, &i, activity)?;
    if at > now {
        return None;
    }
    let end = |reason: EndReason, i: Interaction| -> Decision {
        match i.clone().end(reason, now) {
            Ok(ended) => Decision::new(ended).say(experience, TextKind::Ended),
            Err(_) => Decision::new(i),
        }
    };
    let decision = match timer {
        Timer::SelectingExpiry | Timer::ChatTimeout | Timer::LongestInteraction => {
            end(EndReason::InactiveTimeout, i)
        }
        Timer::QueueExpiry => end(EndReason::ExpiredInQueue, i),
        Timer::ReassignUnanswered => Decision::new(i.clone().requeue(now).unwrap_or(i)),
        Timer::InactivityWarning => {
            Decision::new(i.clone().warn(now).unwrap_or(i)).say(experience, TextKind::DismissalWarning)
        }
        Timer::Dismiss => match experience.timers.dismissal {
            Dismissal::Automatic => end(EndReason::Dismissed, i),
            Dismissal::Manual => Decision::new(i.cue_dismissal()),
        },
    };
    Some((timer, decision))
}

/// Whether an automated text may go out now: only inside the window, never with a tag
/// (HUMAN_AGENT is for what a person types), and never to an SMS customer who opted out.
pub fn may_send_automated(
    platform: Platform,
    last_inbound: Option<Timestamp>,
    opted_out: bool,
    now: Timestamp,
) -> Result<(), WindowError> {
    let window = messaging_window(platform, last_inbound, opted_out, Writer::Automated, now);
    match window.check_text(platform)? {
        None => Ok(()),
        // Unreachable for an automated writer; refusing keeps the rule whole if that changes.
        Some(_) => Err(WindowError::Closed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::queue::QueueNode;
    use proptest::prelude::*;

    fn t(min: i64) -> Timestamp {
        // 2026-11-30 (a Monday) 10:00 UTC, plus minutes.
        Timestamp::from_second(1_796_032_800 + min * 60).unwrap()
    }

    fn node(id: i64, parent: Option<i64>, position: i64, name: &str) -> QueueNode {
        QueueNode { id, parent, position, name: name.into(), keywords: vec![], priority: 0 }
    }

    /// Every queue has someone available.
    fn staffed() -> std::collections::HashSet<i64> {
        (1..=10).collect()
    }

    fn setup() -> (Experience, QueueTree) {
        let mut e = Experience::new("UTC");
        for (kind, text) in super::super::experience::EXAMPLES {
            match kind {
                TextKind::Greeting => e.texts.greeting = text.into(),
                TextKind::AfterHours => e.texts.after_hours = text.into(),
                TextKind::DismissalWarning => e.texts.dismissal_warning = text.into(),
                _ => {}
            }
        }
        e.timers.inactivity_warning = Some(30);
        e.texts.ended = "Bye {first_name}".into();
        let tree = QueueTree::new(vec![
            node(1, None, 0, "Support"),
            node(2, Some(1), 0, "English"),
            node(3, Some(1), 1, "Español"),
        ]);
        (e, tree)
    }

    #[test]
    fn a_new_interaction_is_greeted_and_shown_the_menu_in_hours() {
        let (e, tree) = setup();
        let d = start(
            Setting { experience: &e, tree: &tree, staffed: &staffed() },
            Interaction::arrive(t(0)),
            t(0),
        );
        assert_eq!(d.interaction.state, InteractionState::Selecting);
        let kinds: Vec<_> = d.texts.iter().map(|x| x.kind).collect();
        assert_eq!(kinds, [TextKind::Greeting, TextKind::Menu]);
        let d = customer_message(
            Setting { experience: &e, tree: &tree, staffed: &staffed() },
            d.interaction,
            "2",
            t(1),
        );
        assert_eq!((d.interaction.state, d.interaction.queue), (InteractionState::Queued, Some(3)));
        assert_eq!(d.interaction.queued_at, t(1));
    }

    #[test]
    fn after_hours_sends_its_text_and_waits_or_ends() {
        let (mut e, tree) = setup();
        let saturday = t(5 * 24 * 60);
        let d = start(
            Setting { experience: &e, tree: &tree, staffed: &staffed() },
            Interaction::arrive(saturday),
            saturday,
        );
        assert_eq!(d.texts[0].kind, TextKind::AfterHours);
        assert!(d.interaction.after_hours && d.interaction.is_open());
        e.after_hours = super::super::experience::AfterHours::End;
        let d = start(
            Setting { experience: &e, tree: &tree, staffed: &staffed() },
            Interaction::arrive(saturday),
            saturday,
        );
        assert_eq!(d.interaction.state, InteractionState::Ended(EndReason::AfterHours));
        e.enabled = false;
        let d = start(
            Setting { experience: &e, tree: &tree, staffed: &staffed() },
            Interaction::arrive(t(0)),
            t(0),
        );
        assert!(d.texts.is_empty() && d.interaction.queue.is_none(), "a disabled experience does nothing");
    }

    #[test]
    fn a_queue_with_nobody_available_gets_the_unavailable_text() {
        let (mut e, tree) = setup();
        e.texts.unavailable = "Everyone is busy, {first_name}.".into();
        let nobody = std::collections::HashSet::new();
        let s = Setting { experience: &e, tree: &tree, staffed: &nobody };
        let d = start(s, Interaction::arrive(t(0)), t(0));
        let d = customer_message(s, d.interaction, "1", t(1));
        assert_eq!(d.interaction.queue, Some(2));
        assert_eq!(d.texts.iter().map(|x| x.kind).collect::<Vec<_>>(), [TextKind::Unavailable]);
        let some = staffed();
        let d = customer_message(
            Setting { staffed: &some, ..s },
            start(s, Interaction::arrive(t(0)), t(0)).interaction,
            "1",
            t(1),
        );
        assert!(d.texts.is_empty(), "someone is there: nothing to say");
    }

    #[test]
    fn an_interaction_an_agent_already_answered_is_left_with_them() {
        let (e, tree) = setup();
        let s = Setting { experience: &e, tree: &tree, staffed: &staffed() };
        let answered = Interaction::arrive(t(0)).respond("ana", t(1)).unwrap();
        let d = start(s, answered.clone(), t(2));
        assert_eq!(d.interaction, answered, "still the agent's, not sent to the menu or a queue");
        assert!(d.texts.is_empty());
    }

    #[test]
    fn a_customer_routed_without_a_menu_waits_from_when_they_wrote() {
        let (e, _) = setup();
        let tree = QueueTree::new(vec![node(1, None, 0, "Inbox")]);
        let s = Setting { experience: &e, tree: &tree, staffed: &staffed() };
        let d = start(s, Interaction::arrive(t(0)), t(6));
        assert_eq!(
            (d.interaction.queue, d.interaction.queued_at),
            (Some(1), t(0)),
            "routed late, waiting since 0"
        );
    }

    #[test]
    fn exit_ends_with_the_ended_text() {
        let (e, tree) = setup();
        let s = Setting { experience: &e, tree: &tree, staffed: &staffed() };
        let d = start(s, Interaction::arrive(t(0)), t(0));
        let d = customer_message(s, d.interaction, "exit", t(2));
        assert_eq!(d.interaction.state, InteractionState::Ended(EndReason::CustomerEnded));
        assert_eq!(d.texts, [AutoText { kind: TextKind::Ended, text: "Bye {first_name}".into() }]);
    }

    #[test]
    fn timers_run_in_order_and_fire_once() {
        let (e, tree) = setup();
        let s = Setting { experience: &e, tree: &tree, staffed: &staffed() };
        let selecting = start(s, Interaction::arrive(t(0)), t(0)).interaction;
        let quiet = Activity { last_inbound: Some(t(0)), last_outbound: None };
        assert_eq!(next_timer(&e, &selecting, quiet), Some((Timer::SelectingExpiry, t(30))));
        assert!(fire(&e, selecting.clone(), quiet, t(29)).is_none(), "not yet");
        let (timer, d) = fire(&e, selecting, quiet, t(30)).unwrap();
        assert_eq!(
            (timer, d.interaction.state),
            (Timer::SelectingExpiry, InteractionState::Ended(EndReason::InactiveTimeout))
        );
        assert!(fire(&e, d.interaction, quiet, t(31)).is_none(), "an ended interaction has no timer");

        let mine = Interaction::arrive(t(0))
            .enter_queue(2, t(0))
            .unwrap()
            .assign("ana", t(1))
            .unwrap()
            .respond("ana", t(2))
            .unwrap();
        let answered = Activity { last_inbound: Some(t(0)), last_outbound: Some(t(2)) };
        let (timer, warned) = fire(&e, mine, answered, t(32)).unwrap();
        assert_eq!(timer, Timer::InactivityWarning);
        assert_eq!(warned.texts[0].kind, TextKind::DismissalWarning);
        assert_eq!(next_timer(&e, &warned.interaction, answered), Some((Timer::Dismiss, t(42))));
        let (_, dismissed) = fire(&e, warned.interaction.clone(), answered, t(42)).unwrap();
        assert_eq!(dismissed.interaction.state, InteractionState::Ended(EndReason::Dismissed));
        let back = customer_message(s, warned.interaction, "still here", t(40)).interaction;
        let wrote = Activity { last_inbound: Some(t(40)), last_outbound: Some(t(2)) };
        assert_eq!(
            next_timer(&e, &back, wrote).map(|x| x.0),
            Some(Timer::ChatTimeout),
            "the customer wrote: no dismissal"
        );
    }

    #[test]
    fn queue_expiry_uses_the_after_hours_value_for_after_hours_arrivals() {
        let (e, _) = setup();
        let mut i = Interaction::arrive(t(0)).enter_queue(2, t(0)).unwrap();
        let none = Activity::default();
        assert_eq!(next_timer(&e, &i, none), Some((Timer::QueueExpiry, t(24 * 60))));
        i.after_hours = true;
        let mut quiet = e.clone();
        quiet.timers.chat_timeout = None;
        assert_eq!(next_timer(&quiet, &i, none), Some((Timer::QueueExpiry, t(3 * 24 * 60))));
    }

    #[test]
    fn automated_texts_stay_inside_the_window_without_tags() {
        let h = |hours: i64| Timestamp::from_second(1_700_000_000 + hours * 3600).unwrap();
        assert!(may_send_automated(Platform::Messenger, Some(h(0)), false, h(23)).is_ok());
        assert_eq!(
            may_send_automated(Platform::Messenger, Some(h(0)), false, h(30)),
            Err(WindowError::Closed)
        );
        assert_eq!(
            may_send_automated(Platform::Whatsapp, Some(h(0)), false, h(30)),
            Err(WindowError::TemplateOnly)
        );
        assert_eq!(may_send_automated(Platform::Sms, Some(h(0)), true, h(1)), Err(WindowError::OptedOut));
        assert!(may_send_automated(Platform::Sms, Some(h(0)), false, h(300)).is_ok());
    }

    proptest! {
        /// An automated text is allowed exactly when the customer wrote less than 24 h ago
        /// (Messenger, WhatsApp), whatever the hour.
        #[test]
        fn the_automated_window_is_24_hours(minutes in 0i64..20_000) {
            let last = Timestamp::from_second(1_700_000_000).unwrap();
            let now = last + SignedDuration::from_mins(minutes);
            for platform in [Platform::Messenger, Platform::Whatsapp] {
                prop_assert_eq!(may_send_automated(platform, Some(last), false, now).is_ok(), minutes < 24 * 60);
            }
        }

        /// Whatever the state and activity, a due timer fires once: after its decision the
        /// same timer is not due at the same moment again.
        #[test]
        fn a_timer_fires_once(after in 0i64..20_000, inbound in prop::option::of(0i64..100), outbound in prop::option::of(0i64..100), assigned: bool) {
            let (e, _) = setup();
            let mut i = Interaction::arrive(t(0)).enter_queue(2, t(0)).unwrap();
            if assigned {
                i = i.assign("ana", t(0)).unwrap();
            }
            let activity = Activity { last_inbound: inbound.map(t), last_outbound: outbound.map(t) };
            let now = t(after);
            if let Some((timer, d)) = fire(&e, i, activity, now) {
                let again = fire(&e, d.interaction, activity, now);
                prop_assert!(again.is_none_or(|(second, _)| second != timer), "{:?} fired twice", timer);
            }
        }
    }
}
