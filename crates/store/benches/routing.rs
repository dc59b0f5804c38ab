//! Routing at a busy centre's scale, on a real encrypted cache.
//!
//!   make bench        (cargo bench -p switchboard-store --bench routing)
//!
//! 1. One routing decision (core's `assignment::next`) over 10,000 waiting interactions and
//!    200 agents: median of many runs (goal ≤ 1 ms).
//! 2. A burst of 10,000 new interactions assigned by `Store::assign_waiting` (eligibility and
//!    capacity checked in one transaction), as assignments per second, against a bare claim
//!    loop — one `BEGIN IMMEDIATE; SELECT … LIMIT 1; UPDATE …; COMMIT` per claim — on the same
//!    encrypted file in the same run (goal ≥ 0.2×). Each figure is the median of three runs.

use jiff::{SignedDuration, Timestamp};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use switchboard_core::routing::assignment::{self, Agent, Capacity, Load, Presence, Waiting};
use switchboard_core::routing::{Experience, MenuWords, QueueName};
use switchboard_core::{Author, Direction, Platform, Secret};
use switchboard_store::{CacheKey, IncomingMessage, NewChannel, RoutingRecord, Store};

const WAITING: usize = 10_000;
const AGENTS: usize = 200;
const QUEUES: i64 = 10;
const RUNS: usize = 3;

fn median<T: PartialOrd + Copy>(mut samples: Vec<T>) -> T {
    samples.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    samples[samples.len() / 2]
}

fn t(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + seconds).expect("a valid time")
}

/// 10,000 waiting across 10 queues and 3 platforms; 200 agents, each in 2 queues, most busy.
fn decision_inputs() -> (Vec<Waiting>, Vec<Agent>) {
    let platforms = [Platform::Messenger, Platform::Sms, Platform::Whatsapp];
    let waiting = (0..WAITING as i64)
        .map(|n| Waiting {
            interaction: n,
            queue: n % QUEUES,
            priority: n % 3,
            platform: platforms[(n % 3) as usize],
            queued_at: t(n),
            previous_agent: None,
        })
        .collect();
    let agents = (0..AGENTS as i64)
        .map(|n| Agent {
            name: format!("agent{n:03}"),
            presence: if n % 4 == 0 { Presence::Break } else { Presence::Available },
            idle_since: Some(t(-n)),
            queues: vec![n % QUEUES, (n + 3) % QUEUES],
            capacity: Capacity::default(),
            load: Load { messenger: (n % 4) as u32, sms: 1, whatsapp: 0, held: 0 },
            assigned_today: 0,
        })
        .collect();
    (waiting, agents)
}

fn one_decision() -> (Duration, usize) {
    let (waiting, agents) = decision_inputs();
    let none = HashMap::new();
    let mut samples = Vec::new();
    for _ in 0..201 {
        let started = Instant::now();
        let decided = assignment::next(&waiting, &agents, &none);
        samples.push(started.elapsed());
        assert!(decided.is_some(), "someone can take an interaction");
    }
    (median(samples), 201)
}

fn key_hex() -> String {
    (0..32).map(|i| format!("{:02x}", (i * 11 + 5) % 256)).collect()
}

