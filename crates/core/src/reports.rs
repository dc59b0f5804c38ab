//! Standard reports over a date range: pure functions from interaction histories to one table
//! shape, which the screen shows and the CSV export writes — the same cells, so the file's totals
//! are the screen's (Chatwoot #7348 was not). Times are in the team's zone (Chatwoot #4028 used
//! the server's); "business hours only" keeps what entered a queue while the schedule was open
//! (Chatwoot #3446).

use crate::metrics::{INTERVAL, QueueFigures, Record};
use crate::routing::Schedule;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Interactions by queue.
    Queues,
    /// Interactions by agent.
    Agents,
    /// Service level and abandon by 30-minute interval.
    Intervals,
    Dispositions,
    /// Offered by hour of the day.
    BusiestHours,
}

/// One cell, typed so that the screen formats it and the CSV writes the number.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    Count(u64),
    /// A percentage, one decimal; none when nothing to divide by.
    Percent(Option<f64>),
    /// A duration in whole seconds; none when nothing was measured.
    Seconds(Option<i64>),
    /// A local time in the team's zone, ISO 8601 with its offset.
    Time(String),
}

impl Cell {
    /// As the CSV file has it: numbers plain, empty for none.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Time(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Percent(p) => p.map(|p| format!("{p:.1}")).unwrap_or_default(),
            Cell::Seconds(s) => s.map(|s| s.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub kind: ReportKind,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The whole range in one row, where adding up makes sense.
    pub totals: Option<Vec<Cell>>,
}

/// What a report is asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest<'a> {
    pub kind: ReportKind,
    pub from: Timestamp,
    pub to: Timestamp,
    pub zone: &'a TimeZone,
    /// Only what entered a queue while this schedule was open.
    pub business_hours: Option<&'a Schedule>,
}

/// A queue as reports name it, with its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueInfo {
    pub id: i64,
    pub name: String,
    pub service_level_seconds: i64,
    pub target_response_seconds: i64,
}

/// The nearest-rank percentile (`p` in 0–100) of sorted seconds.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// Whole seconds, sorted.
fn seconds(durations: impl Iterator<Item = SignedDuration>) -> Vec<i64> {
    let mut s: Vec<i64> = durations.map(|d| d.as_secs()).collect();
    s.sort_unstable();
    s
}

/// Whether an agent took longer than the queue's target to answer, or has not yet and is past it.
fn target_exceeded(r: &Record, target: i64, to: Timestamp) -> bool {
    let Some(assigned) = r.assigned_at else { return false };
    let limit = SignedDuration::from_secs(target);
    match r.first_response_at {
        Some(first) => first.duration_since(assigned) > limit,
        None => r.ended_at.unwrap_or(to).duration_since(assigned) > limit,
    }
}

