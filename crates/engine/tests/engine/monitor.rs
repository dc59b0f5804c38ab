//! The supervisor's wallboard on a running engine: a customer waits, an agent takes them, the
//! reply goes out, the interaction ends — the figures follow, and the monitor is told each time
//! within a second, without reading the store in a loop.

use crate::{Options, eventually, require_desktop, running};
use std::time::{Duration, Instant};
use switchboard_core::routing::{Presence, Schedule};
use switchboard_engine::Event;
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "4601", "name": "Monitored Bikes" }],
  "personas": [{ "psid": "7601", "page": "4601", "first_name": "Wanda", "last_name": "Waits" }]
}"#;

/// Waits for the next `monitor_changed` and answers how long it took.
async fn monitor_told(events: &mut tokio::sync::broadcast::Receiver<Event>) -> Duration {
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            if let Ok(Event::MonitorChanged) = events.recv().await {
                return;
            }
        }
    })
    .await
    .expect("the monitor is told within a second of a change");
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallboard_follows_a_customer_from_waiting_to_answered_and_the_monitor_is_told() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let mut run = running(
        sandbox,
        "monitor",
        Options { quiet: true, poll: Duration::from_millis(200), ..Options::default() },
    )
    .await;
    let engine = run.engine.clone();
    let channel = engine.channels().await.unwrap()[0].id;
    let mut experience = engine.routing_settings(channel).await.unwrap().experience;
    experience.schedule = Schedule::always("Europe/Madrid");
    engine.experience_save(channel, experience).await.unwrap();
    engine.presence_set(Presence::Break).await.unwrap();

    let board = engine.monitor_wallboard().await.unwrap();
    assert_eq!(board.time_zone, "Europe/Madrid", "today is the team's day, not the computer's");
    assert_eq!(board.queues.len(), 1);
    assert_eq!(board.queues[0].today.offered, 0);
    assert!(board.intervals.len() <= 50 && !board.intervals.is_empty());

    // A customer writes while the only agent is on a break: they wait.
    run.sandbox.customer_writes("7601", "Is the red bike in stock?").unwrap();
    // The wallboard's reads are not one transaction: one made while routing records the
    // customer may show them waiting before their queue counts them; the next agrees.
    let board = crate::until("the customer to wait in the queue", Duration::from_secs(15), || {
        let engine = engine.clone();
        async move {
            let board = engine.monitor_wallboard().await.unwrap();
            let queue = &board.queues[0];
            let agreed = (queue.today.offered, queue.today.answered, queue.waiting.count) == (1, 0, 1);
            if board.waiting.len() == 1 && !agreed {
                eprintln!("waiting, not yet counted: {:?} / {:?}", board.waiting, queue);
            }
            (board.waiting.len() == 1 && agreed).then_some(board)
        }
    })
    .await;
    assert_eq!(board.waiting[0].contact_name, "Wanda Waits");
    let queue = &board.queues[0];
    assert_eq!(
        queue.today.service_level, None,
        "nothing answered or abandoned yet: no service level, not 0 %"
    );
    let maria = board.agents.iter().find(|a| a.name == "maria").expect("the agent is on the wallboard");
    assert_eq!(maria.presence, Presence::Break);

    // The agent comes back: routing gives them the customer, and the monitor is told.
    while run.events.try_recv().is_ok() {}
    engine.presence_set(Presence::Available).await.unwrap();
    let told = monitor_told(&mut run.events).await;
    eventually("the customer to be answered", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move { engine.monitor_wallboard().await.unwrap().queues[0].today.answered == 1 }
    })
    .await;
    let board = engine.monitor_wallboard().await.unwrap();
    assert!(board.waiting.is_empty());
    let maria = board.agents.iter().find(|a| a.name == "maria").unwrap();
    assert_eq!(maria.sessions.len(), 1, "the session the agent is in");
    assert_eq!(maria.sessions[0].contact_name, "Wanda Waits");
    assert_eq!(maria.load.iter().map(|l| l.in_hand).sum::<u32>(), 1);
    assert_eq!(board.queues[0].today.service_level, Some(100.0), "answered within the 60 s target");

    // The agent replies and ends it: completed, with a handle and a first-response time.
    let session = maria.sessions[0].session_id;
    engine.session_send(session, &["In stock, yes!".into()], None).await.unwrap();
    eventually("the reply to go out", Duration::from_secs(10), || {
        let sent = run.sandbox.sent().len();
        async move { sent >= 1 }
    })
    .await;
    engine.interaction_end(session, None).await.unwrap();
    eventually("the interaction to be completed", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            let board = engine.monitor_wallboard().await.unwrap();
            let maria = board.agents.iter().find(|a| a.name == "maria").unwrap().clone();
            maria.today.completed == 1 && maria.sessions.is_empty()
        }
    })
    .await;
    let board = engine.monitor_wallboard().await.unwrap();
    let maria = board.agents.iter().find(|a| a.name == "maria").unwrap();
    assert!(maria.today.average_handle_seconds.is_some());
    assert!(maria.today.average_first_response_seconds.is_some());
    let offered: u32 = board.intervals.iter().map(|i| i.figures.offered).sum();
    assert_eq!(offered, 1, "the day's chart counts the interaction once");
    eprintln!("a change reached the monitor in {told:?}");

    // Today's report by queue: the same interaction, and a CSV whose totals are the screen's.
    use switchboard_core::reports::{Cell, ReportKind};
    use switchboard_engine::reports::ReportQuery;
    let today = board.at.to_zoned(jiff::tz::TimeZone::get("Europe/Madrid").unwrap()).date();
    let query = ReportQuery { kind: ReportKind::Queues, from: today, to: today, business_hours: false };
    let table = engine.report(&query).await.unwrap();
    let totals = table.totals.clone().unwrap();
    assert_eq!((&totals[1], &totals[2], &totals[3]), (&Cell::Count(1), &Cell::Count(1), &Cell::Count(0)));
    let csv = engine.report_csv(&query).await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM, so that a spreadsheet reads UTF-8");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + table.rows.len() + 1, "one header row, the rows, the totals: {text}");
    assert!(lines[0].starts_with("Queue,Offered,Answered,Abandoned"), "{}", lines[0]);
    let last: Vec<String> = totals.iter().map(|c| c.csv()).collect();
    assert_eq!(lines[lines.len() - 1], last.join(","), "the file's totals are the screen's");
    // The interaction's transcript: found by a word said in it, read whole, exported.
    use switchboard_store::TranscriptFilter;
    let found = engine
        .transcript_search(&TranscriptFilter { text: Some("stock".into()), ..TranscriptFilter::default() })
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].contact_name.as_str(), found[0].end_reason.as_deref()),
        ("Wanda Waits", Some("agent_ended"))
    );
    let none = TranscriptFilter { text: Some("helicopter".into()), ..TranscriptFilter::default() };
    assert!(engine.transcript_search(&none).await.unwrap().is_empty());
    let whole = engine.transcript(found[0].interaction_id).await.unwrap();
    let said: Vec<&str> = whole.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(said, ["Is the red bike in stock?", "In stock, yes!"]);
    let kinds: Vec<&str> = whole.timeline.iter().map(|s| s.kind.as_str()).collect();
    assert!(kinds.contains(&"assigned") && kinds.contains(&"ended"), "{kinds:?}");
    let (name, bytes) = engine
        .transcripts_export(
            &[found[0].interaction_id],
            switchboard_engine::transcripts::TranscriptFormat::Text,
        )
        .await
        .unwrap();
    assert!(name.ends_with("-wanda-waits.txt"), "{name}");
    assert!(String::from_utf8(bytes).unwrap().contains("Wanda Waits: Is the red bike in stock?"));
    assert!(
        engine
            .transcripts_export(&[], switchboard_engine::transcripts::TranscriptFormat::Html)
            .await
            .is_err()
    );

    let backwards = ReportQuery { from: today, to: today.yesterday().unwrap(), ..query.clone() };
    assert!(engine.report(&backwards).await.unwrap_err().to_string().contains("comes after"));
    let long = ReportQuery { from: today.saturating_sub(jiff::Span::new().days(400)), ..query };
    assert!(engine.report(&long).await.unwrap_err().to_string().contains("at most 366 days"));
}

