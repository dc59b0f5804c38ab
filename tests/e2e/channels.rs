use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3101", "name": "E2E Bikes" }, { "id": "3102", "name": "E2E Outlet", "tasks": ["ANALYZE"] }]
}"#;

/// Connect through the popup: the admin signs in on Facebook's dialog in its own window, which
/// can call no command; the main window then shows the pages to choose from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_connects_a_page_through_the_login_popup() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    // A third page, to connect through the popup; its token is what must stay in the keychain.
    let rentals: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/_sandbox/pages", sandbox.base_url()))
        .json(&serde_json::json!({ "id": "3103", "name": "E2E Rentals" }))
        .send()
        .await
        .expect("the control API answers")
        .json()
        .await
        .expect("JSON");
    let rentals_token = rentals["access_token"].as_str().expect("the new page's token").to_owned();
    let app = App::launch("channels-connect", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(240), async {
        app.find("[data-testid=open-channels]").await.click().await.expect("Channels opens");
        app.wait_for_text("[data-testid=channel-row]", "E2E Bikes").await;
        app.screenshot("1-channels").await;
        // Cancel: a clear message, nothing stored.
        let main = open_popup(&app, "Connect Facebook page").await;
        answer_popup(&app, "#cancel", &main).await;
        app.wait_for_text("[data-testid=channels-error]", "Facebook login was cancelled").await;

        // Decline pages_messaging: the picker explains what that costs, and offers to ask again.
        open_popup(&app, "Connect Facebook page").await;
        app.find("input[name=grant][value=pages_messaging]").await.click().await.expect("decline");
        answer_popup(&app, "#continue", &main).await;
        app.wait_for_text("[data-testid=page-picker]", "You declined pages_messaging").await;
        app.screenshot("2-declined").await;

        // Grant again (auth_type=rerequest) — and check, from the popup, that it can call nothing.
        let main = open_popup(&app, "Grant again").await;
        app.wait_for_text("h1", "would like to access your pages").await;
        app.screenshot("3-popup").await;
        // The popup can call no command: it tries the app's own and a core one, and is refused.
        for command in ["channel_list", "facebook_connect_pages", "plugin:event|listen"] {
            let script = format!(
                "const done = arguments[arguments.length - 1];
                 const ipc = window.__TAURI_INTERNALS__;
                 if (!ipc) {{ done('refused: no IPC'); return; }}
                 ipc.invoke('{command}', {{ pageIds: [], event: 'x', target: {{ kind: 'Any' }}, handler: 0 }})
                    .then((r) => done('allowed: ' + JSON.stringify(r)), (e) => done('refused: ' + String(e)));"
            );
            let answer = app.client.execute_async(&script, vec![]).await.expect("a script runs in the popup");
            let answer = answer.as_str().unwrap_or_default().to_owned();
            assert!(answer.starts_with("refused"), "the popup called {command}: {answer}");
            eprintln!("popup → {command}: {answer}");
        }
        answer_popup(&app, "#continue", &main).await;

        let picker = app.wait_for_text("[data-testid=page-picker]", "E2E Outlet").await;
        let text = picker.text().await.unwrap_or_default();
        assert!(text.contains("MESSAGING"), "the page without messaging says why: {text}");
        assert!(!text.contains("You declined"), "everything is granted now: {text}");
        app.screenshot("4-picker").await;
        assert!(text.contains("connected: renews its connection"), "asked again, a connected page renews: {text}");
        // E2E Rentals is offered, and chosen already.
        app.wait_for_text("button", "Connect selected pages").await.click().await.expect("connect");
        app.wait_for_text("[role=status]", "Connected: E2E Rentals").await;
        app.wait_for_text("[data-testid=channel-row]", "E2E Rentals").await;
        app.screenshot("5-connected").await;

        // Page tokens are in the keychain only: not in the cache, the logs, or the window.
        let demo: serde_json::Value = reqwest::get(format!("{}/_sandbox/demo", sandbox.base_url()))
            .await
            .expect("the control API answers")
            .json()
            .await
            .expect("JSON");
        let demo_token = demo["access_token"].as_str().expect("the page token").to_owned();
        let html = app.client.source().await.expect("the window's HTML");
        let files = walk(app.data_dir());
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        assert!(
            names.iter().any(|n| n.ends_with("cache.sqlite3")) && names.iter().any(|n| n.contains("switchboard.log")),
            "the cache and the log are among the files scanned: {names:?}"
        );
        for token in [&demo_token, &rentals_token] {
            assert!(!html.contains(token.as_str()), "a token reached the window");
            for entry in &files {
                let bytes = std::fs::read(entry).expect("a readable file");
                assert!(!contains(&bytes, token.as_bytes()), "a token is in {}", entry.display());
            }
        }
        demo_token
    })
    .await;
    if outcome.is_err() {
        app.screenshot("timeout").await;
    }
    let data = app.into_data().await;
    let demo_token = outcome.expect("the flow finishes within its time");

    // The cache file is encrypted, so its bytes could never show a token: read every value it
    // holds, decrypted with its key from the keychain, and look there too.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !switchboard_e2e::app_processes(data.path()).is_empty() {
        assert!(std::time::Instant::now() < deadline, "the app did not quit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let folder = data.path().join("demo");
    switchboard_engine::Keychain::use_os_store().unwrap();
    let keychain = switchboard_engine::Keychain::new(format!("switchboard-demo:{}", folder.display()));
    let key = keychain.get(switchboard_engine::CACHE_KEY_ENTRY).await.unwrap().expect("the cache's key");
    let key = switchboard_store::CacheKey::from_secret(key).unwrap();
    let store = switchboard_store::Store::open(&folder.join("cache.sqlite3"), &key).await.unwrap();
    let values = store.dump_values().await.unwrap();
    assert!(values.iter().any(|v| contains(v, b"E2E Rentals")), "the dump holds the channels");
    for token in [&demo_token, &rentals_token] {
        assert!(!values.iter().any(|v| contains(v, token.as_bytes())), "a token is in the decrypted cache");
    }
}

