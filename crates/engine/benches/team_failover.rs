//! Poller failover in team mode: two engines allowed to poll one channel (the headless binary,
//! each its own process, cache and keychain entries), a customer writing every 100 ms; the
//! holder of the channel's lease is killed with SIGKILL. Measured per run: from the kill to
//! (a) the other engine holding the lease, and (b) the first message written after the kill
//! being stored in PostgreSQL by it. Release build, loopback, a throw-away server.
//!
//!   scripts/postgres-session.sh scripts/desktop-session.sh cargo bench -p switchboard-engine --bench team_failover
//!
//! 5 runs; medians with min–max. The lease lasts 6 s and is renewed every 2 s; a standby looks
//! every second.

#![allow(
    clippy::unwrap_used,
    reason = "the shared test helpers unwrap: a failure ends the bench with its backtrace"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use common::Member;
use serde_json::json;
use std::time::{Duration, Instant};
use switchboard_sandbox::{Sandbox, Script};

const RUNS: usize = 5;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn summary(mut values: Vec<Duration>) -> String {
    values.sort();
    let median = values[values.len() / 2];
    format!(
        "median {:.2} s (min {:.2}, max {:.2}; {:?})",
        secs(median),
        secs(values[0]),
        secs(values[values.len() - 1]),
        values.iter().map(|v| format!("{:.2}", secs(*v))).collect::<Vec<_>>()
    )
}

async fn holder(pg: &sqlx::PgPool) -> Option<String> {
    sqlx::query_scalar("SELECT holder FROM leases WHERE expires_at > clock_timestamp()")
        .fetch_optional(pg)
        .await
        .expect("the leases")
}

fn main() {
    let admin = std::env::var("SWITCHBOARD_TEST_PG").expect("run under scripts/postgres-session.sh");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        switchboard_engine::Keychain::use_os_store().expect("the keychain");
        let (mut leases, mut stored) = (Vec::new(), Vec::new());
        for run in 1..=RUNS {
            let database = format!("bench_failover_{run}");
            let pool = sqlx::PgPool::connect(&admin).await.expect("the server");
            for statement in [format!("DROP DATABASE IF EXISTS {database}"), format!("CREATE DATABASE {database}")] {
                sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&pool).await.expect("a database");
            }
            let url = format!("{}/{database}", admin.rsplit_once('/').expect("a database part").0);
            switchboard_team::Team::connect(&url).await.expect("the schema").close().await;
            let pg = sqlx::PgPool::connect(&url).await.expect("the team's database");
            let script = json!({"pages": [{"id": "4501", "name": "Failover Page"}],
                                "personas": [{"psid": "7500", "page": "4501", "first_name": "F", "last_name": "O"}]});
            let sandbox = Sandbox::start(Script::from_json(&script.to_string()).expect("a script")).await.expect("the sandbox");
            let root = tempfile::tempdir().expect("a folder");
            let mut members = [Member::new(root.path(), "ana", true, false), Member::new(root.path(), "ben", true, false)];
            for member in &mut members {
                member.start(&sandbox, &url);
            }
            let first = loop {
                if let Some(h) = holder(&pg).await {
                    break h;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            };
            // Let the holder settle into polling, then kill it mid-run.
            tokio::time::sleep(Duration::from_secs(3)).await;
            let victim = members.iter_mut().find(|m| first.starts_with(&format!("{}/", m.name))).expect("a holder");
            victim.kill().await;
            let killed = Instant::now();
            sandbox.customer_writes("7500", &format!("after the kill {run}")).expect("a message");
            let (mut took, mut arrived) = (None, None);
            while took.is_none() || arrived.is_none() {
                if took.is_none() && holder(&pg).await.is_some_and(|h| h != first) {
                    took = Some(killed.elapsed());
                }
                if arrived.is_none() {
                    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE body LIKE 'after the kill%'")
                        .fetch_one(&pg)
                        .await
                        .expect("a count");
                    if n > 0 {
                        arrived = Some(killed.elapsed());
                    }
                }
                assert!(killed.elapsed() < Duration::from_secs(60), "no take-over within a minute");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let (took, arrived) = (took.expect("measured"), arrived.expect("measured"));
            println!("run {run}: lease taken over {:.2} s after SIGKILL, first message stored {:.2} s after", secs(took), secs(arrived));
            leases.push(took);
            stored.push(arrived);
            for member in &mut members {
                member.kill().await;
            }
        }
        println!("failover, SIGKILL → the other engine holds the lease: {}", summary(leases));
        println!("failover, SIGKILL → a message written at the kill is stored: {}", summary(stored));
    });
}
