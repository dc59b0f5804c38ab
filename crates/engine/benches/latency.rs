//! Inbound-to-notification latency: from the sandbox accepting a customer's message to the
//! native notification's `Notify` call on D-Bus (recorded by dbus-monitor), over 200 messages,
//! with a 1 s poll and with a 5 s poll (Genesys PureConnect's default), in the same run.
//!
//!   make bench        (runs this inside scripts/desktop-session.sh)

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, SystemClock};
use switchboard_sandbox::{Sandbox, Script};

const MESSAGES: usize = 200;

fn unix_seconds(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH).expect("after 1970").as_secs_f64()
}

/// (D-Bus time, body) of every Notify call recorded so far.
fn notices(log: &str) -> Vec<(f64, String)> {
    let mut found = Vec::new();
    let lines: Vec<&str> = log.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains("member=Notify") {
            continue;
        }
        let time =
            line.split("time=").nth(1).and_then(|t| t.split_whitespace().next()).and_then(|t| t.parse().ok());
        // Notify's arguments: app name, replaces id, icon, summary, body.
        let body = lines
            .get(i + 5)
            .and_then(|l| l.trim().strip_prefix("string \""))
            .map(|b| b.trim_end_matches('"'));
        if let (Some(time), Some(body)) = (time, body) {
            found.push((time, body.to_owned()));
        }
    }
    found
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[allow(clippy::disallowed_methods)] // a benchmark measures wall time
async fn measure(poll: Duration, label: &str) -> Vec<f64> {
    let log_path =
        std::env::var("SWITCHBOARD_NOTIFICATION_LOG").expect("run inside scripts/desktop-session.sh");
    let script = r#"{"pages":[{"id":"5001","name":"Latency Page"}],
        "personas":[{"psid":"7777","page":"5001","first_name":"Probe","last_name":"Customer"}]}"#;
    let sandbox = Sandbox::start(Script::from_json(script).expect("script")).await.expect("sandbox");
    let base: url::Url = sandbox.base_url().parse().expect("url");
    let dir = tempfile::tempdir().expect("dir");
    let config = EngineConfig {
        messenger_poll: poll,
        request_timeout: Duration::from_secs(10),
        ..EngineConfig::new(dir.path().join("cache.sqlite3"), Hosts::sandbox(base.clone()), "bench")
    };
    let service = format!("switchboard-bench-{}-{label}", std::process::id());
    let engine =
        Engine::open(config, Keychain::new(service), Notifier::new("Switchboard"), Arc::new(SystemClock))
            .await
            .expect("engine");
    let page = switchboard_platforms::demo::demo_page(&base).await.expect("demo page");
    engine.connect_messenger_page(&page.page_id, &page.page_name, page.access_token).await.expect("connect");
    engine.start().await.expect("start");
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Gaps of 0.5–1.5 s land messages at every phase of the poll.
    let mut accepted = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for n in 0..MESSAGES {
        let text = format!("{label} probe {n:03}");
        sandbox.customer_writes("7777", &text).expect("write");
        accepted.push((text, unix_seconds(SystemTime::now())));
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(500 + seed % 1_000)).await;
    }
    tokio::time::sleep(poll + Duration::from_secs(3)).await;

    let log = std::fs::read_to_string(log_path).expect("the dbus-monitor log");
    let notices = notices(&log);
    let mut latencies = Vec::new();
    for (text, at) in &accepted {
        // A coalesced notice names the newest message ("2 new messages — … probe 017"): it
        // covers that one and the ones before it since the previous notice.
        let first = notices.iter().find(|(time, body)| *time >= *at && body_covers(body, text, &accepted));
        if let Some((time, _)) = first {
            latencies.push(time - at);
        }
    }
    assert_eq!(latencies.len(), MESSAGES, "every message was notified");
    latencies.sort_by(f64::total_cmp);
    latencies
}

/// Whether a notice's body is about `text` or a later message (it then covers `text` too).
fn body_covers(body: &str, text: &str, accepted: &[(String, f64)]) -> bool {
    let position = |t: &str| accepted.iter().position(|(a, _)| a == t);
    let named = accepted.iter().find(|(a, _)| body.ends_with(a.as_str())).map(|(a, _)| a.as_str());
    match (named.and_then(position), position(text)) {
        (Some(notice), Some(message)) => notice >= message,
        _ => false,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        Keychain::use_os_store().expect("the desktop session's keychain");
        println!(
            "Inbound-to-notification latency over {MESSAGES} messages (sandbox accept → Notify on D-Bus)"
        );
        let one = measure(Duration::from_secs(1), "poll-1s").await;
        let five = measure(Duration::from_secs(5), "poll-5s").await;
        for (label, l) in [("1 s poll", &one), ("5 s poll", &five)] {
            println!(
                "{label}: p50 {:.3} s, p90 {:.3} s, p99 {:.3} s, max {:.3} s",
                percentile(l, 0.5),
                percentile(l, 0.9),
                percentile(l, 0.99),
                l[l.len() - 1]
            );
        }
        println!(
            "ratio 5 s / 1 s: p50 {:.2}x, p99 {:.2}x",
            percentile(&five, 0.5) / percentile(&one, 0.5),
            percentile(&five, 0.99) / percentile(&one, 0.99)
        );
    });
}
