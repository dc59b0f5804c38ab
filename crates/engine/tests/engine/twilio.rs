//! SMS and WhatsApp through Twilio: both directions synced into sessions, replies sent once
//! from the right address, messages sent from elsewhere recorded as outbound, and every
//! message stored once and in order through faults.

use crate::{Options, eventually, require_desktop, running};
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_core::{Direction, Platform, Secret};
use switchboard_engine::Engine;
use switchboard_engine::ListFilter;
use switchboard_platforms::TwilioApi;
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};
use switchboard_store::SessionSummary;

const OUR_NUMBER: &str = "+14155550100";

fn script(sms_customers: usize) -> Script {
    let mut personas: Vec<Value> = (0..sms_customers)
        .map(|i| json!({"phone": format!("+1415555{:04}", 2000 + i), "number": OUR_NUMBER, "first_name": "C", "last_name": format!("{i}")}))
        .collect();
    personas.push(json!({"phone": "+14155550122", "number": OUR_NUMBER, "whatsapp": true, "first_name": "Lukas", "last_name": "Becker"}));
    let script = json!({
        "pages": [{"id": "3101", "name": "Shop"}],
        "numbers": [{"number": OUR_NUMBER, "name": "Shop line", "whatsapp": true}],
        "personas": personas,
    });
    Script::from_json(&script.to_string()).unwrap()
}

async fn sessions(engine: &Engine) -> Vec<SessionSummary> {
    engine.session_list(&ListFilter::default(), None, 500).await.unwrap().sessions
}

async fn find(engine: &Engine, platform: Platform, contact: &str) -> Option<SessionSummary> {
    sessions(engine).await.into_iter().find(|s| s.platform == platform && s.contact_platform_id == contact)
}

async fn sent_by_twilio(base: &str) -> Vec<Value> {
    reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn sms_and_whatsapp_sync_both_ways_and_each_reply_goes_out_once_from_the_right_address() {
    require_desktop();
    let sandbox = Sandbox::start(script(1)).await.unwrap();
    let options = Options { quiet: true, ..Options::default() };
    let running = running(sandbox, "twilio", options).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    let base = sandbox.base_url();
    sandbox.customer_writes("+14155552000", "Can I book a service on Saturday?").unwrap();
    sandbox.customer_writes("whatsapp:+14155550122", "Do you ship helmets to Germany?").unwrap();

    eventually("both sessions are stored", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            find(&engine, Platform::Sms, "+14155552000").await.is_some()
                && find(&engine, Platform::Whatsapp, "+14155550122").await.is_some()
        }
    })
    .await;
    let sms = find(&engine, Platform::Sms, "+14155552000").await.unwrap();
    let whatsapp = find(&engine, Platform::Whatsapp, "+14155550122").await.unwrap();
    assert_eq!(sms.channel_name, "Shop line");

    engine.session_reply(sms.id, "Yes, Saturday 10:00 works.").await.unwrap();
    engine.session_reply(whatsapp.id, "We do, in 3–5 days.").await.unwrap();
    eventually("both replies are sent", Duration::from_secs(10), || async {
        sent_by_twilio(&base).await.len() == 2
    })
    .await;
    let sent = sent_by_twilio(&base).await;
    let pairs: Vec<(&str, &str, &str)> = sent
        .iter()
        .map(|m| (m["from"].as_str().unwrap(), m["to"].as_str().unwrap(), m["body"].as_str().unwrap()))
        .collect();
    assert!(pairs.contains(&(OUR_NUMBER, "+14155552000", "Yes, Saturday 10:00 works.")), "{pairs:?}");
    assert!(
        pairs.contains(&("whatsapp:+14155550100", "whatsapp:+14155550122", "We do, in 3–5 days.")),
        "{pairs:?}"
    );

    // Someone answers from Twilio's console (a second later: Twilio's times have one-second
    // precision): the message is the session's, and outbound.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let (sid, token) = sandbox.twilio_credentials();
    let console = TwilioApi::new(base.parse().unwrap(), sid, Secret::from(token));
    console.send(OUR_NUMBER, "+14155552000", "Sent from the console").await.unwrap();
    eventually("the console's message is recorded", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            engine
                .session_messages(sms.id, None, 50)
                .await
                .unwrap()
                .iter()
                .any(|m| m.body == "Sent from the console")
        }
    })
    .await;
    // The poll that read the console's message read our own replies back too: still one of each.
    let messages = engine.session_messages(sms.id, None, 50).await.unwrap();
    let bodies: Vec<(&str, Direction)> = messages.iter().map(|m| (m.body.as_str(), m.direction)).collect();
    assert_eq!(
        bodies,
        [
            ("Can I book a service on Saturday?", Direction::Inbound),
            ("Yes, Saturday 10:00 works.", Direction::Outbound),
            ("Sent from the console", Direction::Outbound),
        ]
    );
    assert_eq!(sent_by_twilio(&base).await.len(), 3, "nothing sent twice");
}

#[tokio::test]
async fn sms_through_server_errors_throttling_and_malformed_bodies_is_stored_once_in_order() {
    require_desktop();
    let sandbox = Sandbox::start(script(10)).await.unwrap();
    for (fault, probability) in [(Fault::ServerError, 0.10), (Fault::Malformed, 0.05), (Fault::Reset, 0.03)] {
        sandbox.inject(FaultRule {
            endpoint: Endpoint::TwilioList,
            fault,
            count: None,
            probability: Some(probability),
            after: None,
        });
    }
    let options = Options { quiet: true, ..Options::default() };
    let running = running(sandbox, "twilio-faults", options).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    for round in 0..20 {
        for customer in 0..10 {
            sandbox
                .customer_writes(
                    &format!("+1415555{:04}", 2000 + customer),
                    &format!("c{customer} m{round:02}"),
                )
                .unwrap();
        }
        if round == 10 {
            sandbox.inject(FaultRule {
                endpoint: Endpoint::TwilioList,
                fault: Fault::Throttle,
                count: Some(2),
                probability: None,
                after: None,
            });
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    eventually("all 200 messages are stored", Duration::from_secs(60), || {
        let engine = engine.clone();
        async move {
            let mut total = 0;
            for session in sessions(&engine).await {
                total += engine.session_messages(session.id, None, 500).await.unwrap().len();
            }
            total >= 200
        }
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let all = sessions(&engine).await;
    assert_eq!(all.len(), 10, "one session per customer");
    for session in all {
        let index: usize =
            session.contact_platform_id.trim_start_matches("+1415555").parse::<usize>().unwrap() - 2000;
        let bodies: Vec<String> = engine
            .session_messages(session.id, None, 500)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.body)
            .collect();
        let expected: Vec<String> = (0..20).map(|round| format!("c{index} m{round:02}")).collect();
        assert_eq!(
            bodies, expected,
            "customer {}: every message once, in order",
            session.contact_platform_id
        );
    }
}
