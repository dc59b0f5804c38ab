//! Presence, capacity and assignment: which waiting interaction goes to which agent.
//!
//! The highest-priority queue's longest-waiting interaction goes first, to the eligible agent
//! (a member of its queue, Available, under capacity) chosen by the queue's distribution —
//! by default the one idle longest. Pure: the store hands over what is waiting and who is
//! working, inside the transaction that writes the plan back.

use super::queue::Distribution;
use crate::Platform;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Available,
    Busy,
    Break,
    Offline,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Available => "available",
            Presence::Busy => "busy",
            Presence::Break => "break",
            Presence::Offline => "offline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Presence::Available, Presence::Busy, Presence::Break, Presence::Offline]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    /// Only an Available agent is offered new interactions.
    pub fn takes_new_work(self) -> bool {
        self == Presence::Available
    }
}

/// How many interactions an agent may hold at once, per channel type and in total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    pub messenger: u32,
    pub sms: u32,
    pub whatsapp: u32,
    pub total: u32,
    /// Whether held interactions count against capacity.
    pub count_held: bool,
}

impl Default for Capacity {
    fn default() -> Self {
        Self { messenger: 3, sms: 3, whatsapp: 3, total: 5, count_held: true }
    }
}

impl Capacity {
    pub fn per_platform(&self, platform: Platform) -> u32 {
        match platform {
            Platform::Messenger => self.messenger,
            Platform::Sms => self.sms,
            Platform::Whatsapp => self.whatsapp,
        }
    }
}

/// What an agent holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Load {
    pub messenger: u32,
    pub sms: u32,
    pub whatsapp: u32,
    pub held: u32,
}

impl Load {
    /// How many they hold on this channel type.
    pub fn on(&self, platform: Platform) -> u32 {
        match platform {
            Platform::Messenger => self.messenger,
            Platform::Sms => self.sms,
            Platform::Whatsapp => self.whatsapp,
        }
    }

    fn add(&mut self, platform: Platform) {
        match platform {
            Platform::Messenger => self.messenger += 1,
            Platform::Sms => self.sms += 1,
            Platform::Whatsapp => self.whatsapp += 1,
        }
    }

    pub fn total(&self) -> u32 {
        self.messenger + self.sms + self.whatsapp
    }

    /// Whether one more interaction on `platform` fits. `held` is already inside the
    /// per-platform counts; when held ones do not count, they come off.
    pub fn has_room(&self, capacity: &Capacity, platform: Platform) -> bool {
        let uncounted = if capacity.count_held { 0 } else { self.held };
        let on = self.on(platform).saturating_sub(uncounted.min(self.on(platform)));
        on < capacity.per_platform(platform) && self.total().saturating_sub(uncounted) < capacity.total
    }

    /// Whether one more interaction fits on any channel type: an agent at capacity on all of
    /// them is offered nothing, whoever waits.
    pub fn has_any_room(&self, capacity: &Capacity) -> bool {
        [Platform::Messenger, Platform::Sms, Platform::Whatsapp]
            .into_iter()
            .any(|p| self.has_room(capacity, p))
    }
}

/// An agent as assignment sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    pub presence: Presence,
    /// When they last received or finished an interaction (idle since); `None`: never.
    pub idle_since: Option<Timestamp>,
    pub queues: Vec<i64>,
    pub capacity: Capacity,
    pub load: Load,
    /// Interactions assigned to them today, for percent allocation.
    pub assigned_today: u32,
}

impl Agent {
    pub fn is_eligible(&self, queue: i64, platform: Platform) -> bool {
        self.presence.takes_new_work()
            && self.queues.contains(&queue)
            && self.load.has_room(&self.capacity, platform)
    }
}

/// An interaction waiting in a leaf queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub interaction: i64,
    pub queue: i64,
    pub priority: i64,
    pub platform: Platform,
    pub queued_at: Timestamp,
    /// The agent of the session's previous interaction: preferred when eligible now.
    pub previous_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub interaction: i64,
    pub agent: String,
}

/// The order interactions are served in: higher priority first, then longest waiting.
fn serve_order(a: &Waiting, b: &Waiting) -> std::cmp::Ordering {
    b.priority.cmp(&a.priority).then(a.queued_at.cmp(&b.queued_at)).then(a.interaction.cmp(&b.interaction))
}

