use crate::{at, fixture, inbound, outbound};
use switchboard_core::{Platform, ReplyText};
use switchboard_store::{NewChannel, SessionFilter, SessionState};

#[tokio::test]
async fn awaiting_sessions_come_first_longest_waiting_first_then_by_activity() {
    let f = fixture().await;
    f.record(&[
        // p1 waits since t=10, p2 since t=20; p3 was answered last and is the most recent.
        inbound("a1", "p1", "first waiting", 10),
        inbound("b1", "p2", "second waiting", 20),
        inbound("b2", "p2", "still waiting", 25),
        inbound("c1", "p3", "answered", 30),
        outbound("c2", "p3", "done", 40),
        inbound("d1", "p4", "answered earlier", 1),
        outbound("d2", "p4", "done", 2),
    ])
    .await;
    assert_eq!(f.list_order().await, ["p1", "p2", "p3", "p4"]);
    let page = f.store.session_list(&SessionFilter::default(), None, 50).await.unwrap();
    assert_eq!(page.sessions[1].awaiting_since, Some(at(20)), "waiting since the first unanswered message");
    assert_eq!(page.sessions[1].preview.as_deref(), Some("still waiting"), "the preview is the last message");
}

#[tokio::test]
async fn the_list_pages_by_keyset_without_gaps_or_repeats() {
    let f = fixture().await;
    let batch: Vec<_> = (0..95)
        .flat_map(|i| {
            let psid = format!("p{i:03}");
            let mut messages = vec![inbound(&format!("in{i}"), &psid, "hi", i * 10)];
            if i % 3 == 0 {
                messages.push(outbound(&format!("out{i}"), &psid, "answer", i * 10 + 5));
            }
            messages
        })
        .collect();
    f.record(&batch).await;
    let everything = f.list_order().await;
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = f.store.session_list(&SessionFilter::default(), after, 20).await.unwrap();
        paged.extend(page.sessions.into_iter().map(|s| s.contact_platform_id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(paged.len(), 95);
    assert_eq!(paged, everything, "pages joined are the list, in order");
}

#[tokio::test]
async fn the_list_filters_by_state_and_channel() {
    let f = fixture().await;
    let other = f
        .store
        .connect_channel(NewChannel {
            platform: Platform::Messenger,
            external_id: "2002",
            name: "Other page",
        })
        .await
        .unwrap();
    let s1 = f.record(&[inbound("m1", "p1", "one", 0)]).await.sessions[0];
    f.record(&[inbound("m2", "p2", "two", 1)]).await;
    f.store.record_messages(other.id, Platform::Messenger, &[inbound("m3", "p3", "three", 2)]).await.unwrap();
    f.store.set_session_state(s1, SessionState::Stored, at(5)).await.unwrap();

    let stored = SessionFilter { state: Some(SessionState::Stored), ..SessionFilter::default() };
    let page = f.store.session_list(&stored, None, 50).await.unwrap();
    assert_eq!(page.sessions.iter().map(|s| s.id).collect::<Vec<_>>(), [s1]);
    let on_other = SessionFilter { channel_id: Some(other.id), ..SessionFilter::default() };
    let page = f.store.session_list(&on_other, None, 50).await.unwrap();
    assert_eq!(page.sessions.len(), 1);
    assert_eq!(page.sessions[0].channel_name, "Other page");
}

#[tokio::test]
async fn deleting_a_session_removes_its_messages() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "bye", 0)]).await.sessions[0];
    let text = ReplyText::parse(Platform::Messenger, "ok").unwrap();
    f.store.enqueue_reply(session, &text, None, None, at(1)).await.unwrap();
    f.store.delete_session(session).await.unwrap();
    assert!(f.list_order().await.is_empty());
    assert!(f.store.session_messages(session, None, 10).await.unwrap().is_empty());
    assert!(f.claim().await.is_none(), "its outbox went with it");
    assert!(f.store.delete_session(session).await.is_err(), "deleting twice says it is gone");
}
