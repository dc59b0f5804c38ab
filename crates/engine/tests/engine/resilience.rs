//! Polling through faults: every message stored exactly once, in order within each session.

use crate::{eventually, require_desktop, test_service};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Engine, EngineConfig, Keychain, Notifier, SystemClock};
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};
use switchboard_store::SessionFilter;

async fn engine_on(sandbox: &Sandbox, name: &str, dir: &std::path::Path) -> Arc<Engine> {
    Keychain::use_os_store().unwrap();
    let base: url::Url = sandbox.base_url().parse().unwrap();
    let config = EngineConfig {
        cache_path: dir.join("cache.sqlite3"),
        graph_base: base.clone(),
        poll_interval: Duration::from_secs(1),
        // The injected delays of 3 s become client time-outs.
        request_timeout: Duration::from_secs(1),
        agent: "maria".into(),
    };
    // Notifications are not what this test is about; a burst of 1,000 would only slow it.
    let engine =
        Engine::open(config, Keychain::new(test_service(name)), Notifier::disabled(), Arc::new(SystemClock))
            .await
            .unwrap();
    let page = switchboard_platforms::demo::demo_page(&base).await.unwrap();
    engine.connect_messenger_page(&page.page_id, &page.page_name, page.access_token).await.unwrap();
    engine.start().await.unwrap();
    engine
}

/// Every session's bodies, oldest first, keyed by the customer's id.
async fn stored(engine: &Engine) -> Vec<(String, Vec<String>)> {
    let page = engine.session_list(&SessionFilter::default(), None, 500).await.unwrap();
    let mut all = Vec::new();
    for session in page.sessions {
        let messages = engine.session_messages(session.id, None, 500).await.unwrap();
        all.push((session.contact_platform_id, messages.into_iter().map(|m| m.body).collect()));
    }
    all.sort();
    all
}

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
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_on(&sandbox, "resilience", dir.path()).await;

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
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_on(&sandbox, "backfill", dir.path()).await;
    eventually("the whole thread is stored", Duration::from_secs(20), || {
        let engine = engine.clone();
        async move { stored(&engine).await.first().is_some_and(|(_, bodies)| bodies.len() >= 60) }
    })
    .await;
    let (_, bodies) = stored(&engine).await.remove(0);
    let expected: Vec<String> = (0..60).map(|i| format!("backfill {i:02}")).collect();
    assert_eq!(bodies, expected, "all 60, once each, in order");
}
