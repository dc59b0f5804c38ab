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
