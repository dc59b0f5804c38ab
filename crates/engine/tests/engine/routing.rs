//! Routing against the sandbox, on the sandbox's clock: the menu by number, keyword, BACK and
//! EXIT; after-hours texts; timers at the right minute; automated texts only inside the window.

use crate::{Options, Running, eventually, require_desktop, running};
use jiff::SignedDuration;
use std::time::Duration;
use switchboard_core::routing::{Experience, Schedule};
use switchboard_engine::{Engine, QueueSettings};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "4101", "name": "Routing Bikes" }],
  "personas": [
    { "psid": "7101", "page": "4101", "first_name": "Ana", "last_name": "Menu" },
    { "psid": "7102", "page": "4101", "first_name": "Ben", "last_name": "Leaves" },
    { "psid": "7103", "page": "4101", "first_name": "Cy", "last_name": "Lost" }
  ]
}"#;

async fn start(name: &str) -> Running {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    running(
        sandbox,
        name,
        Options { quiet: true, sandbox_clock: true, poll: Duration::from_millis(200), ..Options::default() },
    )
    .await
}

/// What the sandbox received for a customer, in order.
fn sent_to(running: &Running, psid: &str) -> Vec<(String, Option<String>)> {
    running.sandbox.sent().into_iter().filter(|m| m.recipient_id == psid).map(|m| (m.text, m.tag)).collect()
}

async fn wait_sent(running: &Running, psid: &str, count: usize) -> Vec<(String, Option<String>)> {
    eventually(&format!("{count} messages to {psid}"), Duration::from_secs(15), || {
        let n = sent_to(running, psid).len();
        async move { n >= count }
    })
    .await;
    sent_to(running, psid)
}

fn settings(name: &str, keywords: &[&str]) -> QueueSettings {
    QueueSettings {
        name: name.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        priority: 0,
        service_level_percent: 80,
        service_level_seconds: 60,
        target_response_seconds: 120,
        distribution: Default::default(),
    }
}

/// Support › (English › (Sales, Payments[pay]), Español), open always, with texts.
async fn two_level_menu(engine: &Engine, channel: i64) -> (i64, i64, i64) {
    let routing = engine.routing_settings(channel).await.unwrap();
    let root = routing.queues[0].id;
    let english = engine.queue_add(root, "English").await.unwrap();
    let spanish = engine.queue_add(root, "Español").await.unwrap();
    engine.queue_add(english.id, "Sales").await.unwrap();
    let payments = engine.queue_add(english.id, "Payments").await.unwrap();
    engine.queue_update(payments.id, settings("Payments", &["pay"])).await.unwrap();
    engine.queue_members_set(payments.id, &["maria".into()]).await.unwrap();
    let mut experience = routing.experience;
    experience.schedule = Schedule::always("UTC");
    experience.texts.greeting = "Hi {first_name}!".into();
    experience.texts.ended = "Bye {first_name}.".into();
    engine.experience_save(channel, experience).await.unwrap();
    (english.id, spanish.id, payments.id)
}

async fn queue_of(engine: &Engine, psid: &str) -> Option<(String, Option<String>)> {
    let page = engine.session_list(&Default::default(), None, 50).await.unwrap();
    let session = page.sessions.into_iter().find(|s| s.contact_platform_id == psid)?;
    session.interaction.map(|i| (i.state, i.queue_name))
}

