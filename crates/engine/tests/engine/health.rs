//! Token health between polls: `debug_token` at start and every few hours. Facebook data
//! access ending within a week warns the admins; a token revoked between polls expires the
//! channel at the next check.

use crate::{Options, eventually, require_desktop, running};
use std::time::Duration;
use switchboard_core::ChannelState;
use switchboard_engine::Event;
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "2101", "name": "Warned Page" }],
  "users": [{ "id": "100000000000042", "name": "Page Admin", "pages": ["2101"] }]
}"#;

#[tokio::test]
async fn data_access_ending_within_a_week_warns_the_admins_once_and_the_channel_keeps_working() {
    require_desktop();
    let page = crate::unique("Warned Page");
    let sandbox =
        Sandbox::start(Script::from_json(&SCRIPT.replace("Warned Page", &page)).unwrap()).await.unwrap();
    let answer = reqwest::Client::new()
        .post(format!("{}/_sandbox/users/100000000000042/data-access", sandbox.base_url()))
        .json(&serde_json::json!({ "ends_in_days": 5 }))
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let mut running = running(sandbox, "health-warning", Options::default()).await;

    let warning = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(Event::ChannelWarning { warning, .. }) = running.events.recv().await {
                return warning;
            }
        }
    })
    .await
    .expect("the start-up check warns");
    assert!(warning.contains(&format!("Facebook data access for \"{page}\" ends on")), "{warning}");
    assert!(warning.contains("reauthorize"), "{warning}");
    eventually("the admin is notified", Duration::from_secs(5), || {
        let seen = crate::notifications().iter().any(|n| n.summary == format!("Reauthorize soon: {page}"));
        async move { seen }
    })
    .await;
    let channels = running.engine.channels().await.unwrap();
    assert_eq!(channels[0].state, ChannelState::Connected, "a warning is not an expiry");
    // The channel list shows when the access ends and when the channel last synced.
    let engine = running.engine.clone();
    eventually("the channel's times are known", Duration::from_secs(5), || {
        let health = engine.channel_health();
        async move { health.iter().any(|h| h.last_sync.is_some() && h.data_access_expires_at.is_some()) }
    })
    .await;
    let health = running.engine.channel_health().remove(0);
    let ends = health.data_access_expires_at.unwrap();
    let days = ends.duration_since(health.last_sync.unwrap()).as_hours() / 24;
    assert!((4..=5).contains(&days), "data access ends in about 5 days ({days})");
}

#[tokio::test]
async fn a_token_revoked_between_slow_polls_is_caught_by_the_next_check() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    // Polls a minute apart: only the health check can notice within seconds.
    let options = Options {
        poll: Duration::from_secs(60),
        health: Duration::from_secs(1),
        quiet: true,
        ..Options::default()
    };
    let mut running = running(sandbox, "health-revoked", options).await;
    let engine = running.engine.clone();
    eventually("the first poll has happened", Duration::from_secs(5), || {
        let synced = engine.channel_health().iter().any(|h| h.last_sync.is_some());
        async move { synced }
    })
    .await;
    running.sandbox.revoke_token("2101", 460);
    let expired = running.next_channel_change(Duration::from_secs(3)).await;
    assert_eq!(expired.state, ChannelState::Expired);
    assert_eq!(expired.name, "Warned Page");
}
