use crate::{at, fixture, inbound};
use switchboard_core::Platform;
use switchboard_store::{NewChannel, SearchQuery, SessionState};

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: text.into(), limit: 20, ..SearchQuery::default() }
}

#[tokio::test]
async fn messages_and_contacts_are_found_with_a_marked_snippet() {
    let f = fixture().await;
    let s1 = f.record(&[inbound("m1", "p1", "My Bosch battery is dead", 0)]).await.sessions[0];
    let s2 = f.record(&[inbound("m2", "p2", "Do you sell helmets?", 10)]).await.sessions[0];
    f.store.set_contact_name(s2, Some("Tomás"), Some("Reyes")).await.unwrap();

    let hits = f.store.search(&query("battery")).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].session.id, s1);
    assert_eq!(hits[0].snippet.as_deref(), Some("My Bosch \u{2}battery\u{3} is dead"));
    assert!(hits[0].message_id.is_some(), "a message hit opens at that message");

    let by_name = f.store.search(&query("tomas")).await.unwrap();
    assert_eq!(by_name.len(), 1, "diacritics do not matter");
    assert_eq!((by_name[0].session.id, by_name[0].message_id), (s2, None));
    assert_eq!(f.store.search(&query("batt")).await.unwrap().len(), 1, "the last word is a prefix");
    assert!(f.store.search(&query("\"unbalanced OR")).await.unwrap().is_empty(), "FTS syntax is inert");
}

#[tokio::test]
async fn search_combines_text_with_filters() {
    let f = fixture().await;
    let other = f
        .store
        .connect_channel(NewChannel { platform: Platform::Messenger, external_id: "2002", name: "Other" })
        .await
        .unwrap();
    let old = f.record(&[inbound("m1", "p1", "refund please", 0)]).await.sessions[0];
    let recent = f.record(&[inbound("m2", "p2", "refund again", 1_000)]).await.sessions[0];
    f.store
        .record_messages(other.id, Platform::Messenger, &[inbound("m3", "p3", "refund elsewhere", 2_000)])
        .await
        .unwrap();
    f.store.set_session_state(old, SessionState::Stored, at(5)).await.unwrap();

    let all = f.store.search(&query("refund")).await.unwrap();
    assert_eq!(all.len(), 3, "one hit per session");
    let in_range = SearchQuery { from: Some(at(500)), to: Some(at(1_500)), ..query("refund") };
    assert_eq!(
        f.store.search(&in_range).await.unwrap().iter().map(|h| h.session.id).collect::<Vec<_>>(),
        [recent]
    );
    let stored = SearchQuery { state: Some(SessionState::Stored), ..query("refund") };
    assert_eq!(f.store.search(&stored).await.unwrap()[0].session.id, old);
    let on_channel = SearchQuery { channel_id: Some(other.id), ..query("refund") };
    assert_eq!(f.store.search(&on_channel).await.unwrap()[0].session.channel_name, "Other");
    let by_nobody = SearchQuery { agent: Some("nobody".into()), ..query("refund") };
    assert!(f.store.search(&by_nobody).await.unwrap().is_empty(), "no interaction was handled by that agent");
    let reply = switchboard_core::ReplyText::parse(Platform::Messenger, "on it").unwrap();
    f.store.enqueue_reply(recent, &reply, None, Some("maria"), at(1_100)).await.unwrap();
    let by_maria = SearchQuery { agent: Some("maria".into()), ..query("refund") };
    assert_eq!(f.store.search(&by_maria).await.unwrap()[0].session.id, recent, "maria answered it");
}
