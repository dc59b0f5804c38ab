//! Replies in team mode: written to this desktop's replica first (typed is never lost, online or
//! not), then pushed to the team with the id this desktop gave each — pushed twice, stored once.
//! While the team's database is unreachable they wait, and the desk says how many.

use crate::{Engine, EngineError};
use std::sync::Arc;
use std::time::Duration;
use switchboard_team::NewReply;

/// How often waiting replies are tried again without a wake-up.
const RETRY: Duration = Duration::from_secs(1);

pub(super) async fn push(engine: Arc<Engine>) {
    let mut pushed = std::collections::HashSet::new();
    loop {
        let online = match push_waiting(&engine, &mut pushed).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "cannot reach the team; replies wait here");
                false
            }
        };
        engine.publish_team_status(online).await;
        let _ = tokio::time::timeout(RETRY, engine.push_wake.notified()).await;
    }
}

/// Pushes every reply the team does not have, oldest first. `pushed` remembers those already
/// pushed until the team's copy replaces them here (pushing again would be harmless).
async fn push_waiting(
    engine: &Engine,
    pushed: &mut std::collections::HashSet<String>,
) -> Result<(), EngineError> {
    let Some(link) = engine.team_link() else { return Ok(()) };
    let waiting = engine.store.unpushed_replies().await?;
    pushed.retain(|id| waiting.iter().any(|r| &r.client_id == id));
    for reply in &waiting {
        if pushed.contains(&reply.client_id) {
            continue;
        }
        link.team
            .reply_push(&NewReply {
                client_id: &reply.client_id,
                session_id: reply.session_id,
                body: &reply.body,
                tag: reply.tag.as_deref(),
                agent: &engine.config.agent,
                created_at: reply.created_at,
            })
            .await?;
        pushed.insert(reply.client_id.clone());
    }
    Ok(())
}
