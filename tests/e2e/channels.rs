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
    let app = App::launch("channels-connect", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        app.find("[data-testid=open-channels]").await.click().await.expect("Channels opens");
        app.wait_for_text("[data-testid=channel-row]", "E2E Bikes").await;
        app.screenshot("1-channels").await;
        let main = app.client.window().await.expect("the main window's handle");
        app.wait_for_text("button", "Connect Facebook page").await.click().await.expect("the popup opens");

        // The popup is its own window, on the dialog.
        let popup = {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            loop {
                let handles = app.client.windows().await.expect("window handles");
                if let Some(popup) = handles.into_iter().find(|h| *h != main) {
                    break popup;
                }
                assert!(tokio::time::Instant::now() < deadline, "no popup window appeared");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        };
        app.client.switch_to_window(popup).await.expect("switch to the popup");
        app.wait_for_text("h1", "would like to access your pages").await;
        app.screenshot("2-popup").await;
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
        app.find("#continue").await.click().await.expect("continue");

        app.client.switch_to_window(main).await.expect("back to the main window");
        let picker = app.wait_for_text("[data-testid=page-picker]", "E2E Outlet").await;
        let text = picker.text().await.unwrap_or_default();
        assert!(text.contains("MESSAGING"), "the page without messaging says why: {text}");
        app.screenshot("3-picker").await;
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 120 s");
}
