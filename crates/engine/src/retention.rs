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
        if let Err(error) = purge_once(&engine).await {
            tracing::warn!(%error, "the retention purge failed; it runs again later");
        }
    }
}

pub(crate) async fn purge_once(engine: &Engine) -> Result<(), crate::EngineError> {
    let policy = engine.store.retention_policy().await?;
    // A team's replica is a cache of the team: its old messages go too, but the team keeps them.
    let report = match engine.team_link() {
        Some(_) => engine.store.purge_replica(policy, engine.clock.now()).await?,
        None => engine.store.purge(policy, engine.clock.now()).await?,
    };
    if report.messages_deleted > 0 {
        tracing::info!(?report, "retention purge");
        engine.publish(Event::Purged { report });
        engine.publish_awaiting().await;
    }
    Ok(())
}

impl Engine {
    /// How long this desktop keeps messages, and interactions for reports.
    pub async fn retention(&self) -> Result<switchboard_store::RetentionPolicy, crate::EngineError> {
        Ok(self.store.retention_policy().await?)
    }

    /// Changes it (an admin's); the next purge applies it.
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
        self.store.set_retention_policy(policy).await?;
        Ok(policy)
    }
}
