//! A desktop following the team: what a poller elsewhere records on PostgreSQL reaches this
//! engine's replica and its windows' events, woken by NOTIFY.

use crate::{eventually, team_database, test_service, until};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_core::{Author, Direction, Platform};
use switchboard_engine::{Engine, EngineConfig, Event, Hosts, Keychain, ListFilter, Notifier, SystemClock};
use switchboard_store::IncomingMessage;
use switchboard_team::{Invitation, Team, TeamError};

fn message(n: usize) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: format!("m{n}"),
        contact_platform_id: format!("p{}", n % 10),
        contact_name: Some(format!("Customer {}", n % 10)),
        thread_id: None,
        direction: Direction::Inbound,
        author: Author::Customer,
        body: format!("message {n}"),
        created_at: Timestamp::from_second(1_790_000_000 + n as i64).expect("a time"),
        attachments: Vec::new(),
    }
}

/// A desktop of the team: an engine on its own cache and keychain entries, in team mode
/// (`poller`: it may poll the channels it has credentials for), not started yet.
async fn desktop(
    url: &str,
    hosts: Hosts,
    name: &str,
    notifier: Notifier,
    poller: bool,
) -> (Arc<Engine>, tempfile::TempDir) {
    Keychain::use_os_store().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = EngineConfig::new(dir.path().join("cache.sqlite3"), hosts, name);
    let service = test_service(&format!("team-{name}-{}", url.rsplit('/').next().unwrap_or_default()));
    let engine = Engine::open(config, Keychain::new(service), notifier, Arc::new(SystemClock)).await.unwrap();
    engine.join_team(Team::connect(url).await.unwrap(), poller).await.unwrap();
    (engine, dir)
}

/// A team's owner: Ana, an admin whose desktop connected the sandbox's page(s) and runs
/// (`poller`: it may poll them), with the sandbox playing `script`.
struct Owner {
    sandbox: switchboard_sandbox::Sandbox,
    base: url::Url,
    admin: Arc<Engine>,
    dir: tempfile::TempDir,
}

async fn owner(url: &str, script: &serde_json::Value, poller: bool) -> Owner {
    let script = switchboard_sandbox::Script::from_json(&script.to_string()).expect("the script");
    let sandbox = switchboard_sandbox::Sandbox::start(script).await.expect("the sandbox starts");
    let base: url::Url = sandbox.base_url().parse().expect("the sandbox's address");
    let (admin, dir) = desktop(url, Hosts::sandbox(base.clone()), "ana", Notifier::disabled(), poller).await;
    admin.connect_sandbox_demo(&base).await.expect("the demo page connects");
    admin.start().await.expect("the admin's engine starts");
    Owner { sandbox, base, admin, dir }
}