#[tokio::test]
async fn a_customer_walks_the_menu_by_number_back_and_keyword_and_another_exits() {
    let running = start("routing-menu").await;
    let engine = running.engine.clone();
    let channel = engine.channels().await.unwrap()[0].id;
    engine.presence_set(switchboard_core::routing::Presence::Break).await.unwrap();
    two_level_menu(&engine, channel).await;

    running.sandbox.customer_writes("7101", "Hello").unwrap();
    let sent = wait_sent(&running, "7101", 2).await;
    assert_eq!(sent[0], ("Hi Ana!".into(), None), "the greeting, filled in and untagged");
    assert_eq!(sent[1].0, "Reply with a number:\n1 English\n2 Español\n(EXIT to leave)");
    running.sandbox.customer_writes("7101", "1").unwrap();
    let sent = wait_sent(&running, "7101", 3).await;
    assert_eq!(sent[2].0, "Reply with a number:\n1 Sales\n2 Payments\n(BACK to go back, EXIT to leave)");
    running.sandbox.customer_writes("7101", "back").unwrap();
    let sent = wait_sent(&running, "7101", 4).await;
    assert!(sent[3].0.starts_with("Reply with a number:\n1 English"), "BACK shows the level above");
    running.sandbox.customer_writes("7101", "PAY").unwrap();
    eventually("Ana waits in Payments", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { queue_of(&engine, "7101").await == Some(("queued".into(), Some("Payments".into()))) }
    })
    .await;

    running.sandbox.customer_writes("7102", "hi").unwrap();
    wait_sent(&running, "7102", 2).await;
    running.sandbox.customer_writes("7102", "EXIT").unwrap();
    let sent = wait_sent(&running, "7102", 3).await;
    assert_eq!(sent[2].0, "Bye Ben.");
    eventually("Ben's interaction ended", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { queue_of(&engine, "7102").await.is_none() }
    })
    .await;
    assert!(running.sandbox.sent().iter().all(|m| m.tag.is_none() && m.messaging_type == "RESPONSE"));
}

#[tokio::test]
async fn an_unrecognised_answer_repeats_the_menu_once_then_goes_to_the_default_queue() {
    let running = start("routing-lost").await;
    let engine = running.engine.clone();
    let channel = engine.channels().await.unwrap()[0].id;
    engine.presence_set(switchboard_core::routing::Presence::Break).await.unwrap();
    let (_, spanish, _) = two_level_menu(&engine, channel).await;
    let mut experience = engine.routing_settings(channel).await.unwrap().experience;
    experience.default_queue = Some(spanish);
    engine.experience_save(channel, experience).await.unwrap();
    running.sandbox.customer_writes("7103", "hola").unwrap();
    wait_sent(&running, "7103", 2).await;
    running.sandbox.customer_writes("7103", "quiero ayuda").unwrap();
    let sent = wait_sent(&running, "7103", 3).await;
    assert_eq!(sent[2].0, sent[1].0, "the same menu once more");
    running.sandbox.customer_writes("7103", "???").unwrap();
    eventually("Cy waits in Español", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { queue_of(&engine, "7103").await == Some(("queued".into(), Some("Español".into()))) }
    })
    .await;
    assert_eq!(sent_to(&running, "7103").len(), 3, "no third menu");
}

#[tokio::test]
async fn after_hours_the_text_arrives_once() {
    let running = start("routing-closed").await;
    let engine = running.engine.clone();
    let channel = engine.channels().await.unwrap()[0].id;
    let mut experience = engine.routing_settings(channel).await.unwrap().experience;
    experience.schedule = Schedule { zone: "UTC".into(), hours: vec![], closures: vec![] };
    experience.texts.after_hours = "We are closed, {first_name}.".into();
    engine.experience_save(channel, experience).await.unwrap();
    running.sandbox.customer_writes("7101", "Anyone?").unwrap();
    wait_sent(&running, "7101", 1).await;
    running.sandbox.customer_writes("7101", "Hello??").unwrap();
    running.sandbox.customer_writes("7101", "Please").unwrap();
    eventually("both later messages are stored", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { crate::stored(&engine).await.iter().any(|(_, bodies)| bodies.iter().any(|b| b == "Please")) }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sent_to(&running, "7101"), [("We are closed, Ana.".to_owned(), None)], "once per interaction");
}

