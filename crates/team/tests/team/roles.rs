//! Who may do what, enforced by the database: each refusal asserted as raw SQL under the
//! member's own login (the app's checks only word the same rules for the UI).

use crate::{channel, team};
use jiff::Timestamp;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::IncomingMessage;
use switchboard_team::{Invitation, Invite, Team, TeamError};

fn message(mid: &str, psid: &str, text: &str) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: mid.into(),
        contact_platform_id: psid.into(),
        contact_name: Some(format!("Customer {psid}")),
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: text.into(),
        created_at: Timestamp::from_second(1_790_000_000).expect("a time"),
        attachments: Vec::new(),
    }
}

/// A pool signed in with the invitation's login and temporary password.
async fn signed_in(invitation: &Invitation) -> sqlx::PgPool {
    let url = invitation.address_with(&invitation.password).expect("an address");
    PgPoolOptions::new().max_connections(2).connect(&url).await.expect("the member signs in")
}

/// The SQLSTATE a statement failed with.
async fn refused(pool: &sqlx::PgPool, sql: &str) -> String {
    match sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(pool).await {
        Ok(done) => panic!("{sql:?} was allowed ({} rows)", done.rows_affected()),
        Err(sqlx::Error::Database(db)) => db.code().unwrap_or_default().into_owned(),
        Err(other) => panic!("{sql:?}: {other}"),
    }
}

async fn strings(pool: &sqlx::PgPool, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_all(pool).await.expect("the query runs")
}

