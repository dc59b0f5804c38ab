//! Three headless engines on one team (two allowed to poll, one not), PostgreSQL and the sandbox:
//! 1,000 customer messages from 100 customers while the polling engine is killed (SIGKILL) and,
//! later, the next one frozen (SIGSTOP) for a minute and resumed. Every message is stored once,
//! in order, in PostgreSQL and in every replica; every interaction goes to exactly one agent and
//! no agent is ever above capacity; a standby takes over within the lease's time; the resumed
//! engine's writes are refused (its token is stale).

use crate::{Member, eventually, require_desktop, team_database, until};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use switchboard_engine::{Engine, Keychain};
use switchboard_sandbox::{Sandbox, Script};

const CUSTOMERS: usize = 100;
const ROUNDS: usize = 10;
const CAPACITY: i64 = 40;

fn script(page: &str) -> Script {
    let personas: Vec<Value> = (0..CUSTOMERS)
        .map(|i| json!({"psid": format!("{}", 7100 + i), "page": page, "first_name": "C", "last_name": format!("{i}")}))
        .collect();
    Script::from_json(
        &json!({"pages": [{"id": page, "name": "Team Page"}], "personas": personas}).to_string(),
    )
    .unwrap()
}

/// Each customer's messages in a replica (routing's greetings left out), oldest first.
async fn inbound(engine: &Engine) -> Vec<(String, Vec<String>)> {
    let page = engine.session_list(&switchboard_engine::ListFilter::default(), None, 500).await.unwrap();
    let mut all = Vec::new();
    for session in page.sessions {
        let messages = engine.session_messages(session.id, None, 500).await.unwrap();
        let bodies = messages
            .into_iter()
            .filter(|m| m.direction == switchboard_core::Direction::Inbound)
            .map(|m| m.body)
            .collect();
        all.push((session.contact_platform_id, bodies));
    }
    all.sort();
    all
}

fn write_round(sandbox: &Sandbox, round: usize) {
    for customer in 0..CUSTOMERS {
        sandbox.customer_writes(&format!("{}", 7100 + customer), &format!("c{customer} m{round}")).unwrap();
    }
}

/// The lease's holder now (`agent/pidN`), if any.
async fn holder(pg: &sqlx::PgPool) -> Option<String> {
    sqlx::query_scalar("SELECT holder FROM leases WHERE expires_at > clock_timestamp()")
        .fetch_optional(pg)
        .await
        .unwrap()
}

/// Waits for the lease to be held by someone other than `gone`; answers who and how long it took.
async fn take_over(pg: &sqlx::PgPool, gone: &str, since: Instant) -> (String, Duration) {
    let what = format!("an engine to take the lease over from {gone}");
    let now = until(&what, Duration::from_secs(30), || async move {
        holder(pg).await.filter(|now| !now.starts_with(gone))
    })
    .await;
    (now, since.elapsed())
}

/// Customers write a round, and the team has stored it (whoever polls then).
async fn round_stored(sandbox: &Sandbox, pg: &sqlx::PgPool, round: usize) {
    write_round(sandbox, round);
    let stored = i64::try_from(CUSTOMERS * (round + 1)).unwrap();
    eventually(&format!("round {round} to be stored"), Duration::from_secs(90), || async move {
        inbound_in_team(pg).await >= stored
    })
    .await;
}

async fn inbound_in_team(pg: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM messages WHERE direction = 'inbound'")
        .fetch_one(pg)
        .await
        .unwrap()
}

