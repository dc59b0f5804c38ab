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
/// (timers follow the clock). A wake-up comes from a notification, which team mode never relies
/// on: a quiet tick also claims when the replica shows a customer waiting in one of the agent's
/// queues (after a freeze, or once a colleague's desktop is gone, nothing else may wake anyone).
/// Asking the replica first keeps a quiet tick off PostgreSQL.
pub(super) async fn run(engine: Arc<Engine>) {
    // The first pass claims whatever waits already.
    let mut woken = true;
    loop {
        if let Err(error) = pass(&engine, woken).await {
            tracing::warn!(%error, "a team routing pass failed; the next one retries");
        }
        woken = tokio::select! {
            () = engine.routing_wake.notified() => true,
            () = tokio::time::sleep(engine.config.routing_tick) => false,
        };
    }
}

async fn pass(engine: &Engine, woken: bool) -> Result<(), EngineError> {
    let Some(link) = engine.team_link() else { return Ok(()) };
    let team = &link.team;
    let now = engine.clock.now();
    let channels = link.leased_channels();
    let mut decided = false;
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
            // What it decided (a customer queued) is for claiming now.
            decided = true;
        }
    }
    if woken || decided || engine.store.waiting_for(&engine.config.agent).await? {
        while !team.claim_for(&engine.config.agent, now, CLAIM).await?.is_empty() {}
    }
    Ok(())
}
