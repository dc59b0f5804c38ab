//! A desktop following the team: what a poller elsewhere records on PostgreSQL reaches this
//! engine's replica and its windows' events, woken by NOTIFY.

use crate::{eventually, team_database, test_service};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_core::{Author, Direction, Platform};
use switchboard_engine::{Engine, EngineConfig, Event, Hosts, Keychain, ListFilter, Notifier, SystemClock};
use switchboard_team::{Incoming, Team};

fn message(n: usize) -> Incoming {
    Incoming {
        platform_message_id: format!("m{n}"),
        contact_platform_id: format!("p{}", n % 10),
        contact_name: Some(format!("Customer {}", n % 10)),
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: format!("message {n}"),
        created_at: Timestamp::from_second(1_790_000_000 + n as i64).expect("a time"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_another_desktop_records_reaches_this_one_s_windows_within_a_second() {
    let Some(url) = team_database("follow").await else { return };
    Keychain::use_os_store().unwrap();
    let team = Team::connect(&url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hosts = Hosts::sandbox("http://127.0.0.1:9".parse().unwrap());
    let config = EngineConfig::new(dir.path().join("cache.sqlite3"), hosts, "maria");
    let engine = Engine::open(
        config,
        Keychain::new(test_service("follow")),
        Notifier::disabled(),
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let mut events = engine.subscribe();
    engine.follow_team(team.clone());

    // The poller is another desktop: it records straight on PostgreSQL.
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let page: i64 = sqlx::query_scalar("INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '1', 'Team Bikes') RETURNING id")
        .fetch_one(&raw)
        .await
        .unwrap();
    let lease = team.lease_take(page, "poller", Duration::from_secs(30)).await.unwrap().unwrap();
    let mut latencies = Vec::new();
    for n in 0..30 {
        let committed = Instant::now();
        team.record_messages(&lease, Platform::Messenger, &[message(n)]).await.unwrap();
        let wanted = format!("message {n}");
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Ok(Event::MessageChanged { message }) = events.recv().await
                    && message.body == wanted
                {
                    return;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{wanted} never reached this desktop"));
        latencies.push(committed.elapsed());
    }
    latencies.sort();
    let (p50, worst) = (latencies[latencies.len() / 2], latencies[latencies.len() - 1]);
    eprintln!("commit → this desktop's event: p50 {p50:?}, worst {worst:?} of {}", latencies.len());
    assert!(p50 < Duration::from_secs(1), "woken by NOTIFY, not by the 2 s catch-up: p50 {p50:?}");
    eventually("ten customers in the replica's list", Duration::from_secs(5), || {
        let engine = engine.clone();
        async move { engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions.len() == 10 }
    })
    .await;
}
