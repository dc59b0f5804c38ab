//! Team mode against a real PostgreSQL: `make test` starts a throw-away cluster
//! (scripts/postgres-session.sh) and each test makes a database of its own in it.

mod changes;
mod claims;
mod ingest;
mod leases;
mod membership;
mod outbox;
mod replica;
mod retention;
mod roles;

use sqlx::postgres::PgPoolOptions;
use switchboard_team::Team;

/// A fresh database for one test, with the team's schema, and a raw pool to arrange and inspect
/// it. Skips (with a message) when no test cluster is running, as outside `make test`.
pub async fn team(name: &str) -> Option<(Team, sqlx::PgPool, String)> {
    let Ok(admin) = std::env::var("SWITCHBOARD_TEST_PG") else {
        eprintln!("no SWITCHBOARD_TEST_PG: run under scripts/postgres-session.sh (make test does)");
        assert!(std::env::var("CI").is_err(), "CI runs team tests against a real PostgreSQL");
        return None;
    };
    let database = format!("t_{name}_{}", std::process::id());
    let pool = PgPoolOptions::new().max_connections(1).connect(&admin).await.expect("the test cluster");
    // The name is ours (a fixed prefix, the test name and the pid), not input.
    let drop = sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {database}"));
    sqlx::query(drop).execute(&pool).await.expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&pool)
        .await
        .expect("create");
    pool.close().await;
    let url = match admin.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{database}"),
        None => panic!("SWITCHBOARD_TEST_PG has no database part: {admin}"),
    };
    let team = Team::connect(&url).await.expect("the schema installs");
    let raw = PgPoolOptions::new().max_connections(8).connect(&url).await.expect("a raw pool");
    Some((team, raw, url))
}

/// A channel, returning its id.
pub async fn channel(raw: &sqlx::PgPool, external_id: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO channels (platform, external_id, name) VALUES ('messenger', $1, 'Team Bikes') RETURNING id")
        .bind(external_id)
        .fetch_one(raw)
        .await
        .expect("a channel")
}

/// Takes the channel's lease for `holder` as soon as the one held runs out (on the server's
/// clock): what a standby desktop does.
pub async fn take_when_free(
    team: &Team,
    channel_id: i64,
    holder: &str,
    ttl: std::time::Duration,
) -> switchboard_team::Lease {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(lease) = team.lease_take(channel_id, holder, ttl).await.expect("a lease query") {
            return lease;
        }
        assert!(tokio::time::Instant::now() < deadline, "the lease never ran out");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
