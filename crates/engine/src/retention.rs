//! The retention job: applies the retention policy shortly after start and then every few
//! hours.

use crate::{Engine, Event};
use std::sync::Arc;
use std::time::Duration;

const EVERY: Duration = Duration::from_secs(6 * 3600);
/// Purging a large cache reads every message (seconds at 1M) and holds the write lock: not
/// while the app is starting, the agent opening sessions and the pollers catching up.
const AFTER_START: Duration = Duration::from_secs(5 * 60);

pub(crate) async fn run(engine: Arc<Engine>) {
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + AFTER_START, EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(error) = engine.retention_purge_now().await {
            tracing::warn!(%error, "the retention purge failed; it runs again later");
        }
    }
}

impl Engine {
    /// Applies the retention policy now (the job does every few hours).
    pub async fn retention_purge_now(&self) -> Result<(), crate::EngineError> {
        let policy = self.store.retention_policy().await?;
        // A team's replica is a cache of the team: its old messages go too (sessions stay).
        let report = match self.team_link() {
            Some(link) => {
                // The team's database keeps them by the same policy; a desktop that polls
                // applies it there (the database refuses anyone else), as it prunes the log.
                if link.poller && link.holds("poller") == Some(true) {
                    let gone = link.team.retention_purge(self.clock.now()).await?;
                    if gone > 0 {
                        tracing::info!(gone, "retention purge of the team's database");
                    }
                }
                self.store.purge_replica(policy, self.clock.now()).await?
            }
            None => self.store.purge(policy, self.clock.now()).await?,
        };
        if report.messages_deleted > 0 {
            tracing::info!(?report, "retention purge");
            self.publish(Event::Purged { report });
            self.publish_awaiting().await;
        }
        Ok(())
    }

    /// How long messages are kept, and interactions for reports (in a team, the team's policy:
    /// its database and every replica follow it).
    pub async fn retention(&self) -> Result<switchboard_store::RetentionPolicy, crate::EngineError> {
        Ok(self.store.retention_policy().await?)
    }

    /// Changes it (an admin's; in a team, for the whole team); the next purge applies it.
    pub async fn retention_set(
        &self,
        max_age_days: u32,
        max_messages_per_session: u32,
        report_days: u32,
    ) -> Result<switchboard_store::RetentionPolicy, crate::EngineError> {
        self.require("admin", "change how long messages are kept")?;
        let policy = switchboard_store::RetentionPolicy::new(max_age_days, max_messages_per_session)
            .and_then(|p| p.with_report_days(report_days))
            .map_err(|e| crate::EngineError::Refused(e.to_string()))?;
        match self.team() {
            Some(team) => {
                team.setting_set(switchboard_store::RETENTION_KEY, &policy).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.set_retention_policy(policy).await?,
        }
        Ok(policy)
    }
}
