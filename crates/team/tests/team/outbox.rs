//! The team's outbox: a desktop's reply pushed twice is stored once; only the lease holder
//! claims and settles, a session's replies go in order, and a former holder is refused.

use crate::{channel, take_when_free, team};
use jiff::Timestamp;
use std::time::Duration;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::IncomingMessage;
use switchboard_team::{NewReply, Outcome, TeamError};

fn customer(psid: &str, second: i64) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: format!("m_{psid}_{second}"),
        contact_platform_id: psid.into(),
        contact_name: None,
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: "Hello?".into(),
        created_at: Timestamp::from_second(1_790_000_000 + second).expect("a time"),
        attachments: Vec::new(),
    }
}

fn reply<'a>(client_id: &'a str, session_id: i64, body: &'a str) -> NewReply<'a> {
    NewReply {
        client_id,
        session_id,
        body,
        tag: None,
        agent: "maria",
        created_at: Timestamp::from_second(1_790_000_100).expect("a time"),
        template: None,
        file: None,
    }
}

#[tokio::test]
async fn replies_are_stored_once_sent_in_order_and_settled_only_by_the_lease_holder() {
    let Some((team, raw, _)) = team("outbox").await else { return };
    let page = channel(&raw, "2001").await;
    let lease = team.lease_take(page, "desktop-a", Duration::from_millis(300)).await.unwrap().unwrap();
    let recorded = team.record_messages(&lease, Platform::Messenger, &[customer("p1", 0)]).await.unwrap();
    let session = recorded.messages[0].1;

    // Pushed twice (a reconnect after an answer that never arrived): stored once.
    let first = "0192f7a0-0000-7000-8000-000000000001";
    let second = "0192f7a0-0000-7000-8000-000000000002";
    let id = team.reply_push(&reply(first, session, "One")).await.unwrap();
    assert_eq!(team.reply_push(&reply(first, session, "One")).await.unwrap(), id, "the same reply");
    let later = team.reply_push(&reply(second, session, "Two")).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE direction = 'outbound'")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(stored, 2, "two replies, each once");
    let (state, agent): (String, Option<String>) =
        sqlx::query_as("SELECT state, agent FROM interactions WHERE session_id = $1")
            .bind(session)
            .fetch_one(&raw)
            .await
            .unwrap();
    assert_eq!((state.as_str(), agent.as_deref()), ("assigned", Some("maria")), "answering picks it up");

    // The session's first reply goes first; the second waits for it.
    let now = Timestamp::from_second(1_790_000_200).unwrap();
    let hold = Duration::from_secs(60);
    let claimed = team.outbox_claim(&lease, "a", now, hold).await.unwrap().expect("a reply to send");
    assert_eq!((claimed.message_id, claimed.recipient.as_str()), (id, "p1"));
    assert!(team.outbox_claim(&lease, "a", now, hold).await.unwrap().is_none(), "in order, one at a time");
    team.outbox_attempt(&lease, id, now).await.unwrap();
    team.outbox_settle(&lease, id, Outcome::Sent { platform_message_id: "mid.1" }).await.unwrap();
    let next = team.outbox_claim(&lease, "a", now, hold).await.unwrap().expect("the second reply");
    assert_eq!(next.message_id, later);

    // A takes too long; B takes the lease: A's claim is void and A's writes are refused.
    let taken = take_when_free(&team, page, "desktop-b", Duration::from_secs(30)).await;
    let refused = team.outbox_settle(&lease, later, Outcome::Sent { platform_message_id: "mid.2" }).await;
    assert!(matches!(refused, Err(TeamError::StaleLease { .. })), "{refused:?}");
    let refused = team.outbox_attempt(&lease, later, now).await;
    assert!(matches!(refused, Err(TeamError::StaleLease { .. })), "{refused:?}");
    assert!(team.outbox_claim(&lease, "a", now, hold).await.unwrap().is_none(), "A claims nothing");
    let retaken = team.outbox_claim(&taken, "b", now, hold).await.unwrap().expect("B takes A's claim over");
    assert_eq!((retaken.message_id, retaken.attempted_at), (later, None));
    team.outbox_settle(&taken, later, Outcome::Sent { platform_message_id: "mid.2" }).await.unwrap();
    let sent: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT delivery, platform_message_id FROM messages WHERE direction = 'outbound' ORDER BY id",
    )
    .fetch_all(&raw)
    .await
    .unwrap();
    assert_eq!(
        sent,
        vec![("sent".into(), Some("mid.1".into())), ("sent".into(), Some("mid.2".into()))],
        "each settled once, by the holder of the time"
    );
}

#[tokio::test]
async fn a_failed_reply_sent_again_is_pending_once_more_and_only_a_failed_one_is() {
    let Some((team, raw, _)) = team("retry").await else { return };
    let page = channel(&raw, "2002").await;
    let lease = team.lease_take(page, "desktop-a", Duration::from_secs(30)).await.unwrap().unwrap();
    let recorded = team.record_messages(&lease, Platform::Messenger, &[customer("p9", 0)]).await.unwrap();
    let id = team
        .reply_push(&reply("0192f7a0-0000-7000-8000-000000000009", recorded.messages[0].1, "Hi"))
        .await
        .unwrap();
    let now = Timestamp::from_second(1_790_000_200).unwrap();
    team.outbox_claim(&lease, "a", now, Duration::from_secs(60)).await.unwrap().expect("the reply");
    assert!(matches!(team.reply_retry(id, None).await, Err(TeamError::NotFound { .. })), "not failed yet");
    team.outbox_settle(&lease, id, Outcome::Failed { reason: "Outside the messaging window." })
        .await
        .unwrap();
    team.reply_retry(id, Some("HUMAN_AGENT")).await.unwrap();
    let again =
        team.outbox_claim(&lease, "a", now, Duration::from_secs(60)).await.unwrap().expect("pending again");
    assert_eq!((again.message_id, again.tag.as_deref(), again.attempted_at), (id, Some("HUMAN_AGENT"), None));
}
