//! Twenty agents racing for 10,000 interactions on PostgreSQL, against a bare
//! `FOR UPDATE SKIP LOCKED` claim loop that pgbench runs on the same server in the same run.
//!
//!   scripts/postgres-session.sh cargo bench -p switchboard-team --bench claims   (in `make bench`)
//!
//! Ours: each agent's desktop calls `Team::claim_for(agent, now, 1)` until nothing is left — its
//! member row locked, its load counted, a waiting interaction taken with SKIP LOCKED, core's plan
//! checking presence and capacity, the assignment and its history written, one transaction per
//! claim. Then the same with `claim_for(agent, now, 5)`, as the engine's routing calls it: up to
//! five interactions per transaction when the agent has room for them (each still checked by
//! core's plan against presence and capacity). The floor: pgbench with 20 clients, one `BEGIN; …
//! FOR UPDATE SKIP LOCKED LIMIT 1; UPDATE; COMMIT` per claim on a table of 10,000 rows. Three
//! runs each; medians and the ratios.

use jiff::Timestamp;
use sqlx::postgres::PgPoolOptions;
use std::time::Instant;
use switchboard_core::routing::{Capacity, Presence};
use switchboard_team::Team;

const WAITING: i64 = 10_000;
const AGENTS: usize = 20;
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
    v[v.len() / 2]
}

async fn database(admin: &str, name: &str) -> String {
    let pool = PgPoolOptions::new().max_connections(1).connect(admin).await.expect("the server");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
        .execute(&pool)
        .await
        .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.expect("create");
    pool.close().await;
    format!("{}/{name}", admin.rsplit_once('/').expect("a database part").0)
}

/// 10,000 waiting interactions in one queue, 20 Available agents with room for all.
async fn seed(raw: &sqlx::PgPool, team: &Team, now: Timestamp) {
    sqlx::query("TRUNCATE channels, contacts, sessions, interactions, interaction_events, queues, queue_members, members CASCADE")
        .execute(raw)
        .await
        .expect("truncate");
    let page: i64 = sqlx::query_scalar(
        "INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '1', 'Bench') RETURNING id",
    )
    .fetch_one(raw)
    .await
    .expect("channel");
    let queue: i64 =
        sqlx::query_scalar("INSERT INTO queues (channel_id, name) VALUES ($1, 'Bench') RETURNING id")
            .bind(page)
            .fetch_one(raw)
            .await
            .expect("queue");
    sqlx::query(
        "WITH c AS (INSERT INTO contacts (platform, platform_id) SELECT 'messenger', 'p' || n FROM generate_series(1, $2) n RETURNING id),
              s AS (INSERT INTO sessions (channel_id, contact_id, last_activity_at) SELECT $1, id, 0 FROM c RETURNING id)
         INSERT INTO interactions (session_id, state, queue_id, started_at, queued_at) SELECT id, 'queued', $3, id, id FROM s",
    )
    .bind(page)
    .bind(WAITING)
    .bind(queue)
    .execute(raw)
    .await
    .expect("interactions");
    let room = Capacity { messenger: 1_000, sms: 1_000, whatsapp: 1_000, total: 1_000, count_held: true };
    for n in 0..AGENTS {
        let name = format!("agent{n:02}");
        team.member_presence_set(&name, Presence::Available, now).await.expect("member");
        team.member_capacity_set(&name, Some(&room)).await.expect("capacity");
        sqlx::query("INSERT INTO queue_members VALUES ($1, $2)")
            .bind(queue)
            .bind(&name)
            .execute(raw)
            .await
            .expect("in queue");
    }
    sqlx::query("VACUUM ANALYZE").execute(raw).await.expect("analyze");
}

async fn race(team: &Team, now: Timestamp, at_most: i64) -> f64 {
    let started = Instant::now();
    let racers: Vec<_> = (0..AGENTS)
        .map(|n| {
            let team = team.clone();
            tokio::spawn(async move {
                let name = format!("agent{n:02}");
                let mut claimed = 0usize;
                loop {
                    let got = team.claim_for(&name, now, at_most).await.expect("a claim").len();
                    if got == 0 {
                        return claimed;
                    }
                    claimed += got;
                }
            })
        })
        .collect();
    let mut total = 0;
    for racer in racers {
        total += racer.await.expect("a racer");
    }
    assert_eq!(total as i64, WAITING, "each interaction claimed once");
    total as f64 / started.elapsed().as_secs_f64()
}

