//! The outbox never sends twice: a reply whose answer was lost is reconciled with the
//! platform before any resend; a refused one keeps its text and reason.

use crate::{Options, Running, eventually, require_desktop, running};
use std::time::Duration;
use switchboard_core::DeliveryState;
use switchboard_engine::Engine;
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};
use switchboard_store::SessionSummary;

const SCRIPT: &str = r#"{
  "pages": [{ "id": "2001", "name": "Outbox Page" }],
  "personas": [{ "psid": "9001", "page": "2001", "first_name": "Ana", "last_name": "Lima",
                 "messages": [{ "after_seconds": 0.1, "text": "Hello?" }] }]
}"#;

/// As in production, one read a second: that leaves room in Messenger's 2 reads a second per
/// page for the outbox's reconciliation reads.
async fn started(name: &str) -> (Running, SessionSummary) {
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let mut running =
        running(sandbox, name, Options { poll: Duration::from_secs(1), ..Options::default() }).await;
    let session = running.next_session().await;
    (running, session)
}

async fn delivery(engine: &Engine, session: i64, message: i64) -> (DeliveryState, Option<String>) {
    let messages = engine.session_messages(session, None, 50).await.unwrap();
    let m = messages.iter().find(|m| m.id == message).unwrap();
    (m.delivery, m.failure.clone())
}

#[tokio::test]
async fn a_reply_whose_answer_was_lost_is_reconciled_not_sent_twice() {
    require_desktop();
    let (running, session) = started("outbox-lost").await;
    let (sandbox, engine) = (&running.sandbox, &running.engine);
    sandbox.inject(FaultRule {
        endpoint: Endpoint::Send,
        fault: Fault::LoseAnswer,
        count: Some(1),
        probability: None,
        after: None,
    });
    let reply = engine.session_reply(session.id, "On its way!").await.unwrap();
    eventually("the reply is recorded as sent", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { delivery(&engine, session.id, reply.id).await.0 == DeliveryState::Sent }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let sent = sandbox.sent();
    assert_eq!(sent.len(), 1, "the platform got the reply once, though its first answer was lost: {sent:?}");
    let stored = engine.session_messages(session.id, None, 50).await.unwrap();
    assert_eq!(stored.iter().filter(|m| m.body == "On its way!").count(), 1, "and the cache holds it once");
}

#[tokio::test]
async fn transient_failures_are_retried_and_refusals_keep_their_reason() {
    require_desktop();
    let (running, session) = started("outbox-retry").await;
    let (sandbox, engine) = (&running.sandbox, &running.engine);
    sandbox.inject(FaultRule {
        endpoint: Endpoint::Send,
        fault: Fault::ServerError,
        count: Some(2),
        probability: None,
        after: None,
    });
    let reply = engine.session_reply(session.id, "Retry me").await.unwrap();
    eventually("the reply goes out after two server errors", Duration::from_secs(15), || {
        let engine = engine.clone();
        async move { delivery(&engine, session.id, reply.id).await.0 == DeliveryState::Sent }
    })
    .await;
    assert_eq!(sandbox.sent().iter().filter(|m| m.text == "Retry me").count(), 1);

    // 25 hours later Messenger refuses free text; the engine checks the window first, so move
    // only the sandbox's clock: the platform refuses, and the reply fails with a reason.
    sandbox.advance_clock(jiff::SignedDuration::from_hours(8 * 24));
    let late = engine.session_reply(session.id, "Still there?").await.unwrap();
    eventually("the refusal is recorded", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { delivery(&engine, session.id, late.id).await.0 == DeliveryState::Failed }
    })
    .await;
    let (_, reason) = delivery(engine, session.id, late.id).await;
    assert!(reason.unwrap().contains("messaging window"), "the agent reads why");
}
