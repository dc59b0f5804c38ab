//! Native notifications as the agent gets them: bursts coalesced, none for the session on
//! screen, none while do-not-disturb is on. Observed on dbus-monitor.

use crate::{Options, eventually, notification_log, require_desktop, running};
use std::time::Duration;
use switchboard_engine::ListFilter;
use switchboard_engine::{Engine, Event};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "4001", "name": "Notify Page" }],
  "personas": [
    { "psid": "6001", "page": "4001", "first_name": "Zed", "last_name": "Burst" },
    { "psid": "6002", "page": "4001", "first_name": "Yara", "last_name": "Burst" }
  ]
}"#;

async fn stored(engine: &Engine, text: &str) -> bool {
    let page = engine.session_list(&ListFilter::default(), None, 50).await.unwrap();
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
    // The customers' family name is this test's own: its notices are found among other tests'.
    let family = crate::unique("Burst");
    let sandbox =
        Sandbox::start(Script::from_json(&SCRIPT.replace("Burst", &family)).unwrap()).await.unwrap();
    // Three messages from two customers before the first poll: one notice.
    sandbox.customer_writes("6001", "first from Zed").unwrap();
    sandbox.customer_writes("6002", "from Yara").unwrap();
    sandbox.customer_writes("6001", "second from Zed").unwrap();
    let running = running(sandbox, "notify", Options::default()).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());

    let (zed, yara) = (format!("Zed {family}"), format!("Yara {family}"));
    let burst =
        || crate::notifications().into_iter().find(|n| n.body.contains(&zed) && n.body.contains(&yara));
    eventually("one notice for the burst", Duration::from_secs(10), || {
        let seen = burst().is_some();
        async move { seen }
    })
    .await;
    // Graph's times have one-second precision, so the customers' order within it is not defined.
    let notice = burst().unwrap();
    assert_eq!(notice.summary, "3 new messages from 2 customers");
    assert!(notice.body == format!("{zed}, {yara}") || notice.body == format!("{yara}, {zed}"), "{notice:?}");
    let log = notification_log();
    assert!(!log.contains("first from Zed"), "not one notice per message");

    // The notice may be another test's words too: wait for this one's sessions as well.
    eventually("both sessions are listed", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { stored(&engine, "second from Zed").await && stored(&engine, "from Yara").await }
    })
    .await;
    let sessions = engine.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
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
        let seen =
            crate::notifications().iter().any(|n| n.body == "Yara off screen" && n.summary.contains(&yara));
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

const CLICK_SCRIPT: &str = r#"{
  "pages": [{ "id": "4101", "name": "Click Page" }],
  "personas": [{ "psid": "6101", "page": "4101", "first_name": "Clara", "last_name": "Click" }]
}"#;

#[tokio::test]
async fn clicking_a_notification_opens_its_session_and_the_awaiting_count_follows() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(CLICK_SCRIPT).unwrap()).await.unwrap();
    let mut running = running(sandbox, "notify-click", Options::default()).await;
    let words = crate::unique("Click me, please");
    running.sandbox.customer_writes("6101", &words).unwrap();
    let session = running.next_session().await;
    eventually("Clara's notice is shown", Duration::from_secs(10), || {
        let seen = crate::notifications().iter().any(|n| n.body == words);
        async move { seen }
    })
    .await;
    // What a click does: the notification server (dunst) invokes the notice's default action.
    // Other tests' notices may be on top (some without actions): click and close the top one
    // until ours answers.
    let events = &mut running.events;
    let opened = tokio::time::timeout(Duration::from_secs(10), async {
        let mut awaiting = None;
        loop {
            for args in [&["action", "0"][..], &["close"][..]] {
                let done = std::process::Command::new("dunstctl").args(args).status();
                assert!(done.is_ok_and(|status| status.success()), "dunstctl runs");
            }
            let until = tokio::time::Instant::now() + Duration::from_millis(300);
            while let Ok(Ok(event)) = tokio::time::timeout_at(until, events.recv()).await {
                match event {
                    Event::OpenSession { session_id } if session_id == session.id => {
                        return (session_id, awaiting);
                    }
                    Event::AwaitingChanged { count } => awaiting = Some(count),
                    _ => {}
                }
            }
        }
    })
    .await
    .expect("the click opens the session");
    assert_eq!(opened.0, session.id);
    assert_eq!(running.engine.awaiting_count().await.unwrap(), 1, "Clara awaits a reply");

    running.engine.session_reply(session.id, "Done!").await.unwrap();
    let count = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(Event::AwaitingChanged { count }) = running.events.recv().await {
                return count;
            }
        }
    })
    .await
    .expect("the count is announced");
    assert_eq!(count, 0, "answered: nobody waits");
}
