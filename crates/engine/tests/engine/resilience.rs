//! Through faults: every message stored exactly once, in order within each session; every
//! reply and file sent once; every customer's file downloaded intact.

use crate::{Options, eventually, require_desktop, running, stored};
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_core::{DeliveryState, Direction, Platform};
use switchboard_engine::ListFilter;
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};
use switchboard_store::AttachmentState;

/// Notifications are not what these tests are about; a burst of 1,000 would only slow them.
/// The injected delays of 3 s become client time-outs at 1 s.
const OPTIONS: Options = Options {
    poll: Duration::from_secs(1),
    request_timeout: Duration::from_secs(1),
    quiet: true,
    health: Duration::from_secs(4 * 3600),
    sandbox_clock: false,
    download_retry: Duration::from_secs(30),
};

fn script(customers: usize) -> Script {
    let personas: Vec<_> = (0..customers)
        .map(|i| json!({"psid": format!("{}", 8000 + i), "page": "3001", "first_name": "C", "last_name": format!("{i}")}))
        .collect();
    Script::from_json(
        &json!({"pages": [{"id": "3001", "name": "Busy Page"}], "personas": personas}).to_string(),
    )
    .unwrap()
}

#[tokio::test]
async fn a_thousand_messages_through_server_errors_timeouts_throttling_and_malformed_bodies() {
    require_desktop();
    let sandbox = Sandbox::start(script(50)).await.unwrap();
    let faults = [
        (Fault::ServerError, 0.10),
        (Fault::Delay { millis: 3_000 }, 0.05),
        (Fault::Malformed, 0.05),
        (Fault::Reset, 0.03),
    ];
    for (fault, probability) in faults {
        sandbox.inject(FaultRule {
            endpoint: Endpoint::Any,
            fault,
            count: None,
            probability: Some(probability),
            after: None,
        });
    }
    let running = running(sandbox, "resilience", OPTIONS).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());

    // 20 rounds of one message from each of 50 customers, over about 5 s, with a burst of
    // throttling in the middle.
    for round in 0..20 {
        for customer in 0..50 {
            sandbox
                .customer_writes(&format!("{}", 8000 + customer), &format!("c{customer} m{round:02}"))
                .unwrap();
        }
        if round == 10 {
            sandbox.inject(FaultRule {
                endpoint: Endpoint::Conversations,
                fault: Fault::Throttle,
                count: Some(4),
                probability: None,
                after: None,
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    eventually("all 1,000 messages are stored", Duration::from_secs(120), || {
        let engine = engine.clone();
        async move { stored(&engine).await.iter().map(|(_, bodies)| bodies.len()).sum::<usize>() >= 1_000 }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sessions = stored(&engine).await;
    assert_eq!(sessions.len(), 50, "one session per customer");
    for (customer, bodies) in sessions {
        let index = customer.parse::<usize>().unwrap() - 8000;
        let expected: Vec<String> = (0..20).map(|round| format!("c{index} m{round:02}")).collect();
        assert_eq!(bodies, expected, "customer {customer}: every message exactly once, in order");
    }
}

#[tokio::test]
async fn a_long_thread_is_backfilled_beyond_the_newest_25() {
    require_desktop();
    let sandbox = Sandbox::start(script(1)).await.unwrap();
    for i in 0..60 {
        sandbox.customer_writes("8000", &format!("backfill {i:02}")).unwrap();
    }
    let running = running(sandbox, "backfill", OPTIONS).await;
    let engine = running.engine.clone();
    eventually("the whole thread is stored", Duration::from_secs(20), || {
        let engine = engine.clone();
        async move { stored(&engine).await.first().is_some_and(|(_, bodies)| bodies.len() >= 60) }
    })
    .await;
    let (_, bodies) = stored(&engine).await.remove(0);
    let expected: Vec<String> = (0..60).map(|i| format!("backfill {i:02}")).collect();
    assert_eq!(bodies, expected, "all 60, once each, in order");
}

/// The endpoints a channel's work calls: polls and deep threads, token health (Graph's
/// debug_token, Twilio's numbers), files both ways, templates, replies. (The login's own
/// endpoints are faulted in `login`'s test.)
const WORK: [Endpoint; 12] = [
    Endpoint::Conversations,
    Endpoint::ThreadMessages,
    Endpoint::Send,
    Endpoint::Upload,
    Endpoint::DebugToken,
    Endpoint::File,
    Endpoint::TwilioList,
    Endpoint::TwilioSend,
    Endpoint::TwilioMediaList,
    Endpoint::TwilioMedia,
    Endpoint::TwilioContent,
    Endpoint::TwilioNumbers,
];

/// Every kind of fault, the waits longer than the client's 1 s.
const KINDS: [Fault; 7] = Fault::every_kind(3_000);

const OUR_NUMBER: &str = "+14155550100";
const MESSENGER: usize = 12;
const HISTORY: usize = 60;
const SMS: usize = 8;
const FILES: usize = 8;

fn busy_script() -> Script {
    let mut personas: Vec<_> = (0..MESSENGER)
        .map(|i| json!({"psid": format!("{}", 8100 + i), "page": "3101", "first_name": "M", "last_name": format!("{i}")}))
        .collect();
    personas.extend((0..SMS).map(|i| {
        json!({"phone": format!("+1415555{:04}", 2000 + i), "number": OUR_NUMBER, "first_name": "S", "last_name": format!("{i}")})
    }));
    personas.push(json!({"phone": "+14155553000", "number": OUR_NUMBER, "whatsapp": true, "first_name": "W", "last_name": "A"}));
    let script = json!({
        "pages": [{"id": "3101", "name": "Faulty Page"}],
        "numbers": [{"number": OUR_NUMBER, "name": "Faulty line", "whatsapp": true}],
        "templates": [{"sid": "HX00000000000000000000000000000009", "name": "order_ready", "body": "Hi {{1}}, order {{2}} is ready."}],
        "personas": personas,
    });
    Script::from_json(&script.to_string()).unwrap()
}

/// Each fault kind once on each endpoint a channel's work calls, on every other request (so a
/// client's backoff stays short): a backfill of deep threads, token checks, customers' files
/// on both platforms, an agent's files, templates and replies. Every kind must fire on every
/// endpoint, and still: each message stored once and in order, each reply and file sent once,
/// each file downloaded intact.
#[tokio::test]
async fn every_fault_kind_on_every_endpoint_loses_nothing_doubles_nothing_and_corrupts_no_file() {
    require_desktop();
    let sandbox = Sandbox::start(busy_script()).await.unwrap();
    // History before the app connects: threads deeper than a page of 25, files on both sides.
    for m in 0..HISTORY {
        for c in 0..MESSENGER {
            sandbox.customer_writes(&format!("{}", 8100 + c), &format!("m{c} h{m:02}")).unwrap();
        }
    }
    let sample = |i: usize| if i.is_multiple_of(2) { "bike.png" } else { "receipt.pdf" };
    for i in 0..FILES {
        sandbox.customer_sends_file(&format!("{}", 8100 + i), &format!("m{i} file"), sample(i)).unwrap();
    }
    for i in 0..SMS {
        let phone = format!("+1415555{:04}", 2000 + i);
        for m in 0..10 {
            sandbox.customer_writes(&phone, &format!("s{i} t{m}")).unwrap();
        }
        sandbox.customer_sends_file(&phone, "", sample(i)).unwrap();
    }
    sandbox.customer_writes("whatsapp:+14155553000", "Is my order ready?").unwrap();

    let options = Options {
        poll: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        quiet: true,
        health: Duration::from_secs(1),
        sandbox_clock: false,
        download_retry: Duration::from_secs(1),
    };
    let running = crate::running_with(sandbox, "every-fault", options, |sandbox| {
        for endpoint in WORK {
            for (k, fault) in KINDS.into_iter().enumerate() {
                let after = Some(2 * k as u32 + 1);
                sandbox.inject(FaultRule { endpoint, fault, count: Some(1), probability: None, after });
            }
        }
    })
    .await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());

    // The backfill: every message, in order.
    let inbound_total = MESSENGER * HISTORY + FILES + SMS * 11 + 1;
    eventually("every customer message is stored", Duration::from_secs(120), || {
        let engine = engine.clone();
        async move { stored(&engine).await.iter().map(|(_, b)| b.len()).sum::<usize>() >= inbound_total }
    })
    .await;

    // Replies to each customer, eight files to one, and two templates, all under faults.
    let sessions = engine.session_list(&ListFilter::default(), None, 100).await.unwrap().sessions;
    let mut replies = Vec::new();
    for session in &sessions {
        if session.platform == Platform::Whatsapp {
            continue;
        }
        let text = format!("reply to {}", session.contact_platform_id);
        engine.session_reply(session.id, &text).await.unwrap();
        replies.push(text);
    }
    let first = sessions.iter().find(|s| s.contact_platform_id == "8100").expect("the first customer");
    let mut uploads = Vec::new();
    for i in 0..8 {
        let name = format!("invoice-{i}.pdf");
        let bytes = format!("%PDF-1.4 invoice {i}").into_bytes();
        engine.session_send_attachment(first.id, &name, bytes).await.unwrap();
        uploads.push(name);
    }
    let whatsapp = sessions.iter().find(|s| s.platform == Platform::Whatsapp).expect("the WhatsApp session");
    // Templates are read from Twilio when the agent opens the list: a failure is said clearly
    // and the agent opens it again.
    let mut listed = 0;
    let mut refusals = Vec::new();
    while listed < 8 {
        match engine.whatsapp_templates(whatsapp.id).await {
            Ok(templates) => {
                assert_eq!(templates.len(), 1);
                listed += 1;
            }
            Err(error) => refusals.push(error.to_string()),
        }
    }
    assert!(refusals.iter().all(|r| r.contains("Twilio")), "each failure names its platform: {refusals:?}");
    let sid = "HX00000000000000000000000000000009";
    let mut templates_sent = Vec::new();
    for order in ["#1", "#2"] {
        let values =
            [("1".to_owned(), "Wes".to_owned()), ("2".to_owned(), order.to_owned())].into_iter().collect();
        loop {
            // Sending reads the list again; a failed read refuses before anything is kept.
            match engine.session_send_template(whatsapp.id, sid, &values).await {
                Ok(_) => break,
                Err(error) => assert!(error.to_string().contains("Twilio"), "{error}"),
            }
        }
        templates_sent.push(format!("Hi Wes, order {order} is ready."));
    }

    // Everything settles: sent once each, files downloaded.
    let base = sandbox.base_url();
    eventually("every reply, file and template is sent", Duration::from_secs(120), || {
        let engine = engine.clone();
        async move {
            let mut pending = 0;
            for session in engine.session_list(&ListFilter::default(), None, 100).await.unwrap().sessions {
                let messages = engine.session_messages(session.id, None, 500).await.unwrap();
                pending += messages
                    .iter()
                    .filter(|m| m.direction == Direction::Outbound && m.delivery != DeliveryState::Sent)
                    .count();
                pending += messages
                    .iter()
                    .flat_map(|m| &m.attachments)
                    .filter(|a| a.state == AttachmentState::Fetching)
                    .count();
            }
            pending == 0
        }
    })
    .await;

    // Every kind fired on every endpoint (the token checks and polls go on by themselves).
    // (Waited for up to a minute; then the count of each says which did not fire.)
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while tokio::time::Instant::now() < deadline {
        let fired = sandbox.faults_fired();
        if WORK.iter().all(|e| fired.get(e).is_some_and(|kinds| kinds.len() == KINDS.len())) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let fired = sandbox.faults_fired();
    for endpoint in WORK {
        for fault in KINDS {
            let n = fired.get(&endpoint).and_then(|k| k.get(fault.kind())).copied().unwrap_or(0);
            assert_eq!(n, 1, "{endpoint:?} {}: fired {n} times (all fired: {fired:?})", fault.kind());
        }
    }

    // No fault made a channel look expired.
    for channel in engine.channels().await.unwrap() {
        assert_eq!(channel.state, switchboard_core::ChannelState::Connected, "{}", channel.name);
    }

    // Each customer message once, in order; each reply, file and template once.
    for session in engine.session_list(&ListFilter::default(), None, 100).await.unwrap().sessions {
        let messages = engine.session_messages(session.id, None, 500).await.unwrap();
        let inbound: Vec<String> =
            messages.iter().filter(|m| m.direction == Direction::Inbound).map(|m| m.body.clone()).collect();
        let contact = session.contact_platform_id.as_str();
        let expected: Vec<String> = match contact.parse::<usize>() {
            Ok(psid) if (8100..8100 + MESSENGER).contains(&psid) => {
                let c = psid - 8100;
                let mut all: Vec<String> = (0..HISTORY).map(|m| format!("m{c} h{m:02}")).collect();
                if c < FILES {
                    all.push(format!("m{c} file"));
                }
                all
            }
            _ if contact.starts_with("+14155552") => {
                let i: usize = contact[contact.len() - 2..].parse().unwrap();
                let mut all: Vec<String> = (0..10).map(|m| format!("s{i} t{m}")).collect();
                all.push(String::new());
                all
            }
            _ => vec!["Is my order ready?".to_owned()],
        };
        assert_eq!(inbound, expected, "{contact}: each message once, in order");
    }
    let sent = sandbox.sent();
    for text in replies.iter().filter(|t| t.starts_with("reply to 81")) {
        assert_eq!(sent.iter().filter(|m| &m.text == text).count(), 1, "{text} sent once");
    }
    let twilio: Vec<Value> =
        reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
    for text in replies.iter().filter(|t| t.starts_with("reply to +")).chain(&templates_sent) {
        assert_eq!(twilio.iter().filter(|m| m["body"] == text.as_str()).count(), 1, "{text} sent once");
    }
    let files_sent: Vec<Value> =
        reqwest::get(format!("{base}/_sandbox/sent")).await.unwrap().json().await.unwrap();
    for name in &uploads {
        let n = files_sent.iter().filter(|m| m["attachment"]["name"] == name.as_str()).count();
        assert_eq!(n, 1, "{name} sent once");
    }
    // Each customer's file intact.
    let mut checked = 0;
    for session in engine.session_list(&ListFilter::default(), None, 100).await.unwrap().sessions {
        for message in engine.session_messages(session.id, None, 500).await.unwrap() {
            if message.direction != Direction::Inbound {
                continue;
            }
            for file in &message.attachments {
                let content = engine.attachment_content(file.id).await.unwrap_or_else(|error| {
                    panic!("{} ({:?}) of {:?}: {error}", file.file_name, file.state, message.body)
                });
                let sample = if content.media_type == "image/png" { "bike.png" } else { "receipt.pdf" };
                let original = Sandbox::sample_file(sample).unwrap();
                assert!(
                    content.bytes == original,
                    "{} arrived intact ({} of {} bytes)",
                    file.file_name,
                    content.bytes.len(),
                    original.len()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, FILES + SMS, "every customer's file was checked");
}
