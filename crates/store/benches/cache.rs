//! The cache at scale: 100k sessions and 1M messages, on a real encrypted file.
//!
//!   make bench        (cargo bench -p switchboard-store --bench cache)
//!
//! Runs the whole bench three times (a fresh cache each) and prints each figure as the median of
//! the runs with min–max, the ingest rate also as a ratio to plain batched INSERTs into an
//! unindexed table (the floor), measured in the same run on the same kind of file.

use jiff::{SignedDuration, Timestamp};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::time::{Duration, Instant};
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::{
    CacheKey, IncomingMessage, NewChannel, RetentionPolicy, SearchQuery, SessionFilter, Store,
};

const SESSIONS: u64 = 100_000;
const MESSAGES: u64 = 1_000_000;
const PER_SESSION: u64 = MESSAGES / SESSIONS;
const BATCH: u64 = 1_000;
const SPAN_DAYS: i64 = 60;

const WORDS: &[&str] = &[
    "hello",
    "order",
    "bike",
    "delivery",
    "refund",
    "battery",
    "charger",
    "size",
    "blue",
    "red",
    "frame",
    "helmet",
    "warranty",
    "shop",
    "open",
    "sunday",
    "tomorrow",
    "today",
    "price",
    "discount",
    "invoice",
    "receipt",
    "tracking",
    "number",
    "parcel",
    "late",
    "broken",
    "spoke",
    "wheel",
    "tyre",
    "brake",
    "chain",
    "gear",
    "repair",
    "appointment",
    "thanks",
    "please",
    "when",
    "where",
    "how",
    "much",
    "cost",
    "pay",
    "card",
    "cash",
    "store",
    "pickup",
    "address",
    "change",
    "cancel",
    "exchange",
    "return",
    "model",
    "electric",
    "city",
    "mountain",
    "road",
    "kids",
    "lock",
    "light",
    "bell",
    "basket",
    "rack",
    "pedal",
];

/// A deterministic generator, so every run measures the same data.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn sentence(&mut self) -> String {
        let n = 4 + self.next() % 12;
        let mut words: Vec<String> =
            (0..n).map(|_| WORDS[(self.next() % WORDS.len() as u64) as usize].into()).collect();
        if self.next().is_multiple_of(4) {
            words.push(format!("#{}", 100_000 + self.next() % 900_000));
        }
        words.join(" ")
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Message `k` belongs to session k / 10: each session's ten messages are consecutive, and the
/// sessions spread evenly over 60 days, so a 30-day purge removes about half of everything.
fn batch(start: Timestamp, from: u64, rng: &mut SplitMix) -> (usize, Vec<IncomingMessage>) {
    let step = SignedDuration::from_millis(SPAN_DAYS * 86_400_000 / MESSAGES as i64);
    let mut messages = Vec::with_capacity(BATCH as usize);
    for k in from..from + BATCH {
        let session = k / PER_SESSION;
        // Every third session's last message is the page's answer.
        let outbound = k % PER_SESSION == PER_SESSION - 1 && session.is_multiple_of(3);
        messages.push(IncomingMessage {
            platform_message_id: format!("m_{k}"),
            contact_platform_id: format!("{}", 7_000_000_000 + session),
            contact_name: Some(format!("Customer {session}")),
            thread_id: Some(format!("t_{session}")),
            direction: if outbound { Direction::Outbound } else { Direction::Inbound },
            author: if outbound { Author::Agent } else { Author::Customer },
            body: rng.sentence(),
            created_at: start + step * k as i32,
            attachments: Vec::new(),
        });
    }
    (((from / PER_SESSION) % 2) as usize, messages)
}

