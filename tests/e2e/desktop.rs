//! The app as a desktop program: one instance per data folder (a second launch hands over its
//! `switchboard://` link and exits), window state kept across restarts, starting with the
//! session, links in messages opened by the system, and the installed package.

use std::path::{Path, PathBuf};
use std::time::Duration;
use switchboard_e2e::{App, Launch, app_binary, require_desktop};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3601", "name": "Desktop Bikes" }],
  "personas": [
    { "psid": "8601", "page": "3601", "first_name": "Ana", "last_name": "Lima",
      "messages": [{ "after_seconds": 0.3, "text": "Is my order ready?" }] },
    { "psid": "8602", "page": "3601", "first_name": "Bruno", "last_name": "Costa",
      "messages": [{ "after_seconds": 0.3,
        "text": "Track it at https://velo.example/t/4821 or mail help@velobikes.com. Not javascript:alert(1) please" }] }
  ]
}"#;

/// Processes running `binary` (by their /proc/N/exe), each with its environment.
fn processes_of(binary: &Path) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc is readable").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == binary) {
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            found.push((pid, String::from_utf8_lossy(&environ).replace('\0', "\n")));
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_brings_the_running_window_forward_opens_its_link_and_exits() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let app = App::launch("desktop-instance", &sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        let bruno = app.wait_for_text("[data-testid=session-item]", "Bruno Costa").await;
        let session_id = bruno.attr("data-session-id").await.unwrap().expect("the row names its session");
        let data = app.data_dir().display().to_string();
        let binary = app_binary();
        let ours = |list: Vec<(u32, String)>| -> Vec<u32> {
            list.into_iter().filter(|(_, env)| env.contains(&data)).map(|(pid, _)| pid).collect()
        };
        let before = ours(processes_of(&binary));
        assert_eq!(before.len(), 1, "one app on this data folder to begin with");

        // A double click with a link: the same binary, the same data folder.
        let second = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::process::Command::new(&binary)
                .arg(format!("switchboard://session/{session_id}"))
                .env("SWITCHBOARD_SANDBOX_URL", sandbox.base_url())
                .env("SWITCHBOARD_DATA_DIR", app.data_dir())
                .output(),
        )
        .await
        .expect("the second launch exits at once")
        .unwrap();
        assert!(second.status.success(), "the second launch hands over and exits 0: {second:?}");

        app.wait_for_text("[data-testid=conversation-title]", "Bruno Costa").await;
        app.screenshot("1-link-opened-by-second-launch").await;
        assert_eq!(ours(processes_of(&binary)), before, "still one process: no second engine or pollers");
        let focused = app.eval("return document.hasFocus()").await;
        assert_eq!(focused, serde_json::Value::Bool(true), "the running window has the focus");
        let log =
            std::fs::read_to_string(app.data_dir().join("logs").join("switchboard.log")).unwrap_or_default();
        assert!(log.contains("a second launch was handed to this instance"), "the handover is logged");
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 120 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_comes_back_at_the_size_and_place_it_was_left() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let app = App::launch("desktop-window-state", &sandbox.base_url()).await;
    app.wait_for_text("[data-testid=session-item]", "Ana Lima").await;
    app.client.set_window_rect(40, 30, 1000, 640).await.expect("the window can be moved and resized");
    // Saved shortly after the resize, not only at a clean exit (the restart kills the app).
    let state = app.data_dir().join("window-state.json");
    wait_until("the new size is saved", || std::fs::read_to_string(&state).is_ok_and(|s| s.contains("1000")))
        .await;
    let app = app.restart(&sandbox.base_url()).await;
    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        app.wait_for_text("[data-testid=session-item]", "Ana Lima").await;
        let (_, _, width, height) = app.client.get_window_rect().await.expect("the window's rect");
        assert_eq!((width as i64, height as i64), (1000, 640), "the size is restored");
        assert!(app.data_dir().join("window-state.json").exists(), "kept in the data folder");
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 60 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starting_with_the_session_is_a_setting_that_writes_the_desktop_s_autostart_entry() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let launch =
        Launch { env: vec![("HOME".into(), home.path().display().to_string())], ..Launch::default() };
    let app = App::launch_as("desktop-autostart", &sandbox.base_url(), launch).await;
    let entry = home.path().join(".config/autostart/Switchboard.desktop");
    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        app.find("[data-testid=open-channels]").await.click().await.unwrap();
        app.find("[data-testid=tab-desktop]").await.click().await.unwrap();
        // Enabled once the current setting is read.
        let box_ = app.find("[data-testid=autostart]:not([disabled])").await;
        assert_eq!(box_.prop("checked").await.unwrap().as_deref(), Some("false"), "off by default");
        assert!(!entry.exists(), "no autostart entry by default");
        box_.click().await.unwrap();
        wait_until("the autostart entry is written", || entry.exists()).await;
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(text.contains(&app_binary().display().to_string()), "it starts this app: {text}");
        app.screenshot("1-autostart-on").await;
        box_.click().await.unwrap();
        wait_until("the autostart entry is removed", || !entry.exists()).await;
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 60 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_in_a_message_is_opened_by_the_system_and_a_hostile_one_is_not_a_link() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    // The system's opener, replaced by one that writes down what it was asked to open.
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.txt");
    let opener = bin.path().join("xdg-open");
    std::fs::write(&opener, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", opened.display())).unwrap();
    std::fs::set_permissions(
        &opener,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
    )
    .unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let launch = Launch { env: vec![("PATH".into(), path)], ..Launch::default() };
    let app = App::launch_as("desktop-links", &sandbox.base_url(), launch).await;
    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        app.open_session("Bruno Costa").await;
        app.wait_for_text("[data-testid=message]", "Track it at").await;
        let links = app.texts("[data-testid=message-link]").await.unwrap();
        assert_eq!(
            links,
            vec!["https://velo.example/t/4821".to_owned(), "help@velobikes.com".to_owned()],
            "the web address and the e-mail address are links; javascript: stays text"
        );
        let link = app.find("[data-testid=message-link]").await;
        assert_eq!(link.attr("title").await.unwrap().as_deref(), Some("https://velo.example/t/4821"));
        link.click().await.unwrap();
        wait_until("the system opener is called", || opened.exists()).await;
        assert_eq!(std::fs::read_to_string(&opened).unwrap().trim(), "https://velo.example/t/4821");
        let still_here = app
            .eval("return location.protocol + document.querySelectorAll('[data-testid=message]').length")
            .await;
        assert!(still_here.as_str().is_some_and(|s| !s.starts_with("http:")), "the webview did not navigate");
        app.screenshot("1-links").await;
    })
    .await;
    app.close().await;
    outcome.expect("the flow finishes within 60 s");
}

