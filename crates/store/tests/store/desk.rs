//! What the agent desk keeps: unread counts, drafts, canned responses, the list's filters and
//! sessions an agent opens to write first.

use crate::{at, fixture, inbound, outbound};
use switchboard_core::{CannedResponse, Platform, ReplyText};
use switchboard_store::{SessionFilter, StoreError};

#[tokio::test]
async fn unread_counts_customer_messages_since_the_last_look_and_the_last_reply() {
    let f = fixture().await;
    let session =
        f.record(&[inbound("m1", "p1", "Hi", 0), inbound("m2", "p1", "anyone?", 1)]).await.sessions[0];
    assert_eq!(f.store.session_summary(session).await.unwrap().unread, 2);

    assert!(f.store.mark_read(session).await.unwrap(), "the entry changed");
    assert_eq!(f.store.session_summary(session).await.unwrap().unread, 0);
    assert!(!f.store.mark_read(session).await.unwrap(), "nothing new to read");

    f.record(&[inbound("m3", "p1", "hello?", 2)]).await;
    assert_eq!(f.store.session_summary(session).await.unwrap().unread, 1, "only what came after the look");
    // A reply (here one sent from the page's own inbox) answers everything before it.
    f.record(&[outbound("m4", "p1", "Here!", 3)]).await;
    assert_eq!(f.store.session_summary(session).await.unwrap().unread, 0);
}

#[tokio::test]
async fn a_draft_is_kept_until_it_is_sent_or_emptied() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let bubbles = vec!["Hello!".to_owned(), "One moment <b>please</b>".to_owned()];
    f.store.set_draft(session, &bubbles, at(1)).await.unwrap();
    assert_eq!(f.store.session_summary(session).await.unwrap().draft, Some(bubbles.clone()));
    let listed = f.store.session_list(&SessionFilter::default(), None, 10).await.unwrap();
    assert_eq!(listed.sessions[0].draft, Some(bubbles), "the list shows it too");

    f.store.set_draft(session, &["  ".to_owned()], at(2)).await.unwrap();
    assert_eq!(f.store.session_summary(session).await.unwrap().draft, None, "nothing typed clears it");

    f.store.set_draft(session, &["Sending this".to_owned()], at(3)).await.unwrap();
    let texts = [ReplyText::parse(Platform::Messenger, "Sending this").unwrap()];
    let sent = f.store.enqueue_replies(session, &texts, None, Some("maria"), at(4)).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(f.store.session_summary(session).await.unwrap().draft, None, "sent with the reply");
}

#[tokio::test]
async fn bubbles_are_queued_in_order_in_one_go() {
    let f = fixture().await;
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let texts: Vec<ReplyText> =
        ["one", "two", "three"].iter().map(|t| ReplyText::parse(Platform::Messenger, t).unwrap()).collect();
    f.store.enqueue_replies(session, &texts, None, None, at(5)).await.unwrap();
    let mut sent = Vec::new();
    while let Some(item) = f.claim().await {
        sent.push(item.body.clone());
        f.store.mark_sent(item.message_id, &format!("mid.{}", item.message_id)).await.unwrap();
    }
    assert_eq!(sent, ["one", "two", "three"]);
}

#[tokio::test]
async fn canned_responses_are_kept_by_unique_title() {
    let f = fixture().await;
    let hello =
        CannedResponse::parse("Hello", &["Hi {first_name}!".into(), "How can I help?".into()]).unwrap();
    let saved = f.store.save_canned(None, &hello).await.unwrap();
    let again = CannedResponse::parse("hello", &["x".into()]).unwrap();
    match f.store.save_canned(None, &again).await {
        Err(StoreError::Conflict { what }) => {
            assert_eq!(what, "A canned response is already called \"hello\".")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let edited = CannedResponse::parse("Hello", &["Hi {first_name}, welcome back!".into()]).unwrap();
    f.store.save_canned(Some(saved.id), &edited).await.unwrap();
    let all = f.store.canned_responses().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].bubbles, ["Hi {first_name}, welcome back!"]);
    f.store.delete_canned(saved.id).await.unwrap();
    assert!(f.store.canned_responses().await.unwrap().is_empty());
    assert!(f.store.delete_canned(saved.id).await.is_err());
}

