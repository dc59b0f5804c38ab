//! Two desktops of one team: two app processes with two data folders on one PostgreSQL and one
//! sandbox. A customer's message appears on both; one agent picks it up and it leaves the other's
//! waiting count within a second; the reply shows on both and goes out once; a customer's photo
//! shows on both.

use std::time::{Duration, Instant};
use switchboard_e2e::{App, Launch, require_desktop, team_database};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3401", "name": "Team Bikes" }],
  "personas": [{ "psid": "8401", "page": "3401", "first_name": "Dana", "last_name": "Team" }]
}"#;

fn member(url: &str, agent: &str) -> Launch {
    Launch {
        env: vec![
            ("SWITCHBOARD_DATABASE_URL".into(), url.into()),
            ("SWITCHBOARD_AGENT".into(), agent.into()),
        ],
        ..Launch::default()
    }
}

/// The text of the scope option of the team's queue ("Team Bikes (N waiting)").
async fn waiting(app: &App) -> String {
    app.eval(
        "const o = [...document.querySelectorAll('[data-testid=filter-scope] option')]
            .find((o) => o.value.startsWith('queue:')); return o ? o.textContent : ''",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn until_waiting(app: &App, wanted: &str, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let now = waiting(app).await;
        if now.contains(wanted) {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "{wanted:?} never showed; the option says {now:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desktops_share_a_customer_one_picks_up_and_the_reply_shows_on_both() {
    require_desktop();
    let Some(url) = team_database("two_desktops").await else { return };
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let base = sandbox.base_url();
    let ana = App::launch_as("team-ana", &base, member(&url, "ana")).await;
    let ben = App::launch_beside(&ana, "team-ben", &base, member(&url, "ben")).await;
    let outcome = tokio::time::timeout(Duration::from_secs(180), async {
        sandbox.customer_writes("8401", "Hello team, is the red bike in stock?").unwrap();
        // On both desktops.
        ana.wait_for_text("[data-testid=session-item]", "Dana").await;
        ben.wait_for_text("[data-testid=session-item]", "Dana").await;
        until_waiting(&ben, "(1 waiting)", Duration::from_secs(20)).await;
        ben.screenshot("1-waiting").await;

        // Ana picks it up: it leaves Ben's waiting count within a second.
        ana.open_session("Dana").await;
        ana.wait_for_text("[data-testid=interaction-where]", "Waiting in").await;
        ana.find("[data-testid=interaction-pick-up]").await.click().await.unwrap();
        let gone = until_waiting(&ben, "(0 waiting)", Duration::from_secs(5)).await;
        eprintln!("picked up on one desktop → gone from the other's waiting count in {gone:?}");
        assert!(gone <= Duration::from_secs(1), "it left the other's waiting count in {gone:?}");
        ana.wait_for_text("[data-testid=interaction-where]", "With you").await;
        ben.open_session("Dana").await;
        ben.wait_for_text("[data-testid=interaction-where]", "ana").await;

        // Ana answers; the reply shows on both and goes out once.
        let input = ana.find("[data-testid=composer-input]").await;
        input.send_keys("Yes, one left. Shall I keep it for you?").await.unwrap();
        ana.find("[data-testid=composer-send]").await.click().await.unwrap();
        ana.wait_for_text("[data-testid=message]", "Shall I keep it").await;
        ben.wait_for_text("[data-testid=message]", "Shall I keep it").await;
        // On the desktop that wrote it, the team's copy replaces the one written here: shown once.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let shown = ana.texts("[data-testid=message]").await.unwrap();
            let copies = shown.iter().filter(|t| t.contains("Shall I keep it")).count();
            if copies == 1 && shown.iter().any(|t| t.contains("Sent")) {
                break;
            }
            assert!(Instant::now() < deadline, "the reply shows {copies} times: {shown:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ana.screenshot("2-answered").await;
        ben.screenshot("2-answered").await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let sent: Vec<String> = sandbox.sent().into_iter().map(|m| m.text).collect();
            if !sent.is_empty() {
                assert_eq!(sent, vec!["Yes, one left. Shall I keep it for you?".to_owned()], "sent once");
                break;
            }
            assert!(Instant::now() < deadline, "the reply never went out");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // A customer's photo: downloaded once by the desktop that polls, shown on the other from
        // the team's database (the media protocol reads it there the first time).
        sandbox.customer_sends_file("8401", "this one?", "bike.png").unwrap();
        ben.wait_for_text("[data-testid=message]", "this one?").await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let size = ben
                .eval("const img = document.querySelector('[data-testid=attachment-image]'); return img ? img.decode().then(() => [img.naturalWidth, img.naturalHeight], () => null) : null")
                .await;
            if size == serde_json::json!([480, 320]) {
                break;
            }
            assert!(Instant::now() < deadline, "the photo is not shown on the other desktop: {size}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await; // painted, for the screenshot
        ben.screenshot("3-photo-from-the-team").await;

        // Settings → Team: the team's address without its password, and the connection.
        ana.find("[data-testid=open-channels]").await.click().await.unwrap();
        ana.find("[data-testid=tab-team]").await.click().await.unwrap();
        let info = ana.wait_for_text("[data-testid=team-info]", "Connected").await;
        let shown = info.text().await.unwrap();
        let password = url.split(':').nth(2).and_then(|p| p.split('@').next()).unwrap();
        assert!(!shown.contains(password), "the address is shown without its password: {shown}");
        ana.screenshot("4-settings-team").await;
    })
    .await;
    ben.close().await;
    ana.close().await;
    outcome.expect("the team flow finishes within 3 minutes");
}

const MEMBERS_SCRIPT: &str = r#"{
  "pages": [{ "id": "3501", "name": "Members Bikes" }],
  "personas": [{ "psid": "8501", "page": "3501", "first_name": "Sid", "last_name": "Sales" },
               { "psid": "8502", "page": "3501", "first_name": "Sue", "last_name": "Support" }]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_invites_an_agent_who_sees_only_their_queue_answers_and_is_removed() {
    require_desktop();
    let Some(url) = team_database("members").await else { return };
    let sandbox = Sandbox::start(Script::from_json(MEMBERS_SCRIPT).unwrap()).await.unwrap();
    let base = sandbox.base_url();
    let ana = App::launch_as("members-ana", &base, member(&url, "ana")).await;
    let login = format!("amy{}", std::process::id());
    let team = switchboard_team::Team::connect(&url).await.unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(240), async {
        // Routing: Sales and Support under the page's root queue, chosen by keyword.
        let root: i64 = loop {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM queues WHERE parent_id IS NULL")
                .fetch_optional(&sqlx::PgPool::connect(&url).await.unwrap())
                .await
                .unwrap();
            if let Some(root) = found {
                break root;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let sales = team.queue_add(root, "Sales").await.unwrap();
        let support = team.queue_add(root, "Support").await.unwrap();
        let raw = sqlx::PgPool::connect(&url).await.unwrap();
        for (queue, word) in [(sales, "buy"), (support, "broke")] {
            sqlx::query("UPDATE queues SET keywords = jsonb_build_array($2::text) WHERE id = $1")
                .bind(queue)
                .bind(word)
                .execute(&raw)
                .await
                .unwrap();
        }

        // The admin invites an agent for Sales in Settings → Team; the code is shown once.
        ana.find("[data-testid=open-channels]").await.click().await.unwrap();
        ana.find("[data-testid=tab-team]").await.click().await.unwrap();
        ana.wait_for_text("[data-testid=team-member]", "ana").await;
        ana.find("[data-testid=team-invite-name]").await.send_keys(&login).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let picked = ana
                .eval(
                    "const box = [...document.querySelectorAll('[data-testid=team-invite-queue]')]
                        .find((b) => b.parentElement.textContent.includes('Sales'));
                     if (!box) return false; if (!box.checked) box.click(); return box.checked;",
                )
                .await;
            if picked == serde_json::json!(true) {
                break;
            }
            assert!(Instant::now() < deadline, "the Sales queue never showed in the invitation");
            // The queue list is read when the screen opens: open it again.
            ana.find("[data-testid=tab-desktop]").await.click().await.unwrap();
            ana.find("[data-testid=tab-team]").await.click().await.unwrap();
            ana.find("[data-testid=team-invite-name]").await.send_keys(&login).await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        ana.find("[data-testid=team-invite-send]").await.click().await.unwrap();
        let code_box = ana.find("[data-testid=team-invitation-code]").await;
        let code = code_box.prop("value").await.unwrap().unwrap_or_default();
        assert!(code.starts_with("SWB1-"), "{code}");
        ana.screenshot("1-invited").await;

        // The agent joins on a desktop of their own: a new Switchboard, with the code and a
        // password of their own in Settings → Team → Join a team. The app then starts again by
        // itself as a member of the team; WebDriver cannot follow a process the app started, so
        // the test lets that restart happen, ends it, and starts the app again on the same data
        // folder and keychain under WebDriver, as a person reopening it would.
        let amy = App::launch_beside(&ana, "members-amy", &base, Launch::default()).await;
        amy.find("[data-testid=open-channels]").await.click().await.unwrap();
        amy.find("[data-testid=tab-team]").await.click().await.unwrap();
        amy.find("[data-testid=team-url]").await.send_keys(&code).await.unwrap();
        amy.find("[data-testid=team-password]").await.send_keys("amy's own password").await.unwrap();
        amy.screenshot("1b-joining").await;
        let before = switchboard_e2e::app_processes(amy.data_dir());
        assert_eq!(before.len(), 1, "one app on the agent's data folder: {before:?}");
        amy.find("[data-testid=team-join]").await.click().await.unwrap();
        amy.wait_for_text("[data-testid=team-restarting]", "starts again as a member of the team").await;
        let deadline = Instant::now() + Duration::from_secs(60);
        let restarted = loop {
            let now = switchboard_e2e::app_processes(amy.data_dir());
            if let [pid] = now[..]
                && pid != before[0]
            {
                break pid;
            }
            assert!(Instant::now() < deadline, "the app did not start again after joining: {now:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let _ = std::process::Command::new("kill").arg(restarted.to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !switchboard_e2e::app_processes(amy.data_dir()).is_empty() {
            assert!(Instant::now() < deadline, "the restarted app did not stop");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let amy = amy.restart(&base).await;
        // The temporary password was replaced: the invitation's no longer signs in.
        let invitation = switchboard_team::Invitation::from_code(&code).unwrap();
        let temporary = invitation.address_with(&invitation.password).unwrap();
        assert!(
            switchboard_team::Team::connect(&temporary).await.is_err(),
            "the temporary password still works"
        );

        // Two customers choose their queues; the agent sees only Sales's.
        sandbox.customer_writes("8501", "Hello").unwrap();
        sandbox.customer_writes("8502", "Hi").unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while sandbox.sent().len() < 2 {
            assert!(Instant::now() < deadline, "the menu never went out");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        sandbox.customer_writes("8501", "buy").unwrap();
        sandbox.customer_writes("8502", "broke").unwrap();
        amy.wait_for_text("[data-testid=session-item]", "Sid").await;
        ana.wait_for_text("[data-testid=session-item]", "Sue").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let seen = amy.texts("[data-testid=session-item]").await.unwrap();
        assert_eq!(seen.len(), 1, "only their queue's customer: {seen:?}");
        amy.screenshot("2-only-sales").await;
        // An agent's settings have no Channels or Routing.
        amy.find("[data-testid=open-channels]").await.click().await.unwrap();
        amy.wait_for_text("[data-testid=team-me]", "agent").await;
        assert!(amy.texts("[data-testid=tab-channels]").await.unwrap().is_empty());
        assert!(amy.texts("[data-testid=team-members]").await.unwrap().is_empty(), "members are an admin's");

        // They answer: sent once, by the admin's desktop, which polls.
        amy.open_session("Sid").await;
        amy.find("[data-testid=composer-input]").await.send_keys("Which size do you ride?").await.unwrap();
        amy.find("[data-testid=composer-send]").await.click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sent = sandbox.sent().into_iter().filter(|m| m.text == "Which size do you ride?").count();
            if sent == 1 {
                break;
            }
            assert!(sent < 2, "sent twice");
            assert!(Instant::now() < deadline, "the answer never went out");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        // Refused through the app's own commands too, with a code the UI acts on.
        let refused = amy
            .eval(&format!(
                "return window.__TAURI_INTERNALS__.invoke('queue_add', {{ parentId: {root}, name: 'Mine' }})
                    .then(() => 'allowed', (e) => e.code)"
            ))
            .await;
        assert_eq!(refused, serde_json::json!("forbidden"), "an agent adding a queue");
        let audit = amy
            .eval(
                "return window.__TAURI_INTERNALS__.invoke('team_audit').then(() => 'allowed', (e) => e.code)",
            )
            .await;
        assert_eq!(audit, serde_json::json!("forbidden"), "an agent reading the audit");
        // The member's password is nowhere on either desktop but the keychain: not in the data
        // folders (logs, caches) nor in the windows.
        for app in [&ana, &amy] {
            let html = app.client.source().await.unwrap();
            assert!(!html.contains("amy's own password"), "the password reached a window");
            for entry in walk(app.data_dir()) {
                let bytes = std::fs::read(&entry).unwrap();
                let found = bytes.windows(18).any(|w| w == b"amy's own password");
                assert!(!found, "the password is in {}", entry.display());
            }
        }

        // The admin removes them; their app says so and stops.
        ana.find("[data-testid=open-channels]").await.click().await.unwrap();
        ana.find("[data-testid=tab-team]").await.click().await.unwrap();
        let row = ana.wait_for_text("[data-testid=team-member]", &login).await;
        row.find(fantoccini::Locator::Css("[data-testid=team-member-remove]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        ana.find("[data-testid=team-member-remove-confirm]").await.click().await.unwrap();
        ana.wait_for_text("[data-testid=team-audit-entry]", "removed").await;
        ana.screenshot("3-removed").await;
        amy.wait_for_text("[data-testid=team-signed-out]", "You were removed from the team").await;
        assert!(
            amy.texts("[data-testid=team-sign-in-password]").await.unwrap().is_empty(),
            "signing in cannot help"
        );
        amy.screenshot("4-told").await;
        amy.close().await;

        // The admin signs out: the desk stops and asks for the password, which the team's
        // database checks (a wrong one is refused, and nothing restarts).
        ana.find("[data-testid=team-sign-out]").await.click().await.unwrap();
        ana.wait_for_text("[data-testid=team-signed-out]", "Signed out of the team").await;
        ana.find("[data-testid=team-sign-in-password]").await.send_keys("not the password").await.unwrap();
        ana.find("[data-testid=team-sign-in]").await.click().await.unwrap();
        ana.wait_for_text("[data-testid=team-signed-out] [role=alert]", "did not accept this password").await;
        ana.screenshot("5-signed-out").await;
    })
    .await;
    ana.close().await;
    outcome.expect("the members' flow finishes within 4 minutes");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