const ALARM: &str = r#"{
  "pages": [{ "id": "4602", "name": "Alarm Bikes" }],
  "personas": [{ "psid": "7602", "page": "4602", "first_name": "Ada", "last_name": "Alarmed" }]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_waiting_past_the_limit_raises_one_alert_that_clears_when_they_are_answered() {
    use switchboard_core::alerts::Thresholds;
    require_desktop();
    // The page's name is this test's own: its notification is found among other tests'.
    let page = crate::unique("Alarm Bikes");
    let sandbox =
        Sandbox::start(Script::from_json(&ALARM.replace("Alarm Bikes", &page)).unwrap()).await.unwrap();
    let run =
        running(sandbox, "alarm", Options { poll: Duration::from_millis(200), ..Options::default() }).await;
    let engine = run.engine.clone();
    let channel = engine.channels().await.unwrap()[0].id;
    let queue = engine.routing_settings(channel).await.unwrap().queues[0].id;
    let mut experience = engine.routing_settings(channel).await.unwrap().experience;
    experience.schedule = Schedule::always("UTC");
    engine.experience_save(channel, experience).await.unwrap();
    let refused = engine
        .alert_thresholds_set(queue, Thresholds { service_level_below: Some(0), ..Thresholds::default() })
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("1–100 %"), "{refused}");
    let limits = Thresholds { longest_wait_above: Some(2), waiting_above: Some(5), ..Thresholds::default() };
    engine.alert_thresholds_set(queue, limits).await.unwrap();
    assert_eq!(engine.alert_thresholds().await.unwrap()[&queue], limits);
    engine.presence_set(Presence::Break).await.unwrap();

    run.sandbox.customer_writes("7602", "Hello? Anyone?").unwrap();
    eventually("the wait to cross its limit and the alert to begin", Duration::from_secs(20), || {
        let engine = engine.clone();
        async move { engine.monitor_wallboard().await.unwrap().alerts.len() == 1 }
    })
    .await;
    let alert = engine.monitor_wallboard().await.unwrap().alerts[0].clone();
    assert_eq!((alert.kind.as_str(), alert.focus.as_str()), ("longest_wait", page.as_str()));
    let said = format!("{page}: a customer has waited");
    assert!(alert.text.starts_with(&said), "{}", alert.text);
    let raised = || {
        crate::notifications().iter().filter(|n| n.summary.contains(&said) || n.body.contains(&said)).count()
    };
    eventually("one native notification for it", Duration::from_secs(10), || {
        let seen = raised();
        async move { seen == 1 }
    })
    .await;
    // Still breached on later looks: nothing new is said.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(raised(), 1, "coalesced");
    assert_eq!(engine.alerts_history(10).await.unwrap().len(), 1);

    // The agent comes back and takes the customer: the alert ends, and is kept in the history.
    engine.presence_set(Presence::Available).await.unwrap();
    eventually("the alert to clear", Duration::from_secs(15), || {
        let engine = engine.clone();
        async move { engine.monitor_wallboard().await.unwrap().alerts.is_empty() }
    })
    .await;
    let history = engine.alerts_history(10).await.unwrap();
    assert_eq!(history.len(), 1);
    assert!(history[0].cleared_at.is_some(), "ended, with when");
}

