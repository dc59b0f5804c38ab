//! Interactions: one routed episode inside a session, the unit queues, agents and reports count.
//!
//! `selecting → queued → assigned ⇄ held → ended(reason)`; a customer message after the end
//! opens a new one. Every transition is a method here; the store writes the value it returns.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    AgentEnded,
    /// The customer sent an exit word.
    CustomerEnded,
    InactiveTimeout,
    ExpiredInQueue,
    Dismissed,
    /// Moved to another queue or agent: a new interaction carries on.
    Transferred,
    /// Arrived after hours on an experience set to end such interactions.
    AfterHours,
    Failed,
}

impl EndReason {
    pub const ALL: [EndReason; 8] = [
        EndReason::AgentEnded,
        EndReason::CustomerEnded,
        EndReason::InactiveTimeout,
        EndReason::ExpiredInQueue,
        EndReason::Dismissed,
        EndReason::Transferred,
        EndReason::AfterHours,
        EndReason::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::AgentEnded => "agent_ended",
            EndReason::CustomerEnded => "customer_ended",
            EndReason::InactiveTimeout => "inactive_timeout",
            EndReason::ExpiredInQueue => "expired_in_queue",
            EndReason::Dismissed => "dismissed",
            EndReason::Transferred => "transferred",
            EndReason::AfterHours => "after_hours",
            EndReason::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum InteractionState {
    /// The customer is choosing from the queue menu.
    Selecting,
    Queued,
    Assigned,
    Held,
    Ended(EndReason),
}

impl InteractionState {
    /// The state as the store keeps it (the end reason is a column of its own).
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionState::Selecting => "selecting",
            InteractionState::Queued => "queued",
            InteractionState::Assigned => "assigned",
            InteractionState::Held => "held",
            InteractionState::Ended(_) => "ended",
        }
    }

    /// Reads the store's columns back; `None` for anything core never wrote.
    pub fn parse(state: &str, reason: Option<&str>) -> Option<Self> {
        Some(match (state, reason) {
            ("selecting", None) => InteractionState::Selecting,
            ("queued", None) => InteractionState::Queued,
            ("assigned", None) => InteractionState::Assigned,
            ("held", None) => InteractionState::Held,
            ("ended", Some(reason)) => InteractionState::Ended(EndReason::parse(reason)?),
            _ => return None,
        })
    }

    pub fn end_reason(self) -> Option<EndReason> {
        match self {
            InteractionState::Ended(reason) => Some(reason),
            _ => None,
        }
    }
}

/// Where a selecting customer is in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuPosition {
    pub node: i64,
    /// The menu was shown again once for an answer it did not understand.
    pub repeated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    pub state: InteractionState,
    pub queue: Option<i64>,
    pub agent: Option<String>,
    pub menu: Option<MenuPosition>,
    pub started_at: Timestamp,
    /// When it entered its current queue.
    pub queued_at: Timestamp,
    pub assigned_at: Option<Timestamp>,
    pub first_response_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// It arrived while the experience was closed (its queue expiry is the after-hours one).
    pub after_hours: bool,
    /// When the dismissal warning went to a quiet customer (cleared when they write).
    pub warned_at: Option<Timestamp>,
    /// Manual dismissal: the timer ran out and the agent is cued to dismiss.
    pub dismiss_cue: bool,
    pub disposition: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an interaction that is {from} cannot be {action}")]
pub struct TransitionError {
    pub from: &'static str,
    pub action: &'static str,
}

impl Interaction {
    /// A customer wrote and no interaction was open: one starts, not yet routed (routing
    /// decides next whether they select from a menu or wait in a queue).
    pub fn arrive(now: Timestamp) -> Self {
        Self {
            state: InteractionState::Queued,
            queue: None,
            agent: None,
            menu: None,
            started_at: now,
            queued_at: now,
            assigned_at: None,
            first_response_at: None,
            ended_at: None,
            after_hours: false,
            warned_at: None,
            dismiss_cue: false,
            disposition: None,
        }
    }

    pub fn is_open(&self) -> bool {
        !matches!(self.state, InteractionState::Ended(_))
    }

    fn refuse(&self, action: &'static str) -> TransitionError {
        TransitionError { from: self.state.as_str(), action }
    }

