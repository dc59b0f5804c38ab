//! Supervisors' threshold alerts on a running engine: after each change the monitor is told of
//! (and every few seconds, since waits grow without one), the wallboard's figures are held
//! against each queue's limits; a breach that begins is recorded and raises one native
//! notification for everything that began together (a click opens the monitor there); one back
//! within its limit is recorded as ended. Only a desktop whose member is a supervisor looks.

use crate::monitor::Wallboard;
use crate::{Engine, EngineError, Event, Notice};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::alerts::{self, Breach, CustomerNow, QueueNow, Thresholds};
use switchboard_store::BreachRecord;

/// How often limits are checked without a change (waits and chat times grow by themselves).
const LOOK_EVERY: Duration = Duration::from_secs(5);

impl Engine {
    /// Each queue's limits.
    pub async fn alert_thresholds(&self) -> Result<BTreeMap<i64, Thresholds>, EngineError> {
        Ok(self.store.alert_thresholds().await?)
    }

    /// Sets one queue's limits (all empty: not watched). A supervisor's; shared with the team.
    pub async fn alert_thresholds_set(
        &self,
        queue_id: i64,
        thresholds: Thresholds,
    ) -> Result<(), EngineError> {
        self.require("supervisor", "set alert thresholds")?;
        thresholds.check().map_err(|e| EngineError::Refused(e.to_string()))?;
        self.store.queue(queue_id).await?;
        let mut all = self.store.alert_thresholds().await?;
        if thresholds == Thresholds::default() {
            all.remove(&queue_id);
        } else {
            all.insert(queue_id, thresholds);
        }
        match self.team() {
            Some(team) => {
                team.alert_thresholds_set(&all).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.alert_thresholds_set(&all).await?,
        }
        self.alerts_wake.notify_one();
        Ok(())
    }

    /// The newest breaches this desktop saw, open or ended.
    pub async fn alerts_history(&self, limit: i64) -> Result<Vec<BreachRecord>, EngineError> {
        self.require("supervisor", "read the alerts")?;
        Ok(self.store.alerts_history(limit.clamp(1, 1_000)).await?)
    }

    /// Holds the wallboard against the limits once; answers the breaches that began.
    pub async fn alerts_check(&self) -> Result<Vec<Breach>, EngineError> {
        let thresholds = self.store.alert_thresholds().await?;
        // Nothing watched and nothing open: no wallboard to compute (this runs every few seconds).
        if thresholds.is_empty() && self.store.alerts_open().await?.is_empty() {
            return Ok(Vec::new());
        }
        let board = self.monitor_wallboard().await?;
        let found = breaches_of(&board, &thresholds);
        let open: BTreeSet<String> = board.alerts.iter().map(|a| a.key.clone()).collect();
        let (began, ended) = alerts::changes(&open, &found);
        if began.is_empty() && ended.is_empty() {
            return Ok(Vec::new());
        }
        self.store.alerts_record(&began, &ended, board.at).await?;
        let began: Vec<Breach> = began.into_iter().cloned().collect();
        if !began.is_empty() {
            self.notify_alerts(&began).await;
        }
        let _ = self.events.send(Event::MonitorChanged);
        Ok(began)
    }

    /// One notification for the breaches that began together; a click opens the monitor at the first.
    async fn notify_alerts(&self, began: &[Breach]) {
        let summary = match began.len() {
            1 => "Switchboard — an alert".to_owned(),
            n => format!("Switchboard — {n} alerts"),
        };
        let body = began.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
        let focus = began[0].focus.clone();
        let events = self.events.clone();
        let open = move || {
            let _ = events.send(Event::OpenMonitor { focus: focus.clone() });
        };
        if let Err(error) = self.notifier.show_clickable(Notice { summary, body }, open).await {
            tracing::warn!(%error, "cannot raise an alert's notification");
        }
    }
}

/// The wallboard's queues and customers as the limits read them.
fn breaches_of(board: &Wallboard, thresholds: &BTreeMap<i64, Thresholds>) -> Vec<Breach> {
    if thresholds.is_empty() {
        return Vec::new();
    }
    let queues: Vec<QueueNow> = board
        .queues
        .iter()
        .map(|q| QueueNow {
            id: q.queue.id,
            name: q.queue.name.clone(),
            service_level: q.today.service_level,
            longest_wait_seconds: q.waiting.longest_seconds,
            waiting: q.waiting.count,
            target_response_seconds: q.queue.target_response_seconds,
        })
        .collect();
    let since = |t: jiff::Timestamp| board.at.duration_since(t).as_secs();
    let customers: Vec<CustomerNow> = board
        .waiting
        .iter()
        .chain(board.agents.iter().flat_map(|a| a.sessions.iter()))
        .filter_map(|i| {
            Some(CustomerNow {
                session_id: i.session_id,
                queue_id: i.queue_id?,
                contact: i.contact_name.clone(),
                agent: i.agent.clone().filter(|_| i.state != "queued"),
                in_hand_seconds: i.assigned_at.filter(|_| i.state != "queued").map(since),
                unanswered_seconds: i.awaiting_since.map(since),
            })
        })
        .collect();
    alerts::breaches(&queues, &customers, thresholds)
}

/// Looks after every change the monitor is told of, and every few seconds.
pub(crate) async fn run(engine: Arc<Engine>) {
    loop {
        let _ = tokio::time::timeout(LOOK_EVERY, engine.alerts_wake.notified()).await;
        if !engine.roles().iter().any(|r| r == "supervisor") {
            continue;
        }
        if let Err(error) = engine.alerts_check().await {
            tracing::warn!(%error, "checking the alert limits failed; the next look retries");
        }
    }
}
