//! Replies in team mode: written to this desktop's replica first (typed is never lost, online or
//! not), then pushed to the team with the id this desktop gave each — pushed twice, stored once.
//! While the team's database is unreachable they wait, and the desk says how many.

use crate::{Engine, EngineError};
use std::sync::Arc;
use std::time::Duration;
use switchboard_store::UnpushedReply;
use switchboard_team::{NewFile, NewReply};

/// How often waiting replies are tried again without a wake-up.
const RETRY: Duration = Duration::from_secs(1);

pub(super) async fn push(engine: Arc<Engine>) {
    let mut pushed = std::collections::HashSet::new();
    loop {
        if engine.team_link().is_some_and(|link| link.signed_out().is_some()) {
            return;
        }
        match engine.store.unpushed_replies().await {
            Ok(waiting) => {
                let online = match push_waiting(&engine, &waiting, &mut pushed).await {
                    Ok(()) => true,
                    Err(error) => {
                        tracing::warn!(%error, "cannot reach the team; replies wait here");
                        false
                    }
                };
                engine.publish_team_status(online, u32::try_from(waiting.len()).unwrap_or(u32::MAX));
            }
            Err(error) => tracing::warn!(%error, "cannot read the replies waiting for the team"),
        }
        let _ = tokio::time::timeout(RETRY, engine.push_wake.notified()).await;
    }
}

/// Pushes every reply in `waiting` (the team does not have them yet), oldest first. `pushed`
/// remembers those already pushed until the team's copy replaces them here (pushing again
/// would be harmless).
async fn push_waiting(
    engine: &Engine,
    waiting: &[UnpushedReply],
    pushed: &mut std::collections::HashSet<String>,
) -> Result<(), EngineError> {
    let Some(link) = engine.team_link() else { return Ok(()) };
    pushed.retain(|id| waiting.iter().any(|r| &r.client_id == id));
    for reply in waiting {
        if pushed.contains(&reply.client_id) {
            continue;
        }
        // A file goes with its reply, content included (read from the replica, where it was
        // written before anything was sent).
        let content = match reply.attachment_id {
            Some(id) => Some(engine.store.attachment_content(id).await?),
            None => None,
        };
        let file = match &content {
            Some(c) => Some(NewFile {
                kind: switchboard_core::Attachment::parse(&c.file_name, c.bytes.len() as u64)?.kind.as_str(),
                file_name: &c.file_name,
                media_type: &c.media_type,
                bytes: &c.bytes,
            }),
            None => None,
        };
        link.team
            .reply_push(&NewReply {
                client_id: &reply.client_id,
                session_id: reply.session_id,
                body: &reply.body,
                tag: reply.tag.as_deref(),
                agent: &engine.config.agent,
                created_at: reply.created_at,
                template: reply.template.as_ref(),
                file,
            })
            .await?;
        pushed.insert(reply.client_id.clone());
    }
    Ok(())
}
