//! Connecting pages through Facebook Login, driven through the sandbox's real dialog: state and
//! PKCE, the page picker (a page without MESSAGING is offered disabled, with the reason),
//! declined permissions explained, cancel, and a forged redirect refused.

use crate::{Options, require_desktop, running};
use std::collections::HashMap;
use switchboard_core::ChannelState;
use switchboard_engine::EngineError;
use switchboard_engine::login::{LoginPurpose, SCOPES};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "5101", "name": "Velo Bikes" }, { "id": "5102", "name": "Velo Outlet", "tasks": ["ANALYZE"] }],
  "users": [{ "id": "100000000000051", "name": "Page Admin" }]
}"#;

/// Answers the dialog at `url` as the admin would, and returns where Facebook sends the popup.
async fn answer(url: &str, answers: &[(&str, &str)]) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let dialog = url::Url::parse(url).unwrap();
    let page = http.get(dialog.clone()).send().await.unwrap();
    assert!(page.status().is_success(), "the dialog opens: {}", page.status());
    // The dialog's form carries the request's parameters back with the answers.
    let mut form: Vec<(String, String)> = dialog.query_pairs().into_owned().collect();
    form.extend(answers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let confirm = dialog.join("oauth/confirm").unwrap();
    let back = http.post(confirm).form(&form).send().await.unwrap();
    assert!(back.status().is_redirection(), "the dialog sends the popup back: {}", back.status());
    back.headers()["location"].to_str().unwrap().to_owned()
}

fn grant_all() -> Vec<(&'static str, &'static str)> {
    SCOPES.iter().map(|scope| ("grant", *scope)).collect()
}

#[tokio::test]
async fn pages_are_connected_through_the_dialog_with_state_pkce_and_a_picker() {
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let mut running = running(sandbox, "login", Options { quiet: true, ..Options::default() }).await;
    let engine = running.engine.clone();

    // A forged redirect (a state this app never issued) is refused and stores nothing.
    let forged = engine
        .facebook_login_finish(
            "https://www.facebook.com/connect/login_success.html?code=AQx&state=forged#_=_",
        )
        .await;
    assert!(matches!(forged, Err(EngineError::Login(_))), "{forged:?}");
    assert!(forged.unwrap_err().to_string().contains("did not come from a login Switchboard started"));

    // Cancel: a clear message, nothing stored.
    let dialog = engine.facebook_login_start(LoginPurpose::Connect).await.unwrap();
    let query: HashMap<String, String> =
        url::Url::parse(&dialog.url).unwrap().query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256", "PKCE");
    assert!(query["state"].len() >= 16, "an unguessable state");
    let back = answer(&dialog.url, &[("action", "cancel")]).await;
    let cancelled = engine.facebook_login_finish(&back).await.unwrap_err();
    assert_eq!(cancelled.to_string(), "Facebook login was cancelled. Nothing was connected.");

    // Sign in, give both pages, decline pages_messaging. The demo page is connected already:
    // a plain connect refuses it with the reason.
    let dialog = engine.facebook_login_start(LoginPurpose::Connect).await.unwrap();
    let mut answers =
        vec![("action", "continue"), ("user", "100000000000051"), ("page", "5101"), ("page", "5102")];
    answers.extend(grant_all().into_iter().filter(|(_, scope)| *scope != "pages_messaging"));
    let back = answer(&dialog.url, &answers).await;
    let outcome = engine.facebook_login_finish(&back).await.unwrap();
    assert_eq!(outcome.declined.len(), 1);
    assert_eq!(outcome.declined[0].permission, "pages_messaging");
    assert_eq!(outcome.declined[0].consequence, "Switchboard cannot read or answer the pages' messages.");
    let velo = outcome.pages.iter().find(|p| p.id == "5101").unwrap();
    assert!(velo.unavailable.as_deref().unwrap().contains("already connected here"), "{velo:?}");
    let again = engine.facebook_connect_pages(&["5101".to_owned()]).await.unwrap_err();
    assert!(again.to_string().contains("already connected here"), "{again}");
    // The same code cannot be used twice, and the state was single-use.
    assert!(engine.facebook_login_finish(&back).await.is_err());

    // Grant again (auth_type=rerequest), then pick: now the connected page renews.
    let dialog = engine.facebook_login_start(LoginPurpose::Rerequest).await.unwrap();
    assert!(dialog.url.contains("auth_type=rerequest"));
    let mut answers =
        vec![("action", "continue"), ("user", "100000000000051"), ("page", "5101"), ("page", "5102")];
    answers.extend(grant_all());
    let outcome = engine.facebook_login_finish(&answer(&dialog.url, &answers).await).await.unwrap();
    assert!(outcome.declined.is_empty());
    let velo = outcome.pages.iter().find(|p| p.id == "5101").unwrap();
    let outlet = outcome.pages.iter().find(|p| p.id == "5102").unwrap();
    assert!(velo.unavailable.is_none() && velo.connected, "the demo page is already a channel here");
    assert!(outlet.unavailable.as_deref().unwrap().contains("MESSAGING"), "{outlet:?}");
    assert!(!outlet.connected);

    let refused = engine.facebook_connect_pages(&["5102".to_owned()]).await.unwrap_err();
    assert!(refused.to_string().contains("\"Velo Outlet\" cannot be connected"), "{refused}");
    let channels = engine.facebook_connect_pages(&["5101".to_owned()]).await.unwrap();
    assert_eq!((channels[0].name.as_str(), channels[0].state), ("Velo Bikes", ChannelState::Connected));
    let unknown = engine.facebook_connect_pages(&["5101".to_owned()]).await.unwrap_err();
    assert!(unknown.to_string().contains("sign in again"), "a login's pages are used once: {unknown}");
    let stranger = engine.facebook_connect_pages(&["9999".to_owned()]).await.unwrap_err();
    assert!(stranger.to_string().contains("was not among the pages"), "{stranger}");

    // Nothing the windows get carries a token: not the login's outcome, the channels, or any
    // event the engine published meanwhile.
    let base: url::Url = running.sandbox.base_url().parse().unwrap();
    let token = switchboard_platforms::demo::demo_page(&base).await.unwrap().access_token;
    let token = switchboard_core::secret::ExposeSecret::expose_secret(&token).to_owned();
    let mut sent_to_windows =
        vec![serde_json::to_string(&outcome).unwrap(), serde_json::to_string(&channels).unwrap()];
    while let Ok(event) = running.events.try_recv() {
        sent_to_windows.push(serde_json::to_string(&event).unwrap());
    }
    assert!(sent_to_windows.len() > 3, "events were captured");
    for text in sent_to_windows {
        assert!(!text.contains(&token), "a token reached the windows: {text}");
    }
}

