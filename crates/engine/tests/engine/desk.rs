//! The desk's requests: bubbles sent in order, drafts, canned responses filled in, storing,
//! reopening and deleting (each announced), and writing first by SMS — while WhatsApp refuses
//! a number that never wrote.

use crate::{Options, eventually, require_desktop, running};
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_core::{DeliveryState, Platform};
use switchboard_engine::{Event, ListFilter, Outbound, Scope};
use switchboard_sandbox::{Sandbox, Script};
use switchboard_store::SessionState;

const OUR_NUMBER: &str = "+14155550100";

fn script() -> Script {
    let script = json!({
        "pages": [{"id": "3301", "name": "Desk Page"}],
        "numbers": [{"number": OUR_NUMBER, "name": "Shop line", "whatsapp": true}],
        "templates": [
            {"sid": "HX00000000000000000000000000000007", "name": "order_ready", "body": "Hi {{1}}, order {{2}} is ready."},
            {"sid": "HX00000000000000000000000000000008", "name": "draft_one", "body": "Not approved", "approved": false}
        ],
        "personas": [{"psid": "7301", "page": "3301", "first_name": "Ana", "last_name": "Lima",
                      "messages": [{"after_seconds": 0.1, "text": "Is the blue bike in stock?"}]},
                     {"phone": "+14155550133", "number": OUR_NUMBER, "whatsapp": true,
                      "first_name": "Lukas", "last_name": "Becker"}],
    });
    Script::from_json(&script.to_string()).unwrap()
}

#[tokio::test]
async fn the_desk_sends_bubbles_keeps_drafts_fills_canned_responses_and_tidies_sessions() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    let mut running = running(sandbox, "desk", Options { quiet: true, ..Options::default() }).await;
    let session = running.next_session().await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    assert_eq!(session.unread, 1);
    engine.session_read(session.id).await.unwrap();
    assert_eq!(engine.session_details(session.id).await.unwrap().session.unread, 0);

    // A draft survives until it is sent.
    engine.draft_save(session.id, &["Let me check".into()]).await.unwrap();
    assert_eq!(
        engine.session_details(session.id).await.unwrap().session.draft,
        Some(vec!["Let me check".into()])
    );

    let canned = engine
        .canned_save(None, "Stock", &["Hi {first_name}, {agent_name} here.".into(), "It is in stock!".into()])
        .await
        .unwrap();
    let bubbles = engine.canned_expand(session.id, canned.id).await.unwrap();
    assert_eq!(bubbles, ["Hi Ana, maria here.", "It is in stock!"]);
    let error = engine.canned_save(None, "Bad", &["Hi {name}".into()]).await.unwrap_err();
    assert!(error.to_string().contains("{name}, which is not a variable"), "{error}");

    let sent = engine.session_send(session.id, &bubbles, None).await.unwrap();
    assert_eq!(sent.len(), 2);
    eventually("both bubbles reach Messenger", Duration::from_secs(10), || {
        let sent = sandbox.sent();
        async move { sent.len() == 2 }
    })
    .await;
    let texts: Vec<String> = sandbox.sent().into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["Hi Ana, maria here.", "It is in stock!"], "in order");
    assert_eq!(
        engine.session_details(session.id).await.unwrap().session.draft,
        None,
        "the draft went with them"
    );
    let mine = ListFilter { scope: Scope::Mine, ..ListFilter::default() };
    assert_eq!(engine.session_list(&mine, None, 10).await.unwrap().sessions.len(), 1, "answered: mine");

    // Details.
    let named = engine.session_set_contact(session.id, Some("Ana Maria"), None, Some("ORD-7")).await.unwrap();
    assert_eq!(
        (named.contact_name.as_str(), named.internal_reference.as_deref()),
        ("Ana Maria", Some("ORD-7"))
    );
    let vip = engine.category_create("VIP").await.unwrap();
    engine.session_set_categories(session.id, &[vip.id]).await.unwrap();
    engine.note_add(session.id, "Prefers email").await.unwrap();
    let details = engine.session_details(session.id).await.unwrap();
    assert_eq!(details.categories, [vip]);
    assert_eq!(
        (details.notes[0].author.as_str(), details.notes[0].body.as_str()),
        ("maria", "Prefers email")
    );

    // Store, reopen, delete: each announced.
    let stored = engine.session_set_state(session.id, SessionState::Stored).await.unwrap();
    assert_eq!(stored.state, SessionState::Stored);
    let reopened = engine.session_set_state(session.id, SessionState::Active).await.unwrap();
    assert_eq!(reopened.state, SessionState::Active);
    engine.session_delete(session.id).await.unwrap();
    let deleted = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(Event::SessionDeleted { session_id }) = running.events.recv().await {
                return session_id;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(deleted, session.id);
}

