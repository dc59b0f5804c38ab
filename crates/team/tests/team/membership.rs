//! A member joining while a channel is connected lands in its root queue, whichever transaction
//! commits first: each alone would miss the other's row (READ COMMITTED), leaving an agent in no
//! queue who never gets work.

use switchboard_core::Platform;
use switchboard_core::routing::Experience;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_joining_while_a_channel_connects_is_in_its_root_queue() {
    let Some((team, raw, _)) = crate::team("membership").await else { return };
    let experience = Experience::new("UTC");
    for round in 0..30 {
        let channel = team.channel_ensure(Platform::Messenger, &format!("p{round}"), "Page").await.unwrap();
        let member = format!("agent{round}");
        if round % 2 == 1 {
            // The desktop's presence switch can reach the team before its join does.
            let now = jiff::Timestamp::from_second(1_790_000_000).unwrap();
            team.member_presence_set(&member, switchboard_core::routing::Presence::Available, now)
                .await
                .unwrap();
        }
        let (joined, rooted) = tokio::join!(
            team.member_join(&member, 0, true),
            team.routing_ensure(channel, "Inbox", &experience)
        );
        joined.unwrap();
        rooted.unwrap();
        let in_root: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM queue_members m JOIN queues q ON q.id = m.queue_id
                            WHERE q.channel_id = $1 AND q.parent_id IS NULL AND m.member = $2)",
        )
        .bind(channel)
        .bind(&member)
        .fetch_one(&raw)
        .await
        .unwrap();
        assert!(in_root, "round {round}: {member} is in no root queue of the channel");
    }
}