/// Every fault kind on each endpoint the login calls (the code's exchange and the long-lived
/// token, the pages, the permissions): each attempt that meets one says so clearly and connects
/// nothing; the admin signs in again, and the login that gets through offers the pages.
#[tokio::test]
async fn a_login_through_every_kind_of_fault_says_why_and_connects_once_it_gets_through() {
    use switchboard_sandbox::{Endpoint, Fault, FaultRule};
    require_desktop();
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let options =
        Options { quiet: true, request_timeout: std::time::Duration::from_secs(1), ..Options::default() };
    let running = running(sandbox, "login-faults", options).await;
    let (sandbox, engine) = (&running.sandbox, running.engine.clone());
    // Waits longer than the client's 1 s.
    let kinds = Fault::every_kind(3_000);
    let endpoints = [Endpoint::TokenExchange, Endpoint::Accounts, Endpoint::Permissions];
    for endpoint in endpoints {
        for fault in kinds {
            sandbox.inject(FaultRule { endpoint, fault, count: Some(1), probability: None, after: None });
        }
    }
    let channels_before = engine.channels().await.unwrap().len();
    let mut failures = Vec::new();
    let outcome = loop {
        assert!(failures.len() <= 3 * kinds.len(), "too many failed logins: {failures:#?}");
        let dialog = engine.facebook_login_start(LoginPurpose::Connect).await.unwrap();
        let mut answers = vec![("action", "continue"), ("user", "100000000000051"), ("page", "5101")];
        answers.extend(grant_all());
        match engine.facebook_login_finish(&answer(&dialog.url, &answers).await).await {
            Ok(outcome) => break outcome,
            Err(error) => {
                assert_eq!(engine.channels().await.unwrap().len(), channels_before, "nothing connected");
                failures.push(error.to_string());
            }
        }
    };
    assert_eq!(failures.len(), 3 * kinds.len(), "each fault failed one login: {failures:#?}");
    assert!(failures.iter().all(|f| f.contains("Facebook") || f.contains("Messenger")), "{failures:#?}");
    let fired = sandbox.faults_fired();
    for endpoint in endpoints {
        assert_eq!(fired[&endpoint].len(), kinds.len(), "{endpoint:?}: {fired:?}");
    }
    assert!(outcome.pages.iter().any(|p| p.id == "5101" && p.connected), "the login got through");
}