#[tokio::test]
async fn queue_expiry_and_dismissal_fire_at_their_minute_and_late_texts_are_not_sent() {
    let running = start("routing-timers").await;
    let engine = running.engine.clone();
    let channel = engine.channels().await.unwrap()[0].id;
    engine.presence_set(switchboard_core::routing::Presence::Break).await.unwrap();
    let mut experience: Experience = engine.routing_settings(channel).await.unwrap().experience;
    experience.schedule = Schedule::always("UTC");
    experience.timers.queue_expiry = Some(5);
    experience.timers.chat_timeout = None;
    experience.timers.inactivity_warning = Some(10);
    experience.timers.dismiss_after_warning = 5;
    experience.texts.dismissal_warning = "Still there?".into();
    experience.texts.ended = "Closed.".into();
    engine.experience_save(channel, experience.clone()).await.unwrap();

    // Ana waits in the queue unanswered: at 4 minutes she still waits, past 5 it expires.
    running.sandbox.customer_writes("7101", "Hello").unwrap();
    eventually("Ana queued", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { queue_of(&engine, "7101").await.is_some_and(|q| q.0 == "queued") }
    })
    .await;
    running.sandbox.advance_clock(SignedDuration::from_mins(4));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(queue_of(&engine, "7101").await.map(|q| q.0), Some("queued".into()), "not yet at 4 minutes");
    running.sandbox.advance_clock(SignedDuration::from_mins(2));
    let sent = wait_sent(&running, "7101", 1).await;
    assert_eq!(sent, [("Closed.".to_owned(), None)], "expired in queue, with the ended text");
    assert!(queue_of(&engine, "7101").await.is_none());

    // Ben is answered and goes quiet: the warning at 10 minutes, dismissed 5 after.
    running.sandbox.customer_writes("7102", "Help").unwrap();
    let session = eventually_session(&engine, "7102").await;
    engine.session_reply(session, "How can I help?").await.unwrap();
    wait_sent(&running, "7102", 1).await;
    running.sandbox.advance_clock(SignedDuration::from_mins(11));
    let sent = wait_sent(&running, "7102", 2).await;
    assert_eq!(sent[1], ("Still there?".to_owned(), None));
    running.sandbox.advance_clock(SignedDuration::from_mins(6));
    let sent = wait_sent(&running, "7102", 3).await;
    assert_eq!(sent[2].0, "Closed.");
    let timeline = engine.session_timeline(session).await.unwrap();
    assert!(
        timeline.iter().any(|e| e.kind == "ended" && e.detail.as_deref() == Some("dismissed")),
        "{timeline:?}"
    );

    // Cy is answered, then silent for 30 hours: the warning is due, but Messenger's window
    // closed at 24 h, so it is not sent (and never tagged HUMAN_AGENT), and the reason is kept.
    let mut late = experience;
    late.timers.inactivity_warning = Some(30 * 60);
    late.timers.dismiss_after_warning = 10_080;
    engine.experience_save(channel, late).await.unwrap();
    running.sandbox.customer_writes("7103", "Hi").unwrap();
    let session = eventually_session(&engine, "7103").await;
    engine.session_reply(session, "Hello Cy").await.unwrap();
    wait_sent(&running, "7103", 1).await;
    running.sandbox.advance_clock(SignedDuration::from_hours(30) + SignedDuration::from_mins(1));
    eventually("the warning was decided", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            let timeline = engine.session_timeline(session).await.unwrap();
            timeline.iter().any(|e| e.kind == "not_sent")
        }
    })
    .await;
    assert_eq!(sent_to(&running, "7103"), [("Hello Cy".to_owned(), None)], "nothing automated after 24 h");
}

async fn eventually_session(engine: &std::sync::Arc<Engine>, psid: &str) -> i64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let page = engine.session_list(&Default::default(), None, 50).await.unwrap();
        if let Some(session) = page.sessions.into_iter().find(|s| s.contact_platform_id == psid) {
            return session.id;
        }
        assert!(tokio::time::Instant::now() < deadline, "{psid}'s session never came");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn after_the_window_an_agent_may_send_an_update_tag_they_chose_and_nothing_else() {
    let running = start("routing-tags").await;
    let engine = running.engine.clone();
    running.sandbox.customer_writes("7101", "Where is my bike?").unwrap();
    let session = eventually_session(&engine, "7101").await;
    running.sandbox.advance_clock(SignedDuration::from_hours(24 * 8));
    let refused = engine.session_send(session, &["It shipped.".into()], None).await.unwrap_err();
    assert!(refused.to_string().contains("7 days"), "{refused}");
    let tag = Some(switchboard_core::UpdateTag::PostPurchaseUpdate);
    engine.session_send(session, &["It shipped today.".into()], tag).await.unwrap();
    let sent = wait_sent(&running, "7101", 1).await;
    assert_eq!(sent, [("It shipped today.".to_owned(), Some("POST_PURCHASE_UPDATE".to_owned()))]);
}
