//! The running system: pollers that read each channel, the outbox that sends replies, the
//! event bus to the windows, and the keychain and notifier at the edges.

mod alerts;
pub mod clock;
pub mod crm;
mod demo;
mod desk;
mod error;
pub mod event;
mod files;
mod health;
pub mod keychain;
mod ledger;
pub mod login;
pub mod monitor;
pub mod notifier;
mod outbox;
mod poller;
pub mod reports;
mod retention;
mod routing;
pub mod status;
mod team;
pub mod transcripts;

pub use clock::{Clock, SandboxTime, SystemClock};
pub use desk::{ListFilter, Outbound, Scope, SessionDetails};
pub use error::EngineError;
pub use event::Event;
pub use keychain::{Keychain, KeychainError};
pub use notifier::{Notice, Notifier};
pub use routing::{QueueSettings, RoutingSettings, TimelineEntry};
pub use switchboard_store::TeamMember;
pub use switchboard_team::{AuditEntry, Invite, TeamError};
pub use team::{SignedOut, TeamProgress, TeamStatus, remember_team, remembered_team, shown_address};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::{PhoneNumber, Platform, ReplyText, Secret, Writer, messaging_window};
use switchboard_platforms::{GraphApi, TwilioApi, TwilioCredentials};
pub use switchboard_store::Opening;
use switchboard_store::{CacheKey, ChannelRecord, MessageCursor, MessageRecord, NewChannel, Store};
use tokio::sync::{Notify, broadcast};
use url::Url;

/// Where the engine keeps its cache, which hosts it talks to and how often.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub cache_path: PathBuf,
    pub hosts: Hosts,
    /// Messenger allows 2 Conversations calls a second per page: 1 s stays within it.
    pub messenger_poll: Duration,
    pub twilio_poll: Duration,
    /// How often each channel's token is checked with the platform (besides every poll).
    pub health_interval: Duration,
    /// How long one platform request may take before it counts as a (transient) time-out.
    pub request_timeout: Duration,
    /// The signed-in agent, recorded on the interactions they answer.
    pub agent: String,
    /// Whether a cache already in the folder is kept (the embedded demo starts afresh).
    pub opening: Opening,
    /// How many replies may be on their way at once (each session's still go in order).
    pub outbox_workers: usize,
    /// How often routing looks at the clock for timers (it is also woken by every change).
    pub routing_tick: Duration,
    /// How long a customer's file that failed to download for a passing reason waits before
    /// its next try (each has five).
    pub download_retry: Duration,
}

impl EngineConfig {
    /// The defaults: 1 s for Messenger, 2 s for Twilio, tokens checked every 4 hours.
    pub fn new(cache_path: PathBuf, hosts: Hosts, agent: impl Into<String>) -> Self {
        Self {
            cache_path,
            hosts,
            messenger_poll: Duration::from_secs(1),
            twilio_poll: Duration::from_secs(2),
            health_interval: Duration::from_secs(4 * 3600),
            request_timeout: Duration::from_secs(30),
            agent: agent.into(),
            opening: Opening::Resume,
            outbox_workers: 2,
            routing_tick: Duration::from_secs(1),
            download_retry: Duration::from_secs(30),
        }
    }
}

/// The platforms' base URLs: the real hosts, or the sandbox (which answers for all).
#[derive(Debug, Clone)]
pub struct Hosts {
    pub graph: Url,
    pub twilio: Url,
    /// Twilio's Content API (WhatsApp templates), on a host of its own.
    pub twilio_content: Url,
    /// Where Facebook's login dialog is (`www.facebook.com`, not the Graph host).
    pub login: Url,
}

impl Hosts {
    pub fn live() -> Self {
        Self {
            graph: "https://graph.facebook.com".parse().expect("a valid constant URL"),
            twilio: "https://api.twilio.com".parse().expect("a valid constant URL"),
            twilio_content: "https://content.twilio.com".parse().expect("a valid constant URL"),
            login: "https://www.facebook.com".parse().expect("a valid constant URL"),
        }
    }

    pub fn sandbox(base: Url) -> Self {
        Self { graph: base.clone(), twilio: base.clone(), twilio_content: base.clone(), login: base }
    }
}

/// One of a Twilio account's numbers.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct TwilioNumber {
    pub number: String,
    pub name: String,
}

