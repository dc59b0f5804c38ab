//! Supervisors' threshold alerts: limits set per queue, the breaches of a moment, and which
//! breaches began or ended since the last look. Pure: the engine feeds it the wallboard's
//! figures and `now`, and keeps the history.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A queue's limits; `None` (or `false`): not watched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Today's service level below this percent.
    pub service_level_below: Option<u32>,
    /// The longest wait of a customer waiting now above this many seconds.
    pub longest_wait_above: Option<u32>,
    /// More than this many customers waiting.
    pub waiting_above: Option<u32>,
    /// An agent in one interaction for longer than this many seconds.
    pub chat_time_above: Option<u32>,
    /// A customer unanswered for longer than the queue's target response time.
    #[serde(default)]
    pub unanswered_past_target: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ThresholdError {
    #[error("A service level threshold is 1–100 %.")]
    ServiceLevel,
    #[error("A wait or chat time threshold is 1 s to 24 h.")]
    Time,
    #[error("A waiting threshold is 0 to 10,000 customers.")]
    Waiting,
}

impl Thresholds {
    pub fn check(&self) -> Result<(), ThresholdError> {
        if self.service_level_below.is_some_and(|p| !(1..=100).contains(&p)) {
            return Err(ThresholdError::ServiceLevel);
        }
        let time = |t: Option<u32>| t.is_some_and(|s| !(1..=86_400).contains(&s));
        if time(self.longest_wait_above) || time(self.chat_time_above) {
            return Err(ThresholdError::Time);
        }
        if self.waiting_above.is_some_and(|n| n > 10_000) {
            return Err(ThresholdError::Waiting);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    ServiceLevel,
    LongestWait,
    Waiting,
    ChatTime,
    Unanswered,
}

impl BreachKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BreachKind::ServiceLevel => "service_level",
            BreachKind::LongestWait => "longest_wait",
            BreachKind::Waiting => "waiting",
            BreachKind::ChatTime => "chat_time",
            BreachKind::Unanswered => "unanswered",
        }
    }
}

/// A limit crossed now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breach {
    /// What it is about, stable while it lasts: the queue, and the agent or session.
    pub key: String,
    pub kind: BreachKind,
    pub queue_id: i64,
    pub agent: Option<String>,
    /// Where a click takes the monitor: the queue's or the agent's name.
    pub focus: String,
    /// Said for the banner and the notification.
    pub text: String,
}

/// A queue as the wallboard has it now.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueNow {
    pub id: i64,
    pub name: String,
    pub service_level: Option<f64>,
    pub longest_wait_seconds: Option<i64>,
    pub waiting: u32,
    pub target_response_seconds: i64,
}

/// A customer in a queue or in an agent's hands now.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerNow {
    pub session_id: i64,
    pub queue_id: i64,
    pub contact: String,
    pub agent: Option<String>,
    /// How long the agent has had them (assigned or held).
    pub in_hand_seconds: Option<i64>,
    /// How long since their first unanswered message.
    pub unanswered_seconds: Option<i64>,
}

