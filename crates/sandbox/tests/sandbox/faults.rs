use crate::sandbox;
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};
use switchboard_sandbox::{Endpoint, Fault, FaultRule};

async fn read(base: &str, token: &str) -> Result<reqwest::Response, reqwest::Error> {
    reqwest::Client::new()
        .get(format!("{base}/v23.0/1001/conversations?fields=id"))
        .bearer_auth(token)
        .send()
        .await
}

async fn token(base: &str) -> String {
    let demo: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
    demo["access_token"].as_str().unwrap().to_owned()
}

fn rule(endpoint: Endpoint, fault: Fault, count: u32) -> FaultRule {
    FaultRule { endpoint, fault, count: Some(count), probability: None, after: None }
}

#[tokio::test]
async fn the_conversations_api_allows_two_calls_a_second_per_page_and_reports_usage() {
    let sandbox = sandbox().await;
    let (base, token) = (sandbox.base_url(), token(&sandbox.base_url()).await);
    let first = read(&base, &token).await.unwrap();
    let usage: Value = serde_json::from_str(first.headers()["x-app-usage"].to_str().unwrap()).unwrap();
    assert_eq!(usage["call_count"], 50, "one of two calls this second");
    assert!(first.headers().contains_key("x-business-use-case-usage"));
    assert_eq!(read(&base, &token).await.unwrap().status(), StatusCode::OK);
    let third = read(&base, &token).await.unwrap();
    let body: Value = third.json().await.unwrap();
    assert_eq!(body["error"]["code"], 613, "the third call within a second is throttled");
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    assert_eq!(read(&base, &token).await.unwrap().status(), StatusCode::OK, "the limit resets");
}

#[tokio::test]
async fn a_revoked_token_answers_190_with_its_subcode() {
    let sandbox = sandbox().await;
    let (base, token) = (sandbox.base_url(), token(&sandbox.base_url()).await);
    let revoked = reqwest::Client::new()
        .post(format!("{base}/_sandbox/pages/1001/revoke"))
        .json(&serde_json::json!({"subcode": 460}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let response = read(&base, &token).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["error"]["code"].as_i64(), body["error"]["error_subcode"].as_i64()),
        (Some(190), Some(460))
    );
}

#[tokio::test]
async fn faults_are_injected_by_count_and_then_stop() {
    let sandbox = sandbox().await;
    let (base, token) = (sandbox.base_url(), token(&sandbox.base_url()).await);
    sandbox.inject(rule(Endpoint::Conversations, Fault::ServerError, 1));
    let failed = read(&base, &token).await.unwrap();
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.json::<Value>().await.unwrap()["error"]["code"], 2, "Graph's transient error");
    tokio::time::sleep(Duration::from_millis(1_050)).await;

    sandbox.inject(rule(Endpoint::Conversations, Fault::Malformed, 1));
    let malformed = read(&base, &token).await.unwrap();
    assert_eq!(malformed.status(), StatusCode::OK);
    assert!(malformed.json::<Value>().await.is_err(), "the body is not JSON");

    sandbox.inject(rule(Endpoint::Any, Fault::Reset, 1));
    assert!(read(&base, &token).await.is_err(), "the connection drops mid-answer");
    tokio::time::sleep(Duration::from_millis(1_050)).await;

    sandbox.inject(rule(Endpoint::Conversations, Fault::Delay { millis: 300 }, 1));
    let began = Instant::now();
    assert_eq!(read(&base, &token).await.unwrap().status(), StatusCode::OK);
    assert!(began.elapsed() >= Duration::from_millis(300), "the answer was delayed");
    tokio::time::sleep(Duration::from_millis(1_050)).await;
    assert_eq!(read(&base, &token).await.unwrap().status(), StatusCode::OK, "every rule was used up");
}

#[tokio::test]
async fn twilio_throttling_answers_20429_and_probabilities_hold() {
    let sandbox = sandbox().await;
    let (sid, auth) = sandbox.twilio_credentials();
    let send = || {
        reqwest::Client::new()
            .post(format!("{}/2010-04-01/Accounts/{sid}/Messages.json", sandbox.base_url()))
            .basic_auth(&sid, Some(&auth))
            .form(&[("To", "+14155550111"), ("From", "+14155550100"), ("Body", "hi")])
            .send()
    };
    sandbox.inject(rule(Endpoint::TwilioSend, Fault::Throttle, 1));
    let throttled = send().await.unwrap();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.json::<Value>().await.unwrap()["code"], 20429);

    sandbox.inject(FaultRule {
        endpoint: Endpoint::TwilioSend,
        fault: Fault::ServerError,
        count: None,
        probability: Some(0.3),
        after: None,
    });
    let mut failures = 0;
    for _ in 0..200 {
        if send().await.unwrap().status() == StatusCode::INTERNAL_SERVER_ERROR {
            failures += 1;
        }
    }
    assert!((30..=90).contains(&failures), "about 30% of 200 requests fail: {failures}");
}
