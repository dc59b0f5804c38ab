//! Routing from the screens: an admin builds a two-level menu in Settings → Routing, a sandbox
//! customer picks "2", the session shows in that queue, the agent picks it up, transfers it, and
//! the other queue's agent (in solo mode, the same person) ends it with a disposition.

use serde_json::Value;
use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3301", "name": "Route Bikes" }],
  "personas": [{ "psid": "8301", "page": "3301", "first_name": "Dana", "last_name": "Menu" }]
}"#;

async fn sent_texts(base: &str) -> Vec<String> {
    let sent: Vec<Value> = reqwest::get(format!("{base}/_sandbox/sent"))
        .await
        .expect("the control API answers")
        .json()
        .await
        .expect("a JSON list");
    sent.iter().filter_map(|m| m["text"].as_str().map(str::to_owned)).collect()
}

async fn add_queue(app: &App, under: &str, name: &str) {
    let row = app.wait_for_text("[data-testid=queue-row]", under).await;
    let add = row.find(fantoccini::Locator::Css("[data-testid=queue-add]")).await.expect("each row adds");
    add.click().await.expect("+ Sub-queue clicks");
    app.find("[data-testid=queue-new-name]").await.send_keys(name).await.expect("the name types");
    app.find("[data-testid=queue-new-save]").await.click().await.expect("Add clicks");
    app.wait_for_text("[data-testid=queue-row]", name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_builds_a_menu_and_a_customer_is_routed_picked_up_transferred_and_ended() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let base = sandbox.base_url();
    let app = App::launch("routing", &base).await;
    let outcome = tokio::time::timeout(Duration::from_secs(180), async {
        // The agent takes a break: nothing is assigned by itself, they pick up by hand.
        app.find("[data-testid=presence]").await.select_by_value("break").await.unwrap();

        // The admin: Settings → Routing, two sub-queues under the channel's queue.
        app.find("[data-testid=open-channels]").await.click().await.unwrap();
        app.find("[data-testid=tab-routing]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=queue-row]", "Route Bikes").await;
        add_queue(&app, "Route Bikes", "Sales").await;
        add_queue(&app, "Route Bikes", "Support").await;
        // Support is new and nobody works it yet: "not ready" until the agent is added.
        app.wait_for_text("[data-testid=queue-row]", "not ready").await;
        app.find("[data-testid=queue-form] fieldset.members input[type=checkbox]")
            .await
            .click()
            .await
            .unwrap();
        app.find("[data-testid=queue-save]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=routing-saved]", "Queue saved").await;
        app.screenshot("1-routing-menu").await;
        // The rest of the screen, seen: opening hours and timers, then agents' capacity.
        app.eval("document.querySelector('[data-testid=schedule-zone]').scrollIntoView(); return true").await;
        app.screenshot("1b-schedule-timers").await;
        app.eval("document.querySelector('[data-testid=member-capacity]').scrollIntoView(); return true")
            .await;
        app.screenshot("1c-agents").await;
        app.client
            .execute(
                "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
                vec![],
            )
            .await
            .unwrap();

        // The customer writes, gets the menu, answers "2".
        sandbox.customer_writes("8301", "Hello?").unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !sent_texts(&base).await.iter().any(|t| t.contains("1 Sales\n2 Support")) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the menu went out: {:?}",
                sent_texts(&base).await
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        sandbox.customer_writes("8301", "2").unwrap();
        let row = app.wait_for_text("[data-testid=session-item]", "Support").await;
        app.screenshot("2-session-in-support").await;
        row.click().await.unwrap();
        app.wait_for_text("[data-testid=interaction-where]", "Waiting in Support").await;

        // Picked up, then transferred to Sales with a note.
        app.find("[data-testid=interaction-pick-up]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=interaction-where]", "With you · Support").await;
        app.find("[data-testid=interaction-transfer]").await.click().await.unwrap();
        let queue = app.find("[data-testid=transfer-queue]").await;
        let sales = app.wait_for_text("[data-testid=transfer-queue] option", "Sales").await;
        let value = sales.attr("value").await.unwrap().unwrap();
        queue.select_by_value(&value).await.unwrap();
        app.find("[data-testid=transfer-note]").await.send_keys("Wants a quote for two bikes").await.unwrap();
        app.screenshot("3-transfer").await;
        app.find("[data-testid=transfer-confirm]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=interaction-where]", "Waiting in Sales").await;

        // Sales' agent picks it up and ends it with a disposition.
        app.find("[data-testid=interaction-pick-up]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=interaction-where]", "With you · Sales").await;
        app.find("[data-testid=interaction-end]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=end-disposition] option", "Resolved").await;
        app.find("[data-testid=end-disposition]").await.select_by_value("Resolved").await.unwrap();
        app.find("[data-testid=end-confirm]").await.click().await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while app.eval("return document.querySelector('[data-testid=interaction-bar]') !== null").await
            == Value::Bool(true)
        {
            assert!(tokio::time::Instant::now() < deadline, "the interaction ended");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.screenshot("4-ended").await;
        let sent = sent_texts(&base).await;
        assert_eq!(
            sent.iter().filter(|t| t.starts_with("Reply with a number:")).count(),
            1,
            "one menu: {sent:?}"
        );
    })
    .await;
    app.close().await;
    outcome.expect("the routing flow finishes within 3 minutes");
}