/// A cache with one channel, 10 leaf queues, 200 agents with room for everyone, and 10,000
/// customers who just wrote (their interactions routed into the queues, waiting).
async fn burst_cache(dir: &std::path::Path) -> (Store, Vec<i64>) {
    let key = CacheKey::from_secret(Secret::from(key_hex())).expect("a valid key");
    let store = Store::open(&dir.join("cache.sqlite3"), &key).await.expect("opens");
    let channel = store
        .connect_channel(NewChannel { platform: Platform::Messenger, external_id: "1", name: "Bench" })
        .await
        .expect("channel");
    store.experience_ensure(channel.id, "Bench", &Experience::new("UTC"), None).await.expect("experience");
    let root = store.queues(channel.id).await.expect("queues")[0].id;
    let mut leaves = Vec::new();
    for q in 0..QUEUES {
        let name = QueueName::parse(&format!("Queue {q}"), &MenuWords::default()).expect("a name");
        leaves.push(store.queue_add(root, &name).await.expect("queue").id);
    }
    let room = Capacity { messenger: 60, sms: 60, whatsapp: 60, total: 60, count_held: true };
    store.default_capacity_set(&room).await.expect("capacity");
    let mut members: HashMap<i64, Vec<String>> = HashMap::new();
    for n in 0..AGENTS {
        let name = format!("agent{n:03}");
        store.member_ensure(&name, t(0)).await.expect("member");
        members.entry(leaves[n % leaves.len()]).or_default().push(name);
    }
    for (queue, names) in &members {
        store.queue_members_set(*queue, names).await.expect("members");
    }
    for chunk in 0..(WAITING / 1_000) {
        let batch: Vec<IncomingMessage> = (0..1_000)
            .map(|i| {
                let n = chunk * 1_000 + i;
                IncomingMessage {
                    platform_message_id: format!("m{n}"),
                    contact_platform_id: format!("c{n}"),
                    contact_name: Some(format!("Customer {n}")),
                    thread_id: None,
                    direction: Direction::Inbound,
                    author: Author::Customer,
                    body: "Hello".into(),
                    created_at: t(n as i64),
                    attachments: Vec::new(),
                }
            })
            .collect();
        store.record_messages(channel.id, Platform::Messenger, &batch).await.expect("ingest");
    }
    let mut ids = Vec::with_capacity(WAITING);
    loop {
        let due = store.routing_due(t(20_000), 1_000).await.expect("due");
        if due.is_empty() {
            break;
        }
        for item in due {
            let queue = leaves[(item.session_id as usize) % leaves.len()];
            let queued = item.interaction.clone().enter_queue(queue, t(20_000)).expect("queued");
            let record = RoutingRecord {
                interaction_id: item.id,
                session_id: item.session_id,
                read: &item.interaction,
                interaction: &queued,
                routed_message_id: item.unread.last().map(|m| m.0),
                texts: &[],
                due_at: None,
                events: &[],
                now: t(20_000),
            };
            store.routing_record(record).await.expect("routed");
            ids.push(item.id);
        }
    }
    assert_eq!(ids.len(), WAITING);
    (store, ids)
}

async fn raw_pool(dir: &std::path::Path) -> sqlx::SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(dir.join("cache.sqlite3"))
        .pragma("key", format!("\"x'{}'\"", key_hex()))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("the same cache, raw")
}

/// Everyone back in their queue, nobody's.
async fn requeue(pool: &sqlx::SqlitePool) {
    sqlx::query(
        "UPDATE interactions SET state = 'queued', agent = NULL, assigned_at = NULL WHERE state <> 'ended'",
    )
    .execute(pool)
    .await
    .expect("requeue");
    sqlx::query("DELETE FROM interaction_events").execute(pool).await.expect("events");
}

/// The floor: one claim per transaction, nothing checked but "still queued".
async fn bare_claims(pool: &sqlx::SqlitePool) -> f64 {
    let started = Instant::now();
    let mut conn = pool.acquire().await.expect("a connection");
    for n in 0..WAITING {
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.expect("begin");
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM interactions WHERE state = 'queued' ORDER BY queue_id, queued_at LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .expect("one waiting");
        sqlx::query("UPDATE interactions SET state = 'assigned', agent = ?, assigned_at = ? WHERE id = ?")
            .bind(format!("agent{:03}", n % AGENTS))
            .bind(n as i64)
            .bind(id)
            .execute(&mut *conn)
            .await
            .expect("claim");
        sqlx::query("COMMIT").execute(&mut *conn).await.expect("commit");
    }
    WAITING as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let (decision, runs) = one_decision();
    println!(
        "one routing decision, {WAITING} waiting × {AGENTS} agents: median {:.3} ms over {runs} runs (goal ≤ 1 ms)",
        decision.as_secs_f64() * 1e3
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("a temp dir");
        let (store, _) = burst_cache(dir.path()).await;
        let pool = raw_pool(dir.path()).await;
        let (mut ours, mut floor, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..RUNS {
            requeue(&pool).await;
            let started = Instant::now();
            let made = store.assign_waiting(t(30_000) + SignedDuration::from_secs(run as i64)).await.expect("assigns");
            let rate = made.len() as f64 / started.elapsed().as_secs_f64();
            assert_eq!(made.len(), WAITING, "everyone fits: 200 agents × 60");
            requeue(&pool).await;
            let bare = bare_claims(&pool).await;
            println!("  run {}: assign_waiting {rate:.0}/s, bare claim loop {bare:.0}/s ({:.2}×)", run + 1, rate / bare);
            ours.push(rate);
            floor.push(bare);
            ratios.push(rate / bare);
        }
        println!(
            "burst of {WAITING}: median {:.0} assignments/s with eligibility and capacity checked; bare claim loop median {:.0}/s; ratio median {:.2}× (goal ≥ 0.2×)",
            median(ours),
            median(floor),
            median(ratios)
        );
        store.close().await;
    });
}
