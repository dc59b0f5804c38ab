//! Backfill of 100,000 messages from the sandbox: a new channel reads its whole history into an
//! encrypted cache, in two shapes: 5,000 customers × 20 messages (each thread fits in the
//! conversation listing) and 2,000 × 50 (every thread is read on through its messages edge,
//! one call each). Reports messages/s, total time, the Graph calls made and the floor those calls
//! impose at Messenger's 2 calls/s per page, and the process's peak memory.
//!
//!   make bench        (runs this inside scripts/desktop-session.sh)
//!   BACKFILL_SHAPES=5000x20,5000x20,5000x20 …   (the shapes to run, in order: here the
//!                     listing's shape three times; the default is both shapes once)

use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_engine::{Engine, EngineConfig, Event, Hosts, Keychain, Notifier, SystemClock};
use switchboard_sandbox::{Sandbox, Script};

/// (customers, messages each)
const SHAPES: [(usize, usize); 2] = [(5_000, 20), (2_000, 50)];

/// `BACKFILL_SHAPES` as `CUSTOMERSxMESSAGES,…`, or both shapes once.
fn shapes() -> Vec<(usize, usize)> {
    let Ok(list) = std::env::var("BACKFILL_SHAPES") else { return SHAPES.to_vec() };
    list.split(',')
        .map(|shape| {
            let (customers, each) = shape.trim().split_once('x').expect("a shape is CUSTOMERSxMESSAGES");
            (customers.parse().expect("a number of customers"), each.parse().expect("a number of messages"))
        })
        .collect()
}

/// Peak resident memory of this process (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        Keychain::use_os_store().expect("the desktop session's keychain");
        for (customers, per_customer) in shapes() {
            measure(customers, per_customer).await;
        }
        println!("peak memory {:.0} MiB (sandbox included)", peak_rss_mib().unwrap_or(f64::NAN));
    });
}

async fn measure(customers: usize, per_customer: usize) {
    let personas: Vec<serde_json::Value> = (0..customers)
            .map(|i| serde_json::json!({"psid": format!("{}", 9_000_000 + i), "page": "6001", "first_name": "Customer", "last_name": format!("{i}")}))
            .collect();
    let script =
        serde_json::json!({"pages": [{"id": "6001", "name": "Backfill Page"}], "personas": personas});
    let sandbox =
        Sandbox::start(Script::from_json(&script.to_string()).expect("script")).await.expect("sandbox");
    for round in 0..per_customer {
        for customer in 0..customers {
            sandbox
                .customer_writes(
                    &format!("{}", 9_000_000 + customer),
                    &format!("message {round} from {customer}"),
                )
                .expect("write");
        }
    }
    let total = customers * per_customer;
    let base: url::Url = sandbox.base_url().parse().expect("url");
    let dir = tempfile::tempdir().expect("dir");
    let config = EngineConfig {
        request_timeout: Duration::from_secs(30),
        ..EngineConfig::new(dir.path().join("cache.sqlite3"), Hosts::sandbox(base.clone()), "bench")
    };
    let service = format!("switchboard-bench-backfill-{}-{customers}", std::process::id());
    let engine = Engine::open(config, Keychain::new(service), Notifier::disabled(), Arc::new(SystemClock))
        .await
        .expect("engine");
    engine.connect_sandbox_demo(&base).await.expect("connect");
    let mut events = engine.subscribe();
    let started = Instant::now();
    engine.start().await.expect("start");
    let read = loop {
        match events.recv().await {
            Ok(Event::BackfillProgress { progress }) if progress.done => break progress.messages,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(error) => panic!("events: {error}"),
        }
    };
    let took = started.elapsed();
    let calls = sandbox.graph_reads();
    println!("Backfill of {total} messages ({customers} customers × {per_customer}), encrypted cache:");
    println!(
        "  total {:.1} s, {:.0} messages/s ({read} read)",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
    println!(
        "  {calls} Graph reads; at 2 calls/s per page they alone take {:.1} s ({:.0}% of the time)",
        calls as f64 / 2.0,
        calls as f64 / 2.0 / took.as_secs_f64() * 100.0
    );
    assert!(read as usize >= total, "every message was read");
}
