//! Drives the built Switchboard app through tauri-driver (WebDriver) inside the private
//! desktop session that scripts/desktop-session.sh provides. Every wait has a deadline.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep, timeout};

/// How long any single wait for the UI may take before the test fails.
pub const UI_DEADLINE: Duration = Duration::from_secs(20);

/// Panics unless inside the private desktop session: the app needs a display, a keychain
/// and a notification server, and must not use the developer's own.
pub fn require_desktop() {
    assert_eq!(
        std::env::var("SWITCHBOARD_DESKTOP").as_deref(),
        Ok("1"),
        "end-to-end tests need the private desktop session: run them through `make test`"
    );
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

/// The built app; `make test` builds it before running these tests.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("SWITCHBOARD_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("switchboard"));
    assert!(
        path.exists(),
        "the app is not built at {}: run `cargo build --bin switchboard` (make test does)",
        path.display()
    );
    path.canonicalize().expect("the app's path resolves")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// One app at a time: four webviews starting at once on two cores made WebDriver calls stall.
static ONE_APP: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
    std::sync::LazyLock::new(Default::default);

/// The turn of a second app beside the first (two desktops of one team).
static SECOND_APP: std::sync::LazyLock<std::sync::Arc<tokio::sync::Mutex<()>>> =
    std::sync::LazyLock::new(Default::default);

/// A database of the test's own on the test cluster that `make test` starts
/// (scripts/postgres-session.sh); `None` outside CI without one.
pub async fn team_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("SWITCHBOARD_TEST_PG") else {
        assert!(std::env::var("CI").is_err(), "CI runs team tests against a real PostgreSQL");
        eprintln!("no SWITCHBOARD_TEST_PG: run under scripts/postgres-session.sh (make test does)");
        return None;
    };
    let database = format!("w_{name}_{}", std::process::id());
    let pool = sqlx::PgPool::connect(&admin).await.expect("the test cluster");
    for statement in [format!("DROP DATABASE IF EXISTS {database}"), format!("CREATE DATABASE {database}")] {
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&pool).await.expect("the test database");
    }
    Some(format!("{}/{database}", admin.rsplit_once('/').expect("a database part").0))
}

/// How an app is started beyond the defaults: another binary (the installed one), more
/// environment (a HOME of its own, a PATH with a recording opener).
#[derive(Debug, Clone, Default)]
pub struct Launch {
    pub binary: Option<PathBuf>,
    pub env: Vec<(String, String)>,
}

/// The app under WebDriver, in demo mode against the given sandbox, with its own data folder.
#[derive(Debug)]
pub struct App {
    pub client: Client,
    driver: Child,
    _turn: tokio::sync::OwnedMutexGuard<()>,
    data: tempfile::TempDir,
    name: String,
    launch: Launch,
}

impl App {
    pub async fn launch(test_name: &str, sandbox_url: &str) -> App {
        Self::launch_as(test_name, sandbox_url, Launch::default()).await
    }

    /// The app started as `launch` says.
    pub async fn launch_as(test_name: &str, sandbox_url: &str, launch: Launch) -> App {
        let turn = ONE_APP.clone().lock_owned().await;
        let data = tempfile::tempdir().expect("a data folder");
        Self::start(test_name, sandbox_url, data, turn, launch).await
    }

    /// A second app at the same time as one already running (`beside`, which holds the turn):
    /// two desktops of one team.
    pub async fn launch_beside(_beside: &App, test_name: &str, sandbox_url: &str, launch: Launch) -> App {
        let turn = SECOND_APP.clone().lock_owned().await;
        let data = tempfile::tempdir().expect("a data folder");
        Self::start(test_name, sandbox_url, data, turn, launch).await
    }

    /// The app on a data folder prepared beforehand (a bench's cache).
    pub async fn launch_with_data(test_name: &str, sandbox_url: &str, data: tempfile::TempDir) -> App {
        let turn = ONE_APP.clone().lock_owned().await;
        Self::start(test_name, sandbox_url, data, turn, Launch::default()).await
    }

