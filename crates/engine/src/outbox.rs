//! The outbox worker: sends pending replies oldest first, records the platform's id.

use crate::ledger::Ledger;
use crate::poller::twilio_address;
use crate::{Engine, EngineError, Event, keychain};
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::{Attachment, Platform, Secret};
use switchboard_platforms::twilio::MessageStatus;
use switchboard_platforms::{ErrorKind, MessagingType, PlatformError, TwilioApi};
use switchboard_store::{OutboxItem, StoreError};

/// How long the worker sleeps without a wake-up before looking at the outbox again.
const IDLE_RECHECK: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long a claim holds a reply: longer than the slowest send (a 25 MB upload and the send,
/// each bounded by the request time-out), so a live worker never loses its reply to another.
const CLAIM_LEASE: Duration = Duration::from_secs(300);

/// A worker's name on its claims: the process and the worker, so that a log line or a claim
/// left in the cache says whose it was.
pub(crate) fn worker_name(worker: usize) -> String {
    format!("pid{}/outbox{worker}", std::process::id())
}

pub(crate) async fn run(engine: Arc<Engine>, worker: String) {
    let mut backoff = Duration::from_millis(500);
    loop {
        match send_next(&engine, &worker).await {
            Ok(true) => backoff = Duration::from_millis(500),
            Ok(false) => {
                let _ = tokio::time::timeout(IDLE_RECHECK, engine.outbox_wake.notified()).await;
            }
            Err(error) => {
                tracing::warn!(%error, ?backoff, "sending failed; will retry");
                tokio::time::sleep(with_jitter(backoff)).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Claims and sends the oldest reply that may go out. `Ok(false)` when there was none.
async fn send_next(engine: &Engine, worker: &str) -> Result<bool, EngineError> {
    let Some(item) = engine.store.claim_next(worker, engine.clock.now(), CLAIM_LEASE).await? else {
        return Ok(false);
    };
    // One wake-up reaches one worker: pass it on, so an idle sibling takes another session's
    // reply while this one sends.
    engine.outbox_wake.notify_one();
    let settled = match send(engine, &item, &Ledger::Cache).await {
        Ok(platform_id) => engine.store.mark_sent(item.message_id, &platform_id).await,
        Err(EngineError::Platform(error))
            if !error.kind().is_retryable() && error.kind() != ErrorKind::TokenUnusable =>
        {
            engine.store.mark_failed(item.message_id, &failure_reason(&error)).await
        }
        // What no platform would take (a file Twilio cannot fetch): fail it with the reason.
        Err(EngineError::Refused(reason)) => engine.store.mark_failed(item.message_id, &reason).await,
        Err(error) => {
            // The reply stays pending, free for any worker to try again.
            engine.store.release_claim(item.message_id, worker).await?;
            if let EngineError::Platform(platform) = &error
                && platform.kind() == ErrorKind::TokenUnusable
            {
                // It goes out after reauthorization; the channel waits for it.
                if let Some(channel) =
                    engine.store.channels().await?.into_iter().find(|c| c.id == item.channel_id)
                {
                    engine.channel_expired(&channel, &platform.to_string()).await;
                }
                return Ok(true);
            }
            return Err(error);
        }
    };
    let message = match settled {
        Ok(message) => message,
        Err(StoreError::NotFound { .. }) => {
            // This worker outlived its lease and another settled the reply: nothing to announce.
            tracing::warn!(message = item.message_id, worker, "the reply was settled by another worker");
            return Ok(true);
        }
        Err(error) => return Err(error.into()),
    };
    engine.publish(Event::MessageChanged { message });
    engine.publish_session(item.session_id).await;
    Ok(true)
}

/// How far back before an attempt a platform's copy of the reply may be dated (clock skew).
const RECONCILE_SKEW: jiff::SignedDuration = jiff::SignedDuration::from_secs(120);

pub(crate) async fn send(engine: &Engine, item: &OutboxItem, ledger: &Ledger) -> Result<String, EngineError> {
    let key = keychain::channel_key(item.platform, &item.channel_external_id);
    let secret = engine
        .keychain
        .get(&key)
        .await?
        .ok_or(crate::KeychainError::Failed(format!("no credentials for channel {}", item.channel_id)))?;
    match item.platform {
        Platform::Messenger => send_messenger(engine, item, &secret, ledger).await,
        Platform::Sms | Platform::Whatsapp => {
            send_twilio(engine, item, &engine.twilio(&secret)?, ledger).await
        }
    }
}

async fn send_messenger(
    engine: &Engine,
    item: &OutboxItem,
    token: &Secret,
    ledger: &Ledger,
) -> Result<String, EngineError> {
    // An earlier attempt ended without a known outcome (a lost answer, a time-out, a crash):
    // the platform may have the reply already. Look before sending again.
    let file = match item.attachment_id {
        Some(id) => Some(ledger.attachment_content(engine, id).await?),
        None => None,
    };
    if let Some(attempted) = item.attempted_at {
        let thread =
            engine.graph.conversation_with(&item.channel_external_id, token, &item.recipient).await?;
        let same_file = |m: &switchboard_platforms::graph::GraphMessage| match &file {
            Some(file) => m.attachments().iter().any(|a| a.name.as_deref() == Some(file.file_name.as_str())),
            None => m.attachments().is_empty(),
        };
        let delivered = thread.and_then(|thread| thread.messages).and_then(|messages| {
            messages.data.into_iter().find(|m| {
                m.from.id == item.channel_external_id
                    && m.message == item.body
                    && same_file(m)
                    && m.created_time >= attempted - RECONCILE_SKEW
            })
        });
        if let Some(found) = delivered {
            tracing::info!(
                message = item.message_id,
                "the platform already had the reply; not sending it again"
            );
            return Ok(found.id);
        }
    }
    ledger.mark_attempt(engine, item.message_id, engine.clock.now()).await?;
    let messaging_type = match &item.tag {
        Some(tag) => MessagingType::Tagged(tag.clone()),
        None => MessagingType::Response,
    };
    let page = &item.channel_external_id;
    let sent = match file {
        Some(file) => {
            let attachment = Attachment::parse(&file.file_name, file.bytes.len() as u64)
                .map_err(|error| EngineError::Refused(error.to_string()))?;
            let kind = attachment.kind;
            let id = engine.graph.upload_attachment(page, token, &attachment, file.bytes).await?;
            engine.graph.send_attachment(page, token, &item.recipient, kind, &id, &messaging_type).await?
        }
        None => engine.graph.send_text(page, token, &item.recipient, &item.body, &messaging_type).await?,
    };
    Ok(sent.message_id)
}

async fn send_twilio(
    engine: &Engine,
    item: &OutboxItem,
    api: &TwilioApi,
    ledger: &Ledger,
) -> Result<String, EngineError> {
    let from = twilio_address(item.platform, &item.channel_external_id);
    let to = twilio_address(item.platform, &item.recipient);
    // As for Messenger: after an attempt without a known outcome, look before resending.
    if let Some(attempted) = item.attempted_at {
        let since = attempted - RECONCILE_SKEW;
        let day = since.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
        let filters = [("From", from.as_str()), ("To", to.as_str()), ("DateSent>", day.as_str())];
        let page = api.messages(&filters, 50).await?;
        let delivered = page.messages.into_iter().find(|m| {
            m.body.as_deref() == Some(item.body.as_str())
                && m.date_created.is_some_and(|at| at >= since)
                && !matches!(m.status, MessageStatus::Failed | MessageStatus::Canceled)
        });
        if let Some(sid) = delivered.and_then(|m| m.sid) {
            tracing::info!(message = item.message_id, "Twilio already had the reply; not sending it again");
            return Ok(sid);
        }
    }
    if item.attachment_id.is_some() {
        return Err(EngineError::Refused(TWILIO_FILES.into()));
    }
    ledger.mark_attempt(engine, item.message_id, engine.clock.now()).await?;
    let sent = match &item.template {
        Some(template) => api.send_template(&from, &to, &template.content_sid, &template.variables).await?,
        None => api.send(&from, &to, &item.body).await?,
    };
    sent.sid.ok_or_else(|| {
        EngineError::Platform(PlatformError::Malformed {
            platform: "Twilio",
            status: 201,
            detail: "the created message has no sid".into(),
        })
    })
}

/// Why files cannot go out by SMS or WhatsApp from a desktop.
pub(crate) const TWILIO_FILES: &str = "Twilio sends files only from a public web address, which a desktop app \
     does not have: send a link instead, or the file on Messenger.";

/// The reason an agent reads beside a failed reply.
pub(crate) fn failure_reason(error: &PlatformError) -> String {
    use switchboard_platforms::ErrorKind::*;
    match error.kind() {
        OutsideWindow => "Outside the messaging window: the customer has not written for too long.".into(),
        RecipientUnavailable => "The customer cannot receive messages right now.".into(),
        _ => format!("Refused by the platform: {error}"),
    }
}

/// Up to half again as long, at random, so that many desktops retrying after one outage do not
/// all come back at the same instant.
pub(crate) fn with_jitter(backoff: Duration) -> Duration {
    let mut bytes = [0u8; 2];
    let spread = getrandom::fill(&mut bytes).map_or(0, |()| u16::from_le_bytes(bytes));
    backoff + backoff.mul_f64(f64::from(spread) / f64::from(u16::MAX) / 2.0)
}
