//! Polling through faults: every message stored exactly once, in order within each session.

use crate::{Options, eventually, require_desktop, running, stored};
use serde_json::json;
use std::time::Duration;
use switchboard_sandbox::{Endpoint, Fault, FaultRule, Sandbox, Script};

/// Notifications are not what these tests are about; a burst of 1,000 would only slow them.
/// The injected delays of 3 s become client time-outs at 1 s.
const OPTIONS: Options = Options {
    poll: Duration::from_secs(1),
    request_timeout: Duration::from_secs(1),
    quiet: true,
    health: Duration::from_secs(4 * 3600),
    sandbox_clock: false,
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
