//! What every engine test binary shares: the private desktop session, keychain names, waiting
//! for a condition, and a database of a test's own on the test cluster.

#![allow(dead_code, reason = "each test binary uses the part it needs")]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, SystemClock};
use switchboard_sandbox::Sandbox;
use tokio::process::{Child, Command};

/// Panics unless the test runs inside the private desktop session: these tests use the real
/// keychain and notification server, and must not touch the developer's own.
pub fn require_desktop() {
    assert_eq!(
        std::env::var("SWITCHBOARD_DESKTOP").as_deref(),
        Ok("1"),
        "this test needs the private desktop session: run it through `make test` \
         or scripts/desktop-session.sh cargo test"
    );
}

/// A keychain service name no other test run uses.
pub fn test_service(name: &str) -> String {
    format!("switchboard-test-{name}-{}", std::process::id())
}

/// Waits for `condition` with a deadline; panics with `what` when it never holds.
pub async fn eventually<F, Fut>(what: &str, timeout: Duration, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    until(what, timeout, || {
        let held = condition();
        async move { held.await.then_some(()) }
    })
    .await;
}

/// Waits with a deadline for `found` to give a value, and answers it; panics with `what` when
/// it never does.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut found: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = found().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A database of its own on the test cluster (`make test` starts one; see
/// scripts/postgres-session.sh); `None` outside CI without one.
pub async fn team_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("SWITCHBOARD_TEST_PG") else {
        assert!(std::env::var("CI").is_err(), "CI runs team tests against a real PostgreSQL");
        eprintln!("no SWITCHBOARD_TEST_PG: run under scripts/postgres-session.sh (make test does)");
        return None;
    };
    let database = format!("e_{name}_{}", std::process::id());
    let pool = sqlx::PgPool::connect(&admin).await.expect("the test cluster");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {database}")))
        .execute(&pool)
        .await
        .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&pool)
        .await
        .expect("create");
    Some(format!("{}/{database}", admin.rsplit_once('/').expect("a database part").0))
}

/// One engine of the team in its own process.
#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    dir: PathBuf,
    service: String,
    poller: bool,
    /// Takes work at once (`--available`).
    available: bool,
    log: PathBuf,
    /// Its events, one JSON line each (the headless engine's stdout).
    events: PathBuf,
    child: Option<Child>,
}

impl Member {
    pub fn new(root: &Path, name: &'static str, poller: bool, available: bool) -> Self {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            name,
            log: root.join(format!("{name}.log")),
            events: root.join(format!("{name}.events")),
            dir,
            service: test_service(&format!("team-{name}")),
            poller,
            available,
            child: None,
        }
    }

    pub fn start(&mut self, sandbox: &Sandbox, team: &str) {
        let append = |path: &Path| std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
        let (log, events) = (append(&self.log), append(&self.events));
        let child = Command::new(env!("CARGO_BIN_EXE_switchboard-headless"))
            .args(["--data-dir", &self.dir.display().to_string(), "--keychain-service", &self.service])
            .args(["--sandbox", &sandbox.base_url(), "--poll-ms", "500", "--team", team])
            .args(["--poller", if self.poller { "yes" } else { "no" }, "--agent", self.name])
            .args(self.available.then_some("--available"))
            .env("RUST_LOG", "switchboard_engine=info")
            .stdout(events)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("the headless engine starts");
        self.child = Some(child);
    }

    pub fn pid(&self) -> String {
        self.child.as_ref().and_then(Child::id).expect("running").to_string()
    }

    pub async fn signal(&self, signal: &str) {
        let status = Command::new("kill").args([signal, &self.pid()]).status().await.unwrap();
        assert!(status.success(), "kill {signal} {}", self.name);
    }

    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The events it has printed so far, one JSON line each.
    pub fn events(&self) -> String {
        std::fs::read_to_string(&self.events).unwrap_or_default()
    }

    /// Its replica, opened as the app would (the engine stopped).
    pub async fn replica(&self, sandbox: &Sandbox) -> Arc<Engine> {
        let hosts = Hosts::sandbox(sandbox.base_url().parse().unwrap());
        let config = EngineConfig::new(self.dir.join("cache.sqlite3"), hosts, self.name);
        Engine::open(config, Keychain::new(&self.service), Notifier::disabled(), Arc::new(SystemClock))
            .await
            .unwrap()
    }
}
