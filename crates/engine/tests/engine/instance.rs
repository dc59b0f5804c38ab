//! One engine per data folder, and replies claimed before they are sent: a second engine on a
//! folder refuses to start, and racing outbox workers send each reply exactly once.

use crate::{Options, eventually, require_desktop, running};
use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;
use switchboard_core::DeliveryState;
use switchboard_engine::ListFilter;
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn headless(dir: &std::path::Path, service: &str, sandbox: &Sandbox) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchboard-headless"));
    command
        .args(["--data-dir", &dir.display().to_string(), "--keychain-service", service])
        .args(["--sandbox", &sandbox.base_url(), "--poll-ms", "500"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

#[tokio::test]
async fn a_second_engine_on_the_same_folder_exits_naming_the_folder_and_the_other_process() {
    require_desktop();
    let sandbox = Sandbox::start(Script::demo()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let service = crate::test_service("instance-lock");
    let mut first = headless(dir.path(), &service, &sandbox).spawn().unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    let started = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
    assert!(
        matches!(&started, Ok(Ok(Some(line))) if line.contains("started")),
        "the first engine starts: {started:?}"
    );

    let second =
        tokio::time::timeout(Duration::from_secs(20), headless(dir.path(), &service, &sandbox).output())
            .await
            .expect("the second engine gives up at once, it does not wait for the folder")
            .unwrap();
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "the second engine exits non-zero: {:?}", second.status);
    let pid = first.id().unwrap().to_string();
    assert!(
        said.contains(&dir.path().display().to_string()) && said.contains(&pid),
        "the refusal names the folder and the running engine's process {pid}: {said}"
    );
    assert!(
        String::from_utf8_lossy(&second.stdout).is_empty(),
        "the second engine started nothing (no pollers, no outbox)"
    );

    // SIGKILL leaves no stale lock: the OS released it with the process.
    first.start_kill().unwrap();
    first.wait().await.unwrap();
    let mut third = headless(dir.path(), &service, &sandbox).spawn().unwrap();
    let mut lines = BufReader::new(third.stdout.take().unwrap()).lines();
    let started = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
    assert!(
        matches!(&started, Ok(Ok(Some(line))) if line.contains("started")),
        "after a kill -9 the folder is free again: {started:?}"
    );
    third.start_kill().unwrap();
    third.wait().await.unwrap();
}

#[tokio::test]
async fn racing_outbox_workers_send_each_of_200_replies_exactly_once_in_order() {
    require_desktop();
    let personas: Vec<serde_json::Value> = (0..20)
        .map(|i| serde_json::json!({"psid": format!("{}", 9100 + i), "page": "3401", "first_name": "R", "last_name": format!("{i}")}))
        .collect();
    let script = serde_json::json!({"pages": [{"id": "3401", "name": "Race Page"}], "personas": personas});
    let sandbox = Sandbox::start(Script::from_json(&script.to_string()).unwrap()).await.unwrap();
    for customer in 0..20 {
        sandbox.customer_writes(&format!("{}", 9100 + customer), "Hello?").unwrap();
    }
    let run = running(sandbox, "instance-race", Options { quiet: true, ..Options::default() }).await;
    let engine = run.engine.clone();
    eventually("the 20 customers are in", Duration::from_secs(20), || {
        let engine = engine.clone();
        async move { engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions.len() == 20 }
    })
    .await;
    // A slow Send API keeps replies in flight, so that the two workers overlap all along.
    run.sandbox.inject(FaultRule {
        endpoint: Endpoint::Send,
        fault: Fault::Delay { millis: 20 },
        count: None,
        probability: Some(1.0),
        after: None,
    });
    let sessions = engine.session_list(&ListFilter::default(), None, 50).await.unwrap().sessions;
    let mut replies = Vec::new();
    for round in 0..10 {
        for session in &sessions {
            let text = format!("race {round} to {}", session.contact_platform_id);
            engine.session_reply(session.id, &text).await.unwrap();
            replies.push(text);
        }
    }
    let control = format!("{}/_sandbox/sent", run.sandbox.base_url());
    let sent_texts = || async {
        let sent: Vec<serde_json::Value> = reqwest::get(&control).await.unwrap().json().await.unwrap();
        sent.into_iter()
            .map(|m| (m["recipient_id"].as_str().unwrap().to_owned(), m["text"].as_str().unwrap().to_owned()))
            .collect::<Vec<_>>()
    };
    eventually("the 200 replies are out", Duration::from_secs(90), || async {
        sent_texts().await.len() >= 200
    })
    .await;
    // Bounded negative check: no late second copy from the other worker.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = sent_texts().await;
    let mut texts: Vec<String> = sent.iter().map(|(_, text)| text.clone()).collect();
    texts.sort();
    replies.sort();
    assert_eq!(texts, replies, "each of the 200 replies went out exactly once (per /_sandbox/sent)");
    let mut per_customer: HashMap<&str, Vec<&str>> = HashMap::new();
    for (to, text) in &sent {
        per_customer.entry(to.as_str()).or_default().push(text.as_str());
    }
    for (customer, texts) in per_customer {
        let expected: Vec<String> = (0..10).map(|round| format!("race {round} to {customer}")).collect();
        assert_eq!(texts, expected, "a customer's replies arrive in the order they were written");
    }
    for session in &sessions {
        for message in engine.session_messages(session.id, None, 50).await.unwrap() {
            assert_ne!(message.delivery, DeliveryState::Pending, "{} is recorded as sent", message.body);
        }
    }
}
