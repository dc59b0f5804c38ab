//! The desk's figures with 100k sessions and 1M messages cached (make bench):
//!
//! - app start to an interactive session list: from asking WebDriver for the app to the first
//!   rows on screen (the WebDriver session's own start-up is included: an upper bound);
//! - opening a session with 500 messages: from the click to the frame after its messages are
//!   in the page, measured in the page;
//! - memory (PSS) of the app and its WebKit processes after a minute idle, against a bare
//!   Tauri 2 window (`cargo build --example bare-window`) measured the same way.
//!
//! `make bench` builds the app and the baseline in release, then runs this with
//! `SWITCHBOARD_APP=target/release/switchboard`.

use jiff::{SignedDuration, Timestamp};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use switchboard_core::{Author, Direction, EndReason, Platform};
use switchboard_e2e::{App, Launch, app_binary, process_tree, pss_kib, require_desktop};
use switchboard_engine::Keychain;
use switchboard_sandbox::{Sandbox, Script};
use switchboard_store::{CacheKey, IncomingMessage, NewChannel, RetentionPolicy, Store, StoreError};

const SESSIONS: u64 = 100_000;
/// `DESK_BENCH_QUICK=1`: a 2,000-session cache, two starts, no empty-cache or memory parts —
/// for iterating on the opening, whose cost does not depend on the cache's size.
const QUICK_SESSIONS: u64 = 2_000;
const PER_SESSION: u64 = 10;
const LONG_THREAD: u64 = 500;
const BATCH: u64 = 2_000;
const PAGE_ID: &str = "9901";
const RUNS: usize = 5;
const IDLE: Duration = Duration::from_secs(60);
/// Memory is measured this many times (app, then bare window), and the median ratio reported;
/// `DESK_BENCH_MEMORY_RUNS=N` for another count.
const MEMORY_RUNS: usize = 3;

