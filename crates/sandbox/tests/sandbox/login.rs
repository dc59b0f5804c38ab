//! Facebook Login as a desktop app does it: dialog, redirect, code exchange, long-lived token,
//! the page list and its tokens.

use crate::sandbox;
use base64::Engine as _;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

const REDIRECT: &str = "https://www.facebook.com/connect/login_success.html";
pub(crate) const SCOPES: &str = "pages_show_list,pages_messaging,pages_manage_metadata,pages_read_engagement";

pub(crate) struct Login {
    base: String,
    http: reqwest::Client,
    app_id: String,
    secret: String,
}

impl Login {
    pub(crate) async fn new(base: String) -> Self {
        let demo: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        Self {
            base,
            http,
            app_id: demo["app"]["id"].as_str().unwrap().into(),
            secret: demo["app"]["secret"].as_str().unwrap().into(),
        }
    }

    /// Opens the dialog, then answers it as the user would; returns where it redirects.
    pub(crate) async fn answer(&self, challenge: Option<&str>, answer: &[(&str, &str)]) -> Url {
        let mut dialog = Url::parse(&format!("{}/v23.0/dialog/oauth", self.base)).unwrap();
        dialog
            .query_pairs_mut()
            .append_pair("client_id", &self.app_id)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("state", "st4te")
            .append_pair("scope", SCOPES);
        if let Some(challenge) = challenge {
            dialog
                .query_pairs_mut()
                .append_pair("code_challenge", challenge)
                .append_pair("code_challenge_method", "S256");
        }
        let page = self.http.get(dialog).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(
            html.contains("id=\"continue\"") && html.contains("name=\"grant\" value=\"pages_messaging\"")
        );
        let mut form = vec![
            ("client_id", self.app_id.as_str()),
            ("redirect_uri", REDIRECT),
            ("state", "st4te"),
            ("scope", SCOPES),
        ];
        if let Some(challenge) = challenge {
            form.push(("code_challenge", challenge));
        }
        form.extend_from_slice(answer);
        let response = self
            .http
            .post(format!("{}/v23.0/dialog/oauth/confirm", self.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "the dialog redirects back: {}", response.status());
        Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
    }

    pub(crate) async fn exchange(&self, code: &str, verifier: Option<&str>) -> (StatusCode, Value) {
        let mut query = vec![
            ("client_id", self.app_id.as_str()),
            ("client_secret", &self.secret),
            ("redirect_uri", REDIRECT),
            ("code", code),
        ];
        if let Some(verifier) = verifier {
            query.push(("code_verifier", verifier));
        }
        let response = self
            .http
            .get(format!("{}/v23.0/oauth/access_token", self.base))
            .query(&query)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

pub(crate) fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_full_login_with_pkce_yields_a_long_lived_token_and_page_tokens() {
    let sandbox = sandbox().await;
    let login = Login::new(sandbox.base_url()).await;
    let verifier = "a-long-random-verifier-string-of-at-least-43-characters-xyz";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
    let grants: Vec<(&str, &str)> = SCOPES.split(',').map(|s| ("grant", s)).collect();
    let mut answer = vec![("action", "continue"), ("user", "100000000000001"), ("page", "1001")];
    answer.extend(grants);
    let back = login.answer(Some(&challenge), &answer).await;
    assert!(back.as_str().starts_with(REDIRECT), "back at the desktop redirect: {back}");
    assert_eq!(param(&back, "state").as_deref(), Some("st4te"), "state comes back unchanged");
    let code = param(&back, "code").expect("a code");

    let (status, wrong) = login.exchange(&code, Some("not-the-verifier")).await;
    assert_eq!(
        (status, wrong["error"]["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(100)),
        "PKCE is checked"
    );
    let (status, short) = login.exchange(&code, Some(verifier)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(short["token_type"], "bearer");
    let (_, reused) = login.exchange(&code, Some(verifier)).await;
    assert_eq!(reused["error"]["error_subcode"], 36009, "a code is used once");

    let long: Value = login
        .http
        .get(format!("{}/v23.0/oauth/access_token", login.base))
        .query(&[
            ("grant_type", "fb_exchange_token"),
            ("client_id", &login.app_id),
            ("client_secret", &login.secret),
            ("fb_exchange_token", short["access_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(long["expires_in"], 5_183_944, "about 60 days");
    let user_token = long["access_token"].as_str().unwrap();

    let accounts =
        login.get("/v23.0/me/accounts?fields=id,name,category,tasks,access_token", user_token).await;
    assert_eq!(accounts["data"][0]["id"], "1001");
    assert!(accounts["data"][0]["tasks"].as_array().unwrap().contains(&"MESSAGING".into()));
    let page_token = accounts["data"][0]["access_token"].as_str().unwrap();
    let permissions = login.get("/v23.0/me/permissions", user_token).await;
    assert!(permissions["data"].as_array().unwrap().iter().all(|p| p["status"] == "granted"));

    let app_token = format!("{}|{}", login.app_id, login.secret);
    let debug =
        login.get(&format!("/debug_token?input_token={page_token}&access_token={app_token}"), "").await;
    assert_eq!(
        (debug["data"]["type"].as_str(), debug["data"]["is_valid"].as_bool()),
        (Some("PAGE"), Some(true))
    );
    assert_eq!(
        debug["data"]["expires_at"], 0,
        "a page token from a long-lived user token does not expire by date"
    );

    sandbox.customer_writes("9001", "hello").unwrap();
    let profile = login.get("/v23.0/9001?fields=first_name,last_name,profile_pic", page_token).await;
    assert_eq!((profile["first_name"].as_str(), profile["last_name"].as_str()), (Some("Ana"), Some("Lima")));

    let removed: Value = login
        .http
        .delete(format!("{}/v23.0/me/permissions", login.base))
        .bearer_auth(user_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(removed["success"], true);
    let after = login.get("/v23.0/1001/conversations?fields=id", page_token).await;
    assert_eq!(
        (after["error"]["code"].as_i64(), after["error"]["error_subcode"].as_i64()),
        (Some(190), Some(458))
    );
}

#[tokio::test]
async fn cancel_decline_and_forged_redirects_are_answered_as_facebook_does() {
    let sandbox = sandbox().await;
    let login = Login::new(sandbox.base_url()).await;
    let cancelled = login.answer(None, &[("action", "cancel")]).await;
    assert_eq!(param(&cancelled, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&cancelled, "error_reason").as_deref(), Some("user_denied"));
    assert_eq!(param(&cancelled, "state").as_deref(), Some("st4te"));

    let declined = login
        .answer(
            None,
            &[
                ("action", "continue"),
                ("user", "100000000000001"),
                ("page", "1001"),
                ("grant", "pages_show_list"),
            ],
        )
        .await;
    let (_, token) = login.exchange(&param(&declined, "code").unwrap(), None).await;
    let permissions = login.get("/v23.0/me/permissions", token["access_token"].as_str().unwrap()).await;
    let messaging = permissions["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["permission"] == "pages_messaging")
        .unwrap();
    assert_eq!(messaging["status"], "declined", "an unticked permission is declined");

    let forged = login
        .http
        .get(format!(
            "{}/v23.0/dialog/oauth?client_id={}&redirect_uri=https://evil.example/cb",
            login.base, login.app_id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST, "a redirect URI that is not allowed is refused");
    let wrong_app = login
        .http
        .get(format!("{}/v23.0/dialog/oauth?client_id=1&redirect_uri={REDIRECT}", login.base))
        .send()
        .await
        .unwrap();
    assert!(wrong_app.text().await.unwrap().contains("Invalid App ID"));
}

#[tokio::test]
async fn the_token_exchange_checks_the_app_its_secret_and_the_redirect_uri() {
    let sandbox = sandbox().await;
    let login = Login::new(sandbox.base_url()).await;
    let back =
        login.answer(None, &[("action", "continue"), ("user", "100000000000001"), ("page", "1001")]).await;
    let code = param(&back, "code").unwrap();
    let exchange = |client_id: &str, secret: &str, redirect: &str| {
        let query = [
            ("client_id", client_id),
            ("client_secret", secret),
            ("redirect_uri", redirect),
            ("code", code.as_str()),
        ];
        login.http.get(format!("{}/v23.0/oauth/access_token", login.base)).query(&query).send()
    };
    let wrong_app: Value = exchange("1", &login.secret, REDIRECT).await.unwrap().json().await.unwrap();
    assert_eq!(wrong_app["error"]["code"], 101);
    let wrong_secret: Value = exchange(&login.app_id, "nope", REDIRECT).await.unwrap().json().await.unwrap();
    assert_eq!(wrong_secret["error"]["code"], 1);
    let other_redirect: Value =
        exchange(&login.app_id, &login.secret, "http://127.0.0.1:1/cb").await.unwrap().json().await.unwrap();
    assert_eq!(other_redirect["error"]["error_subcode"], 36008);
    let ok = exchange(&login.app_id, &login.secret, REDIRECT).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK, "the code was not used up by the failed attempts");
}