#[tokio::test]
async fn each_role_is_refused_by_the_database_what_it_may_not_do() {
    let Some((team, raw, _)) = team("roles").await else { return };
    let pid = std::process::id();
    let page = channel(&raw, "1701").await;
    team.routing_ensure(page, "Team Bikes", &switchboard_core::routing::Experience::new("UTC"))
        .await
        .unwrap();
    let root: i64 =
        sqlx::query_scalar("SELECT id FROM queues WHERE parent_id IS NULL").fetch_one(&raw).await.unwrap();
    let sales = team.queue_add(root, "Sales").await.unwrap();
    let support = team.queue_add(root, "Support").await.unwrap();
    let lease = team.lease_take(page, "poller", Duration::from_secs(30)).await.unwrap().unwrap();
    let batch = [message("m1", "p1", "I want to buy"), message("m2", "p2", "It broke")];
    team.record_messages(&lease, Platform::Messenger, &batch).await.unwrap();
    // p1 waits in Sales, p2 in Support.
    for (psid, queue) in [("p1", sales), ("p2", support)] {
        sqlx::query(
            "UPDATE interactions SET state = 'queued', queue_id = $2 WHERE session_id =
                 (SELECT s.id FROM sessions s JOIN contacts k ON k.id = s.contact_id WHERE k.platform_id = $1)",
        )
        .bind(psid)
        .bind(queue)
        .execute(&raw)
        .await
        .unwrap();
    }

    let invite = |name: String, roles: &[&str], queues: Vec<i64>| Invite {
        name,
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        queues,
    };
    let (amy, sue, ada) = (format!("amy{pid}"), format!("sue{pid}"), format!("ada{pid}"));
    let agent = team.member_invite(&invite(amy.clone(), &["agent"], vec![sales])).await.unwrap();
    let supervisor = team.member_invite(&invite(sue.clone(), &["supervisor"], vec![])).await.unwrap();
    let admin = team.member_invite(&invite(ada.clone(), &["admin", "agent"], vec![])).await.unwrap();
    assert!(!agent.address.contains(&agent.password), "the address carries no password");
    let code = agent.code();
    assert_eq!(Invitation::from_code(&code).unwrap(), agent, "the code reads back");
    assert!(Invitation::from_code("hello").is_err());
    let stored: Vec<String> =
        strings(&raw, "SELECT rolpassword FROM pg_authid WHERE rolname LIKE 'amy%'").await;
    assert!(stored.iter().all(|p| p.starts_with("SCRAM-SHA-256$") && !p.contains(&agent.password)));

    // The agent: only their queue's customers, in the tables and in the change log.
    let as_agent = signed_in(&agent).await;
    assert_eq!(strings(&as_agent, "SELECT body FROM messages ORDER BY id").await, ["I want to buy"]);
    assert_eq!(
        strings(&as_agent, "SELECT row_data ->> 'body' FROM changes WHERE entity = 'messages'").await,
        ["I want to buy"]
    );
    assert_eq!(strings(&as_agent, "SELECT s.id::text FROM sessions s").await.len(), 1);
    for sql in [
        "SELECT * FROM audit",
        "UPDATE queues SET name = 'Mine'",
        "INSERT INTO queue_members VALUES (1, 'x')",
        "UPDATE routing_settings SET value = '1'",
        "UPDATE members SET capacity = '{}'",
        "DELETE FROM members",
        "UPDATE channels SET name = 'Mine'",
        "SELECT team_remove('x')",
        "SELECT team_session_delete(1)",
        "DELETE FROM sessions",
    ] {
        assert_eq!(refused(&as_agent, sql).await, "42501", "an agent: {sql}");
    }
    let theirs =
        "INSERT INTO messages (session_id, channel_id, direction, author, body, delivery, created_at)
         SELECT s.id, s.channel_id, 'outbound', 'agent', 'hi', 'pending', 0 FROM sessions s
         JOIN contacts k ON k.id = s.contact_id WHERE k.platform_id = 'p2'";
    // The other queue's session is not even visible: nothing to write into.
    let wrote = sqlx::query(theirs).execute(&as_agent).await.unwrap();
    assert_eq!(wrote.rows_affected(), 0);
    let p2: i64 = sqlx::query_scalar(
        "SELECT s.id FROM sessions s JOIN contacts k ON k.id = s.contact_id WHERE k.platform_id = 'p2'",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    let forced = format!(
        "INSERT INTO messages (session_id, channel_id, direction, author, body, delivery, created_at)
         VALUES ({p2}, {page}, 'outbound', 'agent', 'hi', 'pending', 0)"
    );
    assert_eq!(refused(&as_agent, &forced).await, "42501", "row-level security refuses it");
    let own = format!("UPDATE members SET presence = 'available' WHERE name = '{amy}'");
    sqlx::query(sqlx::AssertSqlSafe(own)).execute(&as_agent).await.unwrap();
    let other = format!("UPDATE members SET presence = 'available' WHERE name = '{sue}'");
    let touched = sqlx::query(sqlx::AssertSqlSafe(other)).execute(&as_agent).await.unwrap();
    assert_eq!(touched.rows_affected(), 0, "another member's presence is not theirs to set");

    // The supervisor: reads everything a monitor needs, writes only their own presence.
    let as_supervisor = signed_in(&supervisor).await;
    assert_eq!(strings(&as_supervisor, "SELECT body FROM messages ORDER BY id").await.len(), 2);
    for sql in [
        "INSERT INTO messages (session_id, channel_id, direction, author, body, delivery, created_at) VALUES (1, 1, 'outbound', 'agent', 'x', 'pending', 0)",
        "UPDATE sessions SET state = 'stored'",
        "UPDATE routing_settings SET value = '1'",
        "UPDATE queues SET name = 'Mine'",
        "SELECT * FROM audit",
        "SELECT team_session_delete(1)",
    ] {
        assert_eq!(refused(&as_supervisor, sql).await, "42501", "a supervisor: {sql}");
    }
    // …and their queues' alert limits, through the one function for it; an agent may not.
    let limits = serde_json::json!({ "1": { "longest_wait_above": 60 } });
    let as_sue_team = Team::connect(&supervisor.address_with(&supervisor.password).unwrap()).await.unwrap();
    as_sue_team.alert_thresholds_set(&limits).await.unwrap();
    let kept: serde_json::Value =
        sqlx::query_scalar("SELECT value FROM routing_settings WHERE key = 'alert_thresholds'")
            .fetch_one(&raw)
            .await
            .unwrap();
    assert_eq!(kept, limits);
    assert_eq!(refused(&as_agent, "SELECT team_alert_thresholds_set('{}')").await, "42501");

    // The admin changes routing and reads the audit; through the app's calls too.
    let as_admin = Team::connect(&admin.address_with(&admin.password).unwrap()).await.unwrap();
    as_admin.queue_add(root, "Returns").await.unwrap();
    let audit = as_admin.audit(50).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(actions.contains(&"member_invited") && actions.contains(&"routing_changed"), "{actions:?}");
    assert!(audit.iter().any(|a| a.action == "routing_changed" && a.actor == ada), "who did it is kept");
    let as_agent_team = Team::connect(&agent.address_with(&agent.password).unwrap()).await.unwrap();
    assert!(matches!(as_agent_team.queue_add(root, "Mine").await, Err(TeamError::Forbidden(_))));
    assert!(matches!(as_agent_team.audit(5).await, Err(TeamError::Forbidden(_))));

    // No one alters the audit, the owner included.
    assert_eq!(refused(&raw, "UPDATE audit SET actor = 'nobody'").await, "42501");
    assert_eq!(refused(&raw, "DELETE FROM audit").await, "42501");

    // Removed: their open connection ends and they cannot sign in again.
    as_admin.member_remove(&amy).await.unwrap();
    assert!(sqlx::query("SELECT 1").execute(&as_agent).await.is_err(), "the open connection is ended");
    let again = PgPoolOptions::new()
        .max_connections(1)
        .connect(&agent.address_with(&agent.password).unwrap())
        .await
        .unwrap_err();
    let code = match &again {
        sqlx::Error::Database(db) => db.code().unwrap_or_default().into_owned(),
        other => panic!("{other}"),
    };
    assert_eq!(code, "28000", "a removed member cannot connect: {again}");
    let removed = as_admin.audit(1).await.unwrap();
    assert_eq!(removed[0].action, "member_removed");
    // The agent's first sign-in replaced the temporary password; an admin cannot remove themselves.
    let as_sue = Team::connect(&supervisor.address_with(&supervisor.password).unwrap()).await.unwrap();
    as_sue.password_set("a password of Sue's own").await.unwrap();
    let old = PgPoolOptions::new()
        .max_connections(1)
        .connect(&supervisor.address_with(&supervisor.password).unwrap())
        .await;
    assert!(old.is_err(), "the temporary password no longer works");
    let new = switchboard_team::with_password(&supervisor.address, "a password of Sue's own").unwrap();
    PgPoolOptions::new().max_connections(1).connect(&new).await.expect("the new one does");
    assert!(matches!(as_admin.member_remove(&ada).await, Err(TeamError::Forbidden(_))));
}
