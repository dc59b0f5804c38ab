//! The desk's features in the real app against the sandbox: hostile text shown literally, a
//! canned response's bubbles sent in order, details, store and reopen, search opening at the
//! message, a first SMS to a number, and a draft that survives a restart.

// A failed step panics with the WebDriver's or the sandbox's own error, which says enough.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const HOSTILE: [&str; 7] = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=2\">",
    "<svg onload=\"window.__pwned=3\"></svg>",
    "<a href=\"javascript:window.__pwned=4\">click me</a>",
    "Supercalifragilisticexpialidocious-without-any-break-at-all-anywhere-in-it-whatsoever-0123456789-0123456789-0123456789",
    "\u{202E}gnp.exe",
    "zero\u{200B}width\u{200D}join",
];

fn script() -> Script {
    let messages: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, text)| serde_json::json!({"after_seconds": 0.2 + i as f64 * 0.05, "text": text}))
        .collect();
    let script = serde_json::json!({
        "pages": [{"id": "3401", "name": "Desk Bikes"}],
        "numbers": [{"number": "+14155550100", "name": "Desk SMS", "whatsapp": false}],
        "personas": [
            {"psid": "8401", "page": "3401", "first_name": "Mallory", "last_name": "<b>Bold</b>", "messages": messages},
            {"psid": "8402", "page": "3401", "first_name": "Ana", "last_name": "Lima",
             "messages": [{"after_seconds": 0.3, "text": "Is the blue cargo bike in stock?"}]}
        ]
    });
    Script::from_json(&script.to_string()).unwrap()
}

