use crate::sandbox;
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn token(base: &str) -> String {
    let demo: Value = reqwest::get(format!("{base}/_sandbox/demo")).await.unwrap().json().await.unwrap();
    demo["access_token"].as_str().unwrap().to_owned()
}

async fn send(base: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/v23.0/1001/messages"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn replies_follow_the_24_hour_and_human_agent_rules() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let token = token(&base).await;
    sandbox.customer_writes("9001", "hello").unwrap();
    let reply = |tag: Option<&str>| match tag {
        Some(tag) => {
            json!({"recipient": {"id": "9001"}, "messaging_type": "MESSAGE_TAG", "tag": tag, "message": {"text": "hi"}})
        }
        None => json!({"recipient": {"id": "9001"}, "messaging_type": "RESPONSE", "message": {"text": "hi"}}),
    };
    let (status, sent) = send(&base, &token, reply(None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sent["recipient_id"], "9001");

    sandbox.advance_clock(SignedDuration::from_hours(25));
    let (status, closed) = send(&base, &token, reply(None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (closed["error"]["code"].as_i64(), closed["error"]["error_subcode"].as_i64()),
        (Some(10), Some(2018278))
    );
    assert_eq!(
        send(&base, &token, reply(Some("HUMAN_AGENT"))).await.0,
        StatusCode::OK,
        "HUMAN_AGENT within 7 days"
    );

    sandbox.advance_clock(SignedDuration::from_hours(24 * 7));
    let (_, late) = send(&base, &token, reply(Some("HUMAN_AGENT"))).await;
    assert_eq!(late["error"]["error_subcode"], 2018278, "not after 7 days");
    assert_eq!(sandbox.sent().len(), 2, "only accepted messages are recorded");
}

#[tokio::test]
async fn bad_tokens_long_texts_and_unknown_people_are_refused_with_graph_errors() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    sandbox.customer_writes("9001", "hello").unwrap();
    let body = json!({"recipient": {"id": "9001"}, "message": {"text": "hi"}});
    let (status, bad) = send(&base, "EAAnot-a-token", body).await;
    assert_eq!((status, bad["error"]["code"].as_i64()), (StatusCode::BAD_REQUEST, Some(190)));
    assert_eq!(bad["error"]["type"], "OAuthException");
    let token = token(&base).await;
    let long = json!({"recipient": {"id": "9001"}, "message": {"text": "x".repeat(2_001)}});
    assert_eq!(send(&base, &token, long).await.1["error"]["code"], 100);
    let stranger = json!({"recipient": {"id": "404"}, "message": {"text": "hi"}});
    assert_eq!(send(&base, &token, stranger).await.1["error"]["error_subcode"], 2018001);
}

#[tokio::test]
async fn conversations_page_by_cursor_newest_first_with_the_fields_asked() {
    let sandbox = switchboard_sandbox::Sandbox::start(
        switchboard_sandbox::Script::from_json(
            &json!({
                "pages": [{"id": "1001", "name": "Velo Bikes"}],
                "personas": (0..5).map(|i| json!({"psid": format!("90{i}"), "page": "1001", "first_name": "C", "last_name": format!("{i}")})).collect::<Vec<_>>()
            })
            .to_string(),
        )
        .unwrap(),
    )
    .await
    .unwrap();
    for i in 0..5 {
        sandbox.customer_writes(&format!("90{i}"), &format!("message {i}")).unwrap();
        sandbox.advance_clock(SignedDuration::from_secs(1));
    }
    let base = sandbox.base_url();
    let token = token(&base).await;
    let mut url = format!(
        "{base}/v23.0/1001/conversations?platform=messenger&fields=id,updated_time,messages{{message,from}}&limit=2"
    );
    let mut seen = Vec::new();
    loop {
        let page: Value =
            reqwest::Client::new().get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        for conversation in page["data"].as_array().unwrap() {
            assert!(conversation["updated_time"].as_str().unwrap().ends_with("+0000"));
            assert!(conversation.get("participants").is_none(), "only the fields asked for");
            seen.push(conversation["messages"]["data"][0]["message"].as_str().unwrap().to_owned());
        }
        match page["paging"]["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
        // The Conversations API allows 2 calls a second per page: pace as a polite client does.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(seen, ["message 4", "message 3", "message 2", "message 1", "message 0"]);
}

#[tokio::test]
async fn update_tags_go_out_after_the_window_and_tags_must_be_documented_ones() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let token = token(&base).await;
    sandbox.customer_writes("9001", "hello").unwrap();
    let tagged = |messaging_type: &str, tag: Option<&str>| {
        let mut body = json!({"recipient": {"id": "9001"}, "messaging_type": messaging_type, "message": {"text": "Your order shipped"}});
        if let Some(tag) = tag {
            body["tag"] = tag.into();
        }
        body
    };
    let (status, refused) = send(&base, &token, tagged("MESSAGE_TAG", Some("PROMOTION"))).await;
    assert_eq!(
        (status, refused["error"]["code"].as_i64()),
        (StatusCode::BAD_REQUEST, Some(100)),
        "{refused}"
    );
    let (_, untagged) = send(&base, &token, tagged("MESSAGE_TAG", None)).await;
    assert_eq!(untagged["error"]["code"], 100, "MESSAGE_TAG needs a tag");
    let (_, stray) = send(&base, &token, tagged("RESPONSE", Some("HUMAN_AGENT"))).await;
    assert_eq!(stray["error"]["code"], 100, "a RESPONSE carries no tag");

    sandbox.advance_clock(SignedDuration::from_hours(24 * 10));
    let (status, _) = send(&base, &token, tagged("RESPONSE", None)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a RESPONSE after 24 h is refused");
    let (status, sent) = send(&base, &token, tagged("MESSAGE_TAG", Some("POST_PURCHASE_UPDATE"))).await;
    assert_eq!(status, StatusCode::OK, "an update tag goes out after the window: {sent}");
    let (_, late) = send(&base, &token, tagged("MESSAGE_TAG", Some("HUMAN_AGENT"))).await;
    assert_eq!(late["error"]["error_subcode"], 2018278, "HUMAN_AGENT only for 7 days");
}

#[tokio::test]
async fn every_graph_path_answers_as_graph_does_with_or_without_a_trailing_slash() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let token = token(&base).await;
    sandbox.customer_writes("9001", "hello").unwrap();
    let get = |path: String| {
        let token = token.clone();
        async move {
            let response = reqwest::Client::new().get(path).bearer_auth(token).send().await.unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for slash in ["", "/"] {
        let (status, page) = get(format!("{base}/v23.0/1001{slash}?fields=id,name")).await;
        assert_eq!(status, StatusCode::OK, "the Page node{slash}: {page}");
        assert_eq!(page["id"], "1001");
        assert!(page["name"].as_str().is_some_and(|n| !n.is_empty()));
        let (status, list) = get(format!("{base}/v23.0/1001/conversations{slash}?platform=messenger")).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let (status, user) = get(format!("{base}/v23.0/9001{slash}?fields=first_name,last_name")).await;
        assert_eq!(status, StatusCode::OK, "a person's node{slash}: {user}");
    }
    // Messenger allows 2 Conversations calls a second per page.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (_, conversations) =
        get(format!("{base}/v23.0/1001/conversations?platform=messenger&fields=id,messages{{id,message}}"))
            .await;
    let with_hello = conversations["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {conversations}"))
        .iter()
        .find(|c| c["messages"]["data"].as_array().is_some_and(|m| m.iter().any(|m| m["message"] == "hello")))
        .unwrap_or_else(|| panic!("the customer's conversation is listed: {conversations}"));
    let conversation = with_hello["id"].as_str().unwrap().to_owned();
    let message = with_hello["messages"]["data"][0]["id"].as_str().unwrap().to_owned();
    let (status, node) = get(format!("{base}/v23.0/{conversation}/?fields=id,updated_time")).await;
    assert_eq!((status, node["id"].as_str()), (StatusCode::OK, Some(conversation.as_str())));
    let (status, node) = get(format!("{base}/v23.0/{message}?fields=id,message,from")).await;
    assert_eq!(status, StatusCode::OK, "a message node: {node}");
    assert_eq!(node["message"], "hello");

    let (status, unknown) = get(format!("{base}/v23.0/1001?fields=id,bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown["error"]["code"], 100);
    assert_eq!(
        unknown["error"]["message"],
        "(#100) Tried accessing nonexisting field (bogus) on node type (Page)"
    );
    let (status, edge) = get(format!("{base}/v23.0/1001/nonsense")).await;
    assert_eq!((status, edge["error"]["code"].as_i64()), (StatusCode::BAD_REQUEST, Some(100)), "{edge}");
    let (status, path) = get(format!("{base}/v23.0/1001/conversations/extra/deep")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(path["error"]["code"], 2500, "{path}");
    assert_eq!(path["error"]["type"], "OAuthException");
    let (status, twilio) = get(format!("{base}/2010-04-01/Accounts/AC1/Nothing.json")).await;
    assert_eq!((status, twilio["code"].as_i64()), (StatusCode::NOT_FOUND, Some(20404)));
}