/// How many times the whole bench runs (a fresh cache each time) in one invocation: every
/// figure is the median of the runs, with their min–max beside it.
const RUNS: usize = 3;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    println!(
        "Switchboard cache benchmark: {SESSIONS} sessions, {MESSAGES} messages, SQLCipher + WAL, {RUNS} runs"
    );
    let mut runs = Vec::new();
    for run in 1..=RUNS {
        let figures = runtime.block_on(run_once());
        println!("run {run}: {figures:?}");
        runs.push(figures);
    }
    println!(
        "\nmedian of {RUNS} runs (min–max); each run's latencies are themselves medians of 201 (list) or 51 (search) reads"
    );
    let line = |label: &str, unit: &str, pick: &dyn Fn(&Figures) -> f64| {
        let mut values: Vec<f64> = runs.iter().map(pick).collect();
        values.sort_by(f64::total_cmp);
        println!(
            "{label}: {:.2} {unit} ({:.2}–{:.2})",
            values[values.len() / 2],
            values[0],
            values[values.len() - 1]
        );
    };
    line("(a) first page (50) of the session list", "ms", &|f| f.first_page_ms);
    line("(a') following pages (keyset)", "ms", &|f| f.next_pages_ms);
    line("(b) search common word \"battery\" + channel", "ms", &|f| f.search_ms[0]);
    line("(b) search two words \"broken spoke\" + channel", "ms", &|f| f.search_ms[1]);
    line("(b) search order number \"#4821\" + channel", "ms", &|f| f.search_ms[2]);
    line("(c) ingest in batches of 1,000", "messages/s", &|f| f.ingest_rate);
    line("(c) floor: one INSERT … SELECT per batch", "rows/s", &|f| f.floor_bulk);
    line("(c) floor: one INSERT per row", "rows/s", &|f| f.floor_rows);
    line("(c) ingest ÷ bulk floor (same run)", "", &|f| f.ingest_rate / f.floor_bulk);
    line("(d) purge 30 days' worth", "s", &|f| f.purge_s);
}

