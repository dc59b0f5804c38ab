//! One poller per channel: reads what changed since the stored cursor and records it.
//!
//! A channel's first poll is its backfill: it reads back to the retention horizon (older
//! messages would be purged at once), records page by page, reports its progress, and only
//! then stores a cursor, so that a backfill cut short starts again and loses nothing. After
//! that each poll reads from the cursor, however long ago it was (a sleep, a pause).

mod files;
mod messenger;
mod twilio;

pub(crate) use twilio::address as twilio_address;

use crate::ledger::Ledger;
use crate::{Engine, EngineError, Event, keychain};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::{Direction, Platform, Secret};
use switchboard_platforms::ErrorKind;
use switchboard_store::{ChannelRecord, IncomingMessage, MessageRecord};

/// The longest a throttled poller waits when the platform does not say how long.
const MAX_THROTTLE_WAIT: Duration = Duration::from_secs(60);
/// Backfilled customer messages younger than this raise one notice when the backfill ends;
/// older history raises none.
const BACKFILL_NOTICE_AGE: SignedDuration = SignedDuration::from_hours(24);

/// How far a channel's backfill has come, for the progress bar.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BackfillProgress {
    pub channel_id: i64,
    /// 0–1: the share of the time back to the retention horizon read so far.
    pub fraction: f64,
    pub messages: u64,
    pub done: bool,
}

/// Raised to end one poller: its channel expired or was disconnected, or a newer poller (with
/// new credentials) took over.
#[derive(Debug, Clone, Default)]
pub(crate) struct StopFlag(Arc<std::sync::atomic::AtomicBool>);

impl StopFlag {
    pub(crate) fn raise(&self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) fn raised(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn same(&self, other: &StopFlag) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

pub(crate) async fn run(engine: Arc<Engine>, channel: ChannelRecord, stop: StopFlag, ledger: Ledger) {
    poll_until_stopped(&engine, &channel, &stop, &ledger).await;
    engine.poller_stopped(channel.id, &stop);
}

async fn poll_until_stopped(engine: &Arc<Engine>, channel: &ChannelRecord, stop: &StopFlag, ledger: &Ledger) {
    let key = keychain::channel_key(channel.platform, &channel.external_id);
    let secret = match engine.keychain.get(&key).await {
        Ok(Some(secret)) => secret,
        Ok(None) => {
            tracing::error!(channel = channel.id, "no credentials in the keychain; not polling");
            return;
        }
        Err(error) => {
            tracing::error!(%error, channel = channel.id, "cannot read the channel's credentials");
            return;
        }
    };
    let source = match Source::new(engine, channel, secret) {
        Ok(source) => source,
        Err(error) => {
            tracing::error!(%error, channel = channel.id, "unusable credentials in the keychain");
            return;
        }
    };
    let every = match channel.platform {
        Platform::Messenger => engine.config.messenger_poll,
        Platform::Sms | Platform::Whatsapp => engine.config.twilio_poll,
    };
    // The customers' files are downloaded beside the polls, so a large one never delays them.
    let files = Arc::new(tokio::sync::Notify::new());
    tokio::spawn(files::download(
        engine.clone(),
        channel.clone(),
        source.clone(),
        ledger.clone(),
        files.clone(),
        stop.clone(),
    ));
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut throttled = every;
    loop {
        ticks.tick().await;
        if stop.raised() {
            return;
        }
        match source.poll(engine, channel, ledger).await {
            Ok(recorded_files) => {
                throttled = every;
                if recorded_files {
                    files.notify_one();
                }
            }
            Err(EngineError::Team(switchboard_team::TeamError::StaleLease { .. })) => {
                // Another desktop holds the channel now (this one was frozen or cut off): it
                // records nothing more; its lease loop becomes a standby again.
                tracing::warn!(channel = channel.id, "lease lost; this desktop stops polling the channel");
                return;
            }
            Err(EngineError::Platform(error)) if error.kind() == ErrorKind::TokenUnusable => {
                // Connecting the channel again (reauthorization) starts a new poller.
                engine.channel_expired(channel, &error.to_string()).await;
                return;
            }
            Err(EngineError::Platform(error)) if error.kind() == ErrorKind::Throttled => {
                // The platform's own estimate when it gives one, else doubling pauses.
                throttled = (throttled * 2).min(MAX_THROTTLE_WAIT);
                let wait = error.retry_after().unwrap_or(throttled);
                tracing::warn!(%error, ?wait, channel = channel.id, "throttled; waiting");
                tokio::time::sleep(wait).await;
            }
            Err(error) => tracing::warn!(%error, channel = channel.id, "poll failed; retrying"),
        }
    }
}

/// How many times one read is tried when it meets passing faults.
const READ_ATTEMPTS: u32 = 4;

/// One platform read, tried again after passing faults (5xx, time-outs, broken answers) with
/// doubling pauses: a long pass, such as a backfill, is not thrown away for one 5xx.
/// Throttling and refusals go straight back to the poller.
pub(super) async fn read<T, F, Fut>(mut call: F) -> Result<T, EngineError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, switchboard_platforms::PlatformError>>,
{
    let mut pause = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(error) if error.kind() == ErrorKind::Transient && attempt < READ_ATTEMPTS => {
                tracing::debug!(%error, attempt, "read failed; trying again");
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            answer => return answer.map_err(EngineError::from),
        }
    }
}

/// A channel's platform client with its credentials.
#[derive(Clone)]
enum Source {
    Messenger { token: Secret },
    Twilio(switchboard_platforms::TwilioApi),
}

impl Source {
    fn new(engine: &Engine, channel: &ChannelRecord, secret: Secret) -> Result<Self, EngineError> {
        Ok(match channel.platform {
            Platform::Messenger => Source::Messenger { token: secret },
            Platform::Sms | Platform::Whatsapp => Source::Twilio(engine.twilio(&secret)?),
        })
    }