/// Run by `make test` (scripts/package-test.sh) once the .deb is installed; it needs root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the installed package: scripts/package-test.sh installs it and runs this"]
async fn installed_package_starts_from_usr_bin_and_shows_the_desk() {
    require_desktop();
    let installed =
        PathBuf::from(std::env::var("SWITCHBOARD_INSTALLED").expect("the installed binary's path"));
    assert!(installed.exists(), "{} is installed", installed.display());
    for file in [
        "/usr/share/applications/Switchboard.desktop",
        "/usr/share/icons/hicolor/128x128/apps/switchboard.png",
    ] {
        assert!(Path::new(file).exists(), "the package installs {file}");
    }
    let entry = std::fs::read_to_string("/usr/share/applications/Switchboard.desktop").unwrap();
    for line in [
        "Exec=switchboard %u",
        "Icon=switchboard",
        "Categories=Office;Network;Chat;",
        "MimeType=x-scheme-handler/switchboard;",
    ] {
        assert!(entry.contains(line), "the desktop entry has {line}: {entry}");
    }
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let launch = Launch { binary: Some(installed), ..Launch::default() };
    let app = App::launch_as("installed", &sandbox.base_url(), launch).await;
    let outcome = tokio::time::timeout(Duration::from_secs(60), async {
        app.wait_for_text("[data-testid=session-item]", "Ana Lima").await;
        app.screenshot("1-desk").await;
    })
    .await;
    app.close().await;
    outcome.expect("the installed app shows the desk within 60 s");
}

async fn wait_until(what: &str, condition: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
