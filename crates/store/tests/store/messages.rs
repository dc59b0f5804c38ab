use crate::{at, fixture, inbound, outbound};
use switchboard_core::{DeliveryState, Direction};
use switchboard_store::{MessageCursor, SessionState};

#[tokio::test]
async fn recording_the_same_messages_twice_stores_them_once() {
    let f = fixture().await;
    let batch = [inbound("m1", "p1", "Hello", 0), inbound("m2", "p1", "Anyone?", 5)];
    let first = f.record(&batch).await;
    assert_eq!(first.new_messages.len(), 2, "both messages are new the first time");
    let again = f.record(&batch).await;
    assert!(again.new_messages.is_empty(), "a re-polled page must not add messages");
    assert!(again.sessions.is_empty(), "nothing changed, so no session is reported");

    let stored = f.store.session_messages(first.sessions[0], None, 50).await.unwrap();
    let bodies: Vec<_> = stored.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Hello", "Anyone?"], "stored once each, oldest first");
    assert!(
        stored.iter().all(|m| m.direction == Direction::Inbound && m.delivery == DeliveryState::Delivered)
    );
}

#[tokio::test]
async fn messages_sent_from_elsewhere_are_outbound_and_end_the_wait() {
    let f = fixture().await;
    let recorded =
        f.record(&[inbound("m1", "p1", "Hi", 0), outbound("m2", "p1", "Hello from the page inbox", 9)]).await;
    let stored = f.store.session_messages(recorded.sessions[0], None, 50).await.unwrap();
    assert_eq!(stored[1].direction, Direction::Outbound);
    let summary = f.store.session_summary(recorded.sessions[0]).await.unwrap();
    assert_eq!(summary.awaiting_since, None, "the page answered, so nobody waits");
    assert_eq!(summary.last_inbound_at, Some(at(0)), "the window counts from the customer's message");
    assert_eq!(summary.contact_name, "Customer p1", "the name comes from the platform");
}

#[tokio::test]
async fn older_history_comes_page_by_page() {
    let f = fixture().await;
    let batch: Vec<_> =
        (0..120).map(|i| inbound(&format!("m{i}"), "p1", &format!("message {i}"), i)).collect();
    let session = f.record(&batch).await.sessions[0];
    let newest = f.store.session_messages(session, None, 50).await.unwrap();
    assert_eq!(newest.first().unwrap().body, "message 70");
    assert_eq!(newest.last().unwrap().body, "message 119");
    let cursor = MessageCursor { created_at: newest[0].created_at, id: newest[0].id };
    let older = f.store.session_messages(session, Some(cursor), 50).await.unwrap();
    assert_eq!((older[0].body.as_str(), older[49].body.as_str()), ("message 20", "message 69"));
}

#[tokio::test]
async fn a_customer_writing_reactivates_a_stored_session_with_a_new_interaction() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    f.store.set_session_state(session, SessionState::Stored, at(10)).await.unwrap();
    let stored = f.store.session_summary(session).await.unwrap();
    assert_eq!(stored.state, SessionState::Stored);
    assert_eq!(stored.awaiting_since, None, "storing ends the interaction, so nobody waits");

    f.record(&[inbound("m2", "p1", "Me again", 100)]).await;
    let again = f.store.session_summary(session).await.unwrap();
    assert_eq!(again.state, SessionState::Active, "a new message reactivates the session");
    assert_eq!(again.awaiting_since, Some(at(100)), "a new interaction awaits a reply");
}
