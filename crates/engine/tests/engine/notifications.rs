//! Native notifications as the agent gets them: bursts coalesced, none for the session on
//! screen, none while do-not-disturb is on. Observed on dbus-monitor.

use crate::{Options, eventually, notification_log, require_desktop, running};
use std::time::Duration;
use switchboard_engine::Engine;
use switchboard_sandbox::{Sandbox, Script};
use switchboard_store::SessionFilter;

const SCRIPT: &str = r#"{
  "pages": [{ "id": "4001", "name": "Notify Page" }],
  "personas": [
    { "psid": "6001", "page": "4001", "first_name": "Zed", "last_name": "Burst" },
    { "psid": "6002", "page": "4001", "first_name": "Yara", "last_name": "Burst" }
  ]
}"#;

async fn stored(engine: &Engine, text: &str) -> bool {
    let page = engine.session_list(&SessionFilter::default(), None, 50).await.unwrap();
    for session in page.sessions {
        if engine.session_messages(session.id, None, 50).await.unwrap().iter().any(|m| m.body == text) {
            return true;
        }
    }
    false
}

#[tokio::test]
async fn bursts_are_coalesced_and_the_open_session_and_do_not_disturb_stay_quiet() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    // Three messages from two customers before the first poll: one notice.
    sandbox.customer_writes("6001", "first from Zed").unwrap();
    sandbox.customer_writes("6002", "from Yara").unwrap();
    sandbox.customer_writes("6001", "second from Zed").unwrap();
    let running = running(sandbox, "notify", Options::default()).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());

    eventually("one notice for the burst", Duration::from_secs(10), || {
        let seen = notification_log().contains("string \"3 new messages from 2 customers\"");
        async move { seen }
    })
    .await;
    let log = notification_log();
    // Graph's times have one-second precision, so the customers' order within it is not defined.
    assert!(
        log.contains("string \"Zed Burst, Yara Burst\"") || log.contains("string \"Yara Burst, Zed Burst\""),
        "the notice names both customers"
    );
    assert!(!log.contains("first from Zed"), "not one notice per message");

    let sessions = engine.session_list(&SessionFilter::default(), None, 10).await.unwrap().sessions;
    let zed = sessions.iter().find(|s| s.contact_platform_id == "6001").unwrap().id;
    engine.session_focus(Some(zed));
    sandbox.customer_writes("6001", "Zed on screen").unwrap();
    eventually("Zed's new message is stored", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { stored(&engine, "Zed on screen").await }
    })
    .await;
    sandbox.customer_writes("6002", "Yara off screen").unwrap();
    eventually("Yara's notice is raised", Duration::from_secs(10), || {
        let seen = notification_log().contains("Yara off screen");
        async move { seen }
    })
    .await;
    assert!(!notification_log().contains("Zed on screen"), "none for the session on screen");

    engine.set_do_not_disturb(true);
    sandbox.customer_writes("6002", "Yara during quiet hours").unwrap();
    eventually("the message is stored", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { stored(&engine, "Yara during quiet hours").await }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!notification_log().contains("Yara during quiet hours"), "do-not-disturb raises nothing");
}