    /// One pass; answers whether it recorded files to download.
    async fn poll(
        &self,
        engine: &Engine,
        channel: &ChannelRecord,
        ledger: &Ledger,
    ) -> Result<bool, EngineError> {
        let cursor = ledger.cursor(engine, channel.id).await?.and_then(|c| c.parse::<Timestamp>().ok());
        let mut pass = Pass::new(engine, channel, cursor, ledger.clone()).await?;
        let newest = match self {
            Source::Messenger { token } => messenger::poll(engine, channel, token, &mut pass).await?,
            Source::Twilio(api) => twilio::poll(engine, channel, api, &mut pass).await?,
        };
        let files = pass.files;
        pass.finish(engine, channel, newest).await?;
        Ok(files)
    }

    /// Downloads a file a message carries, from where the platform keeps it.
    async fn download(
        &self,
        engine: &Engine,
        url: &str,
    ) -> Result<switchboard_platforms::Download, EngineError> {
        Ok(match self {
            Source::Messenger { .. } => engine.graph.download(url).await?,
            Source::Twilio(api) => api.download(url).await?,
        })
    }
}

/// One poll: what it has recorded so far and, for a backfill, how far back it has read.
struct Pass {
    /// Read everything from here on: the cursor, or the retention horizon for a backfill.
    since: Timestamp,
    backfill: Option<Backfill>,
    /// New customer messages, for the notification at the end of the pass.
    inbound: Vec<MessageRecord>,
    /// Whether the pass recorded anything (then the awaiting count may have moved).
    changed: bool,
    /// Whether it recorded files, to download.
    files: bool,
    ledger: Ledger,
}

struct Backfill {
    started: Timestamp,
    messages: u64,
    /// Never goes back, though a platform read in several lists restarts from the newest.
    fraction: f64,
}

impl Pass {
    async fn new(
        engine: &Engine,
        channel: &ChannelRecord,
        cursor: Option<Timestamp>,
        ledger: Ledger,
    ) -> Result<Self, EngineError> {
        let now = engine.clock.now();
        Ok(match cursor {
            Some(since) => {
                Self { since, backfill: None, inbound: Vec::new(), changed: false, files: false, ledger }
            }
            None => {
                let horizon = engine.store.retention_policy().await?.cutoff(now);
                tracing::info!(channel = channel.id, %horizon, "backfill starts");
                let mut pass = Self {
                    since: horizon,
                    backfill: Some(Backfill { started: now, messages: 0, fraction: 0.0 }),
                    inbound: Vec::new(),
                    changed: false,
                    files: false,
                    ledger,
                };
                pass.progress(engine, channel, 0, None);
                pass
            }
        })
    }

