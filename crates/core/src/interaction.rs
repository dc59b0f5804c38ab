//! Interactions: one routed episode inside a session, the unit queues, agents and reports count.
//!
//! `queued → assigned ⇄ held → ended(reason)`; a customer message after the end opens a new one.

use jiff::Timestamp;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    AgentEnded,
    /// The customer sent an exit word.
    CustomerEnded,
    InactiveTimeout,
    ExpiredInQueue,
    Dismissed,
    Transferred,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum InteractionState {
    Queued,
    Assigned,
    Held,
    Ended(EndReason),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interaction {
    pub state: InteractionState,
    pub agent: Option<String>,
    pub queued_at: Timestamp,
    pub assigned_at: Option<Timestamp>,
    pub first_response_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an interaction that is {from} cannot be {action}")]
pub struct TransitionError {
    pub from: &'static str,
    pub action: &'static str,
}

impl InteractionState {
    fn name(self) -> &'static str {
        match self {
            InteractionState::Queued => "queued",
            InteractionState::Assigned => "assigned",
            InteractionState::Held => "held",
            InteractionState::Ended(_) => "ended",
        }
    }
}

impl Interaction {
    /// A new interaction waiting in a queue.
    pub fn queue(now: Timestamp) -> Self {
        Self {
            state: InteractionState::Queued,
            agent: None,
            queued_at: now,
            assigned_at: None,
            first_response_at: None,
            ended_at: None,
        }
    }

    pub fn is_open(&self) -> bool {
        !matches!(self.state, InteractionState::Ended(_))
    }

    fn refuse(&self, action: &'static str) -> TransitionError {
        TransitionError { from: self.state.name(), action }
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

    /// An agent answered; the first answer's time is kept for reports.
    pub fn respond(mut self, now: Timestamp) -> Result<Self, TransitionError> {
        if !matches!(self.state, InteractionState::Assigned | InteractionState::Held) {
            return Err(self.refuse("answered"));
        }
        self.first_response_at.get_or_insert(now);
        Ok(self)
    }

    pub fn end(mut self, reason: EndReason, now: Timestamp) -> Result<Self, TransitionError> {
        if !self.is_open() {
            return Err(self.refuse("ended again"));
        }
        self.state = InteractionState::Ended(reason);
        self.ended_at = Some(now);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    #[test]
    fn an_interaction_is_queued_assigned_answered_held_and_ended() {
        let i = Interaction::queue(t(0)).assign("maria", t(10)).unwrap();
        let i = i.respond(t(20)).unwrap().hold().unwrap().respond(t(30)).unwrap();
        assert_eq!(i.first_response_at, Some(t(20)), "only the first answer counts");
        let i = i.resume().unwrap().end(EndReason::AgentEnded, t(40)).unwrap();
        assert_eq!(i.state, InteractionState::Ended(EndReason::AgentEnded));
        assert_eq!((i.assigned_at, i.ended_at), (Some(t(10)), Some(t(40))));
        assert!(!i.is_open());
    }

    #[test]
    fn impossible_transitions_are_refused() {
        let queued = Interaction::queue(t(0));
        assert_eq!(
            queued.clone().hold().unwrap_err().to_string(),
            "an interaction that is queued cannot be held"
        );
        assert!(queued.clone().respond(t(1)).is_err(), "nobody answers a queued interaction");
        let ended = queued.end(EndReason::ExpiredInQueue, t(5)).unwrap();
        assert!(ended.clone().assign("maria", t(6)).is_err());
        assert!(ended.end(EndReason::Dismissed, t(7)).is_err());
    }
}