#[tokio::test]
async fn the_list_filters_by_name_number_reference_and_agent() {
    let f = fixture().await;
    let ana = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let bo = f.record(&[inbound("m2", "p2", "Hello", 1)]).await.sessions[0];
    f.store.set_contact_name(ana, Some("Ana"), Some("Lima")).await.unwrap();
    f.store.set_internal_reference(bo, Some("ORD-50%_x")).await.unwrap();
    let find = |text: &str| SessionFilter { text: Some(text.into()), ..SessionFilter::default() };
    let ids = |page: switchboard_store::SessionPage| page.sessions.iter().map(|s| s.id).collect::<Vec<_>>();

    assert_eq!(ids(f.store.session_list(&find("ana li"), None, 10).await.unwrap()), [ana]);
    assert_eq!(ids(f.store.session_list(&find("ord-50%"), None, 10).await.unwrap()), [bo]);
    assert!(ids(f.store.session_list(&find("ORD-5_%"), None, 10).await.unwrap()).is_empty(), "no wildcards");
    assert_eq!(ids(f.store.session_list(&find("Customer p2"), None, 10).await.unwrap()), [bo]);

    let texts = [ReplyText::parse(Platform::Messenger, "On it").unwrap()];
    f.store.enqueue_replies(ana, &texts, None, Some("maria"), at(3)).await.unwrap();
    let mine = SessionFilter { agent: Some("maria".into()), ..SessionFilter::default() };
    assert_eq!(ids(f.store.session_list(&mine, None, 10).await.unwrap()), [ana]);
    let queues = SessionFilter { queues: Some(vec![999]), ..SessionFilter::default() };
    assert!(ids(f.store.session_list(&queues, None, 10).await.unwrap()).is_empty());
    assert!(f.store.agent_queues("maria").await.unwrap().is_empty());
}

#[tokio::test]
async fn an_agent_opens_a_session_to_write_first() {
    let f = fixture().await;
    let ana = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    let sms = sms_channel(&f).await;
    assert!(!f.store.has_written(Platform::Sms, "+15551230000").await.unwrap());
    let session =
        f.store.open_session(sms.id, Platform::Sms, "+15551230000", Some("Lee"), None, at(0)).await.unwrap();
    assert_ne!(session, ana);
    let summary = f.store.session_summary(session).await.unwrap();
    assert_eq!((summary.contact_name.as_str(), summary.last_inbound_at), ("Lee", None));
    let again = f.store.open_session(sms.id, Platform::Sms, "+15551230000", None, None, at(1)).await.unwrap();
    assert_eq!(again, session, "one session per contact and channel");
    assert_eq!(f.store.session_summary(session).await.unwrap().contact_name, "Lee", "the name stays");
}

#[tokio::test]
async fn sessions_opened_while_customers_write_are_the_right_ones() {
    let f = fixture().await;
    let sms = sms_channel(&f).await;
    let writers = {
        let store = f.store.clone();
        let channel = f.channel.id;
        tokio::spawn(async move {
            for i in 0..200 {
                let message = inbound(&format!("m{i}"), &format!("p{i}"), "Hi", i);
                store.record_messages(channel, Platform::Messenger, &[message]).await.unwrap();
            }
        })
    };
    for i in 0..200 {
        let number = format!("+1555123{i:04}");
        let session = f.store.open_session(sms.id, Platform::Sms, &number, None, None, at(i)).await.unwrap();
        let summary = f.store.session_summary(session).await.unwrap();
        assert_eq!((summary.contact_platform_id.as_str(), summary.channel_id), (number.as_str(), sms.id));
    }
    writers.await.unwrap();
}

async fn sms_channel(f: &crate::Fixture) -> switchboard_store::ChannelRecord {
    let sms = switchboard_store::NewChannel {
        platform: Platform::Sms,
        external_id: "+15550001111",
        name: "Shop SMS",
    };
    f.store.connect_channel(sms).await.expect("the SMS channel")
}
