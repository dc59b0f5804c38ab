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

    let item = f.claim().await.expect("the reply is in the outbox");
    assert_eq!((item.message_id, item.recipient.as_str()), (pending.id, "p1"));
    assert_eq!(item.channel_external_id, "1001");

    // The poller reads the page's reply back before the outbox has recorded its id.
    let echo = outbound("mid.reply", "p1", "Hello, how can I help?", 6);
    let read_back = f.record(std::slice::from_ref(&echo)).await;
    assert!(read_back.new_messages.is_empty(), "our own pending reply is not a second message");

    let sent = f.store.mark_sent(item.message_id, "mid.reply").await.unwrap();
    assert_eq!(sent.delivery, DeliveryState::Sent);
    assert!(f.claim().await.is_none(), "nothing is left to send");
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
    assert_eq!(f.claim().await.unwrap().attempted_at, None, "a fresh attempt, not a reconcile");
    assert!(f.store.retry_message(failed.id, None).await.is_err(), "only a failed reply can be retried");
}

#[tokio::test]
async fn replying_to_an_unknown_session_is_refused() {
    let f = fixture().await;
    let text = ReplyText::parse(Platform::Messenger, "hello").unwrap();
    let error = f.store.enqueue_reply(999, &text, None, None, at(0)).await.unwrap_err();
    assert!(matches!(error, switchboard_store::StoreError::NotFound { what: "session" }));
}

#[tokio::test]
async fn a_claimed_reply_is_no_other_workers_until_its_lease_lapses() {
    let f = fixture().await;
    let lease = std::time::Duration::from_secs(60);
    let a = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let b = f.record(&[inbound("m2", "p2", "Hello", 1)]).await.sessions[0];
    let text = |t: &str| ReplyText::parse(Platform::Messenger, t).unwrap();
    let a1 = f.store.enqueue_reply(a, &text("a1"), None, None, at(5)).await.unwrap();
    let a2 = f.store.enqueue_reply(a, &text("a2"), None, None, at(6)).await.unwrap();
    let b1 = f.store.enqueue_reply(b, &text("b1"), None, None, at(7)).await.unwrap();

    let first = f.store.claim_next("w1", at(10), lease).await.unwrap().unwrap();
    assert_eq!(first.message_id, a1.id, "the oldest reply goes first");
    let second = f.store.claim_next("w2", at(10), lease).await.unwrap().unwrap();
    assert_eq!(second.message_id, b1.id, "a2 waits behind a1, so the other worker takes b's reply");
    assert!(
        f.store.claim_next("w3", at(10), lease).await.unwrap().is_none(),
        "a1 and b1 are held, and a2 may not overtake a1"
    );
    assert_eq!(
        f.store.claim_next("w3", at(71), lease).await.unwrap().map(|i| i.message_id),
        Some(a1.id),
        "a lapsed lease (a worker that died) frees the reply"
    );
    f.store.mark_sent(a1.id, "mid.a1").await.unwrap();
    assert_eq!(
        f.store.claim_next("w1", at(72), lease).await.unwrap().map(|i| i.message_id),
        Some(a2.id),
        "once a1 is sent, a2 is next in its session"
    );
    assert!(
        f.store.mark_sent(a1.id, "mid.again").await.is_err(),
        "a reply already settled is not settled again (a late worker)"
    );
    f.store.release_claim(a2.id, "w1").await.unwrap();
    assert_eq!(f.store.claim_next("w2", at(72), lease).await.unwrap().map(|i| i.message_id), Some(a2.id));
    assert_eq!(f.store.release_all_claims().await.unwrap(), 2, "a2 and b1 were held");
}

#[tokio::test]
async fn racing_claimers_take_each_reply_once() {
    let f = fixture().await;
    let text = ReplyText::parse(Platform::Messenger, "reply").unwrap();
    let mut sessions = Vec::new();
    for n in 0..50 {
        sessions.push(f.record(&[inbound(&format!("m{n}"), &format!("p{n}"), "Hi", n)]).await.sessions[0]);
    }
    for session in &sessions {
        f.store.enqueue_reply(*session, &text, None, None, at(100)).await.unwrap();
    }
    let worker = |name: &'static str| {
        let store = f.store.clone();
        tokio::spawn(async move {
            let mut taken = Vec::new();
            while let Some(item) =
                store.claim_next(name, at(200), std::time::Duration::from_secs(60)).await.unwrap()
            {
                taken.push(item.message_id);
            }
            taken
        })
    };
    let (one, two) = tokio::join!(worker("w1"), worker("w2"));
    let mut all: Vec<i64> = one.unwrap().into_iter().chain(two.unwrap()).collect();
    let claimed = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!((claimed, all.len()), (50, 50), "every reply claimed, none twice");
}
