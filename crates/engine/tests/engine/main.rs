//! Engine tests with real parts: gnome-keyring and a notification server inside a private
//! D-Bus session (scripts/desktop-session.sh, which `make test` uses), real SQLite files,
//! and the sandbox over loopback.
#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test, with its backtrace")]

mod cache;
mod channels;
mod crash;
mod desk;
mod expiry;
mod files;
mod health;
mod instance;
mod keychain;
mod login;
mod monitor;
mod notifications;
mod notifier;
mod outbox;
mod resilience;
mod routing;
mod sync;
mod team;
mod team_failover;
mod twilio;

#[path = "../common/mod.rs"]
mod common;
pub use common::{Member, eventually, require_desktop, team_database, test_service, until};

use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Engine, EngineConfig, Event, Hosts, Keychain, Notifier, SystemClock};
use switchboard_sandbox::Sandbox;
use switchboard_store::{ChannelRecord, SessionSummary};
use tokio::sync::broadcast::Receiver;

/// Everything dbus-monitor recorded of notifications so far.
pub fn notification_log() -> String {
    let path = std::env::var("SWITCHBOARD_NOTIFICATION_LOG").expect("the desktop session sets it");
    std::fs::read_to_string(path).expect("dbus-monitor's log is readable")
}

/// A notification raised on the session bus: its summary and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub summary: String,
    pub body: String,
}

/// Every notification raised so far, read from dbus-monitor's record of each `Notify` call
/// (app name, replaces id, icon, summary, body, …). Tests run side by side on one session
/// bus, so each matches its own by a marker no other test uses (see `unique`).
pub fn notifications() -> Vec<Notification> {
    let log = notification_log();
    let mut found = Vec::new();
    for call in log.split("member=Notify").skip(1) {
        // The call's string arguments, in order; a string may run over several lines.
        let mut strings = Vec::new();
        let mut rest = call;
        while strings.len() < 4 {
            let Some(start) = rest.find("string \"") else { break };
            let after = &rest[start + 8..];
            let Some(end) = after.find("\"\n") else { break };
            strings.push(after[..end].to_owned());
            rest = &after[end..];
        }
        if let [_app, _icon, summary, body] = &strings[..] {
            found.push(Notification { summary: summary.clone(), body: body.clone() });
        }
    }
    found
}

/// `name` with a mark of this test run and a counter, so that a test finds its own
/// notifications among those of tests running beside it.
pub fn unique(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{name} {}x{n}", std::process::id())
}

/// Every session's bodies, in the session's order, keyed by the customer's id.
pub async fn stored(engine: &Engine) -> Vec<(String, Vec<String>)> {
    let page = engine.session_list(&switchboard_engine::ListFilter::default(), None, 500).await.unwrap();
    let mut all = Vec::new();
    for session in page.sessions {
        let messages = engine.session_messages(session.id, None, 500).await.unwrap();
        all.push((session.contact_platform_id, messages.into_iter().map(|m| m.body).collect()));
    }
    all.sort();
    all
}

/// The sandbox's time as the engine's clock.
#[derive(Debug)]
pub struct SandboxTime(pub switchboard_sandbox::SandboxClock);

impl switchboard_engine::Clock for SandboxTime {
    fn now(&self) -> jiff::Timestamp {
        self.0.now()
    }
}

/// How a test's engine runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub poll: Duration,
    pub request_timeout: Duration,
    /// No native notifications (for tests about something else, with many messages).
    pub quiet: bool,
    /// How often tokens are checked with the platforms.
    pub health: Duration,
    /// The engine follows the sandbox's clock (timers move when the test moves it).
    pub sandbox_clock: bool,
    /// How long a failed download waits for its next try.
    pub download_retry: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(500),
            request_timeout: Duration::from_secs(10),
            quiet: false,
            health: Duration::from_secs(4 * 3600),
            sandbox_clock: false,
            download_retry: Duration::from_secs(30),
        }
    }
}

/// An engine with its own cache and keychain service, connected to the sandbox's demo page
/// and polling it.
#[derive(Debug)]
pub struct Running {
    pub sandbox: Sandbox,
    pub engine: Arc<Engine>,
    pub events: Receiver<Event>,
    _dir: tempfile::TempDir,
}

pub async fn running(sandbox: Sandbox, name: &str, options: Options) -> Running {
    running_with(sandbox, name, options, |_| {}).await
}

/// The same, with `before_start` run once the channels are connected and before anything polls
/// (a test's faults then meet the engine's first request).
pub async fn running_with(
    sandbox: Sandbox,
    name: &str,
    options: Options,
    before_start: impl FnOnce(&Sandbox),
) -> Running {
    Keychain::use_os_store().unwrap();
    let base: url::Url = sandbox.base_url().parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = EngineConfig {
        messenger_poll: options.poll,
        twilio_poll: options.poll,
        request_timeout: options.request_timeout,
        health_interval: options.health,
        download_retry: options.download_retry,
        ..EngineConfig::new(dir.path().join("cache.sqlite3"), Hosts::sandbox(base.clone()), "maria")
    };
    let notifier = if options.quiet { Notifier::disabled() } else { Notifier::new("Switchboard") };
    let clock: Arc<dyn switchboard_engine::Clock> =
        if options.sandbox_clock { Arc::new(SandboxTime(sandbox.clock())) } else { Arc::new(SystemClock) };
    let engine = Engine::open(config, Keychain::new(test_service(name)), notifier, clock).await.unwrap();
    engine.connect_sandbox_demo(&base).await.unwrap();
    before_start(&sandbox);
    let events = engine.subscribe();
    engine.start().await.unwrap();
    Running { sandbox, engine, events, _dir: dir }
}

impl Running {
    /// The next session the engine announces (within 10 s).
    pub async fn next_session(&mut self) -> SessionSummary {
        let events = &mut self.events;
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Ok(Event::SessionChanged { session }) = events.recv().await {
                    return *session;
                }
            }
        })
        .await
        .expect("a session is announced within 10 s")
    }

    /// The next channel change the engine announces (within `within`).
    pub async fn next_channel_change(&mut self, within: Duration) -> ChannelRecord {
        let events = &mut self.events;
        tokio::time::timeout(within, async {
            loop {
                if let Ok(Event::ChannelChanged { channel }) = events.recv().await {
                    return channel;
                }
            }
        })
        .await
        .expect("a channel change is announced in time")
    }
}