/// Clicks a button of the login dialog and goes back to `main`. Its answer makes the shell close
/// the popup, and a WebDriver click whose window closes under it may never be answered (CI hung
/// there): the click is made by a script that returns first, so no command is in flight while the
/// window goes away, and the test waits until the popup is gone before using `main` again.
async fn answer_popup(app: &App, css: &str, main: &fantoccini::wd::WindowHandle) {
    app.find(css).await;
    let script = format!("setTimeout(() => document.querySelector({css:?}).click(), 50); return true;");
    step(app, &format!("click {css} in the popup"), app.client.execute(&script, vec![]))
        .await
        .expect("a script runs");
    step(app, "back to the main window", app.client.switch_to_window(main.clone()))
        .await
        .expect("back to the main window");
    wait_for_one_window(app).await;
}

/// One WebDriver call, given its own time: a call that never returns fails the test naming the
/// call, with a screenshot, instead of using up the whole flow's time.
async fn step<T>(app: &App, what: &str, call: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(Duration::from_secs(30), call).await {
        Ok(answer) => answer,
        Err(_) => {
            app.screenshot(&format!("hung-{}", what.replace(|c: char| !c.is_alphanumeric(), "-"))).await;
            panic!("the WebDriver call '{what}' did not return within 30 s");
        }
    }
}

