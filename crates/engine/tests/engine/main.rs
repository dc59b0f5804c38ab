//! Engine tests with real parts: gnome-keyring and a notification server inside a private
//! D-Bus session (scripts/desktop-session.sh, which `make test` uses), real SQLite files,
//! and the sandbox over loopback.
#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test, with its backtrace")]

mod cache;
mod expiry;
mod keychain;
mod notifications;
mod notifier;
mod outbox;
mod resilience;
mod sync;

use std::time::Duration;

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
    let deadline = tokio::time::Instant::now() + timeout;
    while !condition().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Everything dbus-monitor recorded of notifications so far.
pub fn notification_log() -> String {
    let path = std::env::var("SWITCHBOARD_NOTIFICATION_LOG").expect("the desktop session sets it");
    std::fs::read_to_string(path).expect("dbus-monitor's log is readable")
}
