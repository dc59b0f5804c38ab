//! The team's database keeps messages as the admins' policy says, and only a poller applies it.

use crate::{channel, team};
use jiff::{SignedDuration, Timestamp};
use std::time::Duration;
use switchboard_core::retention::RetentionPolicy;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::IncomingMessage;
use switchboard_team::{Invite, Team, TeamError};

fn message(mid: &str, psid: &str, at: Timestamp) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: mid.into(),
        contact_platform_id: psid.into(),
        contact_name: None,
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: format!("text of {mid}"),
        created_at: at,
        attachments: Vec::new(),
    }
}

async fn mids(raw: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT platform_message_id FROM messages ORDER BY platform_message_id")
        .fetch_all(raw)
        .await
        .expect("the team's messages")
}

#[tokio::test]
async fn the_team_s_database_keeps_what_the_policy_says_and_only_pollers_purge() {
    let Some((team, raw, _)) = team("retention").await else { return };
    assert_eq!(team.retention_policy().await.unwrap(), RetentionPolicy::default(), "unset: core's defaults");

    let page = channel(&raw, "1801").await;
    let lease = team.lease_take(page, "poller", Duration::from_secs(30)).await.unwrap().unwrap();
    let now: Timestamp = "2026-06-30T12:00:00Z".parse().unwrap();
    let days_ago = |d: i64| now - SignedDuration::from_hours(24 * d);
    // p1: one message 40 days old, one 5 days old; p2: five recent ones.
    let mut batch = vec![message("p1-old", "p1", days_ago(40)), message("p1-new", "p1", days_ago(5))];
    for n in 0..5 {
        batch.push(message(&format!("p2-{n}"), "p2", days_ago(4) + SignedDuration::from_mins(n)));
    }
    team.record_messages(&lease, Platform::Messenger, &batch).await.unwrap();
    // An agent's reply still waiting to go out is never purged, however old.
    sqlx::query(
        "INSERT INTO messages (session_id, channel_id, direction, author, body, delivery, created_at, platform_message_id)
         SELECT session_id, channel_id, 'outbound', 'agent', 'waiting', 'pending', 0, 'p1-pending'
         FROM messages WHERE platform_message_id = 'p1-old'",
    )
    .execute(&raw)
    .await
    .unwrap();
    // An ended interaction from long ago, kept for reports until report_days.
    sqlx::query("UPDATE interactions SET state = 'ended', queued_at = $1")
        .bind(days_ago(500).as_millisecond())
        .execute(&raw)
        .await
        .unwrap();

    // An agent may not purge, nor set the policy.
    let pid = std::process::id();
    let invite = Invite { name: format!("ret{pid}"), roles: vec!["agent".into()], queues: vec![] };
    let agent = team.member_invite(&invite).await.unwrap();
    let as_agent = Team::connect(&agent.address_with(&agent.password).unwrap()).await.unwrap();
    assert!(matches!(as_agent.retention_purge(now).await, Err(TeamError::Forbidden(_))));
    let keep_three = RetentionPolicy::new(30, 3).unwrap().with_report_days(400).unwrap();
    assert!(matches!(
        as_agent.setting_set(switchboard_store::RETENTION_KEY, &keep_three).await,
        Err(TeamError::Forbidden(_))
    ));
    assert_eq!(mids(&raw).await.len(), 8, "nothing went");

    // The admin's policy (30 days, 3 per session) applied by a poller.
    team.setting_set(switchboard_store::RETENTION_KEY, &keep_three).await.unwrap();
    assert_eq!(team.retention_policy().await.unwrap(), keep_three);
    let before: i64 = sqlx::query_scalar("SELECT max(position) FROM changes").fetch_one(&raw).await.unwrap();
    let gone = team.retention_purge(now).await.unwrap();
    assert_eq!(
        mids(&raw).await,
        ["p1-new", "p1-pending", "p2-2", "p2-3", "p2-4"],
        "the 40-day-old message and p2's two oldest went; the pending reply stayed"
    );
    let interactions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM interactions").fetch_one(&raw).await.unwrap();
    assert_eq!(interactions, 0, "ended 500 days ago: past report_days");
    assert_eq!(gone, 3 + 2, "three messages and two interactions");
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&raw).await.unwrap();
    assert_eq!(sessions, 2, "sessions stay, as in a replica");
    // Every replica hears of each deletion through the change log.
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM changes WHERE position > $1 AND row_data IS NULL AND entity IN ('messages', 'interactions')",
    )
    .bind(before)
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(logged, 5);
    assert_eq!(team.retention_purge(now).await.unwrap(), 0, "applied again, nothing more goes");
}