/// Waits until only the main window is left (a popup that answered is closing).
async fn wait_for_one_window(app: &App) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while step(app, "list the windows", app.client.windows()).await.expect("window handles").len() > 1 {
        assert!(tokio::time::Instant::now() < deadline, "the popup never closed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the button labelled `button` in the main window, waits for the login popup and
/// switches to it; answers the main window's handle.
async fn open_popup(app: &App, button: &str) -> fantoccini::wd::WindowHandle {
    open_popup_from(app, "button", button).await
}

/// The same, for the `css` element with text `text`.
async fn open_popup_from(app: &App, css: &str, text: &str) -> fantoccini::wd::WindowHandle {
    let main =
        step(app, "the main window's handle", app.client.window()).await.expect("the main window's handle");
    // A popup that just answered may still be closing: switching to a window on its way out hangs.
    wait_for_one_window(app).await;
    let opener = app.wait_for_text(css, text).await;
    step(app, &format!("click {text}"), opener.click()).await.expect("the popup opens");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let popup = loop {
        let handles = step(app, "list the windows", app.client.windows()).await.expect("window handles");
        if let Some(popup) = handles.into_iter().find(|h| *h != main) {
            break popup;
        }
        assert!(tokio::time::Instant::now() < deadline, "no popup window appeared");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    step(app, "switch to the popup", app.client.switch_to_window(popup)).await.expect("switch to the popup");
    app.wait_for_text("h1", "Switchboard").await;
    main
}

fn walk(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).expect("a readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

const EXPIRING: &str = r#"{
  "pages": [{ "id": "3201", "name": "E2E Expiring" }],
  "personas": [{ "psid": "8201", "page": "3201", "first_name": "Mei", "last_name": "Chen",
                 "messages": [{ "after_seconds": 0.5, "text": "Are you open on Sunday?" }] }]
}"#;

/// A token revoked mid-run: the desk says so at once, a reply typed meanwhile waits; the admin
/// reauthorizes through the popup and the waiting reply goes out exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_page_is_reauthorized_and_the_waiting_reply_goes_out_once() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(EXPIRING).unwrap()).await.unwrap();
    let base = sandbox.base_url();
    let app = App::launch("channels-reauthorize", &base).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        app.open_session("Mei Chen").await;
        app.wait_for_text("[data-testid=message]", "Are you open on Sunday?").await;

        let revoked = reqwest::Client::new()
            .post(format!("{base}/_sandbox/pages/3201/revoke"))
            .json(&serde_json::json!({ "subcode": 460 }))
            .send()
            .await
            .expect("the control API answers");
        assert!(revoked.status().is_success());
        app.wait_for_text("[data-testid=desk-expired-banner]", "Connection expired: E2E Expiring").await;
        app.wait_for_text("[data-testid=channel-note]", "replies wait").await;
        // …and the admin got a native notification (seen on the session bus).
        let log_path = std::env::var("SWITCHBOARD_NOTIFICATION_LOG").expect("the desktop session's log");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .contains("Connection expired: E2E Expiring")
        {
            assert!(tokio::time::Instant::now() < deadline, "no notification of the expiry on D-Bus");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let input = app.find("[data-testid=composer-input]").await;
        input.send_keys("Yes, 10:00 to 16:00!").await.expect("typing works");
        app.find("[data-testid=composer-send]").await.click().await.expect("send");
        app.wait_for_text("[data-testid=message][data-delivery=pending]", "Yes, 10:00 to 16:00!").await;
        app.screenshot("1-expired-reply-waits").await;
        // The app does not even try: a try would be refused, and only this count would show it.
        let requests: serde_json::Value =
            reqwest::get(format!("{base}/_sandbox/requests")).await.unwrap().json().await.unwrap();
        assert!(requests.get("send").is_none(), "a send was tried on an expired channel: {requests}");
        assert!(sent(&base).await.is_empty());

        app.wait_for_text("[data-testid=desk-expired-banner] button", "Reauthorize")
            .await
            .click()
            .await
            .expect("to Channels");
        app.wait_for_text("[data-testid=channel-state]", "Connection expired").await;
        let main = open_popup_from(&app, "[data-testid=channel-row] button", "Reauthorize").await;
        answer_popup(&app, "#continue", &main).await;
        app.wait_for_text("[data-testid=page-picker]", "E2E Expiring").await;
        app.wait_for_text("button", "Connect selected pages").await.click().await.expect("reconnect");
        app.wait_for_text("[data-testid=channel-state]", "Connected").await;
        app.screenshot("2-reauthorized").await;

        // The waiting reply goes out, once: marked sent, it has left the outbox for good.
        app.wait_for_text("button", "Back to inbox").await.click().await.expect("back to the inbox");
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "Yes, 10:00 to 16:00!").await;
        let out = sent(&base).await;
        assert_eq!(out.len(), 1, "exactly once: {out:?}");
        assert_eq!(out[0]["text"], "Yes, 10:00 to 16:00!");
    })
    .await;
    if outcome.is_err() {
        app.screenshot("timeout").await;
    }
    app.close().await;
    outcome.expect("the flow finishes within its time");
}