fn memory_runs() -> usize {
    std::env::var("DESK_BENCH_MEMORY_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(MEMORY_RUNS)
}

fn main() {
    require_desktop();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(run());
}

fn quick() -> bool {
    std::env::var_os("DESK_BENCH_QUICK").is_some_and(|v| v == "1")
}

fn sessions() -> u64 {
    if quick() { QUICK_SESSIONS } else { SESSIONS }
}

async fn run() {
    let script = format!(r#"{{ "pages": [{{ "id": "{PAGE_ID}", "name": "Bench Bikes" }}] }}"#);
    let sandbox = Sandbox::start(Script::from_json(&script).expect("a script")).await.expect("the sandbox");
    let base = sandbox.base_url();
    let data = tempfile::tempdir().expect("a data folder");
    let started = Instant::now();
    fill_cache(data.path()).await;
    println!(
        "cache: {} sessions, {} messages, written in {:.1} s",
        sessions(),
        sessions() * PER_SESSION + LONG_THREAD + 1,
        started.elapsed().as_secs_f64()
    );

    let bare = bare_window();
    // `DESK_BENCH_MEMORY_ONLY=1`: the memory part alone (for iterating on it).
    let data = if std::env::var_os("DESK_BENCH_MEMORY_ONLY").is_some_and(|v| v == "1") {
        data
    } else {
        timings(&base, data, &bare).await
    };
    if quick() {
        return;
    }

    // Memory after a minute idle, the app against a bare window, in turns.
    println!("app: {}", app_binary().display());
    let mut ratios = Vec::new();
    for run in 1..=memory_runs() {
        let app_pss = idle_pss(&app_binary(), &base, data.path()).await;
        let bare_pss = idle_pss(&bare, &base, data.path()).await;
        let ratio = app_pss as f64 / bare_pss as f64;
        println!(
            "PSS after {} s idle, run {run}: app {:.1} MiB, bare Tauri 2 window {:.1} MiB, ratio {ratio:.2}×",
            IDLE.as_secs(),
            mib(app_pss),
            mib(bare_pss),
        );
        ratios.push(ratio);
    }
    // The same app on an empty cache, once: splits the cache's share from the UI's and the
    // process's own.
    let empty = tempfile::tempdir().expect("an empty data folder");
    let empty_pss = idle_pss(&app_binary(), &base, empty.path()).await;
    println!("PSS after {} s idle, the app on an empty cache: {:.1} MiB", IDLE.as_secs(), mib(empty_pss));
    ratios.sort_by(f64::total_cmp);
    println!(
        "PSS ratio, median of {} runs: {:.2}× (goal 1.3×; runs: {})",
        ratios.len(),
        ratios[ratios.len() / 2],
        ratios.iter().map(|r| format!("{r:.2}×")).collect::<Vec<_>>().join(", ")
    );
}

/// Start to an interactive list, the bare window's start, and opening sessions; hands the data
/// folder back.
async fn timings(base: &str, data: tempfile::TempDir, bare: &Path) -> tempfile::TempDir {
    // Start to an interactive list.
    let mut data = data;
    let mut starts = Vec::new();
    let mut opens = Vec::new();
    let mut core_reads = Vec::new();
    let mut short_opens = Vec::new();
    let mut frames = Vec::new();
    let mut from_process = Vec::new();
    let mut phases = Vec::new();
    let runs = if quick() { 2 } else { RUNS };
    for run in 0..runs {
        let begun = Instant::now();
        let app = App::launch_with_data("bench-desk", base, data).await;
        shown(&app, "[data-testid=session-item]", "").await;
        starts.push(begun.elapsed());
        from_process.push(since_started("switchboard"));
        if run == 0 {
            app.screenshot("100k-list").await;
        }
        let (times, reads, short, floor, split) = open_long_thread(&app).await;
        frames.extend(floor);
        phases.extend(split);
        opens.extend(times);
        short_opens.extend(short);
        core_reads.extend(reads);
        if run == runs - 1 {
            app.screenshot("500-messages").await;
        }
        data = app.into_data().await;
    }
    println!("start to an interactive list: median {} (runs: {})", ms(median(&starts)), list(&starts));
    let phase = |i: usize| ms(median(&phases.iter().map(|p: &[Duration; 2]| p[i]).collect::<Vec<_>>()));
    let (shown_at, filled_at) = (phase(0), phase(1));
    println!(
        "  opening, split: the new conversation's title in the page at {shown_at}, its messages at {filled_at}"
    );
    if quick() {
        println!(
            "open the long thread: median {} over {} opens; a 1-message session: {}; the core's read: {}; floor: {}",
            ms(median(&opens)),
            opens.len(),
            ms(median(&short_opens)),
            ms(median(&core_reads)),
            ms(median(&frames))
        );
        return data;
    }
    // The same start on an empty cache: what WebDriver, the app and its webview cost by themselves.
    let mut empty = Vec::new();
    for _ in 0..RUNS {
        let begun = Instant::now();
        let app = App::launch("bench-desk-empty", base).await;
        shown(&app, ".empty", "No sessions yet").await;
        empty.push(begun.elapsed());
        app.close().await;
    }
    println!(
        "start with an empty cache: median {} (runs: {}); the 100k cache adds {}",
        ms(median(&empty)),
        list(&empty),
        ms(median(&starts).saturating_sub(median(&empty)))
    );
    println!(
        "  from the app's process start to the list: median {} (runs: {})",
        ms(median(&from_process)),
        list(&from_process)
    );
    // The baseline's start the same way: WebDriver asks for the bare window → its line in the page.
    let (mut bare_starts, mut bare_from_process) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let begun = Instant::now();
        let launch = Launch { binary: Some(bare.to_path_buf()), ..Launch::default() };
        let window = App::launch_as("bench-bare", base, launch).await;
        shown(&window, "p", "A bare Tauri 2 window").await;
        bare_starts.push(begun.elapsed());
        bare_from_process.push(since_started("bare-window"));
        window.close().await;
    }
    println!(
        "bare Tauri 2 window, start to its first paint: median {} (runs: {}); from its process start: {}",
        ms(median(&bare_starts)),
        list(&bare_starts),
        ms(median(&bare_from_process))
    );
    println!(
        "  the app's start (100k cache) against the bare window's: {:.2}× (goal 1.15×); from the processes' starts: {:.2}×",
        median(&starts).as_secs_f64() / median(&bare_starts).as_secs_f64(),
        median(&from_process).as_secs_f64() / median(&bare_from_process).as_secs_f64()
    );
    println!(
        "open a session with {LONG_THREAD} messages (its newest 50 shown, older ones on scroll): median {} over {} \
         opens (goal 100 ms); the core's read of those 50 alone: median {}",
        ms(median(&opens)),
        opens.len(),
        ms(median(&core_reads))
    );
    println!(
        "  opening a session of 1 message the same way (the fixed cost): median {}",
        ms(median(&short_opens))
    );
    println!(
        "  a one-class change to the page to its second frame (the floor): median {}",
        ms(median(&frames))
    );

    data
}

/// The cache the app will open: its key in the keychain where demo mode looks for it, 100k
/// sessions of 10 messages whose interactions ended long ago, and two unanswered ones after them
/// (first in the list): one of 500 messages and one of a single message.
#[allow(clippy::disallowed_methods)] // the data set ends now, like a real cache
async fn fill_cache(data: &Path) {
    let folder = data.join("demo");
    std::fs::create_dir_all(&folder).expect("the demo folder");
    Keychain::use_os_store().expect("the OS keychain");
    let key = CacheKey::generate().expect("a key");
    Keychain::new(format!("switchboard-demo:{}", folder.display()))
        .set("cache-key", key.to_secret())
        .await
        .expect("the key is stored");
    let store = Store::open(&folder.join("cache.sqlite3"), &key).await.expect("the cache opens");
    let channel = store
        .connect_channel(NewChannel {
            platform: Platform::Messenger,
            external_id: PAGE_ID,
            name: "Bench Bikes",
        })
        .await
        .expect("the channel");
    let now = Timestamp::now();
    let span = SignedDuration::from_hours(24 * 30);
    // The history ends an hour ago; the two sessions the bench opens come after it.
    let history_end = now - SignedDuration::from_hours(1);
    let total = sessions() * PER_SESSION;
    let step = span / total as i32;
    let mut rng = 0x5eed_u64;
    for from in (0..total).step_by(BATCH as usize) {
        let batch: Vec<IncomingMessage> = (from..from + BATCH)
            .map(|k| {
                let session = k / PER_SESSION;
                let outbound = k % PER_SESSION == PER_SESSION - 1 && session.is_multiple_of(3);
                message(
                    k,
                    &format!("{}", 7_000_000_000 + session),
                    &format!("Customer {session}"),
                    outbound,
                    history_end - span + step * k as i32,
                    &mut rng,
                )
            })
            .collect();
        store.record_messages(channel.id, Platform::Messenger, &batch).await.expect("a batch is recorded");
    }
    // Newer than everything else, unanswered: the list's first entries (a month-old one would be
    // ended by routing as soon as the app starts, as the history's are below).
    let long: Vec<IncomingMessage> = (0..LONG_THREAD)
        .map(|i| {
            let at = history_end + SignedDuration::from_secs(i as i64);
            message(total + i, "6999999999", "Long Thread", false, at, &mut rng)
        })
        .collect();
    store.record_messages(channel.id, Platform::Messenger, &long).await.expect("the long thread");
    // A session of exactly one message, just after it in the list: opening's fixed cost.
    let at = now - SignedDuration::from_mins(5);
    let single = message(total + LONG_THREAD, "6999999998", "Single Message", false, at, &mut rng);
    store.record_messages(channel.id, Platform::Messenger, &[single]).await.expect("the single message");
    store.set_sync_cursor(channel.id, &now.to_string()).await.expect("the cursor");
    // A month-old inbox has its history decided: each customer's interaction ended long ago.
    // Left open, the app's routing would work through 100,000 of them from its first start,
    // beside every start and opening measured (session 11's first run did). The two sessions
    // the bench opens stay open, as a waiting customer's are.
    let settled = Instant::now();
    for session in 1..=i64::try_from(sessions()).expect("a count") {
        let ended = store
            .interaction_update(session, "bench", "ended", |i| i.end(EndReason::InactiveTimeout, now), now)
            .await;
        match ended {
            Ok(_) | Err(StoreError::NotFound { .. }) => {}
            Err(error) => panic!("session {session}'s interaction ends: {error}"),
        }
    }
    println!(
        "history settled: {} interactions ended in {:.1} s",
        sessions(),
        settled.elapsed().as_secs_f64()
    );
    // The default keeps the last 30 messages of a session: an admin keeping more is the case.
    let keep = RetentionPolicy::new(90, 1_000).expect("a valid policy");
    store.set_retention_policy(keep).await.expect("the policy is stored");
    store.close().await;
}

fn message(
    k: u64,
    contact: &str,
    name: &str,
    outbound: bool,
    at: Timestamp,
    rng: &mut u64,
) -> IncomingMessage {
    const WORDS: &[&str] =
        &["order", "bike", "delivery", "refund", "battery", "blue", "helmet", "warranty", "repair", "thanks"];
    let body: Vec<&str> = (0..6 + k % 10)
        .map(|_| {
            *rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            WORDS[(*rng >> 33) as usize % WORDS.len()]
        })
        .collect();
    IncomingMessage {
        platform_message_id: format!("m_{k}"),
        contact_platform_id: contact.to_owned(),
        contact_name: Some(name.to_owned()),
        thread_id: Some(format!("t_{contact}")),
        direction: if outbound { Direction::Outbound } else { Direction::Inbound },
        author: if outbound { Author::Agent } else { Author::Customer },
        body: body.join(" "),
        created_at: at,
        attachments: Vec::new(),
    }
}

/// The baseline, from the same build as the app (make bench builds both in release).
fn bare_window() -> std::path::PathBuf {
    let app = app_binary();
    let bare = app.parent().expect("the app's folder").join("examples").join("bare-window");
    assert!(bare.exists(), "build the baseline first: cargo build --release --example bare-window");
    bare
}

/// How long ago the newest process named `comm` started (the kernel counts in 10 ms ticks).
fn since_started(comm: &str) -> Duration {
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|u| u.split_whitespace().next().and_then(|s| s.parse().ok()))
        .expect("/proc/uptime");
    let started = std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter(|e| std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.trim() == comm))
        .filter_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            // starttime is field 22; after the ')' the fields start at 3.
            stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse::<u64>().ok()
        })
        .max()
        .unwrap_or_else(|| panic!("a running {comm} process"));
    Duration::from_secs_f64(uptime - started as f64 / 100.0)
}

