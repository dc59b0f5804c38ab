//! The desk's reads on a team replica against the same reads on a solo cache: the same data
//! (20,000 sessions, 200,000 messages, on two channels) recorded once by the poller's path
//! (`record_messages`, solo mode) and once by the replica's (`replica_apply`, the team's change
//! log), each in its own encrypted cache, then the desk's queries on both in the same run.
//!
//!   make bench        (cargo bench -p switchboard-store --bench replica)
//!   REPLICA_SESSIONS=100000 cargo bench -p switchboard-store --bench replica
//!                     (the desk bench's size: 100,000 sessions, 1,000,000 messages)
//!
//! Medians of 201 samples (51 for search), the ratio replica ÷ solo beside each.

use jiff::Timestamp;
use serde_json::json;
use std::time::{Duration, Instant};
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::{
    CacheKey, IncomingMessage, NewChannel, ReplicaChange, ReplicaCursor, SearchQuery, SessionFilter, Store,
};

/// How many sessions (of ten messages each): `REPLICA_SESSIONS`, or 20,000.
static SESSIONS: std::sync::LazyLock<i64> = std::sync::LazyLock::new(|| {
    std::env::var("REPLICA_SESSIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000)
});
const PER_SESSION: i64 = 10;
const BATCH: i64 = 1_000;
const WORDS: [&str; 6] = ["battery", "spoke", "delivery", "refund", "saddle", "invoice"];

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn at(n: i64) -> i64 {
    1_790_000_000_000 + n * 1_000
}

fn body(session: i64, n: i64) -> String {
    format!("message {n} about the {} of order #{}", WORDS[((session + n) % 6) as usize], 4000 + session)
}

async fn solo(store: &Store) {
    let mut channels = Vec::new();
    for (id, name) in [("1001", "Velo Bikes"), ("1002", "Velo Repairs")] {
        channels.push(
            store
                .connect_channel(NewChannel { platform: Platform::Messenger, external_id: id, name })
                .await
                .expect("a channel"),
        );
    }
    let per_batch = BATCH / PER_SESSION;
    for first in (0..*SESSIONS).step_by(per_batch as usize) {
        let channel = (first / per_batch % 2) as usize;
        let mut batch = Vec::new();
        for session in first..first + per_batch {
            for n in 0..PER_SESSION {
                batch.push(IncomingMessage {
                    platform_message_id: format!("m{session}_{n}"),
                    contact_platform_id: format!("p{session}"),
                    contact_name: Some(format!("Customer {session}")),
                    thread_id: None,
                    direction: if n % 2 == 0 { Direction::Inbound } else { Direction::Outbound },
                    author: if n % 2 == 0 { Author::Customer } else { Author::Agent },
                    body: body(session, n),
                    created_at: Timestamp::from_millisecond(at(session * PER_SESSION + n)).expect("a time"),
                    attachments: Vec::new(),
                });
            }
        }
        store.record_messages(channels[channel].id, Platform::Messenger, &batch).await.expect("recorded");
    }
}

async fn replica(store: &Store) {
    let mut version = 0;
    let mut change = |entity: &str, key: i64, row: serde_json::Value| {
        version += 1;
        ReplicaChange { entity: entity.into(), key: Some(key), name: None, version, row: Some(row) }
    };
    let mut changes = vec![
        change(
            "channels",
            1,
            json!({"id": 1, "platform": "messenger", "external_id": "1001", "name": "Velo Bikes", "state": "connected"}),
        ),
        change(
            "channels",
            2,
            json!({"id": 2, "platform": "messenger", "external_id": "1002", "name": "Velo Repairs", "state": "connected"}),
        ),
    ];
    let per_batch = BATCH / PER_SESSION;
    for first in (0..*SESSIONS).step_by(per_batch as usize) {
        let channel = first / per_batch % 2 + 1;
        // One transaction of the team per batch, in order.
        let position = first / per_batch + 1;
        for session in first..first + per_batch {
            let id = session + 1;
            let last = session * PER_SESSION + PER_SESSION - 1;
            changes.push(change(
                "contacts",
                id,
                json!({"id": id, "platform": "messenger", "platform_id": format!("p{session}"),
                "platform_name": format!("Customer {session}"), "opted_out": false}),
            ));
            changes.push(change(
                "sessions",
                id,
                json!({"id": id, "channel_id": channel, "contact_id": id, "state": "active",
                "last_activity_at": at(last), "last_inbound_at": at(last - 1)}),
            ));
            for n in 0..PER_SESSION {
                let message = session * PER_SESSION + n + 1;
                let inbound = n % 2 == 0;
                changes.push(change("messages", message, json!({"id": message, "session_id": id, "channel_id": channel,
                    "platform_message_id": format!("m{session}_{n}"), "direction": if inbound { "inbound" } else { "outbound" },
                    "author": if inbound { "customer" } else { "agent" }, "body": body(session, n),
                    "delivery": if inbound { "delivered" } else { "sent" }, "created_at": at(session * PER_SESSION + n)})));
            }
        }
        store
            .replica_apply(&std::mem::take(&mut changes), ReplicaCursor { txid: position, position })
            .await
            .expect("applied");
    }
}

async fn reads(store: &Store) -> [Duration; 4] {
    let mut first = Vec::new();
    for _ in 0..201 {
        let t = Instant::now();
        let page = store.session_list(&SessionFilter::default(), None, 50).await.expect("a page");
        first.push(t.elapsed());
        assert_eq!(page.sessions.len(), 50);
    }
    let (mut next, mut after) = (Vec::new(), None);
    for _ in 0..201 {
        let t = Instant::now();
        let page = store.session_list(&SessionFilter::default(), after, 50).await.expect("a page");
        next.push(t.elapsed());
        after = page.next;
    }
    let mut open = Vec::new();
    for n in 0..201 {
        let session = (n * 97) % *SESSIONS + 1;
        let t = Instant::now();
        let messages = store.session_messages(session, None, 50).await.expect("messages");
        open.push(t.elapsed());
        assert_eq!(messages.len(), PER_SESSION as usize);
    }
    let mut search = Vec::new();
    for _ in 0..51 {
        let query = SearchQuery { text: "battery".into(), limit: 50, ..SearchQuery::default() };
        let t = Instant::now();
        let hits = store.search(&query).await.expect("searched");
        search.push(t.elapsed());
        assert!(!hits.is_empty());
    }
    [median(first), median(next), median(open), median(search)]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        // One cache per folder (a folder is one desktop's).
        let (solo_dir, replica_dir) =
            (tempfile::tempdir().expect("a dir"), tempfile::tempdir().expect("a dir"));
        let key = CacheKey::generate().expect("a key");
        let solo_store = Store::open(&solo_dir.path().join("cache.sqlite3"), &key).await.expect("solo cache");
        let replica_store =
            Store::open(&replica_dir.path().join("cache.sqlite3"), &key).await.expect("replica");
        let t = Instant::now();
        solo(&solo_store).await;
        println!(
            "solo cache: {} sessions, {} messages recorded in {:.1} s",
            *SESSIONS,
            *SESSIONS * PER_SESSION,
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        replica(&replica_store).await;
        println!("replica: the same applied from the change log in {:.1} s", t.elapsed().as_secs_f64());
        let s = reads(&solo_store).await;
        let r = reads(&replica_store).await;
        for (i, label) in [
            "first page (50) of the session list",
            "following pages (keyset)",
            "open a session (its 50 newest)",
            "search \"battery\" (50 hits)",
        ]
        .iter()
        .enumerate()
        {
            println!(
                "{label}: solo {}, replica {} (replica ÷ solo {:.2})",
                ms(s[i]),
                ms(r[i]),
                r[i].as_secs_f64() / s[i].as_secs_f64()
            );
        }
    });
}