    /// Quits the app and starts it again on the same data folder (cache, keychain entries).
    pub async fn restart(mut self, sandbox_url: &str) -> App {
        self.stop().await;
        Self::start(&self.name, sandbox_url, self.data, self._turn, self.launch).await
    }

    /// Runs a script in the page and answers its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("the script fails: {e}"))
    }

    async fn start(
        test_name: &str,
        sandbox_url: &str,
        data: tempfile::TempDir,
        turn: tokio::sync::OwnedMutexGuard<()>,
        launch: Launch,
    ) -> App {
        // WebKitWebDriver now and then answers a new session with an empty body while the
        // machine is busy (seen once in ~20 launches on 2 cores); a second try with a fresh
        // driver is what a person would do. A real failure to start fails both.
        let mut attempt = 0;
        let (client, driver) = loop {
            attempt += 1;
            match Self::connect(sandbox_url, &data, &launch).await {
                Ok(started) => break started,
                Err(error) if attempt < 2 => {
                    eprintln!("{test_name}: the WebDriver session failed ({error}); again")
                }
                Err(error) => panic!("the WebDriver session opens: {error}"),
            }
        };
        App { client, driver, _turn: turn, data, name: test_name.to_owned(), launch }
    }

    async fn connect(
        sandbox_url: &str,
        data: &tempfile::TempDir,
        launch: &Launch,
    ) -> Result<(Client, Child), String> {
        let (port, native_port) = (free_port(), free_port());
        let driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("SWITCHBOARD_SANDBOX_URL", sandbox_url)
            .env("SWITCHBOARD_DATA_DIR", data.path())
            .envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("tauri-driver is installed (cargo install tauri-driver --version '^2')");
        let deadline = Instant::now() + Duration::from_secs(15);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            sleep(Duration::from_millis(50)).await;
        }
        let binary = launch.binary.clone().unwrap_or_else(app_binary);
        let capabilities = serde_json::json!({
            "tauri:options": { "application": binary }
        });
        let client = timeout(
            Duration::from_secs(60),
            ClientBuilder::native()
                .capabilities(capabilities.as_object().expect("an object").clone())
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .map_err(|_| "no session within 60 s".to_owned())?
        .map_err(|e| e.to_string())?;
        Ok((client, driver))
    }

    /// The app's data folder (its cache and logs).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    /// Waits for an element matching `css` whose text contains `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Element {
        let deadline = Instant::now() + UI_DEADLINE;
        let mut last_error = None;
        loop {
            match self.client.find_all(Locator::Css(css)).await {
                Ok(elements) => {
                    for element in elements {
                        if inner_text(&element).await.is_ok_and(|t| t.contains(text)) {
                            return element;
                        }
                    }
                }
                Err(error) => last_error = Some(error.to_string()),
            }
            if Instant::now() >= deadline {
                self.screenshot("timeout").await;
                let seen = self.texts(css).await;
                let title = self.client.title().await.map_err(|e| e.to_string());
                panic!(
                    "no {css} containing {text:?} within {UI_DEADLINE:?}; saw {seen:?}; \
                     the window's title {title:?}; the last WebDriver error {last_error:?}"
                );
            }
            sleep(Duration::from_millis(100)).await;
        }
    }

    /// Opens the session of `contact` from the list. Rows move as routing and new messages
    /// reorder the list, so a click can land on the row that just took its place: it clicks
    /// again until the conversation's title is the contact's.
    pub async fn open_session(&self, contact: &str) {
        let deadline = Instant::now() + UI_DEADLINE;
        loop {
            let row = self.wait_for_text("[data-testid=session-item]", contact).await;
            let _ = row.click().await;
            let settle = Instant::now() + Duration::from_secs(2);
            while Instant::now() < settle {
                let titles = self.texts("[data-testid=conversation-title]").await.unwrap_or_default();
                if titles.iter().any(|t| t.contains(contact)) {
                    return;
                }
                sleep(Duration::from_millis(100)).await;
            }
            assert!(Instant::now() < deadline, "{contact}'s conversation never opened");
        }
    }

    /// The text of every element matching `css`, or the error that prevented reading them.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>, String> {
        let elements = self.client.find_all(Locator::Css(css)).await.map_err(|e| e.to_string())?;
        let mut texts = Vec::new();
        for element in elements {
            texts.push(inner_text(&element).await.map_err(|e| e.to_string())?);
        }
        Ok(texts)
    }

    pub async fn find(&self, css: &str) -> Element {
        timeout(UI_DEADLINE, self.client.wait().for_element(Locator::Css(css)))
            .await
            .unwrap_or_else(|_| panic!("no {css} within {UI_DEADLINE:?}"))
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    /// Saves a screenshot as target/e2e-screenshots/<test>-<step>.png.
    pub async fn screenshot(&self, step: &str) {
        let folder = target_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&folder).expect("the screenshot folder");
        match self.client.screenshot().await {
            Ok(png) => std::fs::write(folder.join(format!("{}-{step}.png", self.name)), png)
                .expect("the screenshot is written"),
            Err(error) => eprintln!("screenshot {step} failed: {error}"),
        }
    }

    /// Ends the WebDriver session (closing the app) and stops tauri-driver.
    pub async fn close(self) {
        let _ = self.into_data().await;
    }

    /// Closes the app and hands back its data folder.
    pub async fn into_data(mut self) -> tempfile::TempDir {
        self.stop().await;
        self.data
    }

    /// Ends the WebDriver session, which ends the app, and the driver. An app that outlives
    /// its session (a window that no longer answers WebDriver) is killed with its WebKit
    /// processes, so it cannot go on polling beside the tests that follow.
    async fn stop(&mut self) {
        let closed = timeout(Duration::from_secs(10), self.client.clone().close()).await;
        let _ = self.driver.kill().await;
        let _ = self.driver.wait().await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while !app_processes(self.data.path()).is_empty() && Instant::now() < deadline {
            sleep(Duration::from_millis(100)).await;
        }
        for pid in app_processes(self.data.path()) {
            eprintln!(
                "{}: the app (pid {pid}) outlived its WebDriver session ({closed:?}); killed",
                self.name
            );
            for process in process_tree(pid) {
                let _ = std::process::Command::new("kill").args(["-KILL", &process.to_string()]).status();
            }
        }
    }
}