async fn sent(base: &str) -> Vec<serde_json::Value> {
    reqwest::get(format!("{base}/_sandbox/sent")).await.expect("the control API").json().await.expect("JSON")
}

const TWILIO: &str = r#"{
  "pages": [{ "id": "3301", "name": "E2E Shop" }],
  "numbers": [{ "number": "+14155550100", "name": "E2E line", "whatsapp": true }],
  "personas": [{ "phone": "+14155550111", "number": "+14155550100", "first_name": "Grace", "last_name": "Okafor",
                 "messages": [{ "after_seconds": 0.5, "text": "Can I book Saturday?" }] }]
}"#;

/// Twilio credentials are checked by a real call (wrong ones refused with the reason), the
/// account's number is connected for SMS and WhatsApp; a disconnected channel keeps its
/// sessions, whose reply box says it is disconnected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_connects_twilio_and_disconnects_a_channel_keeping_its_history() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(TWILIO).unwrap()).await.unwrap();
    let (sid, token) = sandbox.twilio_credentials();
    let app = App::launch("channels-twilio", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        app.wait_for_text("[data-testid=session-item]", "Can I book Saturday?").await;
        app.find("[data-testid=open-channels]").await.click().await.expect("Channels opens");
        let sid_input = app.find("form[aria-label=Twilio] input:not([type=password])").await;
        let token_input = app.find("form[aria-label=Twilio] input[type=password]").await;
        sid_input.send_keys("AC00000000000000000000000000000000").await.expect("typing");
        token_input.send_keys(&token).await.expect("typing");
        app.wait_for_text("button", "Find numbers").await.click().await.expect("find");
        app.wait_for_text("[data-testid=channels-error]", "20003").await;
        app.screenshot("1-wrong-credentials").await;

        sid_input.clear().await.expect("clear");
        sid_input.send_keys(&sid).await.expect("typing");
        app.wait_for_text("button", "Find numbers").await.click().await.expect("find");
        app.wait_for_text("[data-testid=number-picker]", "+14155550100").await;
        app.wait_for_text("label.page-choice", "WhatsApp sender").await.click().await.expect("WhatsApp too");
        app.wait_for_text("button", "Connect number").await.click().await.expect("connect");
        app.wait_for_text("[role=status]", "Connected +14155550100 (SMS, WhatsApp)").await;
        app.screenshot("2-connected").await;

        let sms = app.wait_for_text("[data-testid=channel-row]", "SMS").await;
        sms.find(fantoccini::Locator::Css("button.danger"))
            .await
            .expect("Disconnect")
            .click()
            .await
            .expect("ask");
        app.wait_for_text(".confirm", "History stays").await;
        app.find(".confirm button.danger").await.click().await.expect("confirm");
        app.wait_for_text("[data-testid=channel-row]", "Disconnected").await;
        app.screenshot("3-disconnected").await;

        app.wait_for_text("button", "Back to inbox").await.click().await.expect("back");
        app.wait_for_text("[data-testid=session-item]", "Can I book Saturday?")
            .await
            .click()
            .await
            .expect("open");
        app.wait_for_text("[data-testid=message]", "Can I book Saturday?").await;
        app.wait_for_text("[data-testid=channel-note]", "Channel disconnected").await;
        app.screenshot("4-history-kept").await;

        // The auth token went to the keychain only: not the cache, the log, or the window.
        let html = app.client.source().await.expect("the window's HTML");
        assert!(!html.contains(&token), "the auth token reached the window");
        for entry in walk(app.data_dir()) {
            let bytes = std::fs::read(&entry).expect("a readable file");
            assert!(!contains(&bytes, token.as_bytes()), "the auth token is in {}", entry.display());
        }
    })
    .await;
    if outcome.is_err() {
        app.screenshot("timeout").await;
    }
    app.close().await;
    outcome.expect("the flow finishes within its time");
}
