//! Accessibility, checked in the real webview: axe-core on every screen an agent or admin uses
//! (the desk, a conversation, the composer's pickers, settings and the screen that opens the
//! login popup), in the light and the dark theme; and the keyboard reaches every control, each
//! showing a visible focus ring.

use serde_json::Value;
use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

/// axe-core, from the UI's npm packages (`make test` installs them before building tests).
const AXE: &str = include_str!("../../ui/node_modules/axe-core/axe.min.js");

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3701", "name": "Access Bikes" }],
  "personas": [
    { "psid": "8701", "page": "3701", "first_name": "Ana", "last_name": "Lima",
      "messages": [{ "after_seconds": 0.3, "text": "Hello! Is https://velo.example/t/1 my order?" }] },
    { "psid": "8702", "page": "3701", "first_name": "Bruno", "last_name": "Costa",
      "messages": [{ "after_seconds": 0.3, "text": "Hi there" }] }
  ]
}"#;

/// The serious and critical violations axe finds on the page as it is (WCAG 2.1 A and AA).
async fn violations(app: &App) -> Vec<String> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
          .then((result) => done(result.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${n.failureSummary}`))))
          .catch((error) => done([`axe failed: ${error}`]));
    "#;
    let found = app.client.execute_async(script, vec![]).await.expect("axe runs in the page");
    found
        .as_array()
        .map(|list| list.iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

/// Runs axe in both themes; answers what it found, labelled with the screen and theme.
async fn check(app: &App, screen: &str, found: &mut Vec<String>) {
    for theme in ["light", "dark"] {
        // Styles are recomputed synchronously (the stylesheet has no transitions), so axe reads
        // the new colours at once.
        app.eval(&format!("document.documentElement.dataset.theme = '{theme}'; return true")).await;
        for violation in violations(app).await {
            found.push(format!("[{screen}, {theme}] {violation}"));
        }
        app.screenshot(&format!("{screen}-{theme}")).await;
    }
    app.eval("delete document.documentElement.dataset.theme; return true").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_passes_axe_in_light_and_dark() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let app = App::launch("a11y", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(240), async {
        app.eval(&format!("{AXE}; return typeof axe")).await;
        let mut found = Vec::new();
        app.wait_for_text("[data-testid=session-item]", "Bruno Costa").await;
        check(&app, "desk", &mut found).await;

        app.open_session("Ana Lima").await;
        app.wait_for_text("[data-testid=message]", "Is https://velo.example/t/1").await;
        check(&app, "conversation", &mut found).await;
        // The interaction's actions: the transfer and end panels.
        app.find("[data-testid=interaction-transfer]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=transfer-queue] option", "Access Bikes").await;
        check(&app, "transfer-panel", &mut found).await;
        app.find("[data-testid=interaction-end]").await.click().await.unwrap();
        app.find("[data-testid=end-disposition]").await;
        check(&app, "end-panel", &mut found).await;
        app.find("[data-testid=interaction-end]").await.click().await.unwrap();

        app.find("[data-testid=canned-open]").await.click().await.unwrap();
        check(&app, "canned-picker", &mut found).await;
        app.find("[data-testid=canned-open]").await.click().await.unwrap();
        app.find("[data-testid=emoji-open]").await.click().await.unwrap();
        app.find(".emoji-grid button").await;
        check(&app, "emoji-picker", &mut found).await;
        app.find("[data-testid=emoji-open]").await.click().await.unwrap();

        app.find("[data-testid=open-channels]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=channel-row]", "Access Bikes").await;
        check(&app, "settings-channels-login-host", &mut found).await;
        app.find("[data-testid=tab-routing]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=queue-row]", "Access Bikes").await;
        app.find("[data-testid=queue-select]").await.click().await.unwrap();
        app.find("[data-testid=queue-form]").await;
        check(&app, "settings-routing", &mut found).await;
        app.find("[data-testid=tab-canned]").await.click().await.unwrap();
        check(&app, "settings-canned", &mut found).await;
        app.find("[data-testid=tab-team]").await.click().await.unwrap();
        app.find("[data-testid=team-setup]").await;
        check(&app, "settings-team", &mut found).await;
        app.find("[data-testid=tab-desktop]").await.click().await.unwrap();
        app.find("[data-testid=autostart]").await;
        check(&app, "settings-desktop", &mut found).await;
        assert!(found.is_empty(), "serious or critical accessibility violations:\n{}", found.join("\n"));
    })
    .await;
    app.close().await;
    outcome.expect("the checks finish within 240 s");
}

/// What has the focus: a label for it, and whether a focus ring is drawn.
const FOCUSED: &str = r#"
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== "none";
    const name = e.dataset.testid || e.getAttribute("aria-label") || e.title || e.textContent.trim().slice(0, 30) || e.tagName;
    return { key: e.tagName + ":" + name, ring };
"#;

/// Every enabled control on screen, as FOCUSED names them.
const CONTROLS: &str = r#"
    const visible = (e) => e.offsetParent !== null && !e.closest("[inert]");
    return [...document.querySelectorAll("button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), a[href]")]
      .filter(visible)
      .filter((e) => getComputedStyle(e).visibility !== "hidden")
      .map((e) => e.tagName + ":" + (e.dataset.testid || e.getAttribute("aria-label") || e.title || e.textContent.trim().slice(0, 30) || e.tagName));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_reaches_every_control_with_a_visible_focus_ring() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let app = App::launch("keyboard", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        app.open_session("Ana Lima").await;
        app.wait_for_text("[data-testid=message]", "Is https://velo.example/t/1").await;
        let controls: Vec<String> = serde_json::from_value(app.eval(CONTROLS).await).unwrap();
        assert!(controls.len() > 10, "the conversation screen has its controls: {controls:?}");
        app.eval("document.activeElement && document.activeElement.blur(); return true").await;

        let mut reached = Vec::new();
        let mut without_ring = Vec::new();
        for _ in 0..(controls.len() * 2 + 10) {
            app.client.active_element().await.unwrap().send_keys("\u{E004}").await.unwrap();
            let Value::Object(focused) = app.eval(FOCUSED).await else { continue };
            let key = focused["key"].as_str().unwrap_or_default().to_owned();
            if focused["ring"] != Value::Bool(true) {
                without_ring.push(key.clone());
            }
            if reached.contains(&key) && reached.len() >= controls.len() {
                break;
            }
            reached.push(key);
        }
        app.screenshot("focus").await;
        let missed: Vec<&String> = controls.iter().filter(|c| !reached.contains(c)).collect();
        assert!(missed.is_empty(), "Tab reaches every control; missed {missed:?} (reached {reached:?})");
        assert!(
            without_ring.is_empty(),
            "every focused control shows a ring; these do not: {without_ring:?}"
        );

        // Operable: Enter on a focused button does what a click does.
        app.eval("document.querySelector('[data-testid=details-toggle]').focus(); return true").await;
        app.client.active_element().await.unwrap().send_keys("\u{E007}").await.unwrap();
        let pressed = app
            .eval(
                "return document.querySelector('[data-testid=details-toggle]').getAttribute('aria-pressed')",
            )
            .await;
        assert_eq!(pressed, Value::String("true".into()), "Enter opens the details panel");
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 120 s");
}
