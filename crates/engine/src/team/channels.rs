//! Channels in team mode, on a desktop allowed to poll: for each channel it has credentials for,
//! it waits for the channel's lease; holding it, it polls and sends for the channel, renewing
//! the lease; when the lease is lost (a renewal refused, a write refused for its stale token, or
//! the database unreachable for the TTL) it stops both at once and waits again.

use super::{LEASE_LOOK, LEASE_RENEW, LEASE_TTL};
use crate::ledger::Ledger;
use crate::outbox::{self, failure_reason};
use crate::poller::{self, StopFlag};
use crate::{Engine, EngineError, keychain};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_core::ChannelState;
use switchboard_platforms::ErrorKind;
use switchboard_store::ChannelRecord;
use switchboard_team::{Lease, Outcome, TeamError};

/// How long a claim holds a reply for its sender (a new lease holder may take it at once).
const CLAIM_HOLD: Duration = Duration::from_secs(300);
/// How often an idle sender looks at the outbox without a wake-up.
const SEND_LOOK: Duration = Duration::from_secs(1);

/// Starts a lease loop for each connected channel as the replica learns of it.
pub(super) async fn watch(engine: Arc<Engine>) {
    let Some(link) = engine.team_link() else { return };
    loop {
        match engine.store.channels().await {
            Ok(channels) => {
                for channel in channels.into_iter().filter(|c| c.state == ChannelState::Connected) {
                    if link.watched.lock().unwrap_or_else(|p| p.into_inner()).insert(channel.id) {
                        tokio::spawn(hold(engine.clone(), channel));
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the team's channels"),
        }
        tokio::time::sleep(LEASE_LOOK).await;
    }
}

/// Waits for the channel's lease, serves it while held, and waits again.
async fn hold(engine: Arc<Engine>, channel: ChannelRecord) {
    let Some(link) = engine.team_link() else { return };
    let key = keychain::channel_key(channel.platform, &channel.external_id);
    loop {
        // Only a desktop with the channel's credentials (its own, or the team's opened with the
        // team key), whose member the team lets poll, does.
        let may_poll = link.holds("poller") == Some(true) && link.signed_out().is_none();
        if may_poll && credentials(&engine, &channel, &key).await {
            match link.team.lease_take(channel.id, &link.holder, LEASE_TTL).await {
                Ok(Some(lease)) => serve(&engine, &channel, lease).await,
                Ok(None) => {}
                Err(error) => tracing::debug!(%error, channel = channel.id, "cannot look at the lease"),
            }
        }
        tokio::time::sleep(LEASE_LOOK).await;
    }
}

/// Whether this desktop has the channel's credentials; if not, and it holds the team key, they
/// are opened from the team's database into this desktop's keychain.
async fn credentials(engine: &Engine, channel: &ChannelRecord, entry: &str) -> bool {
    if matches!(engine.keychain.get(entry).await, Ok(Some(_))) {
        return true;
    }
    let Some(link) = engine.team_link() else { return false };
    let opened = match engine.team_key().await {
        Ok(Some(key)) => link.team.channel_secret(channel.id, &key).await.map_err(EngineError::from),
        Ok(None) => return false,
        Err(error) => Err(error),
    };
    match opened {
        Ok(Some(secret)) => engine.keychain.set(entry, secret).await.is_ok(),
        Ok(None) => false,
        Err(error) => {
            tracing::debug!(%error, channel = channel.id, "cannot open the channel's credentials from the team");
            false
        }
    }
}

async fn serve(engine: &Arc<Engine>, channel: &ChannelRecord, lease: Lease) {
    let Some(link) = engine.team_link() else { return };
    tracing::info!(
        channel = channel.id,
        token = lease.token,
        "this desktop now polls and sends for the channel"
    );
    link.leased.lock().unwrap_or_else(|p| p.into_inner()).insert(channel.id, lease.clone());
    // Agents' desktops offer the templates the poller read (they hold no credentials): read
    // beside polling, never before it (a slow Content API must not delay a take-over).
    if channel.platform == switchboard_core::Platform::Whatsapp {
        let (engine, channel) = (engine.clone(), channel.clone());
        tokio::spawn(async move {
            if let Err(error) = engine.templates_read(&channel).await {
                tracing::warn!(%error, channel = channel.id, "cannot read the number's approved templates");
            }
        });
    }
    let stop = StopFlag::default();
    let ledger = Ledger::Team { team: link.team.clone(), lease: lease.clone() };
    let polling = tokio::spawn(poller::run(engine.clone(), channel.clone(), stop.clone(), ledger.clone()));
    let sending = tokio::spawn(send(engine.clone(), lease.clone(), ledger, stop.clone()));
    engine.wake_routing();
    let mut renewed = Instant::now();
    loop {
        tokio::time::sleep(LEASE_RENEW).await;
        match link.team.lease_renew(&lease, LEASE_TTL).await {
            Ok(true) => renewed = Instant::now(),
            Ok(false) => {
                tracing::warn!(channel = channel.id, "lease lost: another desktop polls the channel now");
                break;
            }
            // Unreachable: the lease may still be ours until the TTL runs out.
            Err(error) if renewed.elapsed() < LEASE_TTL => {
                tracing::warn!(%error, channel = channel.id, "cannot renew the lease; trying again")
            }
            Err(error) => {
                tracing::warn!(%error, channel = channel.id, "the lease ran out unrenewed; standing by");
                break;
            }
        }
        if polling.is_finished() || sending.is_finished() {
            break;
        }
    }
    stop.raise();
    link.leased.lock().unwrap_or_else(|p| p.into_inner()).remove(&channel.id);
    let _ = polling.await;
    let _ = sending.await;
}

/// Sends the channel's pending replies while the lease holds, each claimed with `SKIP LOCKED`
/// and settled with the lease's token.
async fn send(engine: Arc<Engine>, lease: Lease, ledger: Ledger, stop: StopFlag) {
    let Some(link) = engine.team_link() else { return };
    let team = &link.team;
    let worker = format!("{}#{}", link.holder, lease.token);
    let mut backoff = Duration::from_millis(500);
    while !stop.raised() {
        let item = match team.outbox_claim(&lease, &worker, engine.clock.now(), CLAIM_HOLD).await {
            Ok(Some(item)) => item,
            Ok(None) => {
                let _ = tokio::time::timeout(SEND_LOOK, engine.outbox_wake.notified()).await;
                continue;
            }
            Err(error) => {
                tracing::warn!(%error, channel = lease.channel_id, "cannot claim a reply; retrying");
                tokio::time::sleep(backoff).await;
                continue;
            }
        };
        let outcome = outbox::send(&engine, &item, &ledger).await;
        let settled = match &outcome {
            Ok(platform_message_id) => {
                team.outbox_settle(&lease, item.message_id, Outcome::Sent { platform_message_id }).await
            }
            Err(EngineError::Platform(error))
                if !error.kind().is_retryable() && error.kind() != ErrorKind::TokenUnusable =>
            {
                let reason = failure_reason(error);
                team.outbox_settle(&lease, item.message_id, Outcome::Failed { reason: &reason }).await
            }
            Err(EngineError::Refused(reason)) => {
                team.outbox_settle(&lease, item.message_id, Outcome::Failed { reason }).await
            }
            Err(EngineError::Team(TeamError::StaleLease { .. })) => return,
            Err(error) => {
                tracing::warn!(%error, ?backoff, message = item.message_id, "sending failed; will retry");
                let _ = team.outbox_release(&lease, item.message_id).await;
                tokio::time::sleep(outbox::with_jitter(backoff)).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
                continue;
            }
        };
        match settled {
            Ok(()) => backoff = Duration::from_millis(500),
            Err(TeamError::StaleLease { .. }) => return,
            Err(error) => tracing::warn!(%error, message = item.message_id, "cannot record a send's outcome"),
        }
    }
}
