//! Downloads the files customers send, beside a channel's polls: after a pass records messages
//! with files, and again after `download_retry` (half a minute) while some download failed for
//! a passing reason. With nothing to download it waits for the next pass without touching the
//! cache, so that idle cache connections close and give their memory back.
//! The content goes into the encrypted cache (in a team: into the team's database, fenced by the
//! lease, and every desktop's replica learns through the change log that it is there); the
//! windows get the message again, now with it.

use super::{Source, StopFlag};
use crate::ledger::Ledger;
use crate::{Engine, EngineError, Event};
use std::sync::Arc;
use switchboard_store::ChannelRecord;
use tokio::sync::Notify;

/// Files taken from the store at a time.
const BATCH: u32 = 10;

pub(super) async fn download(
    engine: Arc<Engine>,
    channel: ChannelRecord,
    source: Source,
    ledger: Ledger,
    wake: Arc<Notify>,
    stop: StopFlag,
) {
    loop {
        if stop.raised() {
            return;
        }
        match download_pending(&engine, &channel, &source, &ledger).await {
            Ok(Next::Now) => continue,
            Ok(Next::Idle) => wake.notified().await,
            Ok(Next::Retry) => {
                let _ = tokio::time::timeout(engine.config.download_retry, wake.notified()).await;
            }
            Err(error) => {
                tracing::warn!(%error, channel = channel.id, "cannot download files");
                let _ = tokio::time::timeout(engine.config.download_retry, wake.notified()).await;
            }
        }
    }
}

/// What the downloader does after a batch.
enum Next {
    /// More files may wait: go on.
    Now,
    /// Some failed for a passing reason: try again in a while.
    Retry,
    /// Nothing left: wait until a pass records files.
    Idle,
}

/// Downloads one batch.
async fn download_pending(
    engine: &Engine,
    channel: &ChannelRecord,
    source: &Source,
    ledger: &Ledger,
) -> Result<Next, EngineError> {
    let pending = ledger.pending_downloads(engine, channel.id, BATCH).await?;
    let mut got_any = false;
    let mut retry = false;
    for file in &pending {
        let changed = match source.download(engine, &file.url).await {
            Ok(download) => {
                got_any = true;
                // The host's type when it gives one, else what the message said.
                let media_type = download.media_type.filter(|t| !t.is_empty());
                let id = file.attachment_id;
                ledger.downloaded(engine, id, media_type.as_deref(), &download.bytes).await?
            }
            Err(EngineError::Platform(error)) => {
                let permanent = !error.kind().is_retryable();
                tracing::warn!(%error, attachment = file.attachment_id, permanent, "download failed");
                let reason = if permanent {
                    format!("Cannot be downloaded: {error}")
                } else {
                    "Could not be downloaded after several tries.".to_owned()
                };
                let (settled, message) =
                    ledger.download_failed(engine, file.attachment_id, &reason, permanent).await?;
                retry |= !settled;
                message
            }
            Err(error) => return Err(error),
        };
        if let Some(message) = changed {
            engine.publish(Event::MessageChanged { message });
        }
    }
    Ok(if got_any && pending.len() == BATCH as usize {
        Next::Now
    } else if retry {
        Next::Retry
    } else {
        Next::Idle
    })
}
