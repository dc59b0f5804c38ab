//! Team mode's change-log delivery: from a commit on PostgreSQL (another desktop's poller
//! recording a customer's message) to this desktop's engine event — what the shell hands the
//! windows. Release build, loopback, a throw-away server.
//!
//!   scripts/postgres-session.sh scripts/desktop-session.sh cargo bench -p switchboard-engine --bench team_delivery
//!
//! 3 runs of 300 commits each, one at a time (the next after the last arrived); p50 and p99 per
//! run, and their medians over the runs.

use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_core::{Author, Direction, Platform};
use switchboard_engine::{Engine, EngineConfig, Event, Hosts, Keychain, Notifier, SystemClock};
use switchboard_store::IncomingMessage;
use switchboard_team::Team;

const COMMITS: usize = 300;
const RUNS: usize = 3;

fn message(n: usize) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: format!("m{n}"),
        contact_platform_id: format!("p{}", n % 50),
        contact_name: Some(format!("Customer {}", n % 50)),
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: format!("message {n}"),
        created_at: Timestamp::from_second(1_790_000_000 + n as i64).expect("a time"),
        attachments: Vec::new(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let admin = std::env::var("SWITCHBOARD_TEST_PG").expect("run under scripts/postgres-session.sh");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let (mut p50s, mut p99s) = (Vec::new(), Vec::new());
        for run in 1..=RUNS {
            let database = format!("bench_delivery_{run}");
            let pool = sqlx::PgPool::connect(&admin).await.expect("the server");
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {database}"))).execute(&pool).await.expect("drop");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}"))).execute(&pool).await.expect("create");
            let url = format!("{}/{database}", admin.rsplit_once('/').expect("a database part").0);
            let team = Team::connect(&url).await.expect("the schema");
            let dir = tempfile::tempdir().expect("a temp dir");
            // The cache key lives in the keychain (the private one desktop-session.sh starts).
            Keychain::use_os_store().expect("the keychain");
            let hosts = Hosts::sandbox("http://127.0.0.1:9".parse().expect("a URL"));
            let config = EngineConfig::new(dir.path().join("cache.sqlite3"), hosts, "bench");
            let engine = Engine::open(config, Keychain::new("switchboard-bench"), Notifier::disabled(), Arc::new(SystemClock))
                .await
                .expect("the engine");
            let mut events = engine.subscribe();
            engine.follow_team(team.clone());
            let raw = sqlx::PgPool::connect(&url).await.expect("raw");
            let page: i64 = sqlx::query_scalar(
                "INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '1', 'Bench') RETURNING id",
            )
            .fetch_one(&raw)
            .await
            .expect("channel");
            let lease = team.lease_take(page, "poller", Duration::from_secs(600)).await.expect("lease").expect("free");
            let mut latencies = Vec::with_capacity(COMMITS);
            for n in 0..COMMITS {
                let committed = Instant::now();
                team.record_messages(&lease, Platform::Messenger, &[message(n)]).await.expect("recorded");
                let wanted = format!("message {n}");
                loop {
                    if let Ok(Event::MessageChanged { message }) = events.recv().await
                        && message.body == wanted
                    {
                        break;
                    }
                }
                latencies.push(committed.elapsed());
            }
            latencies.sort();
            let (p50, p99) = (percentile(&latencies, 0.5), percentile(&latencies, 0.99));
            println!("  run {run}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {COMMITS} commits", ms(p50), ms(p99), ms(latencies[COMMITS - 1]));
            p50s.push(p50);
            p99s.push(p99);
            engine.close().await;
            team.close().await;
        }
        p50s.sort();
        p99s.sort();
        println!(
            "change-log delivery, commit → this desktop's engine event: median p50 {:.1} ms, median p99 {:.1} ms (goals ≤ 100 ms, ≤ 300 ms)",
            ms(p50s[RUNS / 2]),
            ms(p99s[RUNS / 2])
        );
    });
}
