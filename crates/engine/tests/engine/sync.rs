//! The thin slice: a scripted customer writes, the poller records it, a reply goes out once.

use crate::{Options, eventually, require_desktop, running};
use std::time::Duration;
use switchboard_core::DeliveryState;
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "2001", "name": "Test Page" }],
  "personas": [{ "psid": "9001", "page": "2001", "first_name": "Ana", "last_name": "Lima",
                 "messages": [{ "after_seconds": 0.2, "text": "Where is my order?" }] }]
}"#;

#[tokio::test]
async fn a_customer_message_is_polled_stored_notified_and_answered_once() {
    require_desktop();
    // The customer's words are this test's own: its notification is found among other tests'.
    let question = crate::unique("Where is my order?");
    let sandbox =
        Sandbox::start(Script::from_json(&SCRIPT.replace("Where is my order?", &question)).unwrap())
            .await
            .unwrap();
    let mut running = running(sandbox, "sync", Options::default()).await;
    let session = running.next_session().await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    assert_eq!(session.contact_name, "Ana Lima", "the name comes from the conversation");
    assert!(session.awaiting_since.is_some(), "the customer awaits a reply");
    let messages = engine.session_messages(session.id, None, 100).await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].body, question);

    let ours = || crate::notifications().into_iter().find(|n| n.body == question);
    eventually("the notification is raised", Duration::from_secs(5), || {
        let found = ours().is_some();
        async move { found }
    })
    .await;
    assert_eq!(ours().unwrap().summary, "Ana Lima · Messenger");

    let reply = engine.session_reply(session.id, "It ships today!").await.unwrap();
    assert_eq!(reply.delivery, DeliveryState::Pending, "stored before any network call");
    eventually("the sandbox receives the reply", Duration::from_secs(10), || {
        let sent = sandbox.sent();
        async move { !sent.is_empty() }
    })
    .await;
    eventually("the reply is marked sent", Duration::from_secs(5), || {
        let engine = engine.clone();
        async move {
            let messages = engine.session_messages(session.id, None, 100).await.unwrap();
            messages.iter().any(|m| m.id == reply.id && m.delivery == DeliveryState::Sent)
        }
    })
    .await;
    // Let several polls read the page's reply back: it must not become a second message.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let sent = sandbox.sent();
    assert_eq!(sent.len(), 1, "sent exactly once");
    assert_eq!((sent[0].recipient_id.as_str(), sent[0].text.as_str()), ("9001", "It ships today!"));
    assert_eq!(sent[0].messaging_type, "RESPONSE");
    let messages = engine.session_messages(session.id, None, 100).await.unwrap();
    assert_eq!(messages.len(), 2, "the echo of our reply is not stored twice");
    let error = engine.session_reply(session.id, &"x".repeat(2_001)).await.unwrap_err();
    assert!(error.to_string().contains("at most 2000"), "over-long replies are refused: {error}");
}