/// pgbench's claim loop: 20 clients × 500 transactions, one claim each.
fn pgbench(url: &str, dir: &std::path::Path) -> f64 {
    let bin = std::env::var("SWITCHBOARD_PG_BIN").expect("run under scripts/postgres-session.sh");
    let script = dir.join("claim.sql");
    std::fs::write(
        &script,
        "BEGIN;\n\
         UPDATE bench_claims SET state = 'assigned', agent = :client_id\n\
           WHERE id = (SELECT id FROM bench_claims WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED);\n\
         COMMIT;\n",
    )
    .expect("the script");
    let out = std::process::Command::new(format!("{bin}/pgbench"))
        .args(["-n", "-c", "20", "-j", "2", "-t", "500", "-f"])
        .arg(&script)
        .arg(url)
        .output()
        .expect("pgbench runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "pgbench: {text}{}", String::from_utf8_lossy(&out.stderr));
    text.lines()
        .find_map(|l| l.strip_prefix("tps = ").and_then(|rest| rest.split_whitespace().next()?.parse().ok()))
        .unwrap_or_else(|| panic!("no tps in pgbench's output: {text}"))
}

fn main() {
    let admin = std::env::var("SWITCHBOARD_TEST_PG").expect("run under scripts/postgres-session.sh");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let url = database(&admin, "bench_claims").await;
        let team = Team::connect(&url).await.expect("the schema");
        let raw = PgPoolOptions::new().max_connections(2).connect(&url).await.expect("raw");
        sqlx::query("CREATE TABLE bench_claims (id bigserial PRIMARY KEY, state text NOT NULL, agent int)")
            .execute(&raw)
            .await
            .expect("the floor's table");
        // The floor gets the same help ours has: an index of what still waits.
        sqlx::query("CREATE INDEX bench_claims_waiting ON bench_claims (id) WHERE state = 'queued'")
            .execute(&raw)
            .await
            .expect("the floor's index");
        let dir = std::env::temp_dir();
        let now = Timestamp::from_second(1_790_000_000).expect("a time");
        let (mut ours, mut floor, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let (mut batched, mut batched_ratios) = (Vec::new(), Vec::new());
        for run in 1..=RUNS {
            seed(&raw, &team, now).await;
            let rate = race(&team, now, 1).await;
            seed(&raw, &team, now).await;
            let five = race(&team, now, 5).await;
            sqlx::query("TRUNCATE bench_claims").execute(&raw).await.expect("truncate");
            sqlx::query("INSERT INTO bench_claims (state) SELECT 'queued' FROM generate_series(1, $1)")
                .bind(WAITING)
                .execute(&raw)
                .await
                .expect("floor rows");
            sqlx::query("VACUUM ANALYZE bench_claims").execute(&raw).await.expect("analyze");
            let bare = pgbench(&url, &dir);
            println!(
                "  run {run}: claim_for 1 at a time {rate:.0}/s ({:.2}×), up to 5 at a time {five:.0}/s ({:.2}×), pgbench SKIP LOCKED loop {bare:.0}/s",
                rate / bare,
                five / bare
            );
            ours.push(rate);
            floor.push(bare);
            ratios.push(rate / bare);
            batched.push(five);
            batched_ratios.push(five / bare);
        }
        println!(
            "20 agents racing for {WAITING}: median {:.0} claims/s with presence and capacity checked; pgbench loop median {:.0}/s; ratio median {:.2}× (goal ≥ 0.3×)",
            median(ours),
            median(floor),
            median(ratios)
        );
        println!(
            "the same, up to 5 per transaction (the engine's routing): median {:.0} claims/s; ratio median {:.2}×",
            median(batched),
            median(batched_ratios)
        );
        team.close().await;
    });
}
