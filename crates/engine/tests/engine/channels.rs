//! Disconnecting and connecting again: the keychain entry goes, polling stops, the history
//! stays; connecting the same page again restores the channel and its history. Twilio
//! credentials are checked with a real call before anything is stored.

use crate::{Options, eventually, require_desktop, running, test_service};
use std::time::Duration;
use switchboard_core::{ChannelState, Secret};
use switchboard_engine::ListFilter;
use switchboard_engine::{Keychain, keychain};
use switchboard_platforms::TwilioCredentials;
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "5201", "name": "Velo Bikes" }],
  "numbers": [{ "number": "+14155550100", "name": "Velo line", "whatsapp": true }],
  "personas": [{ "psid": "7301", "page": "5201", "first_name": "Ana", "last_name": "Lima" }]
}"#;

#[tokio::test]
async fn a_disconnected_page_keeps_its_history_and_connecting_again_restores_it() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let options = Options { quiet: true, ..Options::default() };
    let mut running = running(sandbox, "channels", options).await;
    running.sandbox.customer_writes("7301", "Before").unwrap();
    let session = running.next_session().await;
    let engine = running.engine.clone();
    let channel = engine.channels().await.unwrap().into_iter().find(|c| c.external_id == "5201").unwrap();

    let gone = engine.channel_disconnect(channel.id).await.unwrap();
    assert_eq!(gone.state, ChannelState::Disconnected);
    let entry = keychain::channel_key(channel.platform, &channel.external_id);
    assert!(
        Keychain::new(test_service("channels")).get(&entry).await.unwrap().is_none(),
        "the token left the keychain"
    );

    // Polling stops: a new message is not read (bounded negative check, 4 polls).
    running.sandbox.customer_writes("7301", "While disconnected").unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let bodies = |engine: std::sync::Arc<switchboard_engine::Engine>| async move {
        engine
            .session_messages(session.id, None, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.body)
            .collect::<Vec<_>>()
    };
    assert_eq!(bodies(engine.clone()).await, ["Before"], "the history stays; nothing new is read");
    let listed = engine.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
    assert_eq!(listed.len(), 1, "the session stays in the list");

    // Connecting the same page again restores it: same channel, history, and what was missed.
    let demo =
        switchboard_platforms::demo::demo_page(&running.sandbox.base_url().parse().unwrap()).await.unwrap();
    let back = engine.connect_messenger_page("5201", "Velo Bikes", demo.access_token).await.unwrap();
    assert_eq!((back.id, back.state), (channel.id, ChannelState::Connected));
    eventually("the missed message is read", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { bodies(engine).await == ["Before", "While disconnected"] }
    })
    .await;
}

#[tokio::test]
async fn twilio_credentials_are_checked_by_a_real_call_and_numbers_listed() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let running = running(sandbox, "channels-twilio", Options { quiet: true, ..Options::default() }).await;
    let (sid, token) = running.sandbox.twilio_credentials();
    let good = TwilioCredentials { account_sid: sid.clone(), auth_token: Secret::from(token) };
    let numbers = running.engine.twilio_numbers(good).await.unwrap();
    assert_eq!(numbers.len(), 1);
    assert_eq!((numbers[0].number.as_str(), numbers[0].name.as_str()), ("+14155550100", "Velo line"));

    let wrong = TwilioCredentials { account_sid: sid, auth_token: Secret::from("not-the-token") };
    let refused = running.engine.twilio_numbers(wrong).await.unwrap_err();
    assert!(refused.to_string().contains("Twilio refused this Account SID and Auth Token"), "{refused}");
    let bad_number = running.engine.connect_twilio_number(
        switchboard_core::Platform::Sms,
        "0155 555",
        TwilioCredentials { account_sid: "AC0".into(), auth_token: Secret::from("x") },
    );
    let refused = bad_number.await.unwrap_err();
    assert!(
        refused.to_string().contains("country code"),
        "a wrong number is refused before any call: {refused}"
    );
}
