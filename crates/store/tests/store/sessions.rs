use crate::{fixture, inbound, outbound};
use switchboard_core::Platform;

#[tokio::test]
async fn awaiting_sessions_come_first_longest_waiting_first_then_by_activity() {
    let f = fixture().await;
    let batch = [
        // p1 waits since t=10, p2 since t=20; p3 was answered last and is the most recent.
        inbound("a1", "p1", "first waiting", 10),
        inbound("b1", "p2", "second waiting", 20),
        inbound("b2", "p2", "still waiting", 25),
        inbound("c1", "p3", "answered", 30),
        outbound("c2", "p3", "done", 40),
        inbound("d1", "p4", "answered earlier", 1),
        outbound("d2", "p4", "done", 2),
    ];
    f.store
        .record_messages(f.channel.id, Platform::Messenger, &batch)
        .await
        .unwrap();
    let list = f.store.session_list(50).await.unwrap();
    let order: Vec<_> = list.iter().map(|s| s.contact_platform_id.as_str()).collect();
    assert_eq!(order, ["p1", "p2", "p3", "p4"]);
    assert_eq!(
        list[1].awaiting_since,
        Some(crate::at(20)),
        "waiting since the first unanswered message"
    );
    assert_eq!(
        list[1].preview.as_deref(),
        Some("still waiting"),
        "the preview is the last message"
    );
    assert_eq!(
        f.store.session_list(2).await.unwrap().len(),
        2,
        "the limit is respected"
    );
}
