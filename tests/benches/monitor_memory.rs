//! Memory of the app with the supervisor's monitor open against closed (issue #16).
//!
//!   scripts/desktop-session.sh cargo bench -p switchboard-e2e --bench monitor_memory
//!
//! The app (the binary `make test` builds, or `SWITCHBOARD_APP`) in demo against the sandbox,
//! driven through WebDriver: PSS of the app's process and its WebKit processes after 20 s idle
//! with only the main window, then after 20 s with the monitor open too. Three runs (a new app
//! each); reported: each run, the medians, and the ratio of the medians.

use std::time::Duration;
use switchboard_e2e::{App, app_binary, process_tree, pss_kib, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const IDLE: Duration = Duration::from_secs(20);
const RUNS: usize = 3;
const SCRIPT: &str = r#"{
  "pages": [{ "id": "3701", "name": "Memory Bikes" }],
  "personas": [{ "psid": "8701", "page": "3701", "first_name": "Mo", "last_name": "Memory" }]
}"#;

fn main() {
    require_desktop();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    println!("app: {}", app_binary().display());
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).expect("a script")).await.expect("the sandbox");
    let (mut closed, mut open) = (Vec::new(), Vec::new());
    for run in 1..=RUNS {
        let app = App::launch("monitor-memory", &sandbox.base_url()).await;
        sandbox.customer_writes("8701", "Just checking the memory").expect("a customer writes");
        app.wait_for_text(".session-list", "Mo Memory").await;
        let pid = app_pid(app.data_dir()).expect("the app's process");
        tokio::time::sleep(IDLE).await;
        let without = tree_pss(pid);
        let main = app.client.window().await.expect("the main window");
        app.find("[data-testid=open-monitor]").await.click().await.expect("the monitor opens");
        let monitor = loop {
            let handles = app.client.windows().await.expect("windows");
            if let Some(m) = handles.into_iter().find(|h| *h != main) {
                break m;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        app.client.switch_to_window(monitor).await.expect("to the monitor");
        app.wait_for_text(".waiting-list", "").await;
        tokio::time::sleep(IDLE).await;
        let with = tree_pss(pid);
        println!(
            "run {run}: monitor closed {:.1} MiB, open {:.1} MiB (+{:.1} MiB)",
            mib(without),
            mib(with),
            mib(with) - mib(without)
        );
        closed.push(without);
        open.push(with);
        app.close().await;
    }
    closed.sort_unstable();
    open.sort_unstable();
    let (c, o) = (closed[RUNS / 2], open[RUNS / 2]);
    println!(
        "PSS after {} s idle, median of {RUNS}: monitor closed {:.1} MiB ({:.1}–{:.1}), open {:.1} MiB ({:.1}–{:.1}): {:.2}×, +{:.1} MiB",
        IDLE.as_secs(),
        mib(c),
        mib(closed[0]),
        mib(closed[RUNS - 1]),
        mib(o),
        mib(open[0]),
        mib(open[RUNS - 1]),
        o as f64 / c as f64,
        mib(o) - mib(c)
    );
}

/// The app's process: the one whose environment names this data folder.
fn app_pid(data: &std::path::Path) -> Option<u32> {
    let wanted = format!("SWITCHBOARD_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_string_lossy().parse().ok()?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
        let named = environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes());
        (comm.trim() == "switchboard" && named).then_some(pid)
    })
}

/// PSS of a process and all its descendants, in bytes.
fn tree_pss(root: u32) -> u64 {
    process_tree(root).into_iter().map(pss_kib).sum::<u64>() * 1024
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