fn by_name<'a>(members: &'a mut [Member], holder: &str) -> &'a mut Member {
    members.iter_mut().find(|m| holder.starts_with(&format!("{}/", m.name))).expect("a known holder")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_engines_share_one_inbox_through_a_kill_and_a_freeze() {
    require_desktop();
    let Some(url) = team_database("failover").await else { return };
    Keychain::use_os_store().unwrap();
    // The schema first, and a capacity that lets three agents hold all 100 customers.
    switchboard_team::Team::connect(&url).await.unwrap().close().await;
    let pg = sqlx::PgPool::connect(&url).await.unwrap();
    let capacity = json!({"messenger": CAPACITY, "sms": CAPACITY, "whatsapp": CAPACITY, "total": CAPACITY, "count_held": true});
    sqlx::query("INSERT INTO routing_settings (key, value) VALUES ('default_capacity', $1)")
        .bind(&capacity)
        .execute(&pg)
        .await
        .unwrap();
    let sandbox = Sandbox::start(script("4101")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut members = vec![
        Member::new(root, "ana", true, true),
        Member::new(root, "ben", true, true),
        Member::new(root, "cy", false, true),
    ];
    for member in &mut members {
        member.start(&sandbox, &url);
    }
    let first = {
        let start = Instant::now();
        take_over(&pg, "nobody", start).await.0
    };
    eprintln!("{first} polls first");
    // The team greets (or, out of hours, says so): one text per new interaction, sent by
    // whichever engine holds the lease then.
    sqlx::query(
        "UPDATE experiences SET settings = jsonb_set(jsonb_set(settings, '{texts,greeting}', '\"Hi {first_name}!\"'),
                                                     '{texts,after_hours}', '\"Hi {first_name}, we are closed.\"')",
    )
    .execute(&pg)
    .await
    .unwrap();

    let mut round = 0;
    for _ in 0..3 {
        round_stored(&sandbox, &pg, round).await;
        round += 1;
    }
    // SIGKILL the poller mid-run.
    let killed = by_name(&mut members, &first);
    let killed_name = killed.name;
    killed.kill().await;
    let (second, failover) = take_over(&pg, &format!("{killed_name}/"), Instant::now()).await;
    eprintln!("after SIGKILL of {killed_name}, {second} took over in {failover:?}");
    assert!(failover <= Duration::from_secs(10), "failover after SIGKILL took {failover:?}");
    for _ in 0..3 {
        round_stored(&sandbox, &pg, round).await;
        round += 1;
    }
    // The killed engine comes back as a standby.
    by_name(&mut members, &format!("{killed_name}/")).start(&sandbox, &url);

    // SIGSTOP the new poller for a minute, with customers writing meanwhile.
    let frozen_name = by_name(&mut members, &second).name;
    by_name(&mut members, &second).signal("-STOP").await;
    let frozen = Instant::now();
    let (third, failover) = take_over(&pg, &format!("{frozen_name}/"), Instant::now()).await;
    eprintln!("with {frozen_name} frozen, {third} took over in {failover:?}");
    // Within the lease's TTL, even when the freeze caught the poller inside a fenced write: the
    // server ends that transaction after 3 s idle (crates/team/src/lib.rs), before the TTL.
    assert!(failover <= Duration::from_secs(10), "failover after SIGSTOP took {failover:?}");
    for _ in 0..3 {
        round_stored(&sandbox, &pg, round).await;
        round += 1;
    }
    // The freeze lasts a minute, whatever the rounds took.
    tokio::time::sleep(Duration::from_secs(60).saturating_sub(frozen.elapsed())).await;
    by_name(&mut members, &second).signal("-CONT").await;
    write_round(&sandbox, round);
    round += 1;
    assert_eq!(round, ROUNDS);

    let expected = i64::try_from(CUSTOMERS * ROUNDS).unwrap();
    eventually("the team to have all 1,000 messages", Duration::from_secs(60), || {
        let pg = pg.clone();
        async move { inbound_in_team(&pg).await >= expected }
    })
    .await;
    eventually("the resumed engine to learn it lost the lease", Duration::from_secs(45), || {
        let log = by_name(&mut members, &second).log();
        async move { log.contains("lease lost") || log.contains("ran out unrenewed") }
    })
    .await;
    assert_eq!(inbound_in_team(&pg).await, expected, "each message stored once in PostgreSQL");

    // In order, per customer, in PostgreSQL.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT k.platform_id, m.body FROM messages m JOIN sessions s ON s.id = m.session_id
         JOIN contacts k ON k.id = s.contact_id WHERE m.direction = 'inbound' ORDER BY k.platform_id, m.created_at, m.id",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    for (customer, chunk) in rows.chunks(ROUNDS).enumerate() {
        let expected: Vec<String> = (0..ROUNDS).map(|r| format!("c{customer} m{r}")).collect();
        let got: Vec<String> = chunk.iter().map(|(_, body)| body.clone()).collect();
        assert_eq!(got, expected, "customer {customer} in the team's database");
    }

    // Every interaction assigned, to exactly one agent, never above capacity.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM interactions WHERE agent IS NULL")
            .fetch_one(&pg)
            .await
            .unwrap();
        if waiting == 0 {
            break;
        }
        if Instant::now() > deadline {
            // What is left, and why nobody takes it: the interactions, the members' loads.
            let rows = |sql: &'static str| {
                let pg = pg.clone();
                async move { sqlx::query_scalar::<_, String>(sql).fetch_all(&pg).await.unwrap() }
            };
            let left =
                rows("SELECT row_to_json(i)::text FROM interactions i WHERE agent IS NULL LIMIT 5").await;
            let team = rows("SELECT row_to_json(m)::text FROM members m").await;
            let warnings: Vec<String> = members
                .iter()
                .flat_map(|m| {
                    let log = m.log();
                    let lines: Vec<String> = log
                        .lines()
                        .filter(|l| l.contains("WARN"))
                        .map(|l| format!("{}: {l}", m.name))
                        .collect();
                    lines.into_iter().rev().take(8)
                })
                .collect();
            panic!(
                "{waiting} interactions unassigned after 60 s: {left:#?}\nmembers: {team:#?}\nwarnings: {warnings:#?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let interactions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM interactions").fetch_one(&pg).await.unwrap();
    assert_eq!(interactions, i64::try_from(CUSTOMERS).unwrap(), "one interaction per customer");
    let doubles: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT interaction_id FROM interaction_events WHERE kind = 'assigned'
                               GROUP BY interaction_id HAVING count(*) <> 1) d",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    assert_eq!(doubles, 0, "every interaction assigned exactly once");
    // What each agent held after each assignment (none ended in this run): never above capacity.
    let most: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(held), 0) FROM (SELECT count(*) OVER (PARTITION BY actor ORDER BY at, id) AS held
                                            FROM interaction_events WHERE kind = 'assigned') h",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    assert!(most <= CAPACITY, "an agent held {most} at once, above the capacity of {CAPACITY}");
    let per_agent: Vec<(String, i64)> = sqlx::query_as(
        "SELECT actor, count(*) FROM interaction_events WHERE kind = 'assigned' GROUP BY actor ORDER BY actor",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    eprintln!("assignments per agent: {per_agent:?}");

    // Routing's texts (a greeting, or the closed text, per new interaction) went out once each,
    // through two changes of lease: the sandbox received exactly what the team recorded as sent.
    eventually("routing's texts to be sent", Duration::from_secs(60), || {
        let pg = pg.clone();
        async move {
            let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM messages WHERE delivery = 'pending'")
                .fetch_one(&pg)
                .await
                .unwrap();
            pending == 0
        }
    })
    .await;
    let texts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM messages WHERE author = 'system' AND delivery = 'sent'")
            .fetch_one(&pg)
            .await
            .unwrap();
    let outbound: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT author, delivery, failure, count(*) FROM messages WHERE direction = 'outbound' GROUP BY 1, 2, 3",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    let events: Vec<(String, Option<String>, i64)> =
        sqlx::query_as("SELECT kind, detail, count(*) FROM interaction_events GROUP BY 1, 2")
            .fetch_all(&pg)
            .await
            .unwrap();
    eprintln!("outbound: {outbound:?}\nevents: {events:?}");
    let sent = sandbox.sent();
    assert!(texts >= i64::try_from(CUSTOMERS).unwrap(), "each customer was greeted ({texts} texts)");
    assert_eq!(sent.len(), usize::try_from(texts).unwrap(), "each text sent once");
    let mut recipients: Vec<&str> = sent.iter().map(|m| m.recipient_id.as_str()).collect();
    recipients.sort_unstable();
    recipients.dedup();
    assert_eq!(recipients.len(), CUSTOMERS, "every customer got routing's text");

    // Every replica has the same: each message once, in order.
    // A replica applies the team's changes in commit order, so one that has applied a change made
    // now has everything before it. The change is a mark on a session (no message, nothing the
    // checks below read); it is made again until every engine has announced one (an engine far
    // behind applies its backlog without an event per row).
    // (Deadlines here are generous: on two cores beside the other tests a step can take long,
    // and an engine frozen in the middle of a transaction holds its row locks until it resumes
    // (docs/TEAM.md, "Not yet"); the failover times are asserted on their own above.)
    let mut mark = 0;
    until("every replica to catch up", Duration::from_secs(60), || {
        mark += 1;
        let (pg, members) = (pg.clone(), &members);
        async move {
            sqlx::query(
                "UPDATE sessions SET internal_reference = $1 WHERE id = (SELECT min(id) FROM sessions)",
            )
            .bind(format!("caught-up-{mark}"))
            .execute(&pg)
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_millis(500)).await;
            members.iter().all(|m| m.events().contains("\"internal_reference\":\"caught-up-")).then_some(())
        }
    })
    .await;
    for member in &mut members {
        member.kill().await;
    }
    for member in &members {
        let sessions = inbound(&*member.replica(&sandbox).await).await;
        assert_eq!(sessions.len(), CUSTOMERS, "{}'s replica has every customer", member.name);
        for (customer, bodies) in sessions {
            let index = customer.parse::<usize>().unwrap() - 7100;
            let expected: Vec<String> = (0..ROUNDS).map(|r| format!("c{index} m{r}")).collect();
            assert_eq!(bodies, expected, "{}'s replica, customer {customer}", member.name);
        }
    }
}
