use crate::{at, fixture, inbound, outbound};
use switchboard_core::{DeliveryState, Platform, ReplyText};

#[tokio::test]
async fn a_reply_is_pending_before_sending_and_sent_after() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let text = ReplyText::parse(Platform::Messenger, "Hello, how can I help?").unwrap();
    let pending = f.store.enqueue_reply(session, &text, None, None, at(5)).await.unwrap();
    assert_eq!(pending.delivery, DeliveryState::Pending);
    assert_eq!(
        f.store.session_summary(session).await.unwrap().awaiting_since,
        None,
        "a typed reply ends the wait even before it is sent"
    );

    let item = f.store.next_pending().await.unwrap().expect("the reply is in the outbox");
    assert_eq!((item.message_id, item.recipient.as_str()), (pending.id, "p1"));
    assert_eq!(item.channel_external_id, "1001");

    // The poller reads the page's reply back before the outbox has recorded its id.
    let echo = outbound("mid.reply", "p1", "Hello, how can I help?", 6);
    let read_back = f.record(std::slice::from_ref(&echo)).await;
    assert!(read_back.new_messages.is_empty(), "our own pending reply is not a second message");

    let sent = f.store.mark_sent(item.message_id, "mid.reply").await.unwrap();
    assert_eq!(sent.delivery, DeliveryState::Sent);
    assert!(f.store.next_pending().await.unwrap().is_none(), "nothing is left to send");
    assert!(f.record(&[echo]).await.new_messages.is_empty(), "known by its platform id now");
    assert_eq!(f.store.session_messages(session, None, 50).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_refused_reply_keeps_its_text_and_reason() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let text = ReplyText::parse(Platform::Messenger, "late answer").unwrap();
    let pending = f.store.enqueue_reply(session, &text, None, None, at(5)).await.unwrap();
    let failed = f.store.mark_failed(pending.id, "Outside the messaging window").await.unwrap();
    assert_eq!(failed.delivery, DeliveryState::Failed);
    assert_eq!(failed.failure.as_deref(), Some("Outside the messaging window"));
    assert_eq!(failed.body, "late answer", "what the agent typed is kept");

    let retried = f.store.retry_message(failed.id, Some("HUMAN_AGENT")).await.unwrap();
    assert_eq!((retried.delivery, retried.failure), (DeliveryState::Pending, None), "back in the outbox");
    assert_eq!(retried.tag.as_deref(), Some("HUMAN_AGENT"), "with the tag the window requires now");
    assert_eq!(
        f.store.next_pending().await.unwrap().unwrap().attempted_at,
        None,
        "a fresh attempt, not a reconcile"
    );
    assert!(f.store.retry_message(failed.id, None).await.is_err(), "only a failed reply can be retried");
}

#[tokio::test]
async fn replying_to_an_unknown_session_is_refused() {
    let f = fixture().await;
    let text = ReplyText::parse(Platform::Messenger, "hello").unwrap();
    let error = f.store.enqueue_reply(999, &text, None, None, at(0)).await.unwrap_err();
    assert!(matches!(error, switchboard_store::StoreError::NotFound { what: "session" }));
}
