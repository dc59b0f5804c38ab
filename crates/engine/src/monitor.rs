//! The supervisor's wallboard: today's figures per queue and agent, who waits, and the day's
//! chart, computed by core's metrics from what routing recorded (the replica, in a team).

use crate::{Engine, EngineError};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::HashMap;
use switchboard_core::Platform;
use switchboard_core::metrics::{
    AgentFigures, DEFINITIONS, Day, IntervalFigures, QueueFigures, Record, Waiting,
};
use switchboard_core::routing::Presence;
use switchboard_store::{MonitoredInteraction, MonitoredQueue};

/// Everything the monitor window shows, as of `at`.
#[derive(Debug, Clone, Serialize)]
pub struct Wallboard {
    pub at: Timestamp,
    pub time_zone: String,
    pub day_start: Timestamp,
    /// The current 30-minute interval began here.
    pub interval_start: Timestamp,
    pub queues: Vec<QueueBoard>,
    pub agents: Vec<AgentBoard>,
    /// Customers waiting in a queue now, oldest first.
    pub waiting: Vec<MonitoredInteraction>,
    /// The day so far, interval by interval.
    pub intervals: Vec<IntervalFigures>,
    /// The alerts open now (limits crossed), oldest first.
    pub alerts: Vec<switchboard_store::BreachRecord>,
    /// What each figure means, exactly as computed (shown on hover).
    pub definitions: HashMap<&'static str, &'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QueueBoard {
    #[serde(flatten)]
    pub queue: MonitoredQueue,
    pub today: QueueFigures,
    pub interval: QueueFigures,
    pub waiting: Waiting,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgentBoard {
    pub name: String,
    pub presence: Presence,
    pub presence_since: Timestamp,
    pub queues: Vec<i64>,
    /// What they hold now against their capacity, per channel type.
    pub load: Vec<PlatformLoad>,
    pub total_capacity: u32,
    #[serde(flatten)]
    pub today: AgentFigures,
    /// The sessions they are in now.
    pub sessions: Vec<MonitoredInteraction>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct PlatformLoad {
    pub platform: Platform,
    pub in_hand: u32,
    pub capacity: u32,
}

/// What the wallboard is made from: the cache at one moment (`Store::monitor_snapshot`).
pub use switchboard_store::MonitorSnapshot as WallboardInputs;

impl Engine {
    /// The wallboard as of now.
    pub async fn monitor_wallboard(&self) -> Result<Wallboard, EngineError> {
        self.require("supervisor", "watch the monitor")?;
        let now = self.clock.now();
        let zone = self.monitor_zone().await;
        let day = Day::containing(now, &zone);
        let inputs = self.store.monitor_snapshot(day.start).await?;
        Ok(Wallboard::assemble(inputs, now, &zone))
    }

    /// The team's time zone: its routing schedule's, else this computer's.
    pub(crate) async fn monitor_zone(&self) -> TimeZone {
        match self.store.monitor_zone().await {
            Ok(Some(zone)) => TimeZone::get(&zone).unwrap_or_else(|_| TimeZone::system()),
            Ok(None) => TimeZone::system(),
            Err(error) => {
                tracing::warn!(%error, "cannot read the team's time zone; using this computer's");
                TimeZone::system()
            }
        }
    }
}

impl Wallboard {
    /// The wallboard from its inputs: core's metrics per queue, per agent and per interval.
    pub fn assemble(inputs: WallboardInputs, now: Timestamp, zone: &TimeZone) -> Self {
        let WallboardInputs { records, queues, open, members, default_capacity, alerts } = inputs;
        let day = Day::containing(now, zone);
        let targets: HashMap<i64, SignedDuration> =
            queues.iter().map(|q| (q.id, SignedDuration::from_secs(q.service_level_seconds))).collect();
        let target = |queue: i64| targets.get(&queue).copied().unwrap_or(SignedDuration::from_secs(60));
        let interval_start =
            day.interval_of(now).and_then(|i| day.intervals().get(i).copied()).unwrap_or(day.start);

        let mut by_queue: HashMap<i64, Vec<&Record>> = HashMap::new();
        let mut by_agent: HashMap<&str, Vec<&Record>> = HashMap::new();
        for record in &records {
            by_queue.entry(record.queue).or_default().push(record);
            if let Some(agent) = record.agent.as_deref()
                && record.queued_at >= day.start
            {
                by_agent.entry(agent).or_default().push(record);
            }
        }
        let queues = queues
            .into_iter()
            .map(|queue| {
                let all = by_queue.remove(&queue.id).unwrap_or_default();
                let goal = target(queue.id);
                let of_today = all.iter().copied().filter(|r| r.queued_at >= day.start);
                let of_interval = all.iter().copied().filter(|r| r.queued_at >= interval_start);
                QueueBoard {
                    today: QueueFigures::of(of_today, goal),
                    interval: QueueFigures::of(of_interval, goal),
                    waiting: Waiting::of(all.iter().copied(), now),
                    queue,
                }
            })
            .collect();

        let agents = members
            .into_iter()
            .map(|member| {
                let capacity = member.capacity.unwrap_or(default_capacity);
                let load = [Platform::Messenger, Platform::Sms, Platform::Whatsapp]
                    .into_iter()
                    .map(|platform| PlatformLoad {
                        platform,
                        in_hand: member.load.on(platform),
                        capacity: capacity.per_platform(platform),
                    })
                    .collect();
                let mine = by_agent.get(member.name.as_str()).map(|r| r.iter().copied());
                AgentBoard {
                    today: mine.map(AgentFigures::of).unwrap_or_default(),
                    sessions: open
                        .iter()
                        .filter(|i| i.agent.as_deref() == Some(&member.name) && i.state != "queued")
                        .cloned()
                        .collect(),
                    load,
                    total_capacity: capacity.total,
                    name: member.name,
                    presence: member.presence,
                    presence_since: member.presence_since,
                    queues: member.queues,
                }
            })
            .collect();

        let intervals = switchboard_core::metrics::day_intervals(&records, day, now, target);
        Wallboard {
            at: now,
            time_zone: zone.iana_name().unwrap_or("UTC").to_owned(),
            day_start: day.start,
            interval_start,
            queues,
            agents,
            waiting: open.into_iter().filter(|i| i.state == "queued").collect(),
            intervals: intervals.into_iter().filter(|i| i.start <= now).collect(),
            definitions: DEFINITIONS.into_iter().collect(),
            alerts,
        }
    }
}