/// Which eligible agent a queue's distribution picks.
fn choose(agents: &[Agent], waiting: &Waiting, distribution: Option<&Distribution>) -> Option<usize> {
    let eligible =
        || agents.iter().enumerate().filter(|(_, a)| a.is_eligible(waiting.queue, waiting.platform));
    if let Some(previous) = &waiting.previous_agent
        && let Some((i, _)) = eligible().find(|(_, a)| &a.name == previous)
    {
        return Some(i);
    }
    match distribution.unwrap_or(&Distribution::LongestIdle) {
        Distribution::LongestIdle => {
            // Never assigned (`None`) counts as idle longest; ties go by name for a stable plan.
            eligible()
                .min_by(|(_, a), (_, b)| a.idle_since.cmp(&b.idle_since).then(a.name.cmp(&b.name)))
                .map(|(i, _)| i)
        }
        Distribution::Cascade { order } => order
            .iter()
            .find_map(|name| eligible().find(|(_, a)| &a.name == name))
            .or_else(|| eligible().next())
            .map(|(i, _)| i),
        Distribution::Percent { shares } => {
            let share =
                |a: &Agent| shares.iter().find(|(n, _)| *n == a.name).map_or(0, |(_, p)| u32::from(*p));
            // The agent furthest below their share: least assigned per percent point.
            eligible()
                .filter(|(_, a)| share(a) > 0)
                .min_by(|(_, a), (_, b)| {
                    (u64::from(a.assigned_today) * u64::from(share(b)))
                        .cmp(&(u64::from(b.assigned_today) * u64::from(share(a))))
                        .then(a.name.cmp(&b.name))
                })
                .map(|(i, _)| i)
        }
    }
}

/// The next single assignment, if any: one routing decision.
pub fn next(
    waiting: &[Waiting],
    agents: &[Agent],
    distributions: &HashMap<i64, Distribution>,
) -> Option<Assignment> {
    // One pass: the best-served waiting interaction that some agent can take.
    let mut best: Option<(&Waiting, usize)> = None;
    for w in waiting {
        if best.is_some_and(|(b, _)| serve_order(w, b).is_ge()) {
            continue;
        }
        if let Some(agent) = choose(agents, w, distributions.get(&w.queue)) {
            best = Some((w, agent));
        }
    }
    best.map(|(w, agent)| Assignment { interaction: w.interaction, agent: agents[agent].name.clone() })
}