#[tokio::test]
async fn an_agent_writes_first_by_sms_but_whatsapp_only_to_people_who_wrote() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    let running = running(sandbox, "outbound", Options { quiet: true, ..Options::default() }).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    let channels = engine.channels().await.unwrap();
    let channel = |platform| channels.iter().find(|c| c.platform == platform).unwrap().id;
    let outbound = |channel_id, number: &str| Outbound {
        channel_id,
        number: number.into(),
        first_name: Some("Lee".into()),
        last_name: Some("Park".into()),
        text: "Your bike is ready for pick-up.".into(),
    };

    let refused =
        engine.outbound_start(&outbound(channel(Platform::Whatsapp), "+14155557777")).await.unwrap_err();
    assert!(refused.to_string().contains("has never written to this WhatsApp number"), "{refused}");
    let wrong = engine.outbound_start(&outbound(channel(Platform::Sms), "555-CALL-NOW")).await.unwrap_err();
    assert!(!wrong.to_string().is_empty());
    let sessions = engine.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
    assert!(sessions.iter().all(|s| s.platform != Platform::Whatsapp), "a refusal leaves no session");

    let session = engine.outbound_start(&outbound(channel(Platform::Sms), "+1 415 555 7777")).await.unwrap();
    assert_eq!(
        (session.contact_name.as_str(), session.contact_platform_id.as_str()),
        ("Lee Park", "+14155557777"),
        "{session:?} on {channels:?}; all: {:?}",
        engine.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions
    );
    let base = sandbox.base_url();
    eventually("the SMS reaches Twilio", Duration::from_secs(10), || {
        let base = base.clone();
        async move {
            let sent: Vec<Value> =
                reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
            sent.iter().any(|m| m["to"] == "+14155557777" && m["body"] == "Your bike is ready for pick-up.")
        }
    })
    .await;
}

#[tokio::test]
async fn a_whatsapp_template_is_chosen_from_the_approved_ones_filled_in_and_sent_once() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    sandbox.customer_writes("whatsapp:+14155550133", "Is my order ready?").unwrap();
    let running = running(sandbox, "templates", Options { quiet: true, ..Options::default() }).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    let mut session = None;
    eventually("the WhatsApp session is stored", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            let sessions = engine.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
            sessions.iter().any(|s| s.platform == Platform::Whatsapp)
        }
    })
    .await;
    for s in engine.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions {
        if s.platform == Platform::Whatsapp {
            session = Some(s);
        }
    }
    let session = session.unwrap();

    let templates = engine.whatsapp_templates(session.id).await.unwrap();
    assert_eq!(templates.len(), 1, "only approved ones: {templates:?}");
    assert_eq!(
        (templates[0].name.as_str(), templates[0].variables.clone()),
        ("order_ready", vec!["1".to_owned(), "2".to_owned()])
    );
    let partial = [("1".to_owned(), "Lukas".to_owned())].into_iter().collect();
    let refused = engine.session_send_template(session.id, &templates[0].sid, &partial).await.unwrap_err();
    assert_eq!(refused.to_string(), "Fill in {{2}} before sending the template.");
    let values =
        [("1".to_owned(), "Lukas".to_owned()), ("2".to_owned(), "#4821".to_owned())].into_iter().collect();
    let sent = engine.session_send_template(session.id, &templates[0].sid, &values).await.unwrap();
    assert_eq!(sent.body, "Hi Lukas, order #4821 is ready.", "the conversation shows the text as sent");

    let base = sandbox.base_url();
    eventually("the template reaches Twilio", Duration::from_secs(10), || {
        let base = base.clone();
        async move {
            let sent: Vec<Value> =
                reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
            sent.iter().any(|m| m["body"] == "Hi Lukas, order #4821 is ready.")
        }
    })
    .await;
    // Marked sent, it has left the outbox for good: whatever Twilio has now is all it gets.
    eventually("the template is marked sent", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            let messages = engine.session_messages(session.id, None, 10).await.unwrap();
            messages.iter().any(|m| m.id == sent.id && m.delivery == DeliveryState::Sent)
        }
    })
    .await;
    let sent: Vec<Value> =
        reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
    assert_eq!(sent.iter().filter(|m| m["to"] == "whatsapp:+14155550133").count(), 1, "sent once: {sent:?}");
}
