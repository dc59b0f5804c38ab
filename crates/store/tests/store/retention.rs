use crate::{at, fixture, inbound};
use jiff::SignedDuration;
use switchboard_core::{Attachment, Platform, ReplyText};
use switchboard_store::RetentionPolicy;

const DAY: i64 = 86_400;

#[tokio::test]
async fn the_purge_removes_old_messages_their_files_and_emptied_sessions() {
    let f = fixture().await;
    // p1 wrote 40 days ago only; p2 wrote 40 days ago and yesterday.
    let gone = f.record(&[inbound("a1", "p1", "ancient", 0)]).await.sessions[0];
    let kept =
        f.record(&[inbound("b1", "p2", "old", 0), inbound("b2", "p2", "recent", 39 * DAY)]).await.sessions[0];
    let old_message = f.store.session_messages(gone, None, 1).await.unwrap()[0].id;
    let file = f.dir.path().join("photo.jpg");
    std::fs::write(&file, b"jpeg").unwrap();
    let photo = Attachment::parse("photo.jpg", 4).unwrap();
    f.store.add_attachment(old_message, &photo, None, Some(file.to_str().unwrap())).await.unwrap();

    let now = at(40 * DAY);
    let report = f.store.purge(RetentionPolicy::default(), now).await.unwrap();
    assert_eq!((report.messages_deleted, report.sessions_deleted, report.files_deleted), (2, 1, 1));
    assert!(!file.exists(), "the attachment's file is deleted with its message");
    assert!(f.store.session_summary(gone).await.is_err(), "a session whose messages are all gone is deleted");
    let left = f.store.session_messages(kept, None, 10).await.unwrap();
    assert_eq!(left.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), ["recent"]);
    let again = f.store.purge(RetentionPolicy::default(), now).await.unwrap();
    assert_eq!(again.messages_deleted, 0, "purging twice changes nothing");
}

#[tokio::test]
async fn each_session_keeps_at_most_its_newest_messages_but_never_loses_a_pending_reply() {
    let f = fixture().await;
    let batch: Vec<_> = (0..40).map(|i| inbound(&format!("m{i}"), "p1", &format!("n{i}"), i)).collect();
    let session = f.record(&batch).await.sessions[0];
    let text = ReplyText::parse(Platform::Messenger, "typed, not yet sent").unwrap();
    // An old pending reply, as after a long outage: it must survive any purge.
    f.store.enqueue_reply(session, &text, None, None, at(-100 * DAY)).await.unwrap();

    let policy = RetentionPolicy::new(30, 10).unwrap();
    let report = f.store.purge(policy, at(40) + SignedDuration::from_hours(1)).await.unwrap();
    assert_eq!(report.messages_deleted, 30);
    let left = f.store.session_messages(session, None, 100).await.unwrap();
    assert_eq!(left.len(), 11, "the newest 10 and the pending reply");
    assert_eq!(left[1].body, "n30");
    assert!(f.claim().await.is_some(), "the outbox is intact");
}

#[tokio::test]
async fn the_policy_is_a_setting() {
    let f = fixture().await;
    assert_eq!(f.store.retention_policy().await.unwrap(), RetentionPolicy::default());
    let policy = RetentionPolicy::new(90, 500).unwrap();
    f.store.set_retention_policy(policy).await.unwrap();
    assert_eq!(f.store.retention_policy().await.unwrap(), policy);
}

#[tokio::test]
async fn interactions_outlive_their_messages_for_reports_until_the_report_horizon() {
    use switchboard_core::routing::{Experience, MenuWords, QueueName};
    let f = fixture().await;
    f.store.member_ensure("ana", at(0)).await.unwrap();
    f.store
        .experience_ensure(f.channel.id, "Demo Bikes", &Experience::new("UTC"), Some("ana"))
        .await
        .unwrap();
    let root = f.store.queues(f.channel.id).await.unwrap()[0].id;
    let sales =
        f.store.queue_add(root, &QueueName::parse("Sales", &MenuWords::default()).unwrap()).await.unwrap();
    let session = f.record(&[inbound("m1", "p1", "Hi", 0)]).await.sessions[0];
    f.store.interaction_transfer(session, "ana", sales.id, None, None, at(5)).await.unwrap();
    f.store.set_session_state(session, switchboard_store::SessionState::Stored, at(9)).await.unwrap();
    let in_reports = |f: &crate::Fixture| {
        let store = f.store.clone();
        async move { store.report_records(at(0), at(DAY)).await.unwrap().len() }
    };
    assert_eq!(in_reports(&f).await, 1, "the Sales interaction is in the reports");

    // 40 days on: the text is gone, the figures stay (and the session they belong to).
    let report = f.store.purge(RetentionPolicy::default(), at(40 * DAY)).await.unwrap();
    assert_eq!((report.messages_deleted, report.sessions_deleted), (1, 0));
    assert!(f.store.session_messages(session, None, 10).await.unwrap().is_empty());
    assert_eq!(in_reports(&f).await, 1, "reports still count it");
    let listed = f.store.session_list(&Default::default(), None, 50).await.unwrap().sessions;
    assert!(listed.iter().all(|s| s.id != session), "nothing left to read: not in the desk's list");

    // Past the reports' horizon (400 days by default) it goes, and its session with it.
    let report = f.store.purge(RetentionPolicy::default(), at(401 * DAY)).await.unwrap();
    assert_eq!(report.sessions_deleted, 1);
    assert_eq!(in_reports(&f).await, 0);
}
