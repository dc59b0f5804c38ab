//! One poller per channel: leases on the server's clock, fencing tokens, take-over.

use crate::{channel, take_when_free, team};
use std::time::Duration;
use switchboard_team::TeamError;

#[tokio::test]
async fn one_holder_at_a_time_and_a_resumed_zombie_is_refused() {
    let Some((team, raw, _)) = team("leases").await else { return };
    let page = channel(&raw, "1001").await;
    let ttl = Duration::from_millis(400);
    let first = team.lease_take(page, "desktop-a", ttl).await.unwrap().expect("a free lease is taken");
    assert_eq!(first.token, 1);
    assert!(team.lease_take(page, "desktop-b", ttl).await.unwrap().is_none(), "held: nobody else takes it");
    assert!(team.lease_renew(&first, ttl).await.unwrap(), "the holder renews");
    team.sync_cursor_set(&first, "page-1").await.unwrap();

    // A stops renewing (frozen, cut off): after the TTL, B takes over with a higher token and
    // resumes from the stored cursor.
    let second = take_when_free(&team, page, "desktop-b", ttl).await;
    assert_eq!(second.token, 2, "the token grows when the lease changes hands");
    assert_eq!(team.sync_cursor(page).await.unwrap().as_deref(), Some("page-1"));

    // A resumes: its renewal and its writes carry the old token and are refused.
    assert!(!team.lease_renew(&first, ttl).await.unwrap(), "the lost lease is not renewed");
    match team.sync_cursor_set(&first, "page-0").await {
        Err(TeamError::StaleLease { channel_id }) => assert_eq!(channel_id, page),
        other => panic!("a stale token must be refused, got {other:?}"),
    }
    team.sync_cursor_set(&second, "page-2").await.unwrap();
    assert_eq!(team.sync_cursor(page).await.unwrap().as_deref(), Some("page-2"), "the zombie moved nothing");

    // A clean stop frees the lease at once.
    team.lease_release(&second).await.unwrap();
    let third = team.lease_take(page, "desktop-a", ttl).await.unwrap().expect("released: free again");
    assert_eq!(third.token, 3);
}