/// The engine, shared by the shell's commands and the background tasks.
#[derive(Debug)]
pub struct Engine {
    store: Store,
    graph: GraphApi,
    keychain: Keychain,
    notifier: Notifier,
    clock: Arc<dyn Clock>,
    events: broadcast::Sender<Event>,
    outbox_wake: Notify,
    routing_wake: Notify,
    /// A monitor update is due (changes within its 200 ms go out as one).
    monitor_due: Arc<std::sync::atomic::AtomicBool>,
    /// Something the alert limits watch changed: look now.
    alerts_wake: Arc<Notify>,
    config: EngineConfig,
    /// Channels with a running poller, so that reconnecting never starts a second one.
    polling: std::sync::Mutex<std::collections::HashMap<i64, poller::StopFlag>>,
    /// Set once `start` ran: connecting a channel afterwards starts its poller at once.
    started: std::sync::atomic::AtomicBool,
    /// The session open on screen: its new messages raise no notification.
    focused: std::sync::Mutex<Option<i64>>,
    do_not_disturb: std::sync::atomic::AtomicBool,
    /// The awaiting count last published (`u32::MAX`: none yet), so that only changes go out.
    awaiting: std::sync::atomic::AtomicU32,
    /// Facebook logins under way.
    logins: std::sync::Mutex<login::Logins>,
    /// Each channel's last sync and token times.
    statuses: std::sync::Mutex<status::Statuses>,
    /// Team mode: set by `join_team` before `start`; solo mode without.
    team: std::sync::OnceLock<team::TeamLink>,
    /// Wakes the pushing of replies to the team.
    push_wake: Notify,
}

/// The keychain entry of the cache's encryption key.
pub const CACHE_KEY_ENTRY: &str = "cache-key";
/// The most a window asks for at once.
pub(crate) const MAX_PAGE: u32 = 500;

