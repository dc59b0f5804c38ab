//! Files in the real app against the sandbox: a customer's photo shown inline from the
//! encrypted cache (through the `media` protocol, under the CSP), their PDF as a chip saved to
//! Downloads, and the agent's files dropped on the reply box: a refused type named with its
//! reason, an image and a PDF sent once each.

// A failed step panics with the WebDriver's or the sandbox's own error, which says enough.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::time::Duration;
use switchboard_e2e::{App, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

fn script() -> Script {
    let script = json!({
        "pages": [{"id": "3501", "name": "Files Bikes"}],
        "personas": [{"psid": "8501", "page": "3501", "first_name": "Tomás", "last_name": "Reyes", "messages": [
            {"after_seconds": 0.3, "text": "This is the pedal that broke.", "attachment": "bike.png"},
            {"after_seconds": 0.2, "text": "", "attachment": "receipt.pdf"}
        ]}]
    });
    Script::from_json(&script.to_string()).unwrap()
}

/// Drops files made in the page on the reply box, as a drag from the file manager would.
/// `files` is a JS array expression of `File`s.
fn drop_script(files: &str) -> String {
    format!(
        "const files = {files};
         const dt = new DataTransfer();
         files.forEach((f) => dt.items.add(f));
         const box = document.querySelector('[data-testid=composer]');
         box.dispatchEvent(new DragEvent('dragover', {{dataTransfer: dt, bubbles: true, cancelable: true}}));
         box.dispatchEvent(new DragEvent('drop', {{dataTransfer: dt, bubbles: true, cancelable: true}}));
         return dt.files.length;"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_shown_saved_and_sent_by_drag_and_drop() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    let base = sandbox.base_url();
    let app = App::launch("files", &base).await;
    let outcome = tokio::time::timeout(Duration::from_secs(180), async {
        app.open_session("Tomás").await;
        app.wait_for_text("[data-testid=message]", "the pedal").await;
        // The photo is decoded from the cache: the protocol answered and the CSP allowed it.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let size = app
                .eval("const img = document.querySelector('[data-testid=attachment-image]'); return img ? img.decode().then(() => [img.naturalWidth, img.naturalHeight], () => null) : null")
                .await;
            if size == json!([480, 320]) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the photo is not shown: {size}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let chip = app.wait_for_text("[data-testid=attachment][data-state=ready]", "receipt.pdf").await;
        app.screenshot("1-received").await;
        chip.find(fantoccini::Locator::Css("[data-testid=attachment-save]")).await.unwrap().click().await.unwrap();
        let saved = app.wait_for_text("[data-testid=attachment-saved]", "Saved to").await;
        let path = saved.text().await.unwrap().trim_start_matches("Saved to ").to_owned();
        assert!(path.starts_with(app.data_dir().to_str().unwrap()), "saved in the data folder's Downloads: {path}");
        assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"), "the PDF itself is saved");

        // A type no platform takes is refused with the reason, before it is read.
        let dropped = app.eval(&drop_script("[new File(['MZ'], 'setup.exe')]")).await;
        assert_eq!(dropped, json!(1), "the page can build a drop");
        app.wait_for_text("[role=alert]", "setup.exe").await;
        app.screenshot("2-refused").await;

        // An image drawn in the page and a PDF, dropped together, go out once each.
        let files = "[await new Promise((ok) => { const c = document.createElement('canvas'); c.width = 64; c.height = 48;
                        const g = c.getContext('2d'); g.fillStyle = '#2f6fed'; g.fillRect(0, 0, 64, 48);
                        c.toBlob((b) => ok(new File([b], 'sketch.png', {type: 'image/png'})), 'image/png'); }),
                      new File(['%PDF-1.4 invoice'], 'invoice.pdf', {type: 'application/pdf'})]";
        app.eval(&format!("return (async () => {{ {} }})()", drop_script(files))).await;
        app.wait_for_text("[data-testid=staged-file]", "invoice.pdf").await;
        app.wait_for_text("[data-testid=composer-send]", "Send 2 files").await;
        app.screenshot("3-staged").await;
        app.find("[data-testid=composer-send]").await.click().await.unwrap();
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "invoice.pdf").await;
        app.wait_for_text("[data-testid=message][data-delivery=sent]", "sketch.png").await;
        let sent: Vec<Value> = reqwest::get(format!("{base}/_sandbox/sent")).await.unwrap().json().await.unwrap();
        let names: Vec<&str> = sent.iter().filter_map(|m| m["attachment"]["name"].as_str()).collect();
        assert_eq!(names, ["sketch.png", "invoice.pdf"], "each file sent once, in order");
        let shown = app
            .eval("return [...document.querySelectorAll('[data-testid=message].outbound [data-testid=attachment-image]')].map((i) => i.naturalWidth)")
            .await;
        assert_eq!(shown, json!([64]), "the agent's image is shown inline too");
        app.screenshot("4-sent").await;
    })
    .await;
    if outcome.is_err() {
        app.screenshot("timeout").await;
    }
    app.close().await;
    outcome.expect("the files flow finishes within 180 s");
}