    fn is_backfill(&self) -> bool {
        self.backfill.is_some()
    }

    /// Records a batch (any order; it is put oldest first) and tells the windows. Messages of
    /// one session must come in one batch: within a second, the batch's order is their order.
    async fn record(
        &mut self,
        engine: &Engine,
        channel: &ChannelRecord,
        mut batch: Vec<IncomingMessage>,
    ) -> Result<(), EngineError> {
        // Lists come newest first: reversing before a stable sort keeps the platform's order
        // among messages of the same second.
        let mut seen = std::collections::HashSet::new();
        batch.retain(|m| seen.insert(m.platform_message_id.clone()));
        batch.reverse();
        batch.sort_by_key(|message| message.created_at);
        if let Ledger::Team { team, lease } = &self.ledger {
            // The team records it; every desktop (this one too) sees it through the change log.
            let recorded = team.record_messages(lease, channel.platform, &batch).await?;
            if !recorded.messages.is_empty() {
                engine.wake_routing();
            }
            self.files |= recorded.files > 0;
            return Ok(());
        }
        let recorded = engine.store.record_messages(channel.id, channel.platform, &batch).await?;
        if !recorded.new_messages.is_empty() {
            engine.wake_routing();
        }
        for message in recorded.new_messages.iter().cloned() {
            engine.publish(Event::MessageChanged { message });
        }
        self.changed |= !recorded.sessions.is_empty();
        self.files |= recorded.new_messages.iter().any(|m| !m.attachments.is_empty());
        for session_id in recorded.sessions {
            engine.publish_session(session_id).await;
        }
        let inbound = recorded.new_messages.into_iter().filter(|m| m.direction == Direction::Inbound);
        match &self.backfill {
            None => self.inbound.extend(inbound),
            Some(backfill) => {
                let recent = backfill.started - BACKFILL_NOTICE_AGE;
                self.inbound.extend(inbound.filter(|m| m.created_at >= recent));
            }
        }
        Ok(())
    }

    /// A backfill has read `read` more messages, back to `reached`: the windows show how far.
    fn progress(
        &mut self,
        engine: &Engine,
        channel: &ChannelRecord,
        read: usize,
        reached: Option<Timestamp>,
    ) {
        let Some(backfill) = &mut self.backfill else {
            return;
        };
        backfill.messages += read as u64;
        let span = backfill.started.duration_since(self.since).as_secs_f64().max(1.0);
        let covered = reached.map_or(0.0, |at| backfill.started.duration_since(at).as_secs_f64());
        backfill.fraction = backfill.fraction.max((covered / span).clamp(0.0, 0.99));
        engine.publish(Event::BackfillProgress {
            progress: BackfillProgress {
                channel_id: channel.id,
                fraction: backfill.fraction,
                messages: backfill.messages,
                done: false,
            },
        });
    }

    /// Stores the new cursor (a backfill stores one even when it found nothing) and raises the
    /// pass's one notice.
    async fn finish(
        self,
        engine: &Engine,
        channel: &ChannelRecord,
        newest: Option<Timestamp>,
    ) -> Result<(), EngineError> {
        let cursor = newest.map_or(self.since, |newest| newest.max(self.since));
        if self.backfill.is_some() || cursor != self.since {
            self.ledger.set_cursor(engine, channel.id, &cursor.to_string()).await?;
        }
        if let Some(backfill) = &self.backfill {
            tracing::info!(channel = channel.id, messages = backfill.messages, "backfill done");
            engine.publish(Event::BackfillProgress {
                progress: BackfillProgress {
                    channel_id: channel.id,
                    fraction: 1.0,
                    messages: backfill.messages,
                    done: true,
                },
            });
        }
        engine.synced(channel.id);
        if self.changed {
            engine.publish_awaiting().await;
        }
        engine.notify_new(channel.platform.label(), &self.inbound).await;
        Ok(())
    }
}