const HOOKED: &str = r#"{
  "pages": [{ "id": "4603", "name": "Hooked Bikes" }],
  "personas": [{ "psid": "7603", "page": "4603", "first_name": "Cora", "last_name": "Crm" }]
}"#;

/// What a receiver got: the signature, the delivery id and the body of each request.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A CRM's receiver on loopback: answers 500 to the first delivery, 200 after; keeps what came.
async fn receiver() -> (String, Received) {
    use axum::http::{HeaderMap, StatusCode};
    let seen: Received = Default::default();
    let kept = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                let header = |name: &str| {
                    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
                };
                let mut kept = kept.lock().unwrap();
                kept.push((
                    header("x-switchboard-signature"),
                    header("x-switchboard-delivery"),
                    body.to_vec(),
                ));
                if kept.len() == 1 { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/hook"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_interaction_s_transcript_reaches_the_crm_hook_signed_and_retried_without_blocking_the_desk()
{
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(HOOKED).unwrap()).await.unwrap();
    let run = running(
        sandbox,
        "crm",
        Options { quiet: true, poll: Duration::from_millis(200), ..Options::default() },
    )
    .await;
    let engine = run.engine.clone();
    let (url, seen) = receiver().await;
    let refused = engine.crm_hook_set(Some("http://crm.example.com/hook")).await.unwrap_err();
    assert!(refused.to_string().contains("https://"), "{refused}");
    let set = engine.crm_hook_set(Some(&url)).await.unwrap();
    let secret = set.secret.expect("the signing secret, shown once");
    assert!(engine.crm_hook_status().await.unwrap().secret.is_none(), "and never again");

    run.sandbox.customer_writes("7603", "Please log this in the CRM").unwrap();
    let session = crate::until("the customer to be assigned", Duration::from_secs(15), || {
        let engine = engine.clone();
        async move {
            let board = engine.monitor_wallboard().await.unwrap();
            board.agents.iter().flat_map(|a| a.sessions.iter()).next().map(|s| s.session_id)
        }
    })
    .await;
    engine.session_send(session, &["Logged.".into()], None).await.unwrap();
    engine.interaction_end(session, None).await.unwrap();

    // Refused once (500), delivered on the retry: the same delivery id, a valid signature.
    eventually("the transcript to be delivered", Duration::from_secs(20), || {
        let engine = engine.clone();
        async move { engine.crm_hook_status().await.unwrap().deliveries.delivered == 1 }
    })
    .await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one failure, one delivery");
    assert_eq!(seen[0].1, seen[1].1, "the same delivery id on the retry");
    let (signature, _, body) = &seen[1];
    assert_eq!(signature, &switchboard_engine::crm::signature(&secret, body));
    let transcript: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(transcript["contact_name"], "Cora Crm");
    let said: Vec<&str> =
        transcript["messages"].as_array().unwrap().iter().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(said, ["Please log this in the CRM", "Logged."]);
    assert_eq!(engine.crm_hook_status().await.unwrap().deliveries.waiting, 0);
}
