//! The contact centre's figures: pure functions over interaction histories, for the supervisor's
//! wallboard and reports. Each definition is written once here, and the monitor shows the same
//! words on hover ([`DEFINITIONS`]).
//!
//! Genesys' definitions, applied to messaging:
//! - an interaction is **offered** to the queue it entered (a transfer offers a new one to the
//!   next queue), and is counted in the interval in which it entered — so it is counted once;
//! - it is **answered** when an agent took it (assigned); its *time to answer* runs from entering
//!   the queue to that moment;
//! - it is **abandoned** when it ended unanswered because it expired in the queue, the customer
//!   left, or it was dismissed;
//! - **service level** = answered within the queue's target ÷ (answered + abandoned).

use crate::EndReason;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// The length of a reporting interval.
pub const INTERVAL: SignedDuration = SignedDuration::from_mins(30);

/// One interaction as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub queue: i64,
    pub agent: Option<String>,
    pub queued_at: Timestamp,
    pub assigned_at: Option<Timestamp>,
    pub first_response_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub end_reason: Option<EndReason>,
    /// What the agent said it came to, when they ended it.
    pub disposition: Option<String>,
}

impl Record {
    pub fn answered(&self) -> bool {
        self.assigned_at.is_some()
    }

    pub fn abandoned(&self) -> bool {
        !self.answered()
            && matches!(
                self.end_reason,
                Some(EndReason::ExpiredInQueue | EndReason::CustomerEnded | EndReason::Dismissed)
            )
    }

    /// Waiting in its queue now: not answered and not ended.
    pub fn waiting(&self) -> bool {
        !self.answered() && self.ended_at.is_none()
    }

    /// From entering the queue to an agent taking it.
    pub fn time_to_answer(&self) -> Option<SignedDuration> {
        self.assigned_at.map(|at| at.duration_since(self.queued_at))
    }

    /// From an agent taking it to their first reply.
    pub fn first_response(&self) -> Option<SignedDuration> {
        Some(self.first_response_at?.duration_since(self.assigned_at?))
    }

    /// From an agent taking it to its end.
    pub fn handle_time(&self) -> Option<SignedDuration> {
        Some(self.ended_at?.duration_since(self.assigned_at?))
    }
}

/// A queue's figures over a set of interactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct QueueFigures {
    pub offered: u32,
    pub answered: u32,
    pub abandoned: u32,
    pub answered_in_target: u32,
    /// Mean time to answer of the answered, in seconds.
    pub average_wait_seconds: Option<f64>,
    /// Abandoned ÷ offered, in percent.
    pub abandon_rate: Option<f64>,
    /// Answered within target ÷ (answered + abandoned), in percent.
    pub service_level: Option<f64>,
}

impl QueueFigures {
    /// The figures of `records` against a target time to answer.
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>, target: SignedDuration) -> Self {
        let mut figures = Self::default();
        let mut waited = SignedDuration::ZERO;
        for record in records {
            figures.offered += 1;
            if let Some(wait) = record.time_to_answer() {
                figures.answered += 1;
                waited += wait;
                if wait <= target {
                    figures.answered_in_target += 1;
                }
            } else if record.abandoned() {
                figures.abandoned += 1;
            }
        }
        figures.average_wait_seconds =
            (figures.answered > 0).then(|| waited.as_secs_f64() / f64::from(figures.answered));
        figures.abandon_rate = percent(figures.abandoned, figures.offered);
        figures.service_level = percent(figures.answered_in_target, figures.answered + figures.abandoned);
        figures
    }
}

fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

/// Who is waiting in a queue now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Waiting {
    pub count: u32,
    /// The longest wait now, in seconds.
    pub longest_seconds: Option<i64>,
}

impl Waiting {
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>, now: Timestamp) -> Self {
        let mut waiting = Self::default();
        for record in records.into_iter().filter(|r| r.waiting()) {
            waiting.count += 1;
            let wait = now.duration_since(record.queued_at).as_secs().max(0);
            waiting.longest_seconds = Some(waiting.longest_seconds.map_or(wait, |w| w.max(wait)));
        }
        waiting
    }
}