/// Waits for an element (with this text), looking every 10 ms.
async fn shown(app: &App, css: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let script = format!(
        "return [...document.querySelectorAll({css:?})].some((e) => e.textContent.includes({text:?}))"
    );
    while app.client.execute(&script, vec![]).await.ok() != Some(serde_json::Value::Bool(true)) {
        assert!(Instant::now() < deadline, "no {css} with {text:?} within 60 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Opens the long thread, then another session, a few times; each time from the click to the
/// frame after its messages are in the page.
type Opening = (Vec<Duration>, Vec<Duration>, Vec<Duration>, Vec<Duration>, Vec<[Duration; 2]>);

async fn open_long_thread(app: &App) -> Opening {
    let script = r#"
        const [wanted, done] = arguments;
        const items = [...document.querySelectorAll('[data-testid=session-item]')];
        const long = items.find((i) => i.textContent.includes('Long Thread'));
        const other = items.find((i) => i.textContent.includes('Single Message'));
        const opened = (name, count) => {
          const title = document.querySelector('[data-testid=conversation-title]');
          return title && title.textContent.includes(name) &&
                 document.querySelectorAll('[data-testid=message]').length >= count;
        };
        // Where the time goes: when the title changed and when the messages were in the page,
        // watched by a MutationObserver (not by frames, which would round them up).
        const split = [];
        const time = (item, name, count) => new Promise((resolve) => {
          const start = performance.now();
          let titled = null;
          let filled = null;
          const observer = new MutationObserver(() => {
            const title = document.querySelector('[data-testid=conversation-title]');
            if (titled === null && title && title.textContent.includes(name)) titled = performance.now() - start;
            if (filled === null && opened(name, count)) filled = performance.now() - start;
          });
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          item.click();
          const check = () => opened(name, count)
            ? requestAnimationFrame(() => {
                observer.disconnect();
                if (count > 1) split.push([titled ?? 0, filled ?? 0]);
                resolve(performance.now() - start);
              })
            : requestAnimationFrame(check);
          check();
        });
        (async () => {
          const times = [];
          const reads = [];
          const short = [];
          const id = Number(long.dataset.sessionId);
          for (let i = 0; i < 4; i++) {
            short.push(await time(other, other.querySelector('[data-testid=contact-name]').textContent, 1));
            times.push(await time(long, 'Long Thread', wanted));
            // The same read the desk makes, alone: the core's share of the opening.
            const start = performance.now();
            await window.__TAURI_INTERNALS__.invoke('session_messages', { sessionId: id, before: null, limit: wanted });
            reads.push(performance.now() - start);
          }
          // The floor: a one-class change to the page, observed the same way (two frames).
          const frames = [];
          for (let i = 0; i < 10; i++) {
            const start = performance.now();
            document.body.classList.toggle('bench-frame');
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            frames.push(performance.now() - start);
          }
          done([times, reads, short, frames, split]);
        })();
    "#;
    // The conversation shows the newest 50 and loads older ones on scroll.
    let times = app
        .client
        .execute_async(script, vec![serde_json::json!(50)])
        .await
        .expect("the page measures the opening");
    let durations = |list: &serde_json::Value| -> Vec<Duration> {
        list.as_array()
            .expect("a list of times")
            .iter()
            .map(|t| Duration::from_secs_f64(t.as_f64().expect("milliseconds") / 1e3))
            .collect()
    };
    let split = durations(
        &times[4]
            .as_array()
            .expect("pairs")
            .iter()
            .flat_map(|p| p.as_array().expect("a pair").clone())
            .collect(),
    );
    let split = split.chunks(2).map(|p| [p[0], p[1]]).collect();
    (durations(&times[0]), durations(&times[1]), durations(&times[2]), durations(&times[3]), split)
}

/// Starts a program on the app's data, leaves it alone for a minute, and sums the PSS of it
/// and every process it started (WebKit's web and network processes).
async fn idle_pss(program: &Path, sandbox: &str, data: &Path) -> u64 {
    let mut child = tokio::process::Command::new(program)
        .env("SWITCHBOARD_SANDBOX_URL", sandbox)
        .env("SWITCHBOARD_DATA_DIR", data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the program starts");
    let pid = child.id().expect("a pid");
    tokio::time::sleep(IDLE).await;
    let processes = process_tree(pid);
    for p in &processes {
        let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        println!("  {:<20} {:>7.1} MiB", name.trim(), pss_kib(*p) as f64 / 1024.0);
    }
    let total = processes.iter().map(|p| pss_kib(*p)).sum::<u64>() * 1024;
    let _ = child.kill().await;
    total
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn list(samples: &[Duration]) -> String {
    samples.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", ")
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