fn clock(seconds: i64) -> String {
    let s = seconds.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Every limit crossed now.
pub fn breaches(
    queues: &[QueueNow],
    customers: &[CustomerNow],
    thresholds: &BTreeMap<i64, Thresholds>,
) -> Vec<Breach> {
    let mut found = Vec::new();
    for queue in queues {
        let Some(limits) = thresholds.get(&queue.id) else { continue };
        let mut add = |kind: BreachKind, text: String| {
            found.push(Breach {
                key: format!("queue:{}:{}", queue.id, kind.as_str()),
                kind,
                queue_id: queue.id,
                agent: None,
                focus: queue.name.clone(),
                text,
            });
        };
        if let (Some(below), Some(sl)) = (limits.service_level_below, queue.service_level)
            && sl < f64::from(below)
        {
            add(
                BreachKind::ServiceLevel,
                format!("{}: service level {sl:.0} % is below {below} %", queue.name),
            );
        }
        if let (Some(above), Some(wait)) = (limits.longest_wait_above, queue.longest_wait_seconds)
            && wait > i64::from(above)
        {
            let text = format!(
                "{}: a customer has waited {} (limit {})",
                queue.name,
                clock(wait),
                clock(above.into())
            );
            add(BreachKind::LongestWait, text);
        }
        if let Some(above) = limits.waiting_above
            && queue.waiting > above
        {
            add(BreachKind::Waiting, format!("{}: {} waiting (limit {above})", queue.name, queue.waiting));
        }
    }
    let by_id: BTreeMap<i64, &QueueNow> = queues.iter().map(|q| (q.id, q)).collect();
    for customer in customers {
        let (Some(limits), Some(queue)) = (thresholds.get(&customer.queue_id), by_id.get(&customer.queue_id))
        else {
            continue;
        };
        if let (Some(above), Some(agent), Some(held)) =
            (limits.chat_time_above, customer.agent.as_ref(), customer.in_hand_seconds)
            && held > i64::from(above)
        {
            found.push(Breach {
                key: format!("session:{}:chat_time", customer.session_id),
                kind: BreachKind::ChatTime,
                queue_id: customer.queue_id,
                agent: Some(agent.clone()),
                focus: agent.clone(),
                text: format!(
                    "{agent} has been with {} for {} (limit {})",
                    customer.contact,
                    clock(held),
                    clock(above.into())
                ),
            });
        }
        if limits.unanswered_past_target
            && let Some(waited) = customer.unanswered_seconds
            && waited > queue.target_response_seconds
        {
            found.push(Breach {
                key: format!("session:{}:unanswered", customer.session_id),
                kind: BreachKind::Unanswered,
                queue_id: customer.queue_id,
                agent: customer.agent.clone(),
                focus: customer.agent.clone().unwrap_or_else(|| queue.name.clone()),
                text: format!(
                    "{}: {} unanswered for {} (target {})",
                    queue.name,
                    customer.contact,
                    clock(waited),
                    clock(queue.target_response_seconds)
                ),
            });
        }
    }
    found
}

/// Which breaches began and which ended, given the keys open before.
pub fn changes<'a>(open: &BTreeSet<String>, now: &'a [Breach]) -> (Vec<&'a Breach>, Vec<String>) {
    let current: BTreeSet<&str> = now.iter().map(|b| b.key.as_str()).collect();
    let began = now.iter().filter(|b| !open.contains(&b.key)).collect();
    let ended = open.iter().filter(|k| !current.contains(k.as_str())).cloned().collect();
    (began, ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sales(service_level: Option<f64>, longest: Option<i64>, waiting: u32) -> QueueNow {
        QueueNow {
            id: 1,
            name: "Sales".into(),
            service_level,
            longest_wait_seconds: longest,
            waiting,
            target_response_seconds: 120,
        }
    }

    fn limits() -> BTreeMap<i64, Thresholds> {
        BTreeMap::from([(
            1,
            Thresholds {
                service_level_below: Some(80),
                longest_wait_above: Some(60),
                waiting_above: Some(3),
                chat_time_above: Some(600),
                unanswered_past_target: true,
            },
        )])
    }

    #[test]
    fn each_limit_is_crossed_only_past_it() {
        assert!(
            breaches(&[sales(Some(80.0), Some(60), 3)], &[], &limits()).is_empty(),
            "at the limit is within it"
        );
        let found = breaches(&[sales(Some(79.5), Some(61), 4)], &[], &limits());
        let kinds: Vec<BreachKind> = found.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BreachKind::ServiceLevel, BreachKind::LongestWait, BreachKind::Waiting]);
        assert_eq!(found[1].text, "Sales: a customer has waited 1:01 (limit 1:00)");
        assert!(
            breaches(&[sales(None, None, 0)], &[], &limits()).is_empty(),
            "no service level yet is no breach"
        );
        assert!(breaches(&[sales(Some(0.0), Some(999), 99)], &[], &BTreeMap::new()).is_empty(), "unwatched");
    }

    #[test]
    fn an_agent_s_long_chat_and_an_unanswered_customer_point_at_the_agent() {
        let customer = CustomerNow {
            session_id: 7,
            queue_id: 1,
            contact: "Wes".into(),
            agent: Some("ana".into()),
            in_hand_seconds: Some(601),
            unanswered_seconds: Some(121),
        };
        let found = breaches(&[sales(None, None, 0)], std::slice::from_ref(&customer), &limits());
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].kind, found[0].focus.as_str()), (BreachKind::ChatTime, "ana"));
        assert_eq!(found[1].text, "Sales: Wes unanswered for 2:01 (target 2:00)");
        let calm = CustomerNow { in_hand_seconds: Some(600), unanswered_seconds: Some(120), ..customer };
        assert!(breaches(&[sales(None, None, 0)], &[calm], &limits()).is_empty());
    }

    #[test]
    fn a_breach_begins_once_and_ends_when_back_within() {
        let now = breaches(&[sales(Some(50.0), None, 0)], &[], &limits());
        let (began, ended) = changes(&BTreeSet::new(), &now);
        assert_eq!((began.len(), ended.len()), (1, 0));
        let open: BTreeSet<String> = now.iter().map(|b| b.key.clone()).collect();
        let (began, ended) = changes(&open, &now);
        assert_eq!((began.len(), ended.len()), (0, 0), "still breached: nothing new to say");
        let (began, ended) = changes(&open, &[]);
        assert_eq!((began.len(), ended), (0, vec!["queue:1:service_level".to_owned()]));
    }

    #[test]
    fn limits_are_checked() {
        assert!(limits()[&1].check().is_ok());
        let bad = Thresholds { service_level_below: Some(0), ..Thresholds::default() };
        assert_eq!(bad.check(), Err(ThresholdError::ServiceLevel));
        let bad = Thresholds { chat_time_above: Some(0), ..Thresholds::default() };
        assert_eq!(bad.check(), Err(ThresholdError::Time));
    }
}