impl Engine {
    pub async fn open(
        config: EngineConfig,
        keychain: Keychain,
        notifier: Notifier,
        clock: Arc<dyn Clock>,
    ) -> Result<Arc<Self>, EngineError> {
        if let Some(folder) = config.cache_path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|source| EngineError::DataFolder { path: folder.display().to_string(), source })?;
        }
        let key = cache_key(&keychain).await?;
        let store = Store::open_with(&config.cache_path, &key, config.opening).await?;
        // The folder is locked: no other worker of this cache is alive, whatever it left claimed.
        let stale = store.release_all_claims().await?;
        if stale > 0 {
            tracing::info!(stale, "replies claimed by a worker that is gone are free to send again");
        }
        let (events, _) = broadcast::channel(1024);
        Ok(Arc::new(Self {
            store,
            graph: GraphApi::with_timeout(config.hosts.graph.clone(), config.request_timeout),
            keychain,
            notifier,
            clock,
            events,
            outbox_wake: Notify::new(),
            monitor_due: Arc::default(),
            alerts_wake: Arc::default(),
            routing_wake: Notify::new(),
            config,
            polling: Default::default(),
            started: Default::default(),
            focused: Default::default(),
            do_not_disturb: Default::default(),
            awaiting: std::sync::atomic::AtomicU32::new(u32::MAX),
            logins: Default::default(),
            statuses: Default::default(),
            team: std::sync::OnceLock::new(),
            push_wake: Notify::new(),
        }))
    }

    /// Starts polling every connected channel and the outbox worker.
    pub async fn start(self: &Arc<Self>) -> Result<(), EngineError> {
        self.started.store(true, std::sync::atomic::Ordering::SeqCst);
        if self.team_link().is_some() {
            // The team's database holds channels, routing and replies; this cache follows it.
            self.start_team();
            return Ok(());
        }
        self.ensure_routing().await?;
        for channel in self.store.channels().await? {
            if channel.state == switchboard_core::ChannelState::Connected {
                self.poll(channel);
            }
        }
        for worker in 0..self.config.outbox_workers.max(1) {
            tokio::spawn(outbox::run(self.clone(), outbox::worker_name(worker)));
        }
        tokio::spawn(retention::run(self.clone()));
        tokio::spawn(routing::run(self.clone()));
        tokio::spawn(alerts::run(self.clone()));
        tokio::spawn(crm::run(self.clone()));
        tokio::spawn(health::run(self.clone()));
        Ok(())
    }

    /// The session the agent has on screen (or none): it raises no notifications.
    pub fn session_focus(&self, session_id: Option<i64>) {
        *self.focused.lock().unwrap_or_else(|p| p.into_inner()) = session_id;
    }

    /// Asks the windows to bring a session forward (a `switchboard://session/N` link), as a
    /// clicked notification does; an unknown session is refused.
    pub async fn show_session(&self, session_id: i64) -> Result<(), EngineError> {
        self.store.session_summary(session_id).await?;
        self.publish(Event::OpenSession { session_id });
        Ok(())
    }

    /// Do not disturb: no native notifications until switched off; the windows still update.
    pub fn set_do_not_disturb(&self, on: bool) {
        self.do_not_disturb.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Raises one notice for the customer messages a poll brought, leaving out the session on
    /// screen, unless do-not-disturb is on.
    pub(crate) async fn notify_new(&self, platform_label: &str, messages: &[MessageRecord]) {
        if self.do_not_disturb.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let focused = *self.focused.lock().unwrap_or_else(|p| p.into_inner());
        let mut names: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        let mut burst = Vec::new();
        let mut latest = None;
        for message in messages.iter().filter(|m| Some(m.session_id) != focused) {
            let name = match names.entry(message.session_id) {
                std::collections::hash_map::Entry::Occupied(known) => known.get().clone(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    match self.store.session_summary(message.session_id).await {
                        Ok(session) => slot.insert(session.contact_name).clone(),
                        Err(error) => {
                            tracing::warn!(%error, "cannot name a notification's contact");
                            continue;
                        }
                    }
                }
            };
            burst.push((name, message.body.clone()));
            latest = Some(message.session_id);
        }
        let (Some(notice), Some(session_id)) = (Notice::burst(&burst, platform_label), latest) else {
            return;
        };
        // Clicking opens the session of the newest message.
        let events = self.events.clone();
        let open = move || {
            let _ = events.send(Event::OpenSession { session_id });
        };
        if let Err(error) = self.notifier.show_clickable(notice, open).await {
            tracing::warn!(%error, "cannot raise a notification");
        }
    }

    /// Closes the cache on the way out: every connection is closed before the process exits.
    pub async fn close(&self) {
        self.store.close().await;
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Starts the channel's poller, with the credentials now in the keychain; one still running
    /// (with older ones) is told to stop.
    fn poll(self: &Arc<Self>, channel: ChannelRecord) {
        let stop = poller::StopFlag::default();
        let earlier = self.polling.lock().unwrap_or_else(|p| p.into_inner()).insert(channel.id, stop.clone());
        if let Some(earlier) = earlier {
            earlier.raise();
        }
        tokio::spawn(poller::run(self.clone(), channel, stop, ledger::Ledger::Cache));
    }

    /// Tells the channel's poller to stop (expired, disconnected).
    fn stop_polling(&self, channel_id: i64) {
        if let Some(stop) = self.polling.lock().unwrap_or_else(|p| p.into_inner()).remove(&channel_id) {
            stop.raise();
        }
    }

    /// A poller ended: forget it, unless a newer one has taken its place.
    pub(crate) fn poller_stopped(&self, channel_id: i64, stop: &poller::StopFlag) {
        let mut polling = self.polling.lock().unwrap_or_else(|p| p.into_inner());
        if polling.get(&channel_id).is_some_and(|current| current.same(stop)) {
            polling.remove(&channel_id);
        }
    }

    /// The platform no longer accepts the channel's token: the channel is `expired` at once,
    /// its polling stops, its pending replies wait (they are not failed), the windows are told
    /// and the admin gets a native notification.
    pub(crate) async fn channel_expired(&self, channel: &ChannelRecord, reason: &str) {
        tracing::error!(channel = channel.id, reason, "the channel's connection expired");
        self.stop_polling(channel.id);
        if let Err(error) =
            self.store.set_channel_state(channel.id, switchboard_core::ChannelState::Expired).await
        {
            tracing::error!(%error, "cannot record the expired channel");
        }
        let channel = ChannelRecord { state: switchboard_core::ChannelState::Expired, ..channel.clone() };
        let notice = Notice {
            summary: format!("Connection expired: {}", channel.name),
            body: format!(
                "Switchboard can no longer read or answer on {} \"{}\". An admin must reauthorize it in Settings → Channels; replies typed meanwhile wait and go out after.",
                channel.platform.label(),
                channel.name
            ),
        };
        self.publish(Event::ChannelChanged { channel });
        if let Err(error) = self.notifier.show(notice).await {
            tracing::warn!(%error, "cannot raise a notification");
        }
    }

    /// Connects a Facebook page: its token goes to the keychain, the channel to the cache.
    /// Reconnecting an expired page resumes its polling from the stored cursor, and its
    /// waiting replies go out.
    pub async fn connect_messenger_page(
        self: &Arc<Self>,
        page_id: &str,
        name: &str,
        token: Secret,
    ) -> Result<ChannelRecord, EngineError> {
        self.connect(NewChannel { platform: Platform::Messenger, external_id: page_id, name }, token).await
    }

    /// Keeps a channel's credentials in the keychain, records the channel (restoring one that
    /// expired or was disconnected) and, once the engine runs, starts its poller and wakes the
    /// outbox for replies that were waiting.
    async fn connect(
        self: &Arc<Self>,
        channel: NewChannel<'_>,
        secret: Secret,
    ) -> Result<ChannelRecord, EngineError> {
        self.keychain
            .set(&keychain::channel_key(channel.platform, channel.external_id), secret.clone())
            .await?;
        if self.team_link().is_some() {
            // The team gets the channel (and its credentials, sealed); this desktop's lease loop
            // starts polling it when the replica has it and the lease is free.
            return self.team_connect(channel, &secret).await;
        }
        let channel = self.store.connect_channel(channel).await?;
        self.ensure_routing().await?;
        self.publish(Event::ChannelChanged { channel: channel.clone() });
        if self.started.load(std::sync::atomic::Ordering::SeqCst) {
            self.poll(channel.clone());
            self.outbox_wake.notify_one();
        }
        Ok(channel)
    }

    /// Connects one of a Twilio account's numbers for SMS or WhatsApp. The account must have
    /// the number; the credentials go to the keychain.
    pub async fn connect_twilio_number(
        self: &Arc<Self>,
        platform: Platform,
        number: &str,
        credentials: TwilioCredentials,
    ) -> Result<ChannelRecord, EngineError> {
        if platform == Platform::Messenger {
            return Err(EngineError::Credentials("Messenger pages connect through Facebook login.".into()));
        }
        let number = PhoneNumber::parse(number)?;
        let numbers = self.twilio_numbers(credentials.clone()).await?;
        let Some(found) = numbers.iter().find(|n| n.number == number.as_str()) else {
            return Err(EngineError::Credentials(format!(
                "The Twilio account {} has no number {number}.",
                credentials.account_sid
            )));
        };
        let channel = NewChannel { platform, external_id: number.as_str(), name: &found.name };
        self.connect(channel, credentials.to_secret()).await
    }

    /// The numbers of a Twilio account, for the admin to choose from. A real API call, so
    /// wrong credentials are found here, before anything is stored.
    pub async fn twilio_numbers(
        &self,
        credentials: TwilioCredentials,
    ) -> Result<Vec<TwilioNumber>, EngineError> {
        let numbers = match self.twilio_api(credentials).numbers().await {
            Err(error) if error.kind() == switchboard_platforms::ErrorKind::TokenUnusable => {
                return Err(EngineError::Credentials(
                    "Twilio refused this Account SID and Auth Token (error 20003). Copy both again from the Twilio console.".into(),
                ));
            }
            other => other?,
        };
        Ok(numbers
            .incoming_phone_numbers
            .into_iter()
            .filter_map(|n| {
                let number = n.phone_number?;
                Some(TwilioNumber { name: n.friendly_name.unwrap_or_else(|| number.clone()), number })
            })
            .collect())
    }

    /// Disconnects a channel: its credentials leave the keychain, its polling stops, its state
    /// becomes `disconnected`. Its sessions, contacts and history stay (and stay searchable);
    /// connecting it again restores it.
    pub async fn channel_disconnect(&self, channel_id: i64) -> Result<ChannelRecord, EngineError> {
        let channel = self.channel(channel_id).await?;
        self.keychain.delete(&keychain::channel_key(channel.platform, &channel.external_id)).await?;
        self.store.set_channel_state(channel.id, switchboard_core::ChannelState::Disconnected).await?;
        self.stop_polling(channel.id);
        let channel = ChannelRecord { state: switchboard_core::ChannelState::Disconnected, ..channel };
        tracing::info!(channel = channel.id, "channel disconnected");
        self.publish(Event::ChannelChanged { channel: channel.clone() });
        Ok(channel)
    }

    /// A Twilio client for one account, with the engine's host and time-out.
    fn twilio_api(&self, credentials: TwilioCredentials) -> TwilioApi {
        TwilioApi::with_timeout(self.config.hosts.twilio.clone(), credentials, self.config.request_timeout)
    }

    /// A Twilio client from a channel's keychain entry.
    pub(crate) fn twilio(&self, secret: &Secret) -> Result<TwilioApi, EngineError> {
        let credentials = TwilioCredentials::from_secret(secret)
            .ok_or_else(|| EngineError::Credentials("The keychain's Twilio entry is damaged.".into()))?;
        Ok(self.twilio_api(credentials))
    }

    /// One channel, connected or not.
    pub(crate) async fn channel(&self, channel_id: i64) -> Result<ChannelRecord, EngineError> {
        self.store
            .channels()
            .await?
            .into_iter()
            .find(|c| c.id == channel_id)
            .ok_or(EngineError::Store(switchboard_store::StoreError::NotFound { what: "channel" }))
    }

    /// Every channel, connected or not.
    pub async fn channels(&self) -> Result<Vec<ChannelRecord>, EngineError> {
        Ok(self.store.channels().await?)
    }

    pub async fn session_messages(
        &self,
        session_id: i64,
        before: Option<MessageCursor>,
        limit: u32,
    ) -> Result<Vec<MessageRecord>, EngineError> {
        Ok(self.store.session_messages(session_id, before, limit.clamp(1, MAX_PAGE)).await?)
    }

    /// Sends one reply; see [`Engine::session_send`].
    pub async fn session_reply(&self, session_id: i64, text: &str) -> Result<MessageRecord, EngineError> {
        let mut sent = self.session_send(session_id, &[text.to_owned()], None).await?;
        sent.pop().ok_or(EngineError::Refused("There is nothing to send.".into()))
    }

    /// Checks each bubble against the platform's limits and the messaging window (or, on
    /// Messenger, the update tag the agent chose), saves them all to the outbox in order (before
    /// any network call, clearing the draft) and wakes the sender.
    pub async fn session_send(
        &self,
        session_id: i64,
        bubbles: &[String],
        update_tag: Option<switchboard_core::UpdateTag>,
    ) -> Result<Vec<MessageRecord>, EngineError> {
        let session = self.store.session_summary(session_id).await?;
        let texts = bubbles
            .iter()
            .filter(|b| !b.trim().is_empty())
            .map(|b| ReplyText::parse(session.platform, b))
            .collect::<Result<Vec<_>, _>>()?;
        if texts.is_empty() {
            return Err(EngineError::Reply(switchboard_core::ReplyError::Empty));
        }
        let now = self.clock.now();
        let tag = self.agent_tag(&session, now, update_tag)?;
        let agent = Some(self.config.agent.as_str());
        let messages = if self.team_link().is_some() {
            // Written here first with this desktop's ids, then pushed to the team.
            let texts: Vec<_> = texts.into_iter().map(|t| (uuid::Uuid::now_v7().to_string(), t)).collect();
            let messages = self.store.enqueue_team_replies(session_id, &texts, tag, agent, now).await?;
            self.push_wake.notify_one();
            messages
        } else {
            self.store.enqueue_replies(session_id, &texts, tag, agent, now).await?
        };
        // The windows show them at once, as pending, whether or not they can go out now.
        for message in &messages {
            self.publish(Event::MessageChanged { message: message.clone() });
        }
        self.publish_session(session_id).await;
        self.publish_awaiting().await;
        self.outbox_wake.notify_one();
        self.wake_routing();
        Ok(messages)
    }

    /// The id a reply written here gets in team mode (UUIDv7: pushed twice, stored once).
    pub(crate) fn team_client_id(&self) -> Option<String> {
        self.team_link().map(|_| uuid::Uuid::now_v7().to_string())
    }

    /// The tag an agent's reply in the session needs now (HUMAN_AGENT late in Messenger's
    /// window, or the update tag the agent chose), or why the window refuses it.
    fn agent_tag(
        &self,
        session: &switchboard_store::SessionSummary,
        now: jiff::Timestamp,
        update_tag: Option<switchboard_core::UpdateTag>,
    ) -> Result<Option<&'static str>, EngineError> {
        let window = messaging_window(
            session.platform,
            session.last_inbound_at,
            session.opted_out,
            Writer::Agent,
            now,
        );
        Ok(switchboard_core::agent_text_tag(&window, session.platform, session.last_inbound_at, update_tag)?)
    }

    /// Sends a failed reply again, if the messaging window allows it now.
    pub async fn message_retry(
        &self,
        session_id: i64,
        message_id: i64,
    ) -> Result<MessageRecord, EngineError> {
        let session = self.store.session_summary(session_id).await?;
        // A reply the agent sent with an update tag is sent again with it.
        let chosen =
            self.store.message(message_id).await?.tag.as_deref().and_then(switchboard_core::UpdateTag::parse);
        let tag = self.agent_tag(&session, self.clock.now(), chosen)?;
        let message = match self.team() {
            // The team's reply: pending again there, for whoever holds the channel's lease.
            Some(team) => {
                team.reply_retry(message_id, tag).await?;
                self.team_caught_up(team).await?;
                self.store.message(message_id).await?
            }
            None => self.store.retry_message(message_id, tag).await?,
        };
        self.publish(Event::MessageChanged { message: message.clone() });
        self.outbox_wake.notify_one();
        Ok(message)
    }

    /// How many sessions await a reply.
    pub async fn awaiting_count(&self) -> Result<u32, EngineError> {
        Ok(self.store.awaiting_count().await?)
    }

    /// Tells the windows and the tray the awaiting count, when it changed.
    pub(crate) async fn publish_awaiting(&self) {
        match self.store.awaiting_count().await {
            Ok(count) => {
                if self.awaiting.swap(count, std::sync::atomic::Ordering::SeqCst) != count {
                    self.publish(Event::AwaitingChanged { count });
                }
            }
            Err(error) => tracing::warn!(%error, "cannot count the sessions awaiting a reply"),
        }
    }

    pub(crate) fn publish(&self, event: Event) {
        if matches!(
            event,
            Event::SessionChanged { .. } | Event::SessionDeleted { .. } | Event::MembersChanged { .. }
        ) {
            self.monitor_changed();
        }
        // No window listening is not an error: the next one to open reads the store.
        let _ = self.events.send(event);
    }

    /// Tells the monitor that what it shows changed: one event for the changes of 200 ms (a
    /// burst of a hundred customers refreshes the wallboard a few times, not a hundred).
    fn monitor_changed(&self) {
        use std::sync::atomic::Ordering;
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        if self.monitor_due.swap(true, Ordering::SeqCst) {
            return;
        }
        let (due, events, alerts) = (self.monitor_due.clone(), self.events.clone(), self.alerts_wake.clone());
        runtime.spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            due.store(false, Ordering::SeqCst);
            let _ = events.send(Event::MonitorChanged);
            alerts.notify_one();
        });
    }

    pub(crate) async fn publish_session(&self, session_id: i64) {
        match self.store.session_summary(session_id).await {
            Ok(session) => self.publish(Event::SessionChanged { session: Box::new(session) }),
            // The team deleted it: the replica applied the deletion.
            Err(switchboard_store::StoreError::NotFound { .. }) => {
                self.publish(Event::SessionDeleted { session_id })
            }
            Err(error) => tracing::warn!(%error, session_id, "cannot read the changed session"),
        }
    }
}

/// The cache's key from the keychain, made on first run.
async fn cache_key(keychain: &Keychain) -> Result<CacheKey, EngineError> {
    match keychain.get(CACHE_KEY_ENTRY).await? {
        Some(secret) => Ok(CacheKey::from_secret(secret)?),
        None => {
            let key = CacheKey::generate()?;
            keychain.set(CACHE_KEY_ENTRY, key.to_secret()).await?;
            Ok(key)
        }
    }
}
