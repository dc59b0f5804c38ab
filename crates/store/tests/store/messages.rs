use crate::{fixture, inbound, outbound};
use switchboard_core::{DeliveryState, Direction, Platform};
use switchboard_store::Store;

#[tokio::test]
async fn recording_the_same_messages_twice_stores_them_once() {
    let f = fixture().await;
    let batch = [inbound("m1", "p1", "Hello", 0), inbound("m2", "p1", "Anyone?", 5)];
    let first = f
        .store
        .record_messages(f.channel.id, Platform::Messenger, &batch)
        .await
        .unwrap();
    assert_eq!(
        first.new_messages.len(),
        2,
        "both messages are new the first time"
    );

    let again = f
        .store
        .record_messages(f.channel.id, Platform::Messenger, &batch)
        .await
        .unwrap();
    assert!(
        again.new_messages.is_empty(),
        "a re-polled page must not add messages"
    );
    assert!(
        again.sessions.is_empty(),
        "nothing changed, so no session is reported"
    );

    let session = first.sessions[0];
    let stored = f.store.session_messages(session).await.unwrap();
    let bodies: Vec<_> = stored.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Hello", "Anyone?"], "stored once each, oldest first");
    assert!(stored.iter().all(|m| m.direction == Direction::Inbound));
    assert!(stored.iter().all(|m| m.delivery == DeliveryState::Delivered));
}

#[tokio::test]
async fn messages_sent_from_elsewhere_are_outbound() {
    let f = fixture().await;
    let batch = [
        inbound("m1", "p1", "Hi", 0),
        outbound("m2", "p1", "Hello from the page inbox", 9),
    ];
    let recorded = f
        .store
        .record_messages(f.channel.id, Platform::Messenger, &batch)
        .await
        .unwrap();
    let stored = f.store.session_messages(recorded.sessions[0]).await.unwrap();
    assert_eq!(stored[1].direction, Direction::Outbound);
    let summary = f.store.session_summary(recorded.sessions[0]).await.unwrap();
    assert_eq!(summary.awaiting_since, None, "the page answered, so nobody waits");
    assert_eq!(
        summary.contact_name, "Customer p1",
        "the name comes from the inbound message"
    );
}

#[tokio::test]
async fn the_cache_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let store = Store::open(&path).await.unwrap();
    let channel = store
        .connect_channel(switchboard_store::NewChannel {
            platform: Platform::Messenger,
            external_id: "1001",
            name: "Demo Bikes",
        })
        .await
        .unwrap();
    store
        .record_messages(channel.id, Platform::Messenger, &[inbound("m1", "p1", "kept", 0)])
        .await
        .unwrap();
    store.close().await;

    let reopened = Store::open(&path).await.unwrap();
    let list = reopened.session_list(10).await.unwrap();
    assert_eq!(list.len(), 1, "the session written before closing is still there");
    assert_eq!(list[0].preview.as_deref(), Some("kept"));
    let wal = std::fs::exists(dir.path().join("cache.sqlite3-wal")).unwrap();
    assert!(wal, "the cache runs in WAL mode");
}