/// Every assignment that can be made now, in order, each agent's load growing as it goes:
/// never two agents for one interaction, never an agent over capacity.
pub fn plan(
    waiting: &[Waiting],
    agents: &[Agent],
    distributions: &HashMap<i64, Distribution>,
    now: Timestamp,
) -> Vec<Assignment> {
    let mut agents = agents.to_vec();
    let mut order: Vec<&Waiting> = waiting.iter().collect();
    order.sort_by(|a, b| serve_order(a, b));
    let mut made = Vec::new();
    for w in order {
        if !agents.iter().any(|a| a.presence.takes_new_work() && a.load.has_room(&a.capacity, w.platform)) {
            if agents.iter().all(|a| !a.presence.takes_new_work() || a.load.total() >= a.capacity.total) {
                break;
            }
            continue;
        }
        if let Some(i) = choose(&agents, w, distributions.get(&w.queue)) {
            let agent = &mut agents[i];
            agent.load.add(w.platform);
            agent.idle_since = Some(now);
            agent.assigned_today += 1;
            made.push(Assignment { interaction: w.interaction, agent: agent.name.clone() });
        }
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn agent(name: &str, queues: &[i64], idle: Option<i64>) -> Agent {
        Agent {
            name: name.into(),
            presence: Presence::Available,
            idle_since: idle.map(t),
            queues: queues.to_vec(),
            capacity: Capacity::default(),
            load: Load::default(),
            assigned_today: 0,
        }
    }

    fn waiting(id: i64, queue: i64, priority: i64, at: i64) -> Waiting {
        Waiting {
            interaction: id,
            queue,
            priority,
            platform: Platform::Messenger,
            queued_at: t(at),
            previous_agent: None,
        }
    }

    #[test]
    fn priority_then_longest_wait_then_longest_idle() {
        let agents = [agent("ana", &[1, 2], Some(50)), agent("ben", &[1, 2], Some(10))];
        let w = [waiting(1, 1, 0, 0), waiting(2, 2, 5, 30), waiting(3, 2, 5, 20)];
        let first = next(&w, &agents, &HashMap::new()).unwrap();
        assert_eq!(
            first,
            Assignment { interaction: 3, agent: "ben".into() },
            "priority 5, waited longest, to the agent idle since 10"
        );
        let all = plan(&w, &agents, &HashMap::new(), t(100));
        let order: Vec<_> = all.iter().map(|a| (a.interaction, a.agent.as_str())).collect();
        // Both were last given work at 100: the tie goes by name, so the plan is stable.
        assert_eq!(order, [(3, "ben"), (2, "ana"), (1, "ana")]);
    }

    #[test]
    fn presence_membership_and_capacity_decide_eligibility() {
        let mut away = agent("ana", &[1], None);
        away.presence = Presence::Break;
        let mut full = agent("ben", &[1], None);
        full.load = Load { messenger: 3, ..Load::default() };
        let other = agent("cy", &[2], None);
        assert_eq!(next(&[waiting(1, 1, 0, 0)], &[away, full.clone(), other], &HashMap::new()), None);
        let mut sms = waiting(2, 1, 0, 0);
        sms.platform = Platform::Sms;
        assert_eq!(
            next(&[sms.clone()], &[full.clone()], &HashMap::new()).map(|a| a.agent),
            Some("ben".into()),
            "room on SMS"
        );
        full.load.held = 1;
        full.capacity.count_held = false;
        assert!(
            full.load.has_room(&full.capacity, Platform::Messenger),
            "a held chat does not count when set so"
        );
        let capacity = Capacity::default();
        assert!(Load { messenger: 3, ..Load::default() }.has_any_room(&capacity), "room on SMS and WhatsApp");
        assert!(
            !Load { messenger: 3, sms: 2, ..Load::default() }.has_any_room(&capacity),
            "five in all: the total is reached"
        );
        assert!(
            !Load { messenger: 3, sms: 3, whatsapp: 3, ..Load::default() }
                .has_any_room(&Capacity { total: 20, ..capacity }),
            "every channel type full"
        );
    }

    #[test]
    fn cascade_percent_and_previous_agent() {
        let agents = [agent("ana", &[1], None), agent("ben", &[1], Some(5)), agent("cy", &[1], Some(1))];
        let cascade = HashMap::from([(1, Distribution::Cascade { order: vec!["cy".into(), "ben".into()] })]);
        assert_eq!(next(&[waiting(1, 1, 0, 0)], &agents, &cascade).unwrap().agent, "cy");
        let percent = HashMap::from([(
            1,
            Distribution::Percent { shares: vec![("ana".into(), 75), ("ben".into(), 25)] },
        )]);
        let w: Vec<_> = (0..8).map(|i| waiting(i, 1, 0, i)).collect();
        let mut many = agents.to_vec();
        for a in &mut many {
            a.capacity = Capacity { messenger: 100, total: 100, ..Capacity::default() };
        }
        let made = plan(&w, &many, &percent, t(9));
        let ana = made.iter().filter(|a| a.agent == "ana").count();
        assert_eq!((ana, made.len() - ana), (6, 2), "75 % / 25 %");
        let mut back = waiting(9, 1, 0, 0);
        back.previous_agent = Some("ben".into());
        assert_eq!(
            next(&[back], &agents, &HashMap::new()).unwrap().agent,
            "ben",
            "a reopened chat goes back to its agent"
        );
    }

    fn arb_agent() -> impl Strategy<Value = Agent> {
        (
            0u8..1,
            prop::collection::vec(1i64..4, 1..3),
            0u32..3,
            1u32..4,
            prop::option::of(0i64..100),
            any::<bool>(),
        )
            .prop_map(|(n, queues, load, cap, idle, available)| Agent {
                name: format!("agent{n}"),
                presence: if available { Presence::Available } else { Presence::Busy },
                idle_since: idle.map(t),
                queues,
                capacity: Capacity {
                    messenger: cap,
                    sms: cap,
                    whatsapp: cap,
                    total: cap + 1,
                    count_held: true,
                },
                load: Load { messenger: load, ..Load::default() },
                assigned_today: 0,
            })
    }

    proptest! {
        /// Never two agents for one interaction, never an agent over capacity, only members
        /// who are Available; and nothing left waiting that an agent with room could take.
        #[test]
        fn plans_respect_eligibility_and_capacity(
            agents in prop::collection::vec(arb_agent(), 0..8),
            waits in prop::collection::vec((1i64..4, 0i64..3, 0i64..1000, 0usize..3), 0..40),
        ) {
            let mut agents = agents;
            for (i, a) in agents.iter_mut().enumerate() {
                a.name = format!("agent{i}");
            }
            let platforms = [Platform::Messenger, Platform::Sms, Platform::Whatsapp];
            let waiting: Vec<Waiting> = waits.iter().enumerate().map(|(i, &(q, p, at, pl))| Waiting {
                interaction: i as i64, queue: q, priority: p, platform: platforms[pl], queued_at: t(at), previous_agent: None,
            }).collect();
            let made = plan(&waiting, &agents, &HashMap::new(), t(2000));
            let mut seen = std::collections::HashSet::new();
            let mut after = agents.clone();
            for a in &made {
                prop_assert!(seen.insert(a.interaction), "interaction {} assigned twice", a.interaction);
                let w = &waiting[a.interaction as usize];
                let agent = after.iter_mut().find(|x| x.name == a.agent).unwrap();
                prop_assert!(agent.is_eligible(w.queue, w.platform), "{} was not eligible", agent.name);
                agent.load.add(w.platform);
            }
            for w in waiting.iter().filter(|w| !seen.contains(&w.interaction)) {
                prop_assert!(!after.iter().any(|a| a.is_eligible(w.queue, w.platform)), "{} left waiting", w.interaction);
            }
        }
    }
}
