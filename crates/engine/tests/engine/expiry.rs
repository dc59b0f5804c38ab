//! A token revoked mid-run: the channel expires within one poll, replies wait, nothing fails;
//! new credentials resume everything and the waiting reply goes out once.

use crate::{Options, eventually, require_desktop, running};
use serde_json::Value;
use std::time::Duration;
use switchboard_core::{ChannelState, DeliveryState};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "2001", "name": "Expiring Page" }],
  "personas": [{ "psid": "9001", "page": "2001", "first_name": "Ana", "last_name": "Lima",
                 "messages": [{ "after_seconds": 0.2, "text": "Hello?" }] }]
}"#;

#[tokio::test]
async fn a_revoked_token_expires_the_channel_keeps_replies_and_resumes_after_reconnect() {
    require_desktop();
    let page = crate::unique("Expiring Page");
    let sandbox =
        Sandbox::start(Script::from_json(&SCRIPT.replace("Expiring Page", &page)).unwrap()).await.unwrap();
    let mut running = running(sandbox, "expiry", Options::default()).await;
    let session = running.next_session().await;
    running.sandbox.revoke_token("2001", 463);
    // Within one poll (0.5 s) and a little.
    let expired = running.next_channel_change(Duration::from_secs(3)).await;
    assert_eq!(expired.state, ChannelState::Expired);
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    eventually("the admin is notified", Duration::from_secs(5), || {
        let seen = crate::notifications().iter().any(|n| n.summary == format!("Connection expired: {page}"));
        async move { seen }
    })
    .await;

    let reply = engine.session_reply(session.id, "Sorry for the wait!").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let waiting = engine.session_messages(session.id, None, 10).await.unwrap();
    let waiting = waiting.iter().find(|m| m.id == reply.id).unwrap();
    assert_eq!(waiting.delivery, DeliveryState::Pending, "the reply waits; it is not failed");
    // The app does not even try: a try would be refused and recorded by nothing but this count.
    assert!(sandbox.sent().is_empty());
    assert_eq!(
        sandbox.requests(switchboard_sandbox::Endpoint::Send),
        0,
        "no send is tried on an expired channel"
    );

    // The admin reauthorizes: a new page token.
    let fresh: Value = reqwest::Client::new()
        .post(format!("{}/_sandbox/pages", sandbox.base_url()))
        .json(&serde_json::json!({"id": "2001", "name": page}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = fresh["access_token"].as_str().unwrap().to_owned();
    let channel = engine.connect_messenger_page("2001", &page, token.into()).await.unwrap();
    assert_eq!(channel.state, ChannelState::Connected);
    eventually("the waiting reply goes out", Duration::from_secs(10), || {
        let sent = sandbox.sent().len();
        async move { sent == 1 }
    })
    .await;
    sandbox.customer_writes("9001", "Thanks!").unwrap();
    eventually("polling resumed from the stored cursor", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            engine.session_messages(session.id, None, 10).await.unwrap().iter().any(|m| m.body == "Thanks!")
        }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert_eq!(sandbox.sent().len(), 1, "the waiting reply went out exactly once");
    assert_eq!(sandbox.sent()[0].text, "Sorry for the wait!");
}