    /// The customer is shown a menu (the first, a sub-menu, or the same one again).
    pub fn select(mut self, menu: MenuPosition) -> Result<Self, TransitionError> {
        if !matches!(self.state, InteractionState::Queued | InteractionState::Selecting)
            || self.agent.is_some()
        {
            return Err(self.refuse("sent to the menu"));
        }
        self.state = InteractionState::Selecting;
        self.menu = Some(menu);
        Ok(self)
    }

    /// It waits in `queue` from `now` (after the menu, a transfer, or a return to queue).
    pub fn enter_queue(mut self, queue: i64, now: Timestamp) -> Result<Self, TransitionError> {
        if !self.is_open() {
            return Err(self.refuse("queued"));
        }
        self.state = InteractionState::Queued;
        self.queue = Some(queue);
        self.menu = None;
        self.agent = None;
        self.assigned_at = None;
        self.queued_at = now;
        Ok(self)
    }

    pub fn assign(mut self, agent: &str, now: Timestamp) -> Result<Self, TransitionError> {
        if self.state != InteractionState::Queued {
            return Err(self.refuse("assigned"));
        }
        self.state = InteractionState::Assigned;
        self.agent = Some(agent.to_owned());
        self.assigned_at = Some(now);
        Ok(self)
    }

    /// Back to its queue, nobody's (the agent went offline, or did not answer in time).
    pub fn requeue(self, now: Timestamp) -> Result<Self, TransitionError> {
        if !matches!(self.state, InteractionState::Assigned | InteractionState::Held) {
            return Err(self.refuse("returned to queue"));
        }
        let queue = self.queue;
        let mut back = self.enter_queue(queue.unwrap_or_default(), now)?;
        back.queue = queue;
        Ok(back)
    }

    pub fn hold(mut self) -> Result<Self, TransitionError> {
        if self.state != InteractionState::Assigned {
            return Err(self.refuse("held"));
        }
        self.state = InteractionState::Held;
        Ok(self)
    }

    pub fn resume(mut self) -> Result<Self, TransitionError> {
        if self.state != InteractionState::Held {
            return Err(self.refuse("resumed"));
        }
        self.state = InteractionState::Assigned;
        Ok(self)
    }

    /// An agent answered: a waiting interaction becomes theirs (answering is picking up), a
    /// selecting one leaves the menu, and the first answer's time is kept for reports.
    pub fn respond(mut self, agent: &str, now: Timestamp) -> Result<Self, TransitionError> {
        match self.state {
            InteractionState::Selecting | InteractionState::Queued => {
                self.menu = None;
                self = Self { state: InteractionState::Queued, ..self }.assign(agent, now)?;
            }
            InteractionState::Assigned | InteractionState::Held => {}
            InteractionState::Ended(_) => return Err(self.refuse("answered")),
        }
        self.first_response_at.get_or_insert(now);
        self.warned_at = None;
        self.dismiss_cue = false;
        Ok(self)
    }

    /// The customer wrote again: a pending dismissal no longer applies.
    pub fn customer_wrote(mut self) -> Self {
        self.warned_at = None;
        self.dismiss_cue = false;
        self
    }

    pub fn warn(mut self, now: Timestamp) -> Result<Self, TransitionError> {
        if !matches!(self.state, InteractionState::Assigned | InteractionState::Held) {
            return Err(self.refuse("warned"));
        }
        self.warned_at = Some(now);
        Ok(self)
    }

    pub fn cue_dismissal(mut self) -> Self {
        self.dismiss_cue = true;
        self
    }

    pub fn end(mut self, reason: EndReason, now: Timestamp) -> Result<Self, TransitionError> {
        if !self.is_open() {
            return Err(self.refuse("ended again"));
        }
        self.state = InteractionState::Ended(reason);
        self.ended_at = Some(now);
        self.menu = None;
        Ok(self)
    }

    /// An agent ends it with a disposition from the admin's list.
    pub fn end_with(self, disposition: Option<&str>, now: Timestamp) -> Result<Self, TransitionError> {
        let mut ended = self.end(EndReason::AgentEnded, now)?;
        ended.disposition = disposition.map(str::to_owned);
        Ok(ended)
    }

