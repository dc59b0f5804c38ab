//! Downloads the files customers send, beside a channel's polls: after a pass records messages
//! with files, and every half minute for those whose download failed for a passing reason.
//! The content goes into the encrypted cache; the windows get the message again, now with it.

use super::{Source, StopFlag};
use crate::{Engine, EngineError, Event};
use std::sync::Arc;
use std::time::Duration;
use switchboard_store::ChannelRecord;
use tokio::sync::Notify;

/// How long failed downloads wait before the next try (each file has 5 tries).
const RETRY_AFTER: Duration = Duration::from_secs(30);
/// Files taken from the store at a time.
const BATCH: u32 = 10;

pub(super) async fn download(
    engine: Arc<Engine>,
    channel: ChannelRecord,
    source: Source,
    wake: Arc<Notify>,
    stop: StopFlag,
) {
    loop {
        if stop.raised() {
            return;
        }
        match download_pending(&engine, &channel, &source).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, channel = channel.id, "cannot download files"),
        }
        let _ = tokio::time::timeout(RETRY_AFTER, wake.notified()).await;
    }
}

/// Downloads one batch; `Ok(true)` when it got files and more may wait.
async fn download_pending(
    engine: &Engine,
    channel: &ChannelRecord,
    source: &Source,
) -> Result<bool, EngineError> {
    let pending = engine.store.pending_downloads(channel.id, BATCH).await?;
    let mut got_any = false;
    for file in &pending {
        let changed = match source.download(engine, &file.url).await {
            Ok(download) => {
                got_any = true;
                // The host's type when it gives one, else what the message said.
                let media_type = download.media_type.filter(|t| !t.is_empty());
                let id = file.attachment_id;
                Some(engine.store.attachment_downloaded(id, media_type.as_deref(), &download.bytes).await?)
            }
            Err(EngineError::Platform(error)) => {
                let permanent = !error.kind().is_retryable();
                tracing::warn!(%error, attachment = file.attachment_id, permanent, "download failed");
                let reason = if permanent {
                    format!("Cannot be downloaded: {error}")
                } else {
                    "Could not be downloaded after several tries.".to_owned()
                };
                engine.store.attachment_failed(file.attachment_id, &reason, permanent).await?
            }
            Err(error) => return Err(error),
        };
        if let Some(message) = changed {
            engine.publish(Event::MessageChanged { message });
        }
    }
    Ok(got_any && pending.len() == BATCH as usize)
}