/// The element's `innerText`. WebKitWebDriver's "visible text" atom drops `overflow: hidden`
/// ellipsis boxes that are plainly on screen; innerText still leaves out `display: none`.
async fn inner_text(element: &Element) -> Result<String, fantoccini::error::CmdError> {
    Ok(element.prop("innerText").await?.unwrap_or_default())
}

/// A process and all its descendants (the app and its WebKit processes).
pub fn process_tree(root: u32) -> Vec<u32> {
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            // The parent pid is the second field after the command's closing parenthesis.
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1));
            if ppid.and_then(|p| p.parse::<u32>().ok()) == Some(parent) && !all.contains(&pid) {
                all.push(pid);
            }
        }
        i += 1;
    }
    all
}

/// A process's proportional set size, in KiB.
pub fn pss_kib(pid: u32) -> u64 {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The app processes (not their WebKit helpers) working on `data_dir`: those started with it
/// as their `SWITCHBOARD_DATA_DIR`, including one the app started itself (its restart after
/// joining a team), which WebDriver does not know about.
pub fn app_processes(data_dir: &std::path::Path) -> Vec<u32> {
    let wanted = format!("SWITCHBOARD_DATA_DIR={}", data_dir.display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        if comm.trim() != "switchboard" {
            continue;
        }
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if environ.split(|b| *b == 0).any(|var| var == wanted.as_bytes()) {
            found.push(pid);
        }
    }
    found
}
