//! The change log: every change read once, in a safe order, even when transactions commit out of
//! the order of their positions; LISTEN only wakes the reader.

use crate::{channel, team};
use std::time::Duration;
use switchboard_team::{ChangeCursor, Team};

async fn read_all(team: &Team, cursor: &mut ChangeCursor) -> Vec<(String, Option<String>)> {
    let mut seen = Vec::new();
    loop {
        let batch = team.changes_since(*cursor, 100).await.expect("the log reads");
        if batch.is_empty() {
            return seen;
        }
        for change in batch {
            assert!(change.cursor > *cursor, "the cursor only moves forward");
            *cursor = change.cursor;
            let name = change.row.as_ref().and_then(|r| r["name"].as_str().map(str::to_owned));
            seen.push((change.entity, name));
        }
    }
}

/// Reads until `count` changes came (or 5 s): transactions anywhere on the server — another
/// desktop's, another test's database — hold the safe point back for as long as they run.
async fn read_until(team: &Team, cursor: &mut ChangeCursor, count: usize) -> Vec<(String, Option<String>)> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while seen.len() < count && tokio::time::Instant::now() < deadline {
        seen.extend(read_all(team, cursor).await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen
}

#[tokio::test]
async fn a_late_commit_is_never_skipped_and_notifications_only_wake() {
    let Some((team, raw, _)) = team("changes").await else { return };
    let mut wakeups = team.listen().await.unwrap();
    let mut cursor = ChangeCursor::default();
    channel(&raw, "1").await;
    tokio::time::timeout(Duration::from_secs(5), wakeups.next()).await.expect("a commit wakes").unwrap();
    assert_eq!(
        read_until(&team, &mut cursor, 1).await,
        [("channels".to_owned(), Some("Team Bikes".to_owned()))]
    );

    // A writes first (the lower position) but commits last; B writes and commits in between.
    let mut a = raw.begin().await.unwrap();
    sqlx::query("UPDATE channels SET name = 'from A'").execute(&mut *a).await.unwrap();
    let mut b = raw.begin().await.unwrap();
    sqlx::query("INSERT INTO channels (platform, external_id, name) VALUES ('sms', '+1', 'from B')")
        .execute(&mut *b)
        .await
        .unwrap();
    b.commit().await.unwrap();
    let while_a_runs = read_all(&team, &mut cursor).await;
    assert!(while_a_runs.is_empty(), "nothing is read past a transaction still running: {while_a_runs:?}");
    a.commit().await.unwrap();
    let after = read_until(&team, &mut cursor, 2).await;
    let names: Vec<_> = after.iter().filter_map(|(_, n)| n.clone()).collect();
    assert_eq!(names.len(), 2, "both changes, none skipped: {after:?}");
    assert!(names.contains(&"from A".to_owned()) && names.contains(&"from B".to_owned()));
    assert!(read_all(&team, &mut cursor).await.is_empty(), "each read once");

    // Versions order two writes of one row whatever order they are read in.
    let versions: Vec<i64> = sqlx::query_scalar(
        "SELECT version FROM changes WHERE entity = 'channels' AND key = 1 ORDER BY position",
    )
    .fetch_all(&raw)
    .await
    .unwrap();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
}
