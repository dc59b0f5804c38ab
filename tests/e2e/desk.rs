use serde_json::Value;
use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3001", "name": "E2E Bikes" }],
  "personas": [{ "psid": "8001", "page": "3001", "first_name": "Ana", "last_name": "Lima",
                 "messages": [{ "after_seconds": 0.5, "text": "Where is my order #4821?" }] }]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_answers_a_customer_from_the_desk() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let app = App::launch("desk-reply", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        let session = app.wait_for_text("[data-testid=session-item]", "Ana Lima").await;
        app.screenshot("1-session-listed").await;
        session.click().await.expect("the session opens");
        app.wait_for_text("[data-testid=message]", "Where is my order #4821?").await;
        app.wait_for_text("[data-testid=conversation-title]", "Ana Lima").await;

        let input = app.find("[data-testid=composer-input]").await;
        input.send_keys("It ships today, Ana!").await.expect("typing works");
        app.find("[data-testid=composer-send]").await.click().await.expect("send is clickable");
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "It ships today, Ana!").await;
        app.screenshot("2-reply-sent").await;

        // What the page really sent, read through the sandbox's control API.
        let sent: Vec<Value> = reqwest::get(format!("{}/_sandbox/sent", sandbox.base_url()))
            .await
            .expect("the control API answers")
            .json()
            .await
            .expect("a JSON list");
        assert_eq!(sent.len(), 1, "exactly one message was sent: {sent:?}");
        assert_eq!(sent[0]["recipient_id"], "8001", "to the customer who wrote");
        assert_eq!(sent[0]["page_id"], "3001", "from the demo page");
        assert_eq!(sent[0]["text"], "It ships today, Ana!", "exactly what the agent typed");
        let input_value = input.prop("value").await.expect("the composer's value");
        assert_eq!(input_value.as_deref(), Some(""), "the composer is cleared after sending");
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 120 s");
}
