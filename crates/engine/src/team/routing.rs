//! Routing in team mode: the holder of a channel's lease makes routing's decisions for it (core's,
//! the same as solo's), recorded only if the interaction did not change meanwhile; every desktop
//! claims waiting work for its own agent, presence and capacity checked in the claim's
//! transaction.

use crate::{Engine, EngineError};
use std::collections::HashMap;
use std::sync::Arc;
use switchboard_core::routing::{Experience, QueueTree, Setting};
use switchboard_store::StoreError;

/// How many interactions one pass decides about, and one claim takes at most.
const BATCH: i64 = 200;
const CLAIM: i64 = 5;

/// Runs passes when woken (a change arrived from the team, the agent acted) and every tick
/// (timers follow the clock, and claims are retried: see `pass`).
pub(super) async fn run(engine: Arc<Engine>) {
    loop {
        if let Err(error) = pass(&engine).await {
            tracing::warn!(%error, "a team routing pass failed; the next one retries");
        }
        tokio::select! {
            () = engine.routing_wake.notified() => {}
            () = tokio::time::sleep(engine.config.routing_tick) => {}
        }
    }
}

async fn pass(engine: &Engine) -> Result<(), EngineError> {
    let Some(link) = engine.team_link() else { return Ok(()) };
    let team = &link.team;
    let now = engine.clock.now();
    let channels = link.leased_channels();
    if !channels.is_empty() {
        let due = team.routing_due(&channels, now, BATCH).await?;
        if !due.is_empty() {
            let staffed = team.staffed_queues().await?;
            let mut experiences: HashMap<i64, (Experience, QueueTree)> = HashMap::new();
            let mut sent = false;
            for due in due {
                let channel = due.item.channel_id;
                if let std::collections::hash_map::Entry::Vacant(slot) = experiences.entry(channel) {
                    slot.insert(team.experience(channel).await?);
                }
                let (experience, tree) = &experiences[&channel];
                let setting = Setting { experience, tree, staffed: &staffed };
                let decided = match engine.decision(&due.item, setting, now).await {
                    Ok(decided) => decided,
                    // The replica has not caught up with this session yet: the next pass.
                    Err(EngineError::Store(StoreError::NotFound { .. })) => continue,
                    Err(error) => return Err(error),
                };
                let recorded = team.routing_record(decided.record(&due.item, now), due.version).await?;
                sent |= recorded && !decided.texts.is_empty();
            }
            if sent {
                engine.outbox_wake.notify_waiters();
            }
        }
    }
    // Claims run on every tick too, not only when woken: a wake-up comes from a notification,
    // and nothing in team mode relies on one (a desktop that was frozen, or lost its connection,
    // missed them). A claim with nothing to take is one cheap statement.
    while !team.claim_for(&engine.config.agent, now, CLAIM).await?.is_empty() {}
    Ok(())
}
