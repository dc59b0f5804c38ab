//! `kill -9` in the middle of a backfill and in the middle of sending, then a restart: nothing
//! inbound lost, no reply lost, no reply sent twice. The engine runs in its own process (the
//! headless binary), so that the kill is a real SIGKILL with work in flight.

use crate::{eventually, require_desktop, stored, test_service};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::DeliveryState;
use switchboard_engine::ListFilter;
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, SystemClock};
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

/// A running headless engine and the events it prints.
struct Headless {
    child: Child,
    events: Lines<BufReader<ChildStdout>>,
}

impl Headless {
    fn start(dir: &Path, service: &str, sandbox: &Sandbox) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard-headless"))
            .args(["--data-dir", &dir.display().to_string(), "--keychain-service", service])
            .args(["--sandbox", &sandbox.base_url(), "--poll-ms", "500"])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the headless engine starts");
        let events = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, events }
    }

    /// Waits (up to `within`) for an event that `wanted` accepts.
    async fn until(&mut self, what: &str, within: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        tokio::time::timeout(within, async {
            loop {
                let line = self.events.next_line().await.unwrap().expect("the engine is running");
                let event: Value = serde_json::from_str(&line).unwrap();
                if wanted(&event) {
                    return event;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
    }

    /// SIGKILL: no clean-up of any kind.
    async fn kill(mut self) {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap();
    }
}

fn backfill(event: &Value, done: bool) -> bool {
    event["type"] == "backfill_progress" && event["progress"]["done"] == done
}

/// The cache as the app would find it: opened, not started.
async fn open(dir: &Path, service: &str, sandbox: &Sandbox) -> Arc<Engine> {
    let hosts = Hosts::sandbox(sandbox.base_url().parse().unwrap());
    let config = EngineConfig::new(dir.join("cache.sqlite3"), hosts, "maria");
    Engine::open(config, Keychain::new(service), Notifier::disabled(), Arc::new(SystemClock)).await.unwrap()
}

fn script(page: &str, customers: usize) -> Script {
    let personas: Vec<Value> = (0..customers)
        .map(|i| json!({"psid": format!("{}", 8500 + i), "page": page, "first_name": "C", "last_name": format!("{i}")}))
        .collect();
    Script::from_json(
        &json!({"pages": [{"id": page, "name": "Crash Page"}], "personas": personas}).to_string(),
    )
    .unwrap()
}

#[tokio::test]
async fn killed_during_backfill_the_restart_loses_and_repeats_nothing() {
    require_desktop();
    Keychain::use_os_store().unwrap();
    // 250 threads: three pages of a backfill's listing (100 a page).
    let sandbox = Sandbox::start(script("3201", 250)).await.unwrap();
    for round in 0..4 {
        for customer in 0..250 {
            sandbox
                .customer_writes(&format!("{}", 8500 + customer), &format!("c{customer} m{round}"))
                .unwrap();
        }
    }
    // Slow reads, so that the kill lands with the backfill part done.
    let slow = FaultRule {
        endpoint: Endpoint::Conversations,
        fault: Fault::Delay { millis: 600 },
        count: None,
        probability: Some(1.0),
        after: None,
    };
    sandbox.inject(slow);
    let dir = tempfile::tempdir().unwrap();
    let service = test_service("crash-backfill");

    let mut first = Headless::start(dir.path(), &service, &sandbox);
    // The first page is recorded once its sessions are announced; the next read is slow.
    first
        .until("the first backfilled page", Duration::from_secs(20), |e| {
            backfill(e, false) && e["progress"]["messages"].as_u64() > Some(0)
        })
        .await;
    first
        .until("the first page's sessions", Duration::from_secs(5), |e| e["type"] == "session_changed")
        .await;
    first.kill().await;
    let partial: usize =
        stored(&*open(dir.path(), &service, &sandbox).await).await.iter().map(|(_, b)| b.len()).sum();
    assert!(0 < partial && partial < 1_000, "killed mid-backfill ({partial} of 1,000 stored)");

    sandbox.clear_faults();
    let mut second = Headless::start(dir.path(), &service, &sandbox);
    second.until("the backfill to finish", Duration::from_secs(30), |e| backfill(e, true)).await;
    second.kill().await;
    let sessions = stored(&*open(dir.path(), &service, &sandbox).await).await;
    assert_eq!(sessions.len(), 250);
    for (customer, bodies) in sessions {
        let index = customer.parse::<usize>().unwrap() - 8500;
        let expected: Vec<String> = (0..4).map(|round| format!("c{index} m{round}")).collect();
        assert_eq!(bodies, expected, "customer {customer}: every message once, in order");
    }
}

#[tokio::test]
async fn killed_during_sending_the_restart_sends_every_reply_exactly_once() {
    require_desktop();
    Keychain::use_os_store().unwrap();
    let sandbox = Sandbox::start(script("3301", 5)).await.unwrap();
    for customer in 0..5 {
        sandbox.customer_writes(&format!("{}", 8500 + customer), "Hello?").unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let service = test_service("crash-sending");
    let mut backfilled = Headless::start(dir.path(), &service, &sandbox);
    backfilled.until("the backfill to finish", Duration::from_secs(20), |e| backfill(e, true)).await;
    backfilled.kill().await;

    // The agent's replies are written while no engine sends (one engine per data folder).
    let desk = open(dir.path(), &service, &sandbox).await;
    let sessions = desk.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
    assert_eq!(sessions.len(), 5);
    let mut replies = Vec::new();
    for round in 0..4 {
        for session in &sessions {
            let text = format!("reply {round} to {}", session.contact_platform_id);
            desk.session_reply(session.id, &text).await.unwrap();
            replies.push(text);
        }
    }
    drop(desk);

    // The platform takes each reply, then holds its answer back: a kill is most likely to
    // land after Messenger has a reply and before the engine has recorded it.
    sandbox.inject(FaultRule {
        endpoint: Endpoint::Send,
        fault: Fault::SlowAnswer { millis: 300 },
        count: None,
        probability: Some(1.0),
        after: None,
    });
    let first = Headless::start(dir.path(), &service, &sandbox);
    eventually("some replies are out", Duration::from_secs(20), || {
        let out = sandbox.sent().len();
        async move { out >= 5 }
    })
    .await;
    first.kill().await;
    let out_at_kill = sandbox.sent().len();
    assert!(out_at_kill < replies.len(), "killed mid-sending ({out_at_kill} of {} out)", replies.len());

    sandbox.clear_faults();
    let second = Headless::start(dir.path(), &service, &sandbox);
    eventually("every reply is out", Duration::from_secs(30), || {
        let out = sandbox.sent().len();
        async move { out >= 20 }
    })
    .await;
    // Bounded negative check: no late second copy.
    tokio::time::sleep(Duration::from_secs(2)).await;
    second.kill().await;
    let desk = open(dir.path(), &service, &sandbox).await;
    let mut sent: Vec<String> = sandbox.sent().into_iter().map(|m| m.text).collect();
    sent.sort();
    replies.sort();
    assert_eq!(sent, replies, "each reply exactly once");
    for session in &sessions {
        for message in desk.session_messages(session.id, None, 50).await.unwrap() {
            assert_ne!(message.delivery, DeliveryState::Pending, "{} is recorded as sent", message.body);
            assert_ne!(message.delivery, DeliveryState::Failed, "{} did not fail", message.body);
        }
    }
}

#[tokio::test]
async fn killed_with_a_timer_running_the_restart_fires_it_once() {
    require_desktop();
    Keychain::use_os_store().unwrap();
    let sandbox = Sandbox::start(script("3203", 1)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = test_service("crash-timer");
    {
        // The admin's settings, written before the engine runs: 5 minutes in queue, then the
        // ended text.
        let engine = open(dir.path(), &service, &sandbox).await;
        engine.connect_sandbox_demo(&sandbox.base_url().parse().unwrap()).await.unwrap();
        let channel = engine.channels().await.unwrap()[0].id;
        let mut experience = engine.routing_settings(channel).await.unwrap().experience;
        experience.schedule = switchboard_core::routing::Schedule::always("UTC");
        experience.timers.queue_expiry = Some(5);
        experience.texts.ended = "We closed this chat; write again any time.".into();
        engine.experience_save(channel, experience).await.unwrap();
        engine.presence_set(switchboard_core::routing::Presence::Offline).await.unwrap();
        engine.close().await;
    }
    let mut first = Headless::start(dir.path(), &service, &sandbox);
    first.until("the engine starts", Duration::from_secs(20), |e| e["type"] == "started").await;
    sandbox.customer_writes("8500", "Anyone there?").unwrap();
    first
        .until("the customer waits in the queue", Duration::from_secs(20), |e| {
            // Routed: in the channel's queue, not merely arrived.
            e["type"] == "session_changed" && e["session"]["interaction"]["queue_name"].is_string()
        })
        .await;
    first.kill().await;

    // Six minutes pass while nothing runs; the next engine finds the deadline in the cache.
    sandbox.advance_clock(jiff::SignedDuration::from_mins(6));
    let ended = |sandbox: &Sandbox| {
        sandbox.sent().iter().filter(|m| m.text == "We closed this chat; write again any time.").count()
    };
    assert_eq!(ended(&sandbox), 0, "nothing fired before the kill");
    let mut second = Headless::start(dir.path(), &service, &sandbox);
    second.until("the engine starts again", Duration::from_secs(20), |e| e["type"] == "started").await;
    eventually("the expiry fires after the restart", Duration::from_secs(20), || {
        let fired = ended(&sandbox) > 0;
        async move { fired }
    })
    .await;
    // More passes run (every second, and on every change): the timer does not fire again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(ended(&sandbox), 1, "the ended text went out once");
    second.kill().await;
}
