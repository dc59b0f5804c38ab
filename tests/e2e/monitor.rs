//! The supervisor's monitor: opened from the desk in its own window, it shows a waiting
//! customer and then their answer, and each window can call only its own commands.

use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3601", "name": "Watch Bikes" }],
  "personas": [{ "psid": "8601", "page": "3601", "first_name": "Wes", "last_name": "Waiting" }]
}"#;

/// Calls a command from the current window; answers "allowed" or the refusal.
async fn call(app: &App, command: &str) -> String {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('{command}', {{ sessionId: 1, bubbles: ['x'], tag: null, channelId: 1 }})
           .then(() => done('allowed'), (e) => done('refused: ' + (e && e.message ? e.message : String(e))));"
    );
    let answer = app.client.execute_async(&script, vec![]).await.expect("a script runs");
    answer.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_watches_a_customer_wait_and_be_answered_in_a_window_that_can_only_read() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let app = App::launch("monitor", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(150), async {
        app.find("[data-testid=presence]").await.select_by_value("break").await.unwrap();
        // The supervisor sets the queue's limit in Settings → Alerts: a wait over 2 s.
        app.find("[data-testid=open-channels]").await.click().await.unwrap();
        app.find("[data-testid=tab-alerts]").await.click().await.unwrap();
        let limits = app.wait_for_text("[data-testid=alert-limits]", "Watch Bikes").await;
        let wait = limits.find(fantoccini::Locator::Css("input[name=longest_wait_above]")).await.unwrap();
        wait.send_keys("2").await.unwrap();
        limits
            .find(fantoccini::Locator::Css("[data-testid=alert-limits-save]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        app.wait_for_text("[data-testid=alert-limits] [role=status]", "Limits saved").await;
        app.screenshot("0-alert-limits").await;
        app.client
            .execute(
                "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))",
                vec![],
            )
            .await
            .unwrap();
        sandbox.customer_writes("8601", "Anyone there?").unwrap();
        app.wait_for_text(".session-list", "Wes Waiting").await;

        let main = app.client.window().await.unwrap();
        app.find("[data-testid=open-monitor]").await.click().await.expect("the monitor opens");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let monitor = loop {
            let handles = app.client.windows().await.unwrap();
            if let Some(monitor) = handles.into_iter().find(|h| *h != main) {
                break monitor;
            }
            assert!(tokio::time::Instant::now() < deadline, "no monitor window appeared");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        app.client.switch_to_window(monitor.clone()).await.unwrap();
        app.wait_for_text("h1", "Monitor").await;
        app.wait_for_text(".waiting-list li", "Wes Waiting").await;
        let queues = app.wait_for_text("table.board", "Watch Bikes").await;
        let text = queues.text().await.unwrap();
        assert!(text.contains("Service level today"), "{text}");
        app.find(".chart-host canvas").await; // the day's chart is drawn
        // Past the limit: the banner, and one native notification (its own words as the marker).
        app.wait_for_text("[data-testid=alert-banner]", "Watch Bikes: a customer has waited").await;
        let log = std::env::var("SWITCHBOARD_NOTIFICATION_LOG").expect("the desktop session's log");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("Watch Bikes: a customer has waited")
            .count()
            != 1
        {
            assert!(tokio::time::Instant::now() < deadline, "one notification for the alert");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.screenshot("1-monitor-waiting").await;

        // The monitor reads; it cannot send, change settings, or call the desk's commands.
        assert_eq!(call(&app, "monitor_wallboard").await, "allowed");
        for command in ["session_send", "routing_get", "presence_set", "session_list", "team_invite"] {
            let answer = call(&app, command).await;
            assert!(answer.starts_with("refused"), "the monitor called {command}: {answer}");
        }

        // The agent comes back and is given the customer: the monitor follows, unasked.
        app.client.switch_to_window(main.clone()).await.unwrap();
        assert!(
            call(&app, "monitor_wallboard").await.starts_with("refused"),
            "the main window reads no wallboard"
        );
        app.find("[data-testid=presence]").await.select_by_value("available").await.unwrap();
        app.client.switch_to_window(monitor).await.unwrap();
        app.wait_for_text(".waiting-list li", "Nobody is waiting").await;
        // Back within the limit: the banner goes, the history keeps it with its end.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while app.client.find(fantoccini::Locator::Css("[data-testid=alert-banner]")).await.is_ok() {
            assert!(tokio::time::Instant::now() < deadline, "the alert clears once the customer is answered");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.wait_for_text(".alert-history li", "Watch Bikes: a customer has waited").await;
        app.wait_for_text("table.board", "Wes Waiting").await;
        app.screenshot("2-monitor-answered").await;

        // Today's report by queue, on screen and as CSV: the file's totals are the screen's.
        app.find("[data-testid=tab-reports]").await.click().await.unwrap();
        app.find("[data-testid=report-run]").await.click().await.unwrap();
        let totals = app.wait_for_text("[data-testid=report-totals]", "All queues").await;
        let cells: Vec<String> = {
            let mut cells = Vec::new();
            for cell in totals.find_all(fantoccini::Locator::Css("th, td")).await.unwrap() {
                cells.push(cell.text().await.unwrap());
            }
            cells
        };
        assert_eq!(&cells[1..4], ["1", "1", "0"], "offered, answered, abandoned: {cells:?}");
        app.find("[data-testid=report-csv]").await.click().await.unwrap();
        let saved = app.wait_for_text("[data-testid=report-status]", "Saved as").await.text().await.unwrap();
        let path = saved.trim_start_matches("Saved as ").to_owned();
        assert!(
            path.starts_with(&app.data_dir().display().to_string()),
            "saved in the data folder's Downloads: {path}"
        );
        let csv = std::fs::read(&path).expect("the CSV is where it says");
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        let last: Vec<&str> = text.lines().last().unwrap().split(',').collect();
        assert_eq!(last[0], "All queues");
        assert_eq!(&last[1..4], ["1", "1", "0"], "the file's totals are the screen's: {text}");
        app.screenshot("3-report").await;

        // The customer's transcript: found by a word they wrote, read whole, exported as HTML.
        app.find("[data-testid=tab-transcripts]").await.click().await.unwrap();
        app.find("[data-testid=transcript-text]").await.send_keys("anyone").await.unwrap();
        app.find("[data-testid=transcript-search]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=transcript-list]", "Wes Waiting").await;
        app.find("[data-testid=transcript-open]").await.click().await.unwrap();
        let transcript = app.wait_for_text("[data-testid=transcript]", "Anyone there?").await;
        assert!(transcript.text().await.unwrap().contains("assigned"), "the timeline is shown");
        app.screenshot("4-transcript").await;
        app.find("[data-testid=transcript-list] input[type=checkbox]").await.click().await.unwrap();
        app.find("[data-testid=transcript-export-html]").await.click().await.unwrap();
        let saved =
            app.wait_for_text("[data-testid=transcript-status]", "Saved as").await.text().await.unwrap();
        let html = std::fs::read_to_string(saved.trim_start_matches("Saved as "))
            .expect("the export is where it says");
        assert!(html.contains("Anyone there?") && html.contains("Wes Waiting"), "{html}");
    })
    .await;
    app.close().await;
    outcome.expect("the monitor flow finishes within 150 s");
}