/// Hosts that answer nothing: a desktop that only follows the team never calls a platform.
fn nowhere() -> Hosts {
    Hosts::sandbox("http://127.0.0.1:9".parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_another_desktop_records_reaches_this_one_s_windows_within_a_second() {
    let Some(url) = team_database("follow").await else { return };
    Keychain::use_os_store().unwrap();
    let team = Team::connect(&url).await.unwrap();
    let (engine, _dir) = desktop(&url, nowhere(), "maria", Notifier::disabled(), false).await;
    let mut events = engine.subscribe();
    engine.follow_team(team.clone());

    // The poller is another desktop: it records straight on PostgreSQL.
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let page: i64 = sqlx::query_scalar("INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '1', 'Team Bikes') RETURNING id")
        .fetch_one(&raw)
        .await
        .unwrap();
    let lease = team.lease_take(page, "poller", Duration::from_secs(30)).await.unwrap().unwrap();
    let mut latencies = Vec::new();
    for n in 0..30 {
        let committed = Instant::now();
        team.record_messages(&lease, Platform::Messenger, &[message(n)]).await.unwrap();
        let wanted = format!("message {n}");
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Ok(Event::MessageChanged { message }) = events.recv().await
                    && message.body == wanted
                {
                    return;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{wanted} never reached this desktop"));
        latencies.push(committed.elapsed());
    }
    latencies.sort();
    let (p50, worst) = (latencies[latencies.len() / 2], latencies[latencies.len() - 1]);
    eprintln!("commit → this desktop's event: p50 {p50:?}, worst {worst:?} of {}", latencies.len());
    assert!(p50 < Duration::from_secs(1), "woken by NOTIFY, not by the 2 s catch-up: p50 {p50:?}");
    eventually("ten customers in the replica's list", Duration::from_secs(5), || {
        let engine = engine.clone();
        async move { engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions.len() == 10 }
    })
    .await;
}

/// The log can only be read in order up to the oldest transaction still running on the server
/// (any database's: xids are the cluster's). One left open — a frozen desktop's, a report's —
/// must not hold back what every desktop sees, nor a desktop's view of its own writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_left_open_on_the_server_holds_back_no_desktop_s_view() {
    let Some(url) = team_database("ahead").await else { return };
    Keychain::use_os_store().unwrap();
    let team = Team::connect(&url).await.unwrap();
    let (engine, _dir) = desktop(&url, nowhere(), "omar", Notifier::disabled(), false).await;
    let mut events = engine.subscribe();
    engine.follow_team(team.clone());
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let page: i64 = sqlx::query_scalar("INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '1', 'Held Bikes') RETURNING id")
        .fetch_one(&raw)
        .await
        .unwrap();
    let lease = team.lease_take(page, "poller", Duration::from_secs(60)).await.unwrap().unwrap();
    eventually("the channel in the replica", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { engine.channels().await.unwrap().iter().any(|c| c.name == "Held Bikes") }
    })
    .await;
    let cursor = engine.team_cursor().await.unwrap();

    // A transaction with an xid, left open: the in-order read stops at it.
    let mut open = raw.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()").execute(&mut *open).await.unwrap();
    for n in 0..5 {
        team.record_messages(&lease, Platform::Messenger, &[message(n)]).await.unwrap();
        let wanted = format!("message {n}");
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Ok(Event::MessageChanged { message }) = events.recv().await
                    && message.body == wanted
                {
                    return;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{wanted} was held back by the open transaction"));
    }
    // The desktop's own write reads back at once.
    engine.dispositions_set(vec!["Held".into()]).await.unwrap();
    assert_eq!(
        engine.dispositions().await.unwrap(),
        ["Held"],
        "its own write, in the replica when the call returns"
    );
    assert_eq!(
        engine.team_cursor().await.unwrap(),
        cursor,
        "the cursor waits at the open transaction, so that nothing before it is skipped"
    );

    open.commit().await.unwrap();
    eventually("the cursor to pass what was applied ahead of it", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { engine.team_cursor().await.unwrap() != cursor }
    })
    .await;
    let sessions = engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
    assert_eq!(sessions.len(), 5, "each customer once");
    assert_eq!(engine.dispositions().await.unwrap(), ["Held"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_solo_inbox_moves_into_a_new_team_once_and_a_joining_desktop_rebuilds_it_with_progress() {
    use crate::{Options, running, stored};
    use serde_json::json;
    crate::require_desktop();
    let Some(url) = team_database("move").await else { return };
    let personas: Vec<serde_json::Value> = (0..30)
        .map(|i| json!({"psid": format!("{}", 7300 + i), "page": "4301", "first_name": "M", "last_name": format!("{i}")}))
        .collect();
    let script = json!({"pages": [{"id": "4301", "name": "Moving Page"}], "personas": personas});
    let sandbox = switchboard_sandbox::Sandbox::start(
        switchboard_sandbox::Script::from_json(&script.to_string()).unwrap(),
    )
    .await
    .unwrap();
    for round in 0..40 {
        for i in 0..30 {
            sandbox.customer_writes(&format!("{}", 7300 + i), &format!("m{i} r{round}")).unwrap();
        }
    }
    let solo = running(sandbox, "move-solo", Options { quiet: true, ..Options::default() }).await;
    eventually("the solo inbox to have 1,200 messages", Duration::from_secs(60), || {
        let engine = solo.engine.clone();
        async move { stored(&engine).await.iter().map(|(_, m)| m.len()).sum::<usize>() == 1_200 }
    })
    .await;
    let first = solo.engine.session_list(&ListFilter::default(), None, 1).await.unwrap().sessions[0].id;
    solo.engine.session_reply(first, "A reply from the solo days").await.unwrap();
    let invoice = b"%PDF-1.4 an invoice from the solo days".to_vec();
    solo.engine.session_send_attachment(first, "invoice.pdf", invoice.clone()).await.unwrap();
    eventually("the reply and the file to go out", Duration::from_secs(10), || {
        let sandbox_sent = solo.sandbox.sent().len();
        async move { sandbox_sent == 2 }
    })
    .await;
    let before = stored(&solo.engine).await;

    let mut events = solo.engine.subscribe();
    solo.engine.team_create(&url).await.unwrap();
    let last = progress_of(&mut events).pop();
    let last = last.expect("the move reports its progress");
    assert_eq!((last.step, last.done), ("moving", last.total), "the move ends at its total");
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let counts = || async {
        let row: (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM channels), (SELECT count(*) FROM sessions),
                    (SELECT count(*) FROM messages WHERE direction = 'inbound'),
                    (SELECT count(*) FROM messages WHERE direction = 'outbound'), (SELECT count(*) FROM queues)",
        )
        .fetch_one(&raw)
        .await
        .unwrap();
        row
    };
    let moved = counts().await;
    let channels = i64::try_from(solo.engine.channels().await.unwrap().len()).unwrap();
    assert_eq!(moved, (channels, 30, 1_200, 2, channels), "everything moved, each once");
    let files = || async {
        let row: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM attachments), (SELECT count(*) FROM attachment_contents)",
        )
        .fetch_one(&raw)
        .await
        .unwrap();
        row
    };
    assert_eq!(files().await, (1, 1), "the file moved with its content");
    // Interrupted or not, running it again moves nothing twice.
    solo.engine.team_create(&url).await.unwrap();
    assert_eq!(counts().await, moved, "a second run adds nothing");
    assert_eq!(files().await, (1, 1), "a second run adds no file");

    // Another desktop joins: its replica is built from the team, with a progress bar.
    let (joiner, _dir) = desktop(&url, nowhere(), "ben", Notifier::disabled(), false).await;
    let mut joining = joiner.subscribe();
    joiner.start().await.unwrap();
    eventually("the joining desktop to have the whole inbox", Duration::from_secs(30), || {
        let joiner = joiner.clone();
        let before = before.clone();
        async move { stored(&joiner).await == before }
    })
    .await;
    let sessions = joiner.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
    let mut moved_file = None;
    for session in sessions {
        let messages = joiner.session_messages(session.id, None, 100).await.unwrap();
        moved_file = moved_file.or(messages.into_iter().find_map(|m| m.attachments.first().cloned()));
    }
    let moved_file = moved_file.expect("the moved file on the joining desktop");
    assert_eq!(moved_file.file_name, "invoice.pdf");
    assert_eq!(joiner.attachment_content(moved_file.id).await.unwrap().bytes, invoice);
    let updating = progress_of(&mut joining);
    assert!(updating.len() >= 2, "the replica's progress is shown as it is built: {updating:?}");
    let end = updating.last().unwrap();
    assert_eq!((end.step, end.done), ("updating", end.total));
    assert!(end.total >= 1_200, "{end:?}");
}

/// The progress events received so far (the many message events around them may overflow the
/// channel: what was dropped is skipped).
fn progress_of(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
) -> Vec<switchboard_engine::TeamProgress> {
    use tokio::sync::broadcast::error::TryRecvError;
    let mut seen = Vec::new();
    loop {
        match events.try_recv() {
            Ok(Event::TeamProgress { progress }) => seen.push(progress),
            Ok(_) | Err(TryRecvError::Lagged(_)) => {}
            Err(_) => return seen,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_s_routing_changes_and_an_agent_s_transfer_are_team_transactions_every_desktop_sees() {
    use serde_json::json;
    crate::require_desktop();
    let Some(url) = team_database("settings").await else { return };
    Keychain::use_os_store().unwrap();
    let script = json!({"pages": [{"id": "4401", "name": "Settings Page"}],
                        "personas": [{"psid": "7400", "page": "4401", "first_name": "Sam", "last_name": "Set"}]});
    let Owner { sandbox, base, admin, dir: _a } = owner(&url, &script, true).await;
    let (other, _b) = desktop(&url, Hosts::sandbox(base.clone()), "ben", Notifier::disabled(), true).await;
    other.start().await.unwrap();
    let raw = sqlx::PgPool::connect(&url).await.unwrap();

    let channel = until("the channel to reach the replica", Duration::from_secs(20), || {
        let admin = admin.clone();
        async move { admin.channels().await.unwrap().into_iter().find(|c| c.external_id == "4401") }
    })
    .await;
    let root = admin.routing_settings(channel.id).await.unwrap().queues[0].id;
    let sales = admin.queue_add(root, "Sales").await.unwrap();
    assert_eq!(sales.parent_id, Some(root), "the replica has it as soon as the call returns");
    let refused = admin.queue_add(root, "sales").await.unwrap_err();
    assert!(refused.to_string().contains("already"), "{refused}");
    let settings = switchboard_engine::QueueSettings {
        name: "Sales".into(),
        keywords: vec!["buy".into()],
        priority: 5,
        service_level_percent: 90,
        service_level_seconds: 30,
        target_response_seconds: 60,
        distribution: Default::default(),
    };
    admin.queue_update(sales.id, settings).await.unwrap();
    eventually("both desktops' agents to be members of the team", Duration::from_secs(10), || {
        let raw = raw.clone();
        async move {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM members").fetch_one(&raw).await.unwrap();
            n == 2
        }
    })
    .await;
    admin.queue_members_set(sales.id, &["ana".into(), "ben".into()]).await.unwrap();
    let mut experience = admin.routing_settings(channel.id).await.unwrap().experience;
    experience.texts.greeting = "Hi {first_name}!".into();
    admin.experience_save(channel.id, experience).await.unwrap();
    admin.dispositions_set(vec!["Sold".into(), "Lost".into()]).await.unwrap();

    let in_team: (String, i32, i64) = sqlx::query_as(
        "SELECT q.name, q.priority, (SELECT count(*) FROM queue_members WHERE queue_id = q.id) FROM queues q WHERE q.id = $1",
    )
    .bind(sales.id)
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(in_team, ("Sales".into(), 5, 2), "the team's database has the admin's changes");
    eventually("the other desktop to see the admin's routing", Duration::from_secs(10), || {
        let other = other.clone();
        async move {
            // Not there yet (the channel's routing has not reached this replica) is "not yet".
            let Ok(seen) = other.routing_settings(channel.id).await else { return false };
            let queue = seen.queues.iter().find(|q| q.name == "Sales").cloned();
            queue.is_some_and(|q| q.priority == 5 && q.members.len() == 2)
                && seen.experience.texts.greeting == "Hi {first_name}!"
                && seen.dispositions == ["Sold", "Lost"]
        }
    })
    .await;

    // A customer gets the menu; the admin picks them up and transfers them to Sales for Ben.
    sandbox.customer_writes("7400", "I want to buy a bike").unwrap();
    // Routing (the lease holder's) shows the menu: the customer is choosing.
    let session = until("the customer to get the menu", Duration::from_secs(20), || {
        let admin = admin.clone();
        async move {
            let sessions = admin.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
            sessions.into_iter().find(|s| s.interaction.as_ref().is_some_and(|i| i.state == "selecting"))
        }
    })
    .await;
    admin.interaction_pick_up(session.id).await.unwrap();
    admin.interaction_transfer(session.id, sales.id, Some("ben"), Some("Wants the red one")).await.unwrap();
    let menu: Vec<String> = sandbox.sent().into_iter().map(|m| m.text).collect();
    // The greeting goes out in office hours only (the after-hours text is empty): the menu, once.
    let menus = menu.iter().filter(|t| *t == "Reply with a number:\n1 Sales\n(EXIT to leave)").count();
    assert_eq!(menus, 1, "{menu:?}");
    let history: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT kind, detail FROM interaction_events ORDER BY id")
            .fetch_all(&raw)
            .await
            .unwrap();
    assert!(
        history.iter().any(|(k, d)| k == "transferred" && d.as_deref() == Some("to ben: Wants the red one")),
        "{history:?}"
    );
    eventually("Ben's desktop to show the customer as his", Duration::from_secs(10), || {
        let other = other.clone();
        async move {
            let s = other.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
            s.iter().any(|s| s.interaction.as_ref().is_some_and(|i| i.agent.as_deref() == Some("ben")))
        }
    })
    .await;
    // The whole timeline, whichever desktop acted, on the other desktop too.
    eventually("Ben's desktop to show the timeline", Duration::from_secs(10), || {
        let other = other.clone();
        async move {
            let kinds: Vec<String> =
                other.session_timeline(session.id).await.unwrap().into_iter().map(|e| e.kind).collect();
            ["selecting", "assigned", "transferred"].iter().all(|k| kinds.iter().any(|seen| seen == k))
        }
    })
    .await;
    // The admin copies this channel's routing onto a second channel of the team.
    let team = admin.team().unwrap();
    let second = team.channel_ensure(Platform::Sms, "+15550100", "Second Line").await.unwrap();
    team.routing_ensure(second, "Second Line", &switchboard_core::routing::Experience::new("UTC"))
        .await
        .unwrap();
    eventually("the second channel to reach the replica", Duration::from_secs(10), || {
        let admin = admin.clone();
        async move { admin.channels().await.unwrap().iter().any(|c| c.id == second) }
    })
    .await;
    let copied = admin.experience_copy(channel.id, second).await.unwrap();
    let sales_copy = copied.queues.iter().find(|q| q.name == "Sales").expect("Sales copied");
    assert_eq!((sales_copy.priority, sales_copy.members.len()), (5, 2));
    assert_eq!(copied.experience.texts.greeting, "Hi {first_name}!");

    // Writing first by SMS opens the team's session (its id is every replica's) and the text
    // reaches the team's outbox, for whoever polls that number.
    let outbound = switchboard_engine::Outbound {
        channel_id: second,
        number: "+442071838750".into(),
        first_name: Some("Olga".into()),
        last_name: None,
        text: "Your bike is ready".into(),
    };
    let opened = admin.outbound_start(&outbound).await.unwrap();
    eventually("the text to be in the team's outbox", Duration::from_secs(10), || {
        let raw = raw.clone();
        async move {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT session_id FROM messages WHERE body = 'Your bike is ready' AND delivery = 'pending'",
            )
            .fetch_optional(&raw)
            .await
            .unwrap();
            found == Some(opened.id)
        }
    })
    .await;
    // Names, the reference and storing a session away are the team's: the other desktop sees them.
    admin.session_set_contact(session.id, Some(" Samuel "), Some("Setter"), Some("CRM-77")).await.unwrap();
    let stored = admin.session_set_state(session.id, switchboard_store::SessionState::Stored).await.unwrap();
    assert_eq!(stored.state, switchboard_store::SessionState::Stored, "read back from the replica at once");
    eventually("the other desktop to see the names and the session stored", Duration::from_secs(10), || {
        let other = other.clone();
        async move {
            let seen = other.session_details(session.id).await.unwrap().session;
            seen.state == switchboard_store::SessionState::Stored
                && seen.first_name.as_deref() == Some("Samuel")
                && seen.internal_reference.as_deref() == Some("CRM-77")
                && seen.interaction.is_none()
        }
    })
    .await;
    let reason: Option<String> = sqlx::query_scalar(
        "SELECT end_reason FROM interactions WHERE session_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(session.id)
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!(reason.as_deref(), Some("agent_ended"), "storing ends the interaction in the team");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_message_another_desktop_polled_raises_a_native_notice_here() {
    crate::require_desktop();
    let Some(url) = team_database("notice").await else { return };
    Keychain::use_os_store().unwrap();
    let team = Team::connect(&url).await.unwrap();
    let (engine, _dir) = desktop(&url, nowhere(), "maria", Notifier::new("Switchboard"), false).await;
    engine.follow_team(team.clone());
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let page: i64 = sqlx::query_scalar("INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '77', 'Notice Bikes') RETURNING id")
        .fetch_one(&raw)
        .await
        .unwrap();
    let lease = team.lease_take(page, "poller", Duration::from_secs(30)).await.unwrap().unwrap();
    // A name of this run's own: the notification log is shared with other tests.
    let name = format!("Nadia Notice{}", std::process::id());
    let incoming = IncomingMessage {
        contact_name: Some(name.clone()),
        body: "Is my order on its way?".into(),
        ..message(1)
    };
    team.record_messages(&lease, Platform::Messenger, &[incoming]).await.unwrap();
    eventually("the notice on this desktop's notification server", Duration::from_secs(10), || {
        let seen = crate::notifications().iter().any(|n| n.summary == format!("{name} · Messenger"));
        async move { seen }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_templates_go_both_ways_between_the_desktops_of_a_team() {
    use serde_json::{Value, json};
    use switchboard_core::DeliveryState;
    use switchboard_store::AttachmentState;
    crate::require_desktop();
    let Some(url) = team_database("files").await else { return };
    Keychain::use_os_store().unwrap();
    let number = "+14155550160";
    let script = json!({
        "pages": [{"id": "4501", "name": "Files Team Page"}],
        "numbers": [{"number": number, "name": "Team line", "whatsapp": true}],
        "templates": [{"sid": "HX00000000000000000000000000000051", "name": "order_ready",
                       "body": "Hi {{1}}, order {{2}} is ready."}],
        "personas": [{"psid": "7501", "page": "4501", "first_name": "Fay", "last_name": "Files"},
                     {"phone": "+14155550161", "number": number, "whatsapp": true,
                      "first_name": "Walt", "last_name": "Whats"}],
    });
    // Ana's desktop polls and sends; Ben's is an agent's desktop that never does.
    let Owner { sandbox, base, admin: poller, dir: _a } = owner(&url, &script, true).await;
    let (agent, _b) = desktop(&url, Hosts::sandbox(base.clone()), "ben", Notifier::disabled(), false).await;
    agent.start().await.unwrap();

    sandbox.customer_sends_file("7501", "the broken pedal", "bike.png").unwrap();
    sandbox.customer_writes("whatsapp:+14155550161", "Is my order ready?").unwrap();
    let photo =
        until("the customer's photo, downloaded, on the agent's desktop", Duration::from_secs(30), || {
            let agent = agent.clone();
            async move {
                let sessions = agent.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
                let session = sessions.into_iter().find(|s| s.platform == Platform::Messenger)?;
                let messages = agent.session_messages(session.id, None, 10).await.unwrap();
                messages
                    .into_iter()
                    .find(|m| m.attachments.first().is_some_and(|a| a.state == AttachmentState::Ready))
            }
        })
        .await;
    assert_eq!(photo.body, "the broken pedal");
    let file = &photo.attachments[0];
    assert!(file.inline, "an image the desk may show: {file:?}");
    let seen_here = agent.attachment_content(file.id).await.unwrap();
    let downloaded = poller.attachment_content(file.id).await.unwrap();
    assert_eq!(seen_here.bytes, downloaded.bytes, "the same bytes on both desktops");
    assert_eq!((seen_here.media_type.as_str(), &seen_here.bytes[1..4]), ("image/png", &b"PNG"[..]));
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let (rows, bytes): (i64, i64) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(octet_length(content)), 0)::bigint FROM attachment_contents",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert_eq!((rows, bytes as usize), (1, seen_here.bytes.len()), "downloaded once, by the poller");
    let logged: i64 = sqlx::query_scalar(
        "SELECT max(octet_length(row_data::text))::bigint FROM changes WHERE entity = 'attachments'",
    )
    .fetch_one(&raw)
    .await
    .unwrap();
    assert!(logged < 1_000, "the change log carries the file's row, never its bytes: {logged} bytes");

    // The agent answers with a file: kept on their desktop, pushed with its content, sent once
    // by the poller's desktop.
    let invoice = b"%PDF-1.4 team invoice 4471".to_vec();
    let pending =
        agent.session_send_attachment(photo.session_id, "invoice.pdf", invoice.clone()).await.unwrap();
    assert_eq!(pending.delivery, DeliveryState::Pending);
    eventually("the file to be sent, on the agent's desktop", Duration::from_secs(20), || {
        let agent = agent.clone();
        async move {
            let messages = agent.session_messages(photo.session_id, None, 10).await.unwrap();
            messages.iter().any(|m| {
                m.delivery == DeliveryState::Sent
                    && m.attachments.first().is_some_and(|a| a.file_name == "invoice.pdf")
            })
        }
    })
    .await;
    let sent: Vec<Value> = reqwest::get(format!("{base}_sandbox/sent")).await.unwrap().json().await.unwrap();
    let files: Vec<&Value> = sent.iter().filter(|m| !m["attachment"].is_null()).collect();
    assert_eq!(files.len(), 1, "sent once: {sent:?}");
    assert_eq!(files[0]["attachment"]["name"], "invoice.pdf");
    assert_eq!(files[0]["attachment"]["size"], invoice.len());
    let sent_file = agent.session_messages(photo.session_id, None, 10).await.unwrap();
    let sent_file = sent_file.iter().rev().find(|m| !m.attachments.is_empty() && m.id > 0).unwrap();
    assert_eq!(agent.attachment_content(sent_file.attachments[0].id).await.unwrap().bytes, invoice);

    // And a WhatsApp template, outside the 24-hour window's need for one or not: sent once.
    let whatsapp = until("the WhatsApp session on the agent's desktop", Duration::from_secs(20), || {
        let agent = agent.clone();
        async move {
            let sessions = agent.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
            sessions.into_iter().find(|s| s.platform == Platform::Whatsapp)
        }
    })
    .await;
    let templates = agent.whatsapp_templates(whatsapp.id).await.unwrap();
    let values =
        [("1".to_owned(), "Walt".to_owned()), ("2".to_owned(), "#51".to_owned())].into_iter().collect();
    agent.session_send_template(whatsapp.id, &templates[0].sid, &values).await.unwrap();
    eventually("the template to reach Twilio", Duration::from_secs(20), || {
        let base = base.clone();
        async move {
            let sent: Vec<Value> =
                reqwest::get(format!("{base}_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
            sent.iter().any(|m| m["body"] == "Hi Walt, order #51 is ready.")
        }
    })
    .await;
    eventually("the template to be marked sent on the agent's desktop", Duration::from_secs(20), || {
        let agent = agent.clone();
        async move {
            let messages = agent.session_messages(whatsapp.id, None, 10).await.unwrap();
            messages
                .iter()
                .any(|m| m.body == "Hi Walt, order #51 is ready." && m.delivery == DeliveryState::Sent)
        }
    })
    .await;
    let sent: Vec<Value> =
        reqwest::get(format!("{base}_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
    let templated = sent.iter().filter(|m| m["to"] == "whatsapp:+14155550161").count();
    assert_eq!(templated, 1, "sent once: {sent:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_away_longer_than_the_log_is_kept_is_rebuilt_from_a_snapshot() {
    let Some(url) = team_database("pruned").await else { return };
    Keychain::use_os_store().unwrap();
    let team = Team::connect(&url).await.unwrap();
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    let page: i64 = sqlx::query_scalar("INSERT INTO channels (platform, external_id, name) VALUES ('messenger', '88', 'Pruned Bikes') RETURNING id")
        .fetch_one(&raw)
        .await
        .unwrap();
    let lease = team.lease_take(page, "poller", Duration::from_secs(60)).await.unwrap().unwrap();
    team.record_messages(&lease, Platform::Messenger, &(0..20).map(message).collect::<Vec<_>>())
        .await
        .unwrap();

    let (engine, _dir) = desktop(&url, nowhere(), "maria", Notifier::disabled(), false).await;
    let sessions = until("ten customers in the replica", Duration::from_secs(10), || {
        let (engine, team) = (engine.clone(), team.clone());
        async move {
            engine.team_catch_up(&team).await.unwrap();
            let sessions = engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
            (sessions.len() == 10).then_some(sessions)
        }
    })
    .await;
    let kept = sessions.iter().find(|s| s.contact_platform_id == "p1").unwrap().id;
    let gone = sessions.iter().find(|s| s.contact_platform_id == "p2").unwrap().id;
    engine.draft_save(kept, &["half-typed".into()]).await.unwrap();

    // While it is away: a session is deleted in the team, more messages come, the channel is
    // renamed, and the log of all that is pruned.
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(gone).execute(&raw).await.unwrap();
    let more: Vec<_> = (20..30).filter(|n| n % 10 != 2).map(message).collect();
    team.record_messages(&lease, Platform::Messenger, &more).await.unwrap();
    sqlx::query("UPDATE channels SET name = 'Renamed Bikes' WHERE id = $1")
        .bind(page)
        .execute(&raw)
        .await
        .unwrap();
    eventually("the log to be pruned", Duration::from_secs(10), || {
        let team = team.clone();
        async move {
            team.changes_prune(Duration::ZERO).await.unwrap();
            let left = team.changes_after(Default::default()).await.unwrap();
            left == 0
        }
    })
    .await;
    let pruned = team.change_log_pruned().await.unwrap();
    assert!(pruned.txid > 0, "the pruned point is recorded: {pruned:?}");

    // Back: its cursor is below the pruned point, so it is rebuilt from a snapshot.
    let mut events = engine.subscribe();
    engine.team_catch_up(&team).await.unwrap();
    let sessions = engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
    assert_eq!(sessions.len(), 9, "the session deleted in the team is gone here too");
    assert!(sessions.iter().all(|s| s.id != gone));
    let messages = engine.session_messages(kept, None, 50).await.unwrap();
    let bodies: Vec<_> = messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["message 1", "message 11", "message 21"], "what came while it was away");
    let draft = engine.session_details(kept).await.unwrap().session.draft;
    assert_eq!(draft, Some(vec!["half-typed".to_owned()]), "this desktop's own draft stays");
    let channels = engine.channels().await.unwrap();
    assert_eq!(channels.iter().find(|c| c.id == page).map(|c| c.name.as_str()), Some("Renamed Bikes"));
    let updates = progress_of(&mut events);
    assert_eq!(updates.last().map(|p| (p.done, p.total)), updates.last().map(|p| (p.total, p.total)));
    assert!(!updates.is_empty(), "the rebuild shows its progress");
    // And it follows the log from there.
    // (The log is read below the cluster's oldest open transaction: other tests' may hold it a
    // moment.)
    team.record_messages(&lease, Platform::Messenger, &[message(31)]).await.unwrap();
    eventually("message 31 to reach the rebuilt replica", Duration::from_secs(10), || {
        let (engine, team) = (engine.clone(), team.clone());
        async move {
            engine.team_catch_up(&team).await.unwrap();
            let p1 = engine.session_messages(kept, None, 50).await.unwrap();
            p1.last().map(|m| m.body.as_str()) == Some("message 31")
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_agent_joins_with_the_code_sees_only_their_queue_and_stops_when_removed() {
    use serde_json::json;
    use switchboard_team::Invite;
    crate::require_desktop();
    let Some(url) = team_database("members").await else { return };
    Keychain::use_os_store().unwrap();
    let script = json!({"pages": [{"id": "4601", "name": "Members Page"}],
                        "personas": [{"psid": "7601", "page": "4601", "first_name": "Sid", "last_name": "Sales"},
                                     {"psid": "7602", "page": "4601", "first_name": "Sue", "last_name": "Support"}]});
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    // The owner's desktop: an admin who polls.
    let Owner { sandbox, admin, dir: _a, .. } = owner(&url, &script, true).await;
    let channel = until("the channel in the admin's replica", Duration::from_secs(20), || {
        let admin = admin.clone();
        async move { admin.channels().await.unwrap().into_iter().find(|c| c.external_id == "4601") }
    })
    .await;
    let root = admin.routing_settings(channel.id).await.unwrap().queues[0].id;
    let sales = admin.queue_add(root, "Sales").await.unwrap().id;
    let support = admin.queue_add(root, "Support").await.unwrap().id;
    for (queue, name, word) in [(sales, "Sales", "buy"), (support, "Support", "broke")] {
        let settings = switchboard_engine::QueueSettings {
            name: name.into(),
            keywords: vec![word.into()],
            priority: 0,
            service_level_percent: 80,
            service_level_seconds: 60,
            target_response_seconds: 60,
            distribution: Default::default(),
        };
        admin.queue_update(queue, settings).await.unwrap();
    }
    // Each answers the menu with their queue's keyword.
    sandbox.customer_writes("7601", "Hello").unwrap();
    sandbox.customer_writes("7602", "Hi").unwrap();
    eventually("the menu to go out to both", Duration::from_secs(30), || {
        let sent = sandbox.sent().len();
        async move { sent >= 2 }
    })
    .await;
    sandbox.customer_writes("7601", "buy").unwrap();
    sandbox.customer_writes("7602", "broke").unwrap();
    eventually("each customer to wait in their queue", Duration::from_secs(30), || {
        let raw = raw.clone();
        async move {
            let queued: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM interactions WHERE state = 'queued' AND queue_id = ANY($1)",
            )
            .bind(vec![sales, support])
            .fetch_one(&raw)
            .await
            .unwrap();
            queued == 2
        }
    })
    .await;

    // The admin invites an agent for Sales; the agent joins with the code and a password of
    // their own, on a desktop that never holds a platform's credentials.
    let login = format!("amy{}", std::process::id());
    let invite = Invite { name: login.clone(), roles: vec!["agent".into()], queues: vec![sales] };
    let code = admin.team_invite(&invite).await.unwrap();
    assert!(code.starts_with("SWB1-"), "{code}");
    let elsewhere = switchboard_sandbox::Sandbox::start(
        switchboard_sandbox::Script::from_json(r#"{"pages": []}"#).unwrap(),
    )
    .await
    .unwrap();
    let agent_hosts = Hosts::sandbox(elsewhere.base_url().parse().unwrap());
    let joining = {
        let dir = tempfile::tempdir().unwrap();
        let config = EngineConfig::new(dir.path().join("cache.sqlite3"), agent_hosts.clone(), &login);
        let service = test_service(&format!("team-join-{login}"));
        let engine =
            Engine::open(config, Keychain::new(service), Notifier::disabled(), Arc::new(SystemClock))
                .await
                .unwrap();
        let short = engine.team_join(&code, Some("short")).await.unwrap_err();
        assert!(short.to_string().contains("at least 10"), "{short}");
        engine.team_join(&code, Some("amy's own password")).await.unwrap();
        let address = engine.team_address().await.unwrap().expect("the address with the new password");
        // Signing out keeps the address without the password; signing in checks it.
        engine.join_team_at(&address, false).await.unwrap();
        engine.team_sign_out().await.unwrap();
        let out = engine.team_address().await.unwrap().unwrap();
        assert!(url::Url::parse(&out).unwrap().password().is_none(), "the password left the keychain");
        assert!(engine.team_signed_out().is_some_and(|s| s.can_sign_in));
        let wrong = engine.team_sign_in("not my password").await.unwrap_err();
        assert!(wrong.to_string().contains("did not accept"), "{wrong}");
        engine.team_sign_in("amy's own password").await.unwrap();
        engine.team_address().await.unwrap().expect("the address with the password again")
    };
    assert!(
        joining.contains("amy's%20own%20password") || joining.contains("amy%27s%20own%20password"),
        "{joining}"
    );
    let (agent, _b) = desktop(&joining, agent_hosts, &login, Notifier::disabled(), true).await;
    agent.start().await.unwrap();
    eventually("the agent's roles to be known", Duration::from_secs(20), || {
        let agent = agent.clone();
        async move { agent.roles() == ["agent"] }
    })
    .await;
    let seen = until("the Sales customer on the agent's desktop", Duration::from_secs(20), || {
        let agent = agent.clone();
        async move {
            let sessions = agent.session_list(&ListFilter::default(), None, 10).await.unwrap().sessions;
            (!sessions.is_empty()).then_some(sessions)
        }
    })
    .await;
    assert_eq!(seen.len(), 1, "only their queue's customer: {seen:?}");
    assert_eq!(seen[0].contact_platform_id, "7601");

    // What an agent may not do is refused with the reason, before and by the database.
    let refused = agent.queue_add(root, "Mine").await.unwrap_err();
    assert!(matches!(refused, switchboard_engine::EngineError::Team(TeamError::Forbidden(_))), "{refused}");
    assert!(refused.to_string().contains("role"), "{refused}");
    let audit = agent.team_audit(5).await.unwrap_err();
    assert!(matches!(audit, switchboard_engine::EngineError::Team(TeamError::Forbidden(_))), "{audit}");

    // They answer their customer: sent once, by the admin's desktop that polls.
    agent.session_reply(seen[0].id, "Which size do you ride?").await.unwrap();
    eventually("the agent's answer to go out", Duration::from_secs(20), || {
        let sent: Vec<String> = sandbox.sent().into_iter().map(|m| m.text).collect();
        async move { sent.iter().filter(|t| *t == "Which size do you ride?").count() == 1 }
    })
    .await;
    let members = admin.team_members().await.unwrap();
    let amy = members.iter().find(|m| m.name == login).expect("the agent in the admin's list");
    assert_eq!((amy.roles.clone(), amy.queues.clone()), (vec!["agent".to_owned()], vec![sales]));

    // Removed: the agent's desktop is told and its team tasks stop.
    let mut events = agent.subscribe();
    admin.team_remove(&login).await.unwrap();
    let message = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let Ok(Event::TeamSignedOut { signed_out }) = events.recv().await {
                assert!(!signed_out.can_sign_in, "signing in cannot help a removed member");
                return signed_out.message;
            }
        }
    })
    .await
    .expect("the agent's desktop hears it was removed");
    assert!(message.contains("You were removed from the team"), "{message}");
    assert!(agent.team_signed_out().is_some());
    let actions: Vec<String> = admin.team_audit(20).await.unwrap().into_iter().map(|a| a.action).collect();
    assert!(actions.contains(&"member_removed".to_owned()) && actions.contains(&"member_invited".to_owned()));
    // The agent's engine never called a platform.
    assert_eq!(elsewhere.graph_reads(), 0);
    assert!(elsewhere.sent().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poller_without_credentials_opens_the_team_s_sealed_ones_and_no_secret_is_plain_anywhere() {
    use serde_json::json;
    use switchboard_core::secret::ExposeSecret;
    use switchboard_team::Invite;
    crate::require_desktop();
    let Some(url) = team_database("secrets").await else { return };
    Keychain::use_os_store().unwrap();
    let script = json!({"pages": [{"id": "4701", "name": "Secrets Page"}],
                        "personas": [{"psid": "7701", "page": "4701", "first_name": "Kim", "last_name": "Key"}]});
    let raw = sqlx::PgPool::connect(&url).await.unwrap();
    // The admin's desktop connects the page but never polls (it is not allowed to here).
    let Owner { sandbox, base, admin, dir: _a } = owner(&url, &script, false).await;
    eventually("the page's token to be sealed in the team", Duration::from_secs(20), || {
        let raw = raw.clone();
        async move {
            let n: i64 =
                sqlx::query_scalar("SELECT count(*) FROM channel_secrets").fetch_one(&raw).await.unwrap();
            n >= 1
        }
    })
    .await;

    // A relay invited as a poller: the code carries the team key; its keychain has no token.
    let login = format!("relay{}", std::process::id());
    let code = admin
        .team_invite(&Invite { name: login.clone(), roles: vec!["poller".into()], queues: vec![] })
        .await
        .unwrap();
    let password = "the relay's own password";
    let address = {
        let dir = tempfile::tempdir().unwrap();
        let config =
            EngineConfig::new(dir.path().join("cache.sqlite3"), Hosts::sandbox(base.clone()), &login);
        // The relay's keychain is the one its desktop below uses.
        let service = test_service(&format!("team-{login}-{}", url.rsplit('/').next().unwrap_or_default()));
        let engine =
            Engine::open(config, Keychain::new(service), Notifier::disabled(), Arc::new(SystemClock))
                .await
                .unwrap();
        engine.team_join(&code, Some(password)).await.unwrap();
        engine.team_address().await.unwrap().unwrap()
    };
    let (relay, _r) =
        desktop(&address, Hosts::sandbox(base.clone()), &login, Notifier::disabled(), true).await;
    relay.start().await.unwrap();
    sandbox.customer_writes("7701", "Is the shop open on Sunday?").unwrap();
    eventually("the relay to poll with the team's credentials", Duration::from_secs(30), || {
        let raw = raw.clone();
        async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM messages WHERE body = 'Is the shop open on Sunday?'",
            )
            .fetch_one(&raw)
            .await
            .unwrap();
            n == 1
        }
    })
    .await;
    let holder: String =
        sqlx::query_scalar("SELECT holder FROM leases LIMIT 1").fetch_one(&raw).await.unwrap();
    assert!(holder.starts_with(&login), "the relay holds the lease: {holder}");

    // Nothing secret is plain in the team's database: the page token, the team key, the
    // member's password (pg_dump of every table, as the solo secret scan reads the cache).
    let token = switchboard_platforms::demo::demo_page(&base).await.unwrap().access_token;
    let dump =
        std::process::Command::new(format!("{}/pg_dump", std::env::var("SWITCHBOARD_PG_BIN").unwrap()))
            .args(["--data-only", &url])
            .output()
            .unwrap();
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let dump = String::from_utf8_lossy(&dump.stdout);
    assert!(dump.contains("channel_secrets"), "the dump holds the sealed credentials' table");
    let key = Invitation::from_code(&code).unwrap().team_key.unwrap();
    for (what, secret) in
        [("page token", token.expose_secret()), ("team key", key.as_str()), ("password", password)]
    {
        assert!(!dump.contains(secret), "the {what} is plain in the team's database");
    }
    let as_agent_refused: Result<Vec<i64>, _> = {
        let agent = admin
            .team_invite(&Invite {
                name: format!("nosy{}", std::process::id()),
                roles: vec!["agent".into()],
                queues: vec![],
            })
            .await
            .unwrap();
        let agent = Invitation::from_code(&agent).unwrap();
        assert!(agent.team_key.is_none(), "an agent is never handed the team key");
        let pool = sqlx::PgPool::connect(&agent.address_with(&agent.password).unwrap()).await.unwrap();
        sqlx::query_scalar("SELECT channel_id FROM channel_secrets").fetch_all(&pool).await
    };
    assert!(as_agent_refused.is_err(), "an agent cannot read even the sealed credentials");

    // Rotating the key reseals every credential in one transaction; the old key opens none.
    let before: Vec<Vec<u8>> = sqlx::query_scalar("SELECT sealed FROM channel_secrets ORDER BY channel_id")
        .fetch_all(&raw)
        .await
        .unwrap();
    let resealed = admin.team_key_rotate().await.unwrap();
    assert_eq!(resealed as usize, before.len());
    let after: Vec<Vec<u8>> = sqlx::query_scalar("SELECT sealed FROM channel_secrets ORDER BY channel_id")
        .fetch_all(&raw)
        .await
        .unwrap();
    assert!(before.iter().zip(&after).all(|(b, a)| b != a), "every credential is resealed");
    let old = switchboard_team::TeamKey::from_secret(&key.clone().into()).unwrap();
    let team = Team::connect(&url).await.unwrap();
    assert!(!team.team_key_matches(&old).await.unwrap());
    let page: i64 =
        sqlx::query_scalar("SELECT channel_id FROM channel_secrets LIMIT 1").fetch_one(&raw).await.unwrap();
    assert!(team.channel_secret(page, &old).await.is_err(), "the old key opens nothing");
}

/// The supervisor's monitor on a desktop that does not poll: the wallboard is made from its
/// replica of the team, and the alert limits it sets reach every desktop through the team.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_s_desktop_watches_the_team_s_queues_and_sets_limits_every_desktop_follows() {
    use serde_json::json;
    use switchboard_core::alerts::Thresholds;
    use switchboard_core::routing::Presence;
    crate::require_desktop();
    let Some(url) = team_database("monitor").await else { return };
    Keychain::use_os_store().unwrap();
    let script = json!({"pages": [{"id": "4701", "name": "Team Watch"}],
                        "personas": [{"psid": "7701", "page": "4701", "first_name": "Tess", "last_name": "Team"}]});
    let Owner { sandbox, admin, dir: _a, .. } = owner(&url, &script, true).await;
    let (sue, _s) = desktop(&url, nowhere(), "sue", Notifier::disabled(), false).await;
    sue.start().await.unwrap();
    admin.presence_set(Presence::Break).await.unwrap();
    sue.presence_set(Presence::Break).await.unwrap();

    sandbox.customer_writes("7701", "Is anyone watching?").unwrap();
    let board = until("the waiting customer on the supervisor's wallboard", Duration::from_secs(20), || {
        let sue = sue.clone();
        // Waiting in a queue: routing may not have chosen it yet when the customer first shows.
        async move {
            sue.monitor_wallboard()
                .await
                .ok()
                .filter(|b| b.waiting.len() == 1 && b.waiting[0].queue_id.is_some())
        }
    })
    .await;
    assert_eq!(board.waiting[0].contact_name, "Tess Team");
    let queue = board.waiting[0].queue_id.expect("in a queue");
    assert_eq!(board.queues.iter().find(|q| q.queue.id == queue).unwrap().today.offered, 1);

    let limits = Thresholds { waiting_above: Some(10), ..Thresholds::default() };
    sue.alert_thresholds_set(queue, limits).await.unwrap();
    eventually("the limits on the admin's desktop too", Duration::from_secs(10), || {
        let admin = admin.clone();
        async move { admin.alert_thresholds().await.unwrap().get(&queue) == Some(&limits) }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_s_retention_policy_and_deletions_are_the_team_s_and_reach_every_desktop() {
    use serde_json::json;
    use switchboard_core::routing::Presence;
    crate::require_desktop();
    let Some(url) = team_database("retention").await else { return };
    Keychain::use_os_store().unwrap();
    let script = json!({"pages": [{"id": "4801", "name": "Team Keep"}],
                        "personas": [{"psid": "7801", "page": "4801", "first_name": "Rita", "last_name": "Keep"}]});
    let Owner { sandbox, admin, dir: _a, .. } = owner(&url, &script, true).await;
    let (ben, _b) = desktop(&url, nowhere(), "ben", Notifier::disabled(), false).await;
    ben.start().await.unwrap();
    admin.presence_set(Presence::Break).await.unwrap();

    for n in 0..3 {
        sandbox.customer_writes("7801", &format!("Keep this? {n}")).unwrap();
    }
    let raw = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&url).await.unwrap();
    let team_messages = || {
        let raw = raw.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT body FROM messages ORDER BY created_at, id")
                .fetch_all(&raw)
                .await
                .unwrap()
        }
    };
    eventually("the three messages in the team's database", Duration::from_secs(20), || async {
        team_messages().await.len() == 3
    })
    .await;

    // The admin keeps one message per session, for the whole team: the other desktop has it too.
    let policy = admin.retention_set(30, 1, 400).await.unwrap();
    eventually("the team's policy on the other desktop", Duration::from_secs(10), || {
        let ben = ben.clone();
        async move { ben.retention().await.unwrap() == policy }
    })
    .await;
    // A desktop that may not poll leaves the team's database alone…
    ben.retention_purge_now().await.unwrap();
    assert_eq!(team_messages().await.len(), 3, "only a poller purges the team's database");
    // …the poller applies it there, and the deletions reach every replica.
    admin.retention_purge_now().await.unwrap();
    let kept = team_messages().await;
    assert_eq!(kept.len(), 1, "one message per session is kept: {kept:?}");
    eventually("only that message left on the other desktop", Duration::from_secs(10), || {
        let (ben, kept) = (ben.clone(), kept.clone());
        async move {
            let sessions = ben.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
            match sessions.first() {
                Some(session) => {
                    let page = ben.session_messages(session.id, None, 50).await.unwrap();
                    page.iter().map(|m| m.body.clone()).collect::<Vec<_>>() == kept
                }
                None => false,
            }
        }
    })
    .await;

    // An admin deletes the conversation for the whole team: gone from the team's database and
    // from the other desktop, and the audit says who did it.
    let session = admin.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions[0].id;
    admin.session_delete(session).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&raw).await.unwrap();
    assert_eq!(left, 0);
    eventually("the conversation gone from the other desktop", Duration::from_secs(10), || {
        let ben = ben.clone();
        async move { ben.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions.is_empty() }
    })
    .await;
    let audit = admin.team().unwrap().audit(20).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "session_deleted"), "{audit:?}");
}
