//! Claims that never race: twenty agents' desktops claiming at once from one queue.

use crate::{channel, team};
use jiff::Timestamp;
use switchboard_core::routing::{Capacity, Presence};

const WAITING: i64 = 2_000;
const AGENTS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_agents_racing_assign_each_interaction_once_and_never_over_capacity() {
    let Some((team, raw, _)) = team("claims").await else { return };
    let page = channel(&raw, "1").await;
    let queue: i64 =
        sqlx::query_scalar("INSERT INTO queues (channel_id, name) VALUES ($1, 'Team Bikes') RETURNING id")
            .bind(page)
            .fetch_one(&raw)
            .await
            .unwrap();
    sqlx::query(
        "WITH c AS (INSERT INTO contacts (platform, platform_id) SELECT 'messenger', 'p' || n FROM generate_series(1, $2) n RETURNING id),
              s AS (INSERT INTO sessions (channel_id, contact_id, last_activity_at) SELECT $1, id, 0 FROM c RETURNING id)
         INSERT INTO interactions (session_id, state, queue_id, started_at, queued_at)
         SELECT id, 'queued', $3, id, id FROM s",
    )
    .bind(page)
    .bind(WAITING)
    .bind(queue)
    .execute(&raw)
    .await
    .unwrap();
    let now = Timestamp::from_second(1_790_000_000).unwrap();
    let mut seats = 0;
    for n in 0..AGENTS {
        let name = format!("agent{n:02}");
        team.member_presence_set(&name, Presence::Available, now).await.unwrap();
        // Capacities 50 to 145: 1,950 seats for 2,000 customers, so capacity is what stops them.
        let total = 50 + 5 * n as u32;
        seats += total;
        let capacity = Capacity { messenger: total, sms: 0, whatsapp: 0, total, count_held: true };
        team.member_capacity_set(&name, Some(&capacity)).await.unwrap();
        sqlx::query("INSERT INTO queue_members (queue_id, member) VALUES ($1, $2)")
            .bind(queue)
            .bind(&name)
            .execute(&raw)
            .await
            .unwrap();
    }
    let racers: Vec<_> = (0..AGENTS)
        .map(|n| {
            let team = team.clone();
            tokio::spawn(async move {
                let name = format!("agent{n:02}");
                let mut mine = 0;
                // Small claims, many times, as desktops do: the race is the point.
                loop {
                    let got = team.claim_for(&name, now, 7).await.unwrap();
                    if got.is_empty() {
                        return mine;
                    }
                    mine += got.len();
                }
            })
        })
        .collect();
    let mut claimed = 0;
    for racer in racers {
        claimed += racer.await.unwrap();
    }
    assert_eq!(claimed as u32, seats, "every seat filled and no more");
    // The history proves it: one `assigned` per interaction, nobody above their capacity.
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT interaction_id FROM interaction_events WHERE kind = 'assigned' GROUP BY 1 HAVING count(*) > 1) d",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(twice, 0, "no interaction was assigned twice");
    let over: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT i.agent, count(*) AS held, (m.capacity ->> 'total')::int AS cap
                               FROM interactions i JOIN members m ON m.name = i.agent
                               WHERE i.state = 'assigned' GROUP BY i.agent, m.capacity) t WHERE held > cap",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(over, 0, "no agent above capacity");
    // The counts kept on each member's row agree with their interactions, and follow an end.
    let disagree = "SELECT count(*) FROM members m WHERE m.in_hand_messenger <>
                        (SELECT count(*) FROM interactions i WHERE i.agent = m.name AND i.state IN ('assigned', 'held'))";
    assert_eq!(sqlx::query_scalar::<_, i64>(disagree).fetch_one(&raw).await.unwrap(), 0);
    sqlx::query(
        "UPDATE interactions SET state = 'ended', end_reason = 'agent_ended' WHERE agent = 'agent00'",
    )
    .execute(&raw)
    .await
    .unwrap();
    let held: i32 = sqlx::query_scalar("SELECT in_hand_messenger FROM members WHERE name = 'agent00'")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(held, 0, "ending gives the room back");
    assert_eq!(sqlx::query_scalar::<_, i64>(disagree).fetch_one(&raw).await.unwrap(), 0);
}