    /// Transfer: this interaction ends as `transferred`; the returned one carries on in
    /// `queue`, or assigned to `agent` at once.
    pub fn transfer(
        self,
        queue: i64,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<(Self, Self), TransitionError> {
        if !matches!(
            self.state,
            InteractionState::Assigned | InteractionState::Held | InteractionState::Queued
        ) {
            return Err(self.refuse("transferred"));
        }
        let mut next = Self::arrive(now).enter_queue(queue, now)?;
        next.started_at = self.started_at;
        next.after_hours = self.after_hours;
        if let Some(agent) = agent {
            next = next.assign(agent, now)?;
        }
        Ok((self.end(EndReason::Transferred, now)?, next))
    }
}

/// How a transfer reads on the timeline: to whom (an agent, or a queue's anyone) and the note.
pub fn transfer_detail(queue: i64, agent: Option<&str>, note: Option<&str>) -> String {
    match (agent, note) {
        (Some(a), Some(n)) => format!("to {a}: {n}"),
        (Some(a), None) => format!("to {a}"),
        (None, Some(n)) => format!("to queue {queue}: {n}"),
        (None, None) => format!("to queue {queue}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn an_interaction_is_queued_assigned_answered_held_and_ended() {
        let i = Interaction::arrive(t(0)).enter_queue(7, t(1)).unwrap().assign("maria", t(10)).unwrap();
        let i = i.respond("maria", t(20)).unwrap().hold().unwrap().respond("maria", t(30)).unwrap();
        assert_eq!(i.first_response_at, Some(t(20)), "only the first answer counts");
        let i = i.resume().unwrap().end_with(Some("Solved"), t(40)).unwrap();
        assert_eq!(i.state, InteractionState::Ended(EndReason::AgentEnded));
        assert_eq!(
            (i.assigned_at, i.ended_at, i.disposition.as_deref()),
            (Some(t(10)), Some(t(40)), Some("Solved"))
        );
        assert!(!i.is_open());
    }

    #[test]
    fn answering_a_waiting_or_selecting_customer_picks_it_up() {
        let selecting = Interaction::arrive(t(0)).select(MenuPosition { node: 1, repeated: false }).unwrap();
        let answered = selecting.respond("ana", t(5)).unwrap();
        assert_eq!(
            (answered.state, answered.agent.as_deref(), answered.menu),
            (InteractionState::Assigned, Some("ana"), None)
        );
    }

    #[test]
    fn a_transfer_ends_one_and_queues_the_next() {
        let mine = Interaction::arrive(t(0)).enter_queue(1, t(0)).unwrap().assign("ana", t(1)).unwrap();
        let (ended, next) = mine.transfer(2, None, t(9)).unwrap();
        assert_eq!(ended.state, InteractionState::Ended(EndReason::Transferred));
        assert_eq!(
            (next.state, next.queue, next.queued_at, next.started_at),
            (InteractionState::Queued, Some(2), t(9), t(0))
        );
        let back = next.assign("ben", t(10)).unwrap().requeue(t(20)).unwrap();
        assert_eq!((back.state, back.queue, back.agent), (InteractionState::Queued, Some(2), None));
    }

    #[test]
    fn impossible_transitions_are_refused() {
        let queued = Interaction::arrive(t(0));
        assert_eq!(
            queued.clone().hold().unwrap_err().to_string(),
            "an interaction that is queued cannot be held"
        );
        let ended = queued.end(EndReason::ExpiredInQueue, t(5)).unwrap();
        assert!(ended.clone().assign("maria", t(6)).is_err());
        assert!(ended.clone().respond("maria", t(6)).is_err());
        assert!(ended.end(EndReason::Dismissed, t(7)).is_err());
    }

    fn arb_state() -> impl Strategy<Value = InteractionState> {
        prop_oneof![
            Just(InteractionState::Selecting),
            Just(InteractionState::Queued),
            Just(InteractionState::Assigned),
            Just(InteractionState::Held),
            prop::sample::select(EndReason::ALL.to_vec()).prop_map(InteractionState::Ended),
        ]
    }

    proptest! {
        /// What the store writes (state and end reason columns) reads back as the same state.
        #[test]
        fn store_columns_round_trip(state in arb_state()) {
            let reason = state.end_reason().map(EndReason::as_str);
            prop_assert_eq!(InteractionState::parse(state.as_str(), reason), Some(state));
        }
    }
}
