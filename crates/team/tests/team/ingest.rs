//! A poller's batch on PostgreSQL: stored once however often it is read, fenced by the lease.

use crate::{channel, take_when_free, team};
use jiff::Timestamp;
use std::time::Duration;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::IncomingMessage;
use switchboard_team::TeamError;

fn message(mid: &str, psid: &str, text: &str, second: i64) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: mid.into(),
        contact_platform_id: psid.into(),
        contact_name: Some(format!("Customer {psid}")),
        thread_id: Some(format!("t_{psid}")),
        direction: Direction::Inbound,
        author: Author::Customer,
        body: text.into(),
        created_at: Timestamp::from_second(1_790_000_000 + second).expect("a time"),
        attachments: Vec::new(),
    }
}

#[tokio::test]
async fn a_batch_is_stored_once_with_one_open_interaction_and_a_stale_poller_records_nothing() {
    let Some((team, raw, _)) = team("ingest").await else { return };
    let page = channel(&raw, "1001").await;
    let ttl = Duration::from_millis(300);
    let first = team.lease_take(page, "desktop-a", ttl).await.unwrap().unwrap();
    let batch =
        [message("m1", "p1", "Hello", 0), message("m2", "p1", "Anyone?", 1), message("m3", "p2", "Hi", 2)];
    let recorded = team.record_messages(&first, Platform::Messenger, &batch).await.unwrap();
    assert_eq!(
        (recorded.messages.len(), recorded.new_interactions),
        (3, 2),
        "two customers, two interactions"
    );
    let again = team.record_messages(&first, Platform::Messenger, &batch).await.unwrap();
    assert_eq!((again.messages.len(), again.new_interactions), (0, 0), "a page read twice is stored once");

    // A freezes; B takes over and reads the same page plus one more message.
    let second = take_when_free(&team, page, "desktop-b", ttl).await;
    let more = [message("m3", "p2", "Hi", 2), message("m4", "p2", "Still there?", 3)];
    let taken_over = team.record_messages(&second, Platform::Messenger, &more).await.unwrap();
    assert_eq!((taken_over.messages.len(), taken_over.new_interactions), (1, 0));
    // A resumes and tries to record what it had read: refused, nothing written.
    let zombie = [message("m5", "p3", "from a zombie's page", 4)];
    assert!(matches!(
        team.record_messages(&first, Platform::Messenger, &zombie).await,
        Err(TeamError::StaleLease { .. })
    ));
    let stored: Vec<String> = sqlx::query_scalar("SELECT platform_message_id FROM messages ORDER BY id")
        .fetch_all(&raw)
        .await
        .unwrap();
    assert_eq!(stored, ["m1", "m2", "m3", "m4"]);
    let open: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions WHERE state <> 'ended'")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(open, 2, "one open interaction per customer");
    let last: Option<i64> = sqlx::query_scalar("SELECT last_inbound_at FROM sessions s JOIN contacts k ON k.id = s.contact_id WHERE k.platform_id = 'p2'")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(last, Some((1_790_000_000 + 3) * 1000), "the messaging window counts from the last message");
}

#[tokio::test]
async fn a_customer_s_file_is_recorded_with_its_message_and_downloaded_only_under_the_lease() {
    use switchboard_core::AttachmentKind;
    use switchboard_store::IncomingAttachment;
    let Some((team, raw, _)) = team("ingest_files").await else { return };
    let page = channel(&raw, "1002").await;
    let ttl = Duration::from_millis(300);
    let first = team.lease_take(page, "desktop-a", ttl).await.unwrap().unwrap();
    let photo = IncomingAttachment {
        kind: AttachmentKind::Image,
        file_name: "bike.png".into(),
        media_type: "image/png".into(),
        size_bytes: Some(4),
        url: "https://cdn.example/bike.png".into(),
    };
    let with_file = IncomingMessage { attachments: vec![photo], ..message("f1", "p1", "look", 0) };
    let recorded =
        team.record_messages(&first, Platform::Messenger, std::slice::from_ref(&with_file)).await.unwrap();
    assert_eq!(recorded.files, 1);
    let again = team.record_messages(&first, Platform::Messenger, &[with_file]).await.unwrap();
    assert_eq!(again.files, 0, "a page read twice records its files once");
    let pending = team.pending_downloads(page, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    let file = pending[0].attachment_id;

    // A freezes; B takes over. A's download is refused; B's is kept for every desktop.
    let second = take_when_free(&team, page, "desktop-b", ttl).await;
    let stale = team.attachment_downloaded(&first, file, Some("image/png"), b"\x89PNG").await;
    assert!(matches!(stale, Err(TeamError::StaleLease { .. })), "{stale:?}");
    assert!(matches!(team.attachment_content(file).await, Err(TeamError::NotFound { .. })));
    let failed = team.attachment_failed(&first, file, "gone", true).await;
    assert!(matches!(failed, Err(TeamError::StaleLease { .. })), "{failed:?}");
    team.attachment_downloaded(&second, file, Some("image/png"), b"\x89PNG").await.unwrap();
    assert_eq!(team.attachment_content(file).await.unwrap().bytes, b"\x89PNG");
    assert!(team.pending_downloads(page, 10).await.unwrap().is_empty());
}