/// An agent's work over a set of interactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct AgentFigures {
    /// Interactions they took that have ended (whatever the reason, a transfer included).
    pub completed: u32,
    /// Mean handle time of the completed, in seconds.
    pub average_handle_seconds: Option<f64>,
    /// Mean time from taking an interaction to the first reply, in seconds.
    pub average_first_response_seconds: Option<f64>,
}

impl AgentFigures {
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let (mut handled, mut handle) = (0u32, SignedDuration::ZERO);
        let (mut responded, mut response) = (0u32, SignedDuration::ZERO);
        for record in records {
            if let Some(time) = record.handle_time() {
                handled += 1;
                handle += time;
            }
            if let Some(time) = record.first_response() {
                responded += 1;
                response += time;
            }
        }
        Self {
            completed: handled,
            average_handle_seconds: (handled > 0).then(|| handle.as_secs_f64() / f64::from(handled)),
            average_first_response_seconds: (responded > 0)
                .then(|| response.as_secs_f64() / f64::from(responded)),
        }
    }
}

/// A day in the team's time zone: from its local midnight to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Day {
    /// The local day that contains `at`.
    pub fn containing(at: Timestamp, zone: &TimeZone) -> Self {
        let local = at.to_zoned(zone.clone());
        let start = local.start_of_day().unwrap_or_else(|_| local.clone());
        let end =
            start.tomorrow().and_then(|t| t.start_of_day()).map_or(start.timestamp(), |t| t.timestamp());
        Self { start: start.timestamp(), end }
    }

    /// The 30-minute intervals of the day (46, 48 or 50 when the clocks change).
    pub fn intervals(&self) -> Vec<Timestamp> {
        let mut starts = Vec::with_capacity(50);
        let mut at = self.start;
        while at < self.end {
            starts.push(at);
            at = at.saturating_add(INTERVAL).unwrap_or(self.end);
        }
        starts
    }

    /// Which interval `at` falls in, if it is in the day.
    pub fn interval_of(&self, at: Timestamp) -> Option<usize> {
        if at < self.start || at >= self.end {
            return None;
        }
        let since = at.duration_since(self.start).as_secs();
        usize::try_from(since / INTERVAL.as_secs()).ok()
    }
}

/// One interval of a day's chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IntervalFigures {
    pub start: Timestamp,
    #[serde(flatten)]
    pub figures: QueueFigures,
    /// Waiting at the interval's end (or now, for the current one).
    pub waiting: u32,
}

/// The day's figures interval by interval: each interaction in the interval it entered its
/// queue; `target` gives each queue's target time to answer.
pub fn day_intervals(
    records: &[Record],
    day: Day,
    now: Timestamp,
    target: impl Fn(i64) -> SignedDuration,
) -> Vec<IntervalFigures> {
    let starts = day.intervals();
    let mut buckets: Vec<Vec<&Record>> = vec![Vec::new(); starts.len()];
    for record in records {
        if let Some(i) = day.interval_of(record.queued_at) {
            buckets[i].push(record);
        }
    }
    starts
        .iter()
        .zip(&buckets)
        .map(|(&start, bucket)| {
            // Service level needs each interaction's own queue target.
            let mut figures = QueueFigures::default();
            for record in bucket {
                let one = QueueFigures::of([*record], target(record.queue));
                figures.offered += one.offered;
                figures.answered += one.answered;
                figures.abandoned += one.abandoned;
                figures.answered_in_target += one.answered_in_target;
            }
            let answered_wait: f64 =
                bucket.iter().filter_map(|r| r.time_to_answer()).map(|d| d.as_secs_f64()).sum();
            figures.average_wait_seconds =
                (figures.answered > 0).then(|| answered_wait / f64::from(figures.answered));
            figures.abandon_rate = percent(figures.abandoned, figures.offered);
            figures.service_level = percent(figures.answered_in_target, figures.answered + figures.abandoned);
            let end = start.saturating_add(INTERVAL).unwrap_or(start).min(now);
            let waiting = waiting_at(records, end);
            IntervalFigures { start, figures, waiting }
        })
        .collect()
}

