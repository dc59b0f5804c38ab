//! A desktop's replica follows the team's change log: what a poller records on PostgreSQL shows in
//! the encrypted SQLite cache the desk reads, once, whatever order or how often it is applied.

use crate::{channel, team};
use jiff::Timestamp;
use std::time::Duration;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::IncomingMessage;
use switchboard_store::{CacheKey, ReplicaChange, ReplicaCursor, SessionFilter, Store};
use switchboard_team::{ChangeCursor, Team};

fn message(mid: &str, psid: &str, text: &str, second: i64) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: mid.into(),
        contact_platform_id: psid.into(),
        contact_name: Some(format!("Customer {psid}")),
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: text.into(),
        created_at: Timestamp::from_second(1_790_000_000 + second).expect("a time"),
        attachments: Vec::new(),
    }
}

/// Catches the replica up with every change committed so far: reads the log from its cursor and
/// applies it, batch by batch. The log hands out a change only once no older transaction can
/// still commit — on a cluster shared with other tests' databases that can lag a moment — so
/// "caught up" is no committed change left after the cursor, not one empty read.
async fn catch_up(team: &Team, store: &Store) -> usize {
    let mut applied = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let at = store.replica_cursor().await.expect("the cursor reads");
        let cursor = ChangeCursor { txid: at.txid, position: at.position };
        let batch = team.changes_since(cursor, 500).await.expect("the log reads");
        let Some(last) = batch.last() else {
            let left = team.changes_after(cursor).await.expect("the log counts");
            if left == 0 {
                return applied;
            }
            assert!(tokio::time::Instant::now() < deadline, "{left} committed changes never handed out");
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let cursor = ReplicaCursor { txid: last.cursor.txid, position: last.cursor.position };
        let changes: Vec<ReplicaChange> = batch.iter().map(ReplicaChange::from).collect();
        store.replica_apply(&changes, cursor).await.expect("the batch applies");
        applied += batch.len();
    }
}

#[tokio::test]
async fn what_the_team_records_shows_in_the_replica_once() {
    let Some((team, raw, _)) = team("replica").await else { return };
    let page = channel(&raw, "1001").await;
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open(&dir.path().join("replica.sqlite3"), &CacheKey::generate().unwrap()).await.unwrap();
    let lease = team.lease_take(page, "desktop-a", Duration::from_secs(10)).await.unwrap().unwrap();
    let batch =
        [message("m1", "p1", "Hello", 0), message("m2", "p2", "Hi", 1), message("m3", "p1", "Anyone?", 2)];
    team.record_messages(&lease, Platform::Messenger, &batch).await.unwrap();
    assert!(catch_up(&team, &store).await > 0);

    let page_of = store.session_list(&SessionFilter::default(), None, 50).await.unwrap();
    let mut names: Vec<_> =
        page_of.sessions.iter().map(|s| (s.contact_name.clone(), s.awaiting_since.is_some())).collect();
    names.sort();
    assert_eq!(
        names,
        [("Customer p1".to_owned(), true), ("Customer p2".to_owned(), true)],
        "both customers, awaiting"
    );
    let ana = page_of.sessions.iter().find(|s| s.contact_name == "Customer p1").unwrap();
    let bodies: Vec<_> =
        store.session_messages(ana.id, None, 50).await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["Hello", "Anyone?"]);
    assert!(ana.interaction.is_some(), "the open interaction came too");

    // Applying the whole log again, newest first, changes nothing: versions decide.
    let everything = team.changes_since(ChangeCursor::default(), 10_000).await.unwrap();
    let reversed: Vec<ReplicaChange> = everything.iter().rev().map(ReplicaChange::from).collect();
    let cursor = store.replica_cursor().await.unwrap();
    store.replica_apply(&reversed, cursor).await.unwrap();
    assert_eq!(store.session_messages(ana.id, None, 50).await.unwrap().len(), 2, "stored once");
    let renamed: i64 = sqlx::query_scalar("UPDATE channels SET name = 'Renamed' RETURNING id")
        .fetch_one(&raw)
        .await
        .unwrap();
    catch_up(&team, &store).await;
    let channels = store.channels().await.unwrap();
    assert_eq!(channels.iter().find(|c| c.id == renamed).map(|c| c.name.as_str()), Some("Renamed"));
}

#[tokio::test]
async fn a_replica_purges_old_messages_keeps_sessions_and_goes_on_following_the_log() {
    use switchboard_core::AttachmentKind;
    use switchboard_store::{IncomingAttachment, RetentionPolicy};
    let Some((team, raw, _)) = team("replica_purge").await else { return };
    let page = channel(&raw, "1003").await;
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open(&dir.path().join("replica.sqlite3"), &CacheKey::generate().unwrap()).await.unwrap();
    let lease = team.lease_take(page, "desktop-a", Duration::from_secs(10)).await.unwrap().unwrap();
    let file = IncomingAttachment {
        kind: AttachmentKind::Image,
        file_name: "old.png".into(),
        media_type: "image/png".into(),
        size_bytes: None,
        url: "https://cdn.example/old.png".into(),
    };
    let old = IncomingMessage { attachments: vec![file], ..message("m1", "p1", "long ago", 0) };
    team.record_messages(&lease, Platform::Messenger, &[old]).await.unwrap();
    catch_up(&team, &store).await;

    // Two months later the replica's purge takes the message; the session stays (out of the
    // desk's list while it has nothing to read).
    let session = store.session_list(&SessionFilter::default(), None, 50).await.unwrap().sessions[0].id;
    let later = Timestamp::from_second(1_790_000_000 + 60 * 86_400).unwrap();
    let report = store.purge_replica(RetentionPolicy::default(), later).await.unwrap();
    assert_eq!((report.messages_deleted, report.sessions_deleted), (1, 0));
    assert!(
        store.session_summary(session).await.is_ok(),
        "the session stays for what the team changes later"
    );
    assert!(store.session_list(&SessionFilter::default(), None, 50).await.unwrap().sessions.is_empty());

    // The team downloads the old file afterwards: its row is skipped here, not an error; and the
    // customer writing again shows in the same session.
    let pending = team.pending_downloads(page, 10).await.unwrap();
    team.attachment_downloaded(&lease, pending[0].attachment_id, None, b"\x89PNG").await.unwrap();
    team.record_messages(&lease, Platform::Messenger, &[message("m2", "p1", "hello again", 60 * 86_400)])
        .await
        .unwrap();
    assert!(catch_up(&team, &store).await > 0);
    let bodies: Vec<_> =
        store.session_messages(session, None, 50).await.unwrap().into_iter().map(|m| m.body).collect();
    assert_eq!(bodies, ["hello again"]);
}