fn local(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn count(n: usize) -> Cell {
    Cell::Count(n as u64)
}

/// The report over `records` (the interactions that entered a queue in the range).
pub fn report(records: &[Record], queues: &[QueueInfo], request: &ReportRequest<'_>) -> Table {
    let in_range: Vec<&Record> = records
        .iter()
        .filter(|r| r.queued_at >= request.from && r.queued_at < request.to)
        .filter(|r| request.business_hours.is_none_or(|s| s.is_open(r.queued_at)))
        .collect();
    let by_id: BTreeMap<i64, &QueueInfo> = queues.iter().map(|q| (q.id, q)).collect();
    let sl_target =
        |queue: i64| SignedDuration::from_secs(by_id.get(&queue).map_or(60, |q| q.service_level_seconds));
    let response_target = |queue: i64| by_id.get(&queue).map_or(120, |q| q.target_response_seconds);
    // Figures of a group against each interaction's own queue target.
    let figures = |group: &[&Record]| {
        let mut f = QueueFigures::default();
        let mut waited = 0.0;
        for r in group {
            let one = QueueFigures::of([*r], sl_target(r.queue));
            f.offered += one.offered;
            f.answered += one.answered;
            f.abandoned += one.abandoned;
            f.answered_in_target += one.answered_in_target;
            waited += r.time_to_answer().map_or(0.0, |d| d.as_secs_f64());
        }
        f.average_wait_seconds = (f.answered > 0).then(|| waited / f64::from(f.answered));
        f.abandon_rate = (f.offered > 0).then(|| f64::from(f.abandoned) * 100.0 / f64::from(f.offered));
        let judged = f.answered + f.abandoned;
        f.service_level = (judged > 0).then(|| f64::from(f.answered_in_target) * 100.0 / f64::from(judged));
        f
    };
    let times = |group: &[&Record]| {
        let first = seconds(group.iter().filter_map(|r| r.first_response()));
        let handle = seconds(group.iter().filter_map(|r| r.handle_time()));
        let exceeded =
            group.iter().filter(|r| target_exceeded(r, response_target(r.queue), request.to)).count();
        vec![
            Cell::Seconds(percentile(&first, 50)),
            Cell::Seconds(percentile(&first, 90)),
            Cell::Seconds(percentile(&handle, 50)),
            Cell::Seconds(percentile(&handle, 90)),
            count(exceeded),
        ]
    };
    let time_columns = [
        "Median first response (s)",
        "P90 first response (s)",
        "Median handle time (s)",
        "P90 handle time (s)",
        "Target response exceeded",
    ];
    let queue_cells = |f: QueueFigures| {
        vec![
            Cell::Count(f.offered.into()),
            Cell::Count(f.answered.into()),
            Cell::Count(f.abandoned.into()),
            Cell::Percent(f.abandon_rate),
            Cell::Percent(f.service_level),
            Cell::Seconds(f.average_wait_seconds.map(|s| s.round() as i64)),
        ]
    };
    let queue_columns =
        ["Offered", "Answered", "Abandoned", "Abandon rate (%)", "Service level (%)", "Average wait (s)"];
    let strings = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();

    match request.kind {
        ReportKind::Queues => {
            let mut groups: BTreeMap<i64, Vec<&Record>> = BTreeMap::new();
            for r in &in_range {
                groups.entry(r.queue).or_default().push(r);
            }
            let rows = queues
                .iter()
                .map(|q| {
                    let group = groups.remove(&q.id).unwrap_or_default();
                    let mut row = vec![Cell::Text(q.name.clone())];
                    row.extend(queue_cells(figures(&group)));
                    row.extend(times(&group));
                    row
                })
                .collect();
            let mut totals = vec![Cell::Text("All queues".into())];
            totals.extend(queue_cells(figures(&in_range)));
            totals.extend(times(&in_range));
            let mut columns = strings(&["Queue"]);
            columns.extend(strings(&queue_columns));
            columns.extend(strings(&time_columns));
            Table { kind: request.kind, columns, rows, totals: Some(totals) }
        }
        ReportKind::Agents => {
            let taken: Vec<&Record> = in_range.iter().copied().filter(|r| r.answered()).collect();
            let mut groups: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
            for r in &taken {
                groups.entry(r.agent.as_deref().unwrap_or("—")).or_default().push(r);
            }
            let row = |name: &str, group: &[&Record]| {
                let completed = group.iter().filter(|r| r.ended_at.is_some()).count();
                let mut row = vec![Cell::Text(name.to_owned()), count(group.len()), count(completed)];
                row.extend(times(group));
                row
            };
            let rows = groups.iter().map(|(name, group)| row(name, group)).collect();
            let totals = row("All agents", &taken);
            let mut columns = strings(&["Agent", "Taken", "Completed"]);
            columns.extend(strings(&time_columns));
            Table { kind: request.kind, columns, rows, totals: Some(totals) }
        }
        ReportKind::Intervals => {
            let mut groups: BTreeMap<Timestamp, Vec<&Record>> = BTreeMap::new();
            for r in &in_range {
                let since = r.queued_at.duration_since(request.from).as_secs();
                let start =
                    request.from + SignedDuration::from_secs(since - since.rem_euclid(INTERVAL.as_secs()));
                groups.entry(start).or_default().push(r);
            }
            let rows = groups
                .iter()
                .map(|(start, group)| {
                    let mut row = vec![Cell::Time(local(*start, request.zone))];
                    row.extend(queue_cells(figures(group)));
                    row
                })
                .collect();
            let mut totals = vec![Cell::Text("Whole range".into())];
            totals.extend(queue_cells(figures(&in_range)));
            let mut columns = strings(&["Interval start"]);
            columns.extend(strings(&queue_columns));
            Table { kind: request.kind, columns, rows, totals: Some(totals) }
        }
        ReportKind::Dispositions => {
            let ended: Vec<&Record> =
                in_range.iter().copied().filter(|r| r.answered() && r.ended_at.is_some()).collect();
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for r in &ended {
                *counts.entry(r.disposition.clone().unwrap_or_else(|| "(none)".into())).or_default() += 1;
            }
            let share =
                |n: usize| Cell::Percent((!ended.is_empty()).then(|| n as f64 * 100.0 / ended.len() as f64));
            let rows =
                counts.iter().map(|(d, n)| vec![Cell::Text(d.clone()), count(*n), share(*n)]).collect();
            let totals = vec![Cell::Text("All".into()), count(ended.len()), share(ended.len())];
            Table {
                kind: request.kind,
                columns: strings(&["Disposition", "Interactions", "Share (%)"]),
                rows,
                totals: Some(totals),
            }
        }
        ReportKind::BusiestHours => {
            let mut hours = [0usize; 24];
            for r in &in_range {
                let hour = r.queued_at.to_zoned(request.zone.clone()).hour();
                hours[usize::try_from(hour).unwrap_or(0).min(23)] += 1;
            }
            let rows = hours
                .iter()
                .enumerate()
                .map(|(h, n)| vec![Cell::Text(format!("{h:02}:00–{:02}:00", (h + 1) % 24)), count(*n)])
                .collect();
            Table {
                kind: request.kind,
                columns: strings(&["Hour", "Offered"]),
                rows,
                totals: Some(vec![Cell::Text("All hours".into()), count(in_range.len())]),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EndReason;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_790_035_200 + minutes * 60).unwrap()
    }

    fn record(queue: i64, agent: &str, queued: i64, wait: Option<i64>, first: i64, handle: i64) -> Record {
        Record {
            queue,
            agent: wait.map(|_| agent.to_owned()),
            queued_at: at(queued),
            assigned_at: wait.map(|w| at(queued + w)),
            first_response_at: wait.map(|w| at(queued + w + first)),
            ended_at: Some(at(queued + wait.unwrap_or(0) + handle)),
            end_reason: Some(if wait.is_some() { EndReason::AgentEnded } else { EndReason::ExpiredInQueue }),
            disposition: wait.map(|_| "Sold".to_owned()),
        }
    }

    fn queues() -> Vec<QueueInfo> {
        vec![
            QueueInfo {
                id: 1,
                name: "Sales".into(),
                service_level_seconds: 120,
                target_response_seconds: 120,
            },
            QueueInfo {
                id: 2,
                name: "Repairs".into(),
                service_level_seconds: 60,
                target_response_seconds: 60,
            },
        ]
    }

    fn request(kind: ReportKind) -> ReportRequest<'static> {
        static UTC: std::sync::LazyLock<TimeZone> = std::sync::LazyLock::new(|| TimeZone::UTC);
        ReportRequest { kind, from: at(0), to: at(24 * 60), zone: &UTC, business_hours: None }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!((percentile(&s, 50), percentile(&s, 90)), (Some(5), Some(9)));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn queues_add_up_to_the_total_row() {
        let records = [
            record(1, "ana", 0, Some(1), 1, 10),
            record(1, "ben", 10, Some(3), 4, 20),
            record(1, "ana", 20, None, 0, 5),
            record(2, "ben", 30, Some(2), 2, 30),
            // Outside the range: not counted.
            record(2, "ben", 25 * 60, Some(1), 1, 1),
        ];
        let table = report(&records, &queues(), &request(ReportKind::Queues));
        assert_eq!(table.rows.len(), 2);
        let offered = |row: &Vec<Cell>| match row[1] {
            Cell::Count(n) => n,
            _ => unreachable!(),
        };
        assert_eq!(
            offered(&table.rows[0]) + offered(&table.rows[1]),
            offered(table.totals.as_ref().unwrap())
        );
        // Sales: 3 offered, 2 answered (1 and 3 min; target 2 min → 1 in), 1 abandoned → SL 1/3.
        assert_eq!(
            table.rows[0][1..6].to_vec(),
            vec![
                Cell::Count(3),
                Cell::Count(2),
                Cell::Count(1),
                Cell::Percent(Some(100.0 / 3.0)),
                Cell::Percent(Some(100.0 / 3.0)),
            ]
        );
        // Ben's first reply took 4 min against Sales' 2 min target; Repairs' 2 min against 1.
        let totals = table.totals.unwrap();
        assert_eq!(totals.last(), Some(&Cell::Count(2)));
        assert_eq!(totals.len(), table.columns.len());
    }

    #[test]
    fn agents_dispositions_hours_and_intervals() {
        let records = [
            record(1, "ana", 0, Some(1), 1, 10),
            record(1, "ben", 45, Some(3), 4, 20),
            record(1, "ana", 70, None, 0, 5),
        ];
        let agents = report(&records, &queues(), &request(ReportKind::Agents));
        assert_eq!(
            agents.rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
            [Cell::Text("ana".into()), Cell::Text("ben".into())]
        );
        assert_eq!(agents.totals.as_ref().unwrap()[1], Cell::Count(2), "two taken");
        let dispositions = report(&records, &queues(), &request(ReportKind::Dispositions));
        assert_eq!(
            dispositions.rows,
            vec![vec![Cell::Text("Sold".into()), Cell::Count(2), Cell::Percent(Some(100.0))]]
        );
        let hours = report(&records, &queues(), &request(ReportKind::BusiestHours));
        assert_eq!(hours.rows.len(), 24);
        assert_eq!(hours.rows[0][1], Cell::Count(2));
        assert_eq!(hours.rows[1][1], Cell::Count(1));
        let intervals = report(&records, &queues(), &request(ReportKind::Intervals));
        assert_eq!(intervals.rows.len(), 3, "00:00, 00:30 and 01:00");
        assert_eq!(intervals.rows[1][0], Cell::Time("2026-09-22T00:30:00+00:00".into()));
    }

    #[test]
    fn business_hours_keep_only_what_came_in_while_open() {
        let records = [record(1, "ana", 60, Some(1), 1, 10), record(1, "ana", 10 * 60, Some(1), 1, 10)];
        let office = Schedule::office_hours("UTC");
        let mut req = request(ReportKind::Queues);
        req.business_hours = Some(&office);
        let table = report(&records, &queues(), &req);
        let offered = &table.totals.unwrap()[1];
        assert!(matches!(offered, Cell::Count(1)), "the 01:00 customer is outside office hours: {offered:?}");
    }
}