/// How many were waiting in a queue at `at`: entered before it, not yet taken or ended.
fn waiting_at(records: &[Record], at: Timestamp) -> u32 {
    let gone = |t: Option<Timestamp>| t.is_some_and(|t| t <= at);
    let n = records.iter().filter(|r| r.queued_at <= at && !gone(r.assigned_at) && !gone(r.ended_at)).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The definitions the monitor shows on hover, word for word what the code above computes.
pub const DEFINITIONS: [(&str, &str); 10] = [
    ("waiting", "Customers in the queue now whom no agent has taken yet."),
    (
        "offered",
        "Interactions that entered the queue (a transfer enters a new one in the next queue), counted in the interval they entered.",
    ),
    ("answered", "Offered interactions an agent took."),
    (
        "abandoned",
        "Offered interactions that ended before an agent took them: expired in the queue, the customer left, or dismissed.",
    ),
    ("abandon_rate", "Abandoned ÷ offered."),
    ("service_level", "Answered within the queue's target time ÷ (answered + abandoned)."),
    ("average_wait", "Mean time from entering the queue to an agent taking it, over the answered."),
    ("longest_wait", "The longest time a customer waiting now has been in the queue."),
    ("handle_time", "Mean time from an agent taking an interaction to its end, over the ended."),
    ("first_response", "Mean time from an agent taking an interaction to their first reply."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 / 86_400 * 86_400 + minutes * 60).unwrap()
    }

    fn record(queued: i64, assigned: Option<i64>, ended: Option<(i64, EndReason)>) -> Record {
        Record {
            queue: 1,
            agent: assigned.map(|_| "ana".into()),
            queued_at: at(queued),
            assigned_at: assigned.map(at),
            first_response_at: assigned.map(|a| at(a + 1)),
            ended_at: ended.map(|(e, _)| at(e)),
            end_reason: ended.map(|(_, r)| r),
            disposition: None,
        }
    }

    /// Worked by hand from Genesys' definitions: ten offered; six answered, four of them within
    /// the 2-minute target; three abandoned (expired, left, dismissed); one still waiting.
    /// Service level = 4 ÷ (6 + 3) = 44.4 %; abandon rate = 3 ÷ 10 = 30 %.
    #[test]
    fn a_queue_s_figures_worked_by_hand() {
        use EndReason::*;
        let records = [
            record(0, Some(1), Some((10, AgentEnded))),
            record(0, Some(2), Some((10, AgentEnded))),
            record(5, Some(6), Some((20, CustomerEnded))),
            record(5, Some(7), Some((30, Transferred))),
            record(10, Some(15), Some((40, AgentEnded))),
            record(10, Some(20), None),
            record(12, None, Some((22, ExpiredInQueue))),
            record(12, None, Some((13, CustomerEnded))),
            record(14, None, Some((44, Dismissed))),
            record(50, None, None),
        ];
        let figures = QueueFigures::of(&records, SignedDuration::from_mins(2));
        assert_eq!(
            (figures.offered, figures.answered, figures.abandoned, figures.answered_in_target),
            (10, 6, 3, 4)
        );
        assert!((figures.service_level.unwrap() - 400.0 / 9.0).abs() < 1e-9);
        assert_eq!(figures.abandon_rate, Some(30.0));
        // Waits 1, 2, 1, 2, 5, 10 minutes: mean 3.5 min.
        assert_eq!(figures.average_wait_seconds, Some(210.0));
        let waiting = Waiting::of(&records, at(53));
        assert_eq!(waiting, Waiting { count: 1, longest_seconds: Some(180) });

        let agent = AgentFigures::of(&records);
        // Handled and ended: 9, 8, 14, 23, 25 minutes → mean 15.8 min; first reply 1 min each.
        assert_eq!(agent.completed, 5);
        assert_eq!(agent.average_handle_seconds, Some(948.0));
        assert_eq!(agent.average_first_response_seconds, Some(60.0));
    }

    #[test]
    fn no_answered_and_no_abandoned_is_no_service_level_not_zero() {
        let figures = QueueFigures::of(&[record(0, None, None)], SignedDuration::from_mins(1));
        assert_eq!((figures.offered, figures.service_level, figures.abandon_rate), (1, None, Some(0.0)));
        assert_eq!(QueueFigures::of(&[], SignedDuration::ZERO).offered, 0);
    }

    #[test]
    fn a_day_has_46_48_or_50_intervals_in_its_own_zone() {
        let london = TimeZone::get("Europe/London").unwrap();
        let spring: Timestamp = "2026-03-29T12:00:00Z".parse().unwrap();
        let autumn: Timestamp = "2026-10-25T12:00:00Z".parse().unwrap();
        let plain: Timestamp = "2026-11-30T12:00:00Z".parse().unwrap();
        assert_eq!(Day::containing(spring, &london).intervals().len(), 46);
        assert_eq!(Day::containing(autumn, &london).intervals().len(), 50);
        assert_eq!(Day::containing(plain, &london).intervals().len(), 48);
        // The team's midnight, not the server's: 00:30 in Auckland is the previous UTC day.
        let auckland = TimeZone::get("Pacific/Auckland").unwrap();
        let day = Day::containing("2026-11-30T11:30:00Z".parse().unwrap(), &auckland);
        assert_eq!(day.start.to_string(), "2026-11-30T11:00:00Z");
    }

    fn any_record() -> impl Strategy<Value = Record> {
        let reason = prop::sample::select(EndReason::ALL.to_vec());
        (0..2_000i64, prop::option::of(0..600i64), prop::option::of((0..3_000i64, reason)), 1..4i64).prop_map(
            |(queued, waited, end, queue)| {
                let assigned = waited.map(|w| queued + w);
                let ended = end.map(|(e, reason)| (assigned.unwrap_or(queued) + e, reason));
                Record { queue, ..record(queued, assigned, ended) }
            },
        )
    }

    proptest! {
        #[test]
        fn service_level_is_a_percentage_and_nothing_is_counted_twice(
            records in prop::collection::vec(any_record(), 0..200),
            target in 0..900i64,
        ) {
            let figures = QueueFigures::of(&records, SignedDuration::from_secs(target));
            prop_assert!(figures.answered + figures.abandoned <= figures.offered);
            prop_assert!(figures.answered_in_target <= figures.answered);
            if let Some(sl) = figures.service_level {
                prop_assert!((0.0..=100.0).contains(&sl));
            }
            let day = Day::containing(at(0), &TimeZone::UTC);
            let intervals = day_intervals(&records, day, at(3_000), |_| SignedDuration::from_secs(target));
            let in_day = records.iter().filter(|r| day.interval_of(r.queued_at).is_some()).count();
            let counted: u32 = intervals.iter().map(|i| i.figures.offered).sum();
            prop_assert_eq!(counted as usize, in_day, "each interaction in exactly one interval");
            for interval in &intervals {
                let f = interval.figures;
                prop_assert!(f.answered + f.abandoned <= f.offered);
                prop_assert!(f.service_level.is_none_or(|sl| (0.0..=100.0).contains(&sl)));
            }
            let answered: u32 = intervals.iter().map(|i| i.figures.answered).sum();
            let whole = QueueFigures::of(records.iter().filter(|r| day.interval_of(r.queued_at).is_some()), SignedDuration::from_secs(target));
            prop_assert_eq!(answered, whole.answered, "the intervals add up to the day");
        }
    }
}
