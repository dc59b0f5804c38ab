//! Team mode through outages, in a test binary of its own because it restarts the test cluster
//! (cargo runs test binaries one after another, so no other test sees the restart): PostgreSQL
//! restarted mid-run, and one desktop's connection cut for a minute while its agent answers.
//! Everyone reconnects and catches up; replies written offline go out exactly once.
#![allow(clippy::unwrap_used, reason = "test code: a failed unwrap is a failed test, with its backtrace")]

#[path = "../common/mod.rs"]
mod common;

use common::{Member, eventually, require_desktop, team_database, test_service};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use switchboard_core::DeliveryState;
use switchboard_engine::{
    Engine, EngineConfig, Event, Hosts, Keychain, ListFilter, Notifier, SystemClock, TeamStatus,
};
use switchboard_sandbox::{Sandbox, Script};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP relay to PostgreSQL that can be cut: cutting drops every connection through it and
/// refuses new ones, as a lost network does; restoring lets connections through again.
struct Relay {
    address: SocketAddr,
    open: Arc<AtomicBool>,
    cuts: watch::Sender<u64>,
}

impl Relay {
    async fn start(to: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let open = Arc::new(AtomicBool::new(true));
        let (cuts, _) = watch::channel(0u64);
        let (gate, generation) = (open.clone(), cuts.subscribe());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                if !gate.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                // Only cuts after this connection began end it.
                let mut cut = generation.clone();
                cut.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(to).await else { return };
                    let mut client = client;
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        Self { address, open, cuts }
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// Restarts the test cluster (scripts/postgres-session.sh says where it is and as whom it runs).
async fn restart_postgres() {
    let bin = std::env::var("SWITCHBOARD_PG_BIN").unwrap();
    let data = std::env::var("SWITCHBOARD_PG_DATA").unwrap();
    let run_as = std::env::var("SWITCHBOARD_PG_RUN_AS").unwrap_or_default();
    let mut command: Vec<String> = run_as.split_whitespace().map(str::to_owned).collect();
    command.extend([
        format!("{bin}/pg_ctl"),
        "-D".into(),
        data,
        "-m".into(),
        "fast".into(),
        "-w".into(),
        "restart".into(),
    ]);
    let status = tokio::process::Command::new(&command[0])
        .args(&command[1..])
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .unwrap();
    assert!(status.success(), "pg_ctl restart");
}

fn script(page: &str) -> Script {
    let personas: Vec<Value> = (0..4)
        .map(|i| json!({"psid": format!("{}", 7200 + i), "page": page, "first_name": "C", "last_name": format!("{i}")}))
        .collect();
    Script::from_json(
        &json!({"pages": [{"id": page, "name": "Outage Page"}], "personas": personas}).to_string(),
    )
    .unwrap()
}

fn write_round(sandbox: &Sandbox, round: &str) {
    for customer in 0..4 {
        sandbox.customer_writes(&format!("{}", 7200 + customer), &format!("c{customer} {round}")).unwrap();
    }
}

/// Every customer's messages in `engine`'s replica, as (customer, bodies) oldest first.
async fn replica(engine: &Engine) -> Vec<(String, Vec<(String, DeliveryState)>)> {
    let page = engine.session_list(&ListFilter::default(), None, 50).await.unwrap();
    let mut all = Vec::new();
    for session in page.sessions {
        let messages = engine.session_messages(session.id, None, 500).await.unwrap();
        all.push((session.contact_platform_id, messages.into_iter().map(|m| (m.body, m.delivery)).collect()));
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

async fn has_inbound(engine: &Engine, bodies: &[String]) -> bool {
    let all = replica(engine).await;
    bodies.iter().all(|b| all.iter().any(|(_, messages)| messages.iter().any(|(body, _)| body == b)))
}

fn round_bodies(round: &str) -> Vec<String> {
    (0..4).map(|c| format!("c{c} {round}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_and_a_minute_offline_lose_nothing_and_send_nothing_twice() {
    require_desktop();
    let Some(url) = team_database("outage").await else { return };
    Keychain::use_os_store().unwrap();
    switchboard_team::Team::connect(&url).await.unwrap().close().await;
    let pg = sqlx::PgPool::connect(&url).await.unwrap();
    let sandbox = Sandbox::start(script("4201")).await.unwrap();
    let root = tempfile::tempdir().unwrap();
    // The poller (and sender) connects directly; Maria's desktop goes through a relay.
    let mut ana = Member::new(root.path(), "ana", true, false);
    ana.start(&sandbox, &url);

    let server: SocketAddr = {
        let host = url.split('@').nth(1).unwrap().split('/').next().unwrap();
        host.parse().unwrap()
    };
    let relay = Relay::start(server).await;
    let relayed = url.replace(&server.to_string(), &relay.address.to_string());
    let hosts = Hosts::sandbox(sandbox.base_url().parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let config = EngineConfig::new(dir.path().join("cache.sqlite3"), hosts, "maria");
    let maria = Engine::open(
        config,
        Keychain::new(test_service("outage-maria")),
        Notifier::disabled(),
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let mut events = maria.subscribe();
    maria.join_team(switchboard_team::Team::connect(&relayed).await.unwrap(), false).await.unwrap();
    maria.start().await.unwrap();

    write_round(&sandbox, "m0");
    eventually("Maria's replica to have the first messages", Duration::from_secs(20), || {
        let maria = maria.clone();
        async move { has_inbound(&maria, &round_bodies("m0")).await }
    })
    .await;

    // PostgreSQL restarts mid-run, with customers writing before and after.
    write_round(&sandbox, "m1");
    let restarting = Instant::now();
    restart_postgres().await;
    eprintln!("PostgreSQL restarted in {:?}", restarting.elapsed());
    write_round(&sandbox, "m2");
    eventually("both desktops to catch up after the restart", Duration::from_secs(30), || {
        let maria = maria.clone();
        async move {
            has_inbound(&maria, &round_bodies("m1")).await && has_inbound(&maria, &round_bodies("m2")).await
        }
    })
    .await;

    // Maria's connection is cut for a minute; she answers two customers meanwhile.
    let sessions = maria.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
    relay.cut();
    let cut = Instant::now();
    let answers = ["Offline answer one", "Offline answer two"];
    for (session, text) in sessions.iter().zip(answers) {
        let sent = maria.session_reply(session.id, text).await.unwrap();
        assert_eq!(sent.delivery, DeliveryState::Pending, "saved here before anything is sent");
    }
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Ok(Event::TeamStatus { status }) = events.recv().await
                && status == (TeamStatus { online: false, waiting: 2 })
            {
                return;
            }
        }
    })
    .await
    .expect("the desk is told: offline, 2 replies waiting");
    write_round(&sandbox, "m3");
    tokio::time::sleep(Duration::from_secs(60).saturating_sub(cut.elapsed())).await;
    assert!(sandbox.sent().is_empty(), "nothing went out while Maria was cut off");
    relay.restore();

    let back = Instant::now();
    loop {
        let all = replica(&maria).await;
        let delivered = answers.iter().all(|a| {
            all.iter().any(|(_, m)| m.iter().any(|(body, d)| body == a && *d == DeliveryState::Sent))
        });
        if delivered && has_inbound(&maria, &round_bodies("m3")).await {
            break;
        }
        if back.elapsed() > Duration::from_secs(30) {
            let team: Vec<(i64, String, String, String)> =
                sqlx::query_as("SELECT id, author, delivery, body FROM messages ORDER BY id")
                    .fetch_all(&pg)
                    .await
                    .unwrap();
            panic!(
                "the offline answers did not go out or arrive.\nreplica: {all:?}\nteam: {team:?}\nsent: {:?}",
                sandbox.sent().into_iter().map(|m| m.text).collect::<Vec<_>>()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("back online: answers out and the minute's messages in after {:?}", back.elapsed());
    eventually("the desk to be back online with nothing waiting", Duration::from_secs(10), || {
        let maria = maria.clone();
        async move { maria.team_status().await.unwrap() == Some(TeamStatus { online: true, waiting: 0 }) }
    })
    .await;
    let sent: Vec<String> = sandbox.sent().into_iter().map(|m| m.text).collect();
    let mut expected: Vec<String> = answers.iter().map(|a| (*a).to_owned()).collect();
    let mut got = sent.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected, "each offline answer sent exactly once");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE author = 'agent'")
        .fetch_one(&pg)
        .await
        .unwrap();
    assert_eq!(stored, 2, "each stored once in the team");
    // Each customer's messages once, in order, in Maria's replica.
    for (customer, messages) in replica(&maria).await {
        let index = customer.parse::<usize>().unwrap() - 7200;
        let inbound: Vec<&str> = messages
            .iter()
            .map(|(body, _)| body.as_str())
            .filter(|b| b.starts_with(&format!("c{index} ")))
            .collect();
        let expected: Vec<String> =
            ["m0", "m1", "m2", "m3"].iter().map(|r| format!("c{index} {r}")).collect();
        assert_eq!(inbound, expected, "customer {customer}");
    }
    ana.kill().await;
}
