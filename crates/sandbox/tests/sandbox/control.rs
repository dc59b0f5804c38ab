//! The control API and the script: entities made at run time, attachments, data access,
//! reset, and personas that wait for an answer and send images.

use crate::sandbox;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::time::Duration;
use switchboard_sandbox::{Sandbox, Script};

async fn post(base: &str, path: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new().post(format!("{base}/_sandbox{path}")).json(&body).send().await.unwrap()
}

#[tokio::test]
async fn pages_and_customers_made_at_run_time_work_like_scripted_ones() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let page: Value =
        post(&base, "/pages", json!({"id": "2002", "name": "Velo Repairs"})).await.json().await.unwrap();
    let token = page["access_token"].as_str().unwrap();
    assert_eq!(
        post(
            &base,
            "/customers",
            json!({"psid": "555", "page": "2002", "first_name": "Zoe", "last_name": "Park"})
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post(&base, "/customers/555/messages", json!({"text": "Is my wheel trued?"})).await.status(),
        StatusCode::OK
    );
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/v23.0/2002/conversations?fields=participants,messages{{message}}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"][0]["messages"]["data"][0]["message"], "Is my wheel trued?");
    assert_eq!(list["data"][0]["participants"]["data"][0]["name"], "Zoe Park");
    assert_eq!(
        post(&base, "/numbers", json!({"number": "+14155550199", "name": "Second line"})).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post(&base, "/users", json!({"id": "100000000000009", "name": "Second Admin"})).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn attachments_are_uploaded_within_25_mb_and_sent_by_id() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let demo: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
    let token = demo["access_token"].as_str().unwrap();
    let upload = |size: usize| {
        let form = Form::new()
            .text("message", r#"{"attachment":{"type":"image","payload":{"is_reusable":true}}}"#)
            .part("filedata", Part::bytes(vec![7u8; size]).file_name("receipt.jpg"));
        reqwest::Client::new()
            .post(format!("{base}/v23.0/1001/message_attachments"))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let uploaded: Value = upload(1024).await.unwrap().json().await.unwrap();
    let id = uploaded["attachment_id"].as_str().expect("an attachment id");
    let too_big: Value = upload(25 * 1024 * 1024 + 1).await.unwrap().json().await.unwrap();
    assert_eq!(
        (too_big["error"]["code"].as_i64(), too_big["error"]["error_subcode"].as_i64()),
        (Some(100), Some(2018109))
    );

    sandbox.customer_writes("9001", "Can you send the receipt?").unwrap();
    let sent: Value = reqwest::Client::new()
        .post(format!("{base}/v23.0/1001/messages"))
        .bearer_auth(token)
        .json(&json!({"recipient": {"id": "9001"}, "message": {"attachment": {"type": "image", "payload": {"attachment_id": id}}}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(sent["message_id"].is_string(), "sent: {sent}");
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/v23.0/1001/conversations?fields=messages{{message,attachments}}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let newest = &list["data"][0]["messages"]["data"][0];
    assert_eq!(newest["attachments"]["data"][0]["name"], "receipt.jpg");
    let sent_log: Value = reqwest::get(format!("{base}/_sandbox/sent")).await.unwrap().json().await.unwrap();
    assert_eq!(sent_log[0]["attachment"]["name"], "receipt.jpg", "the control API records the file sent");
    let url = newest["attachments"]["data"][0]["image_data"]["url"].as_str().unwrap();
    let served = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert_eq!(served.to_vec(), vec![7u8; 1024], "the uploaded bytes are what the page sent");
}

#[tokio::test]
async fn lapsed_data_access_and_reset() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let before: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
    // The demo admin gives page 1001 to the app, then their data access lapses.
    let user = "100000000000001";
    let login = crate::login::Login::new(base.clone()).await;
    let back = login.answer(None, &[("action", "continue"), ("user", user), ("page", "1001")]).await;
    let (_, token) = login.exchange(&crate::login::param(&back, "code").unwrap(), None).await;
    assert!(token["access_token"].is_string());
    let page_token = before["access_token"].as_str().unwrap();
    let read = || {
        reqwest::Client::new()
            .get(format!("{base}/v23.0/1001/conversations?fields=id"))
            .bearer_auth(page_token)
            .send()
    };
    assert_eq!(read().await.unwrap().status(), StatusCode::OK);
    // Ending in 5 days: the token still works, and debug_token tells the date.
    let soon = post(&base, &format!("/users/{user}/data-access"), json!({"ends_in_days": 5})).await;
    assert_eq!(soon.status(), StatusCode::NO_CONTENT);
    assert_eq!(read().await.unwrap().status(), StatusCode::OK);
    let app =
        format!("{}|{}", before["app"]["id"].as_str().unwrap(), before["app"]["secret"].as_str().unwrap());
    let debug: Value = reqwest::Client::new()
        .get(format!("{base}/debug_token"))
        .query(&[("input_token", page_token)])
        .bearer_auth(app)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ends = debug["data"]["data_access_expires_at"].as_i64().unwrap();
    let now = sandbox.advance_clock(jiff::SignedDuration::ZERO).as_second();
    // Seconds: the clock may tick between setting the date and reading it back.
    assert!((5 * 86_400 - 1..=5 * 86_400).contains(&(ends - now)), "5 days from now: {debug}");
    let response = post(&base, &format!("/users/{user}/data-access"), json!({})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let lapsed: Value = read().await.unwrap().json().await.unwrap();
    assert_eq!(lapsed["error"]["code"], 190, "the page's token stops working until a new login");
    assert_eq!(post(&base, "/reset", json!({})).await.status(), StatusCode::NO_CONTENT);
    let after: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
    assert_ne!(before["access_token"], after["access_token"], "reset issues new tokens");
    assert!(sandbox.sent().is_empty());
    let sent: Value =
        reqwest::get(format!("{base}/_sandbox/sent/twilio")).await.unwrap().json().await.unwrap();
    assert_eq!(sent, json!([]));
}

#[tokio::test]
async fn a_persona_waits_for_an_answer_then_sends_an_image() {
    let script = json!({
        "pages": [{"id": "1001", "name": "Velo Bikes"}],
        "personas": [{"psid": "9001", "page": "1001", "first_name": "Ana", "last_name": "Lima", "messages": [
            {"after_seconds": 0, "text": "My frame is cracked"},
            {"after_reply": true, "after_seconds": 0.1, "text": "Here it is", "attachment": "bike.png"}
        ]}]
    });
    let sandbox = Sandbox::start(Script::from_json(&script.to_string()).unwrap()).await.unwrap();
    let base = sandbox.base_url();
    let demo: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
    let token = demo["access_token"].as_str().unwrap().to_owned();
    let read = || async {
        let list: Value = reqwest::Client::new()
            .get(format!("{base}/v23.0/1001/conversations?fields=messages{{message,attachments}}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list["data"][0]["messages"]["data"].as_array().cloned().unwrap_or_default()
    };
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(read().await.len(), 1, "the persona waits for an answer before going on");
    reqwest::Client::new()
        .post(format!("{base}/v23.0/1001/messages"))
        .bearer_auth(&token)
        .json(&json!({"recipient": {"id": "9001"}, "message": {"text": "Can you send a photo?"}}))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let messages = read().await;
    assert_eq!(messages.len(), 3, "{messages:?}");
    let photo = &messages[0]["attachments"]["data"][0];
    assert_eq!((photo["name"].as_str(), photo["mime_type"].as_str()), (Some("bike.png"), Some("image/png")));
    let served = reqwest::get(photo["image_data"]["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    let bytes = served.bytes().await.unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "the photo's URL serves the PNG itself");
    assert_eq!(photo["size"].as_u64(), Some(bytes.len() as u64));
}