/// One run's figures.
#[derive(Debug)]
#[allow(dead_code)] // the fields are read through Debug and the closures above
struct Figures {
    first_page_ms: f64,
    next_pages_ms: f64,
    search_ms: [f64; 3],
    ingest_rate: f64,
    floor_bulk: f64,
    floor_rows: f64,
    purge_s: f64,
    purged_messages: u64,
    cache_mb_after_purge: f64,
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[allow(clippy::disallowed_methods)] // the data set ends now, like a real cache
async fn run_once() -> Figures {
    let dir = tempfile::tempdir().expect("a temp dir");
    let key = CacheKey::generate().expect("a key");
    let store = Store::open(&dir.path().join("cache.sqlite3"), &key).await.expect("the cache opens");
    let mut channels = Vec::new();
    for (id, name) in [("1001", "Velo Bikes"), ("1002", "Velo Repairs")] {
        let channel = NewChannel { platform: Platform::Messenger, external_id: id, name };
        channels.push(store.connect_channel(channel).await.expect("a channel"));
    }
    let end = Timestamp::now();
    let start = end - SignedDuration::from_hours(24 * SPAN_DAYS);

    // (c) ingest, against the floor
    let (floor_rows, floor_bulk) = floor_rates(dir.path(), start).await;
    let mut rng = SplitMix(42);
    let began = Instant::now();
    for from in (0..MESSAGES).step_by(BATCH as usize) {
        let (channel, messages) = batch(start, from, &mut rng);
        store.record_messages(channels[channel].id, Platform::Messenger, &messages).await.expect("recorded");
    }
    let ingest_rate = MESSAGES as f64 / began.elapsed().as_secs_f64();

    // (a) first page of the session list, and the pages after it
    let mut samples = Vec::new();
    for _ in 0..201 {
        let t = Instant::now();
        let page = store.session_list(&SessionFilter::default(), None, 50).await.expect("a page");
        samples.push(t.elapsed());
        assert_eq!(page.sessions.len(), 50);
    }
    let first_page_ms = millis(median(samples));
    let mut samples = Vec::new();
    let mut after = None;
    for _ in 0..201 {
        let t = Instant::now();
        let page = store.session_list(&SessionFilter::default(), after, 50).await.expect("a page");
        samples.push(t.elapsed());
        after = page.next;
    }
    let next_pages_ms = millis(median(samples));

    // (b) full-text search with one filter
    let mut search_ms = [0.0; 3];
    for (i, text) in ["battery", "broken spoke", "#4821"].into_iter().enumerate() {
        let mut samples = Vec::new();
        for _ in 0..51 {
            let query = SearchQuery {
                text: text.into(),
                channel_id: Some(channels[0].id),
                limit: 50,
                ..SearchQuery::default()
            };
            let t = Instant::now();
            let found = store.search(&query).await.expect("searched").len();
            samples.push(t.elapsed());
            assert!(found > 0, "{text} is found");
        }
        search_ms[i] = millis(median(samples));
    }

    // (d) purge 30 days' worth
    let t = Instant::now();
    let report = store.purge(RetentionPolicy::default(), end).await.expect("purged");
    let purge_s = t.elapsed().as_secs_f64();
    let size: u64 = std::fs::read_dir(dir.path())
        .expect("the dir")
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    store.close().await;
    Figures {
        first_page_ms,
        next_pages_ms,
        search_ms,
        ingest_rate,
        floor_bulk,
        floor_rows,
        purge_s,
        purged_messages: report.messages_deleted,
        cache_mb_after_purge: size as f64 / 1e6,
    }
}

/// Plain batched INSERTs of the same rows into an unindexed table of a file opened the same
/// way (SQLCipher, WAL, synchronous NORMAL): the fastest SQLite could store them. Measured two
/// ways: one statement per row, and one `INSERT … SELECT FROM json_each` per batch (the way
/// `record_messages` sends a batch). Returns (per row, per batch) in rows/s.
async fn floor_rates(dir: &std::path::Path, start: Timestamp) -> (f64, f64) {
    let hex: String = (0..32).map(|i| format!("{:02x}", i * 7 + 3)).collect();
    let options = SqliteConnectOptions::new()
        .filename(dir.join("floor.sqlite3"))
        .create_if_missing(true)
        .pragma("key", format!("\"x'{hex}'\""))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("floor db");
    let rows = MESSAGES / 4;
    let mut rates = Vec::new();
    for (table, bulk) in [("floor_rows", false), ("floor_bulk", true)] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE {table} (session TEXT, mid TEXT, direction TEXT, body TEXT, created_at INTEGER)"
        )))
        .execute(&pool)
        .await
        .expect("floor table");
        let mut rng = SplitMix(42);
        let began = Instant::now();
        for from in (0..rows).step_by(BATCH as usize) {
            let (_, messages) = batch(start, from, &mut rng);
            let mut tx = pool.begin().await.expect("tx");
            if bulk {
                let json: Vec<serde_json::Value> = messages
                    .iter()
                    .map(|m| {
                        serde_json::json!({"c": m.contact_platform_id, "mid": m.platform_message_id,
                        "d": m.direction.as_str(), "b": m.body, "at": m.created_at.as_millisecond()})
                    })
                    .collect();
                sqlx::query(
                    "INSERT INTO floor_bulk SELECT value ->> 'c', value ->> 'mid', value ->> 'd', value ->> 'b',
                     value ->> 'at' FROM json_each(?)",
                )
                .bind(serde_json::Value::Array(json).to_string())
                .execute(&mut *tx)
                .await
                .expect("insert");
            } else {
                for m in &messages {
                    sqlx::query("INSERT INTO floor_rows VALUES (?, ?, ?, ?, ?)")
                        .bind(&m.contact_platform_id)
                        .bind(&m.platform_message_id)
                        .bind(m.direction.as_str())
                        .bind(&m.body)
                        .bind(m.created_at.as_millisecond())
                        .execute(&mut *tx)
                        .await
                        .expect("insert");
                }
            }
            tx.commit().await.expect("commit");
        }
        rates.push(rows as f64 / began.elapsed().as_secs_f64());
    }
    (rates[0], rates[1])
}