async fn sent_by_twilio(base: &str) -> Vec<Value> {
    reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_from_hostile_text_to_canned_bubbles_details_search_and_a_first_sms() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    let base = sandbox.base_url();
    let mut app = App::launch("desk-features", &base).await;
    let outcome = tokio::time::timeout(Duration::from_secs(240), async {
        // Hostile text: literal, nothing runs, the layout holds.
        // The list reorders as the scripted customers write: open_session clicks again if a row
        // took Mallory's place under the click (CI caught Ana's conversation opened instead).
        app.open_session("Mallory").await;
        app.wait_for_text("[data-testid=message]", "zero").await;
        let bodies = app.texts("[data-testid=message] .body").await.unwrap();
        for payload in HOSTILE {
            let shown = payload.replace(['\u{200B}', '\u{200D}'], "");
            assert!(
                bodies.iter().any(|b| b.replace(['\u{200B}', '\u{200D}'], "") == shown),
                "{payload:?} is shown literally: {bodies:?}"
            );
        }
        let injected = app
            .eval("return [document.querySelectorAll('.history img, .history script, .history svg, .history a').length, window.__pwned ?? null, document.querySelector('.history').scrollWidth <= document.querySelector('.history').clientWidth]")
            .await;
        assert_eq!(injected, serde_json::json!([0, null, true]), "no element made, nothing ran, no sideways scroll");
        app.screenshot("1-hostile").await;

        // An admin adds a canned response; the agent sends its bubbles.
        app.find("[data-testid=open-channels]").await.click().await.unwrap();
        app.find("[data-testid=tab-canned]").await.click().await.unwrap();
        app.find("[data-testid=canned-title]").await.send_keys("Stock").await.unwrap();
        app.find("[data-testid=canned-bubble]").await.send_keys("Hi {first_name}, {agent_name} here!").await.unwrap();
        app.find("[data-testid=canned-add-bubble]").await.click().await.unwrap();
        let bubbles = app.client.find_all(fantoccini::Locator::Css("[data-testid=canned-bubble]")).await.unwrap();
        bubbles[1].send_keys("It is in stock.").await.unwrap();
        app.find("[data-testid=canned-save]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=canned-row]", "Stock").await;
        app.screenshot("2-canned-settings").await;
        app.client.execute("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))", vec![]).await.unwrap();
        app.open_session("Ana Lima").await;
        app.wait_for_text("[data-testid=message]", "blue cargo bike").await;
        app.find("[data-testid=canned-open]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=canned-option]", "Stock").await.click().await.unwrap();
        app.wait_for_text("[data-testid=composer-send]", "Send 2").await;
        app.screenshot("3-canned-bubbles").await;
        app.find("[data-testid=composer-send]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "It is in stock.").await;
        let sent: Vec<Value> = reqwest::get(format!("{base}/_sandbox/sent")).await.unwrap().json().await.unwrap();
        let texts: Vec<&str> = sent.iter().filter_map(|m| m["text"].as_str()).collect();
        let [.., first, second] = texts.as_slice() else { panic!("two bubbles were sent: {texts:?}") };
        assert!(first.starts_with("Hi Ana, ") && first.ends_with(" here!"), "the first bubble first: {texts:?}");
        assert_eq!(*second, "It is in stock.");

        // Details: a name by hand and a reference, shown in the list.
        app.find("[data-testid=details-toggle]").await.click().await.unwrap();
        app.find("[data-testid=details-first]").await.clear().await.unwrap();
        app.find("[data-testid=details-first]").await.send_keys("Ana Maria").await.unwrap();
        app.find("[data-testid=details-reference]").await.send_keys("ORD-4821").await.unwrap();
        app.find("[data-testid=details-save]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=contact-name]", "Ana Maria").await;
        app.find("[data-testid=note-input]").await.send_keys("Wants the blue one").await.unwrap();
        app.find("[data-testid=note-add]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=note]", "Wants the blue one").await;
        app.screenshot("4-details").await;

        // Store, find it among stored sessions, reopen.
        app.find("[data-testid=session-store]").await.click().await.unwrap();
        app.find("[data-testid=session-reopen]").await;
        app.find("[data-testid=filter-state]").await.select_by_value("stored").await.unwrap();
        app.wait_for_text("[data-testid=session-item]", "Ana Maria").await;
        assert_eq!(app.texts("[data-testid=contact-name]").await.unwrap().len(), 1, "only the stored one");
        app.find("[data-testid=session-reopen]").await.click().await.unwrap();
        app.find("[data-testid=session-store]").await;
        app.find("[data-testid=filter-state]").await.select_by_value("").await.unwrap();

        // Search opens the session at the matching message.
        app.find("[data-testid=search-open]").await.click().await.unwrap();
        app.find("[data-testid=search-text]").await.send_keys("cargo").await.unwrap();
        app.find("[data-testid=search-run]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=search-hit]", "cargo").await;
        app.screenshot("5-search").await;
        app.find("[data-testid=search-hit]").await.click().await.unwrap();
        app.wait_for_text(".message.highlight", "blue cargo bike").await;

        // A first SMS to a number, and a refused one.
        app.find("[data-testid=new-message-open]").await.click().await.unwrap();
        app.find("[data-testid=new-number]").await.send_keys("12").await.unwrap();
        app.find("[data-testid=new-text]").await.send_keys("Your bike is ready").await.unwrap();
        app.find("[data-testid=new-send]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=new-error]", "12").await;
        app.screenshot("6-new-refused").await;
        app.find("[data-testid=new-number]").await.clear().await.unwrap();
        app.find("[data-testid=new-number]").await.send_keys("+1 415 555 7788").await.unwrap();
        app.find("[data-testid=new-send]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=conversation-title]", "+14155557788").await;
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "Your bike is ready").await;
        let sms = sent_by_twilio(&base).await;
        assert_eq!(sms.iter().filter(|m| m["to"] == "+14155557788").count(), 1, "{sms:?}");

        // A draft survives a restart.
        app.open_session("Mallory").await;
        app.wait_for_text("[data-testid=conversation-title]", "Mallory").await;
        app.find("[data-testid=composer-input]").await.send_keys("Half-written answer").await.unwrap();
        // The draft is saved 0.4 s after typing stops: wait until the core has it.
        let saved = "return window.__TAURI_INTERNALS__.invoke('session_list', { filter: {}, after: null, limit: 50 })
                       .then((page) => page.sessions.some((s) => (s.draft ?? []).includes('Half-written answer')))";
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while app.eval(saved).await != Value::Bool(true) {
            assert!(std::time::Instant::now() < deadline, "the draft was not saved within 10 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    if let Err(elapsed) = outcome {
        app.screenshot("timeout").await;
        app.close().await;
        panic!("the flow did not finish within 240 s: {elapsed}");
    }
    app = app.restart(&base).await;
    let restarted = tokio::time::timeout(Duration::from_secs(120), async {
        app.wait_for_text("[data-testid=session-item]", "Draft: Half-written answer")
            .await
            .click()
            .await
            .unwrap();
        let input = app.find("[data-testid=composer-input]").await;
        assert_eq!(input.prop("value").await.unwrap().as_deref(), Some("Half-written answer"));
        app.screenshot("7-draft-after-restart").await;
    })
    .await;
    app.close().await;
    restarted.expect("the draft is back within 120 s");
}

/// A WhatsApp customer who wrote 25 hours ago: the reply box says the window closed and offers
/// the account's approved templates; the one chosen goes out once, its variables filled in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_whatsapp_window_offers_the_approved_templates() {
    require_desktop();
    let script = serde_json::json!({
        "pages": [{"id": "3601", "name": "Shop Page"}],
        "numbers": [{"number": "+14155550100", "name": "Shop WhatsApp", "whatsapp": true}],
        "templates": [
            {"sid": "HX00000000000000000000000000000021", "name": "order_ready", "body": "Hi {{1}}, order {{2}} is ready."},
            {"sid": "HX00000000000000000000000000000022", "name": "not_yet", "body": "Pending review", "approved": false}
        ],
        "personas": [{"phone": "+14155550166", "number": "+14155550100", "whatsapp": true,
                      "first_name": "Lukas", "last_name": "Becker"}]
    });
    let sandbox = Sandbox::start(Script::from_json(&script.to_string()).unwrap()).await.unwrap();
    let base = sandbox.base_url();
    let wrote = reqwest::Client::new()
        .post(format!("{base}/_sandbox/customers/whatsapp:+14155550166/messages"))
        .json(&serde_json::json!({"text": "Is my order ready?", "hours_ago": 25}))
        .send()
        .await
        .unwrap();
    assert!(wrote.status().is_success());
    let app = App::launch("desk-template", &base).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        // Twilio gives no names: the session is the number.
        app.open_session("+14155550166").await;
        app.wait_for_text("[data-testid=window-indicator]", "Window closed").await;
        assert!(app.texts("[data-testid=composer-input]").await.unwrap().is_empty(), "no free text box");
        let select = app.find("[data-testid=template-select]").await;
        app.wait_for_text("[data-testid=template-select] option", "order_ready").await;
        let options = app.texts("[data-testid=template-select] option").await.unwrap();
        assert!(!options.iter().any(|o| o.contains("not_yet")), "only approved templates: {options:?}");
        select.select_by_value("HX00000000000000000000000000000021").await.unwrap();
        let variables =
            app.client.find_all(fantoccini::Locator::Css("[data-testid=template-variable]")).await.unwrap();
        assert_eq!(variables.len(), 2);
        variables[0].send_keys("Lukas").await.unwrap();
        variables[1].send_keys("4821").await.unwrap();
        app.wait_for_text("[data-testid=template-preview]", "Hi Lukas, order 4821 is ready.").await;
        app.screenshot("1-template-picker").await;
        app.find("[data-testid=template-send]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "Hi Lukas, order 4821 is ready.")
            .await;
        let sent = sent_by_twilio(&base).await;
        let bodies: Vec<&str> = sent.iter().filter_map(|m| m["body"].as_str()).collect();
        assert_eq!(bodies, ["Hi Lukas, order 4821 is ready."], "sent once, filled in");
        app.screenshot("2-template-sent").await;
    })
    .await;
    if outcome.is_err() {
        app.screenshot("timeout").await;
    }
    app.close().await;
    outcome.expect("the template flow finishes within 120 s");
}
