use crate::sandbox;
use crate::spec::assert_conforms;
use jiff::SignedDuration;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use switchboard_sandbox::Sandbox;

const MESSAGES: &str = "/2010-04-01/Accounts/{AccountSid}/Messages.json";
const MESSAGE: &str = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json";
const NUMBERS: &str = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json";
const OURS: &str = "+14155550100";

struct Twilio {
    sandbox: Sandbox,
    http: Client,
    sid: String,
    token: String,
}

impl Twilio {
    async fn new() -> Self {
        let sandbox = sandbox().await;
        let (sid, token) = sandbox.twilio_credentials();
        Self { sandbox, http: Client::new(), sid, token }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/2010-04-01/Accounts/{}/{path}", self.sandbox.base_url(), self.sid)
    }

    async fn send(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url("Messages.json"))
            .basic_auth(&self.sid, Some(&self.token))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path_and_query: &str) -> Response {
        let url = format!("{}{path_and_query}", self.sandbox.base_url());
        self.http.get(url).basic_auth(&self.sid, Some(&self.token)).send().await.unwrap()
    }

    async fn error(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self.send(form).await;
        (response.status(), response.json().await.unwrap())
    }
}

#[tokio::test]
async fn an_sms_is_created_then_sent_then_delivered_as_the_clock_moves() {
    let t = Twilio::new().await;
    let response = t.send(&[("To", "+14155550111"), ("From", OURS), ("Body", "Your bike is ready 🚲")]).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_conforms(MESSAGES, "post", "201", &created);
    assert_eq!(
        (created["status"].as_str(), created["direction"].as_str()),
        (Some("queued"), Some("outbound-api"))
    );
    assert_eq!(created["num_segments"], "1", "an emoji makes it UCS-2, still one segment");
    assert!(created["sid"].as_str().unwrap().starts_with("SM"));
    assert!(created["date_created"].as_str().unwrap().ends_with("+0000"), "RFC 2822 dates in GMT");

    let sid = created["sid"].as_str().unwrap();
    t.sandbox.advance_clock(SignedDuration::from_millis(300));
    let sent: Value =
        t.get(&format!("/2010-04-01/Accounts/{}/Messages/{sid}.json", t.sid)).await.json().await.unwrap();
    assert_conforms(MESSAGE, "get", "200", &sent);
    assert_eq!(sent["status"], "sent");
    t.sandbox.advance_clock(SignedDuration::from_secs(1));
    let delivered: Value =
        t.get(&format!("/2010-04-01/Accounts/{}/Messages/{sid}.json", t.sid)).await.json().await.unwrap();
    assert_eq!(delivered["status"], "delivered");
}

#[tokio::test]
async fn lists_page_with_next_page_uri_newest_first_and_filter() {
    let t = Twilio::new().await;
    for i in 0..5 {
        t.send(&[("To", "+14155550111"), ("From", OURS), ("Body", &format!("n{i}"))]).await;
        t.sandbox.advance_clock(SignedDuration::from_secs(1));
    }
    t.sandbox.customer_writes("+14155550111", "thanks").unwrap();
    let mut uri = format!("/2010-04-01/Accounts/{}/Messages.json?To=%2B14155550111&PageSize=2", t.sid);
    let mut bodies = Vec::new();
    loop {
        let page: Value = t.get(&uri).await.json().await.unwrap();
        assert_conforms(MESSAGES, "get", "200", &page);
        assert_eq!(page["page_size"], 2);
        bodies.extend(
            page["messages"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap().to_owned()),
        );
        match page["next_page_uri"].as_str() {
            Some(next) => uri = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(bodies, ["n4", "n3", "n2", "n1", "n0"], "only messages to that number, newest first");
    let inbound: Value = t
        .get(&format!("/2010-04-01/Accounts/{}/Messages.json?From=%2B14155550111", t.sid))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbound["messages"][0]["direction"], "inbound");
    assert_eq!(inbound["messages"][0]["status"], "received");
}

#[tokio::test]
async fn the_account_s_numbers_are_listed() {
    let t = Twilio::new().await;
    let numbers: Value = t
        .get(&format!("/2010-04-01/Accounts/{}/IncomingPhoneNumbers.json", t.sid))
        .await
        .json()
        .await
        .unwrap();
    assert_conforms(NUMBERS, "get", "200", &numbers);
    assert_eq!(numbers["incoming_phone_numbers"][0]["phone_number"], OURS);
    assert_eq!(numbers["incoming_phone_numbers"][0]["capabilities"]["sms"], true);
}

#[tokio::test]
async fn errors_have_twilio_s_codes_and_body_shape() {
    let t = Twilio::new().await;
    let bad_auth = t
        .http
        .post(t.url("Messages.json"))
        .basic_auth(&t.sid, Some("wrong"))
        .form(&[("To", "+1")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_auth.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bad_auth.json().await.unwrap();
    assert_eq!(
        body,
        json!({"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
    );

    let (status, invalid) = t.error(&[("To", "12345"), ("From", OURS), ("Body", "hi")]).await;
    assert_eq!((status, invalid["code"].as_i64()), (StatusCode::BAD_REQUEST, Some(21211)));
    let (_, long) = t.error(&[("To", "+14155550111"), ("From", OURS), ("Body", &"a".repeat(1_601))]).await;
    assert_eq!(long["code"], 21617);
    let (_, empty) = t.error(&[("To", "+14155550111"), ("From", OURS)]).await;
    assert_eq!(empty["code"], 21602);
    let (_, not_ours) = t.error(&[("To", "+14155550111"), ("From", "+14155559999"), ("Body", "hi")]).await;
    assert_eq!(not_ours["code"], 21606);
}

#[tokio::test]
async fn a_customer_s_photo_is_a_media_resource_served_with_basic_auth() {
    let t = Twilio::new().await;
    let sid = t.sandbox.customer_sends_file("+14155550111", "the pedal", "bike.png").unwrap();
    assert!(sid.starts_with("MM"), "a message with media is an MM…: {sid}");
    let message: Value =
        t.get(&format!("/2010-04-01/Accounts/{}/Messages/{sid}.json", t.sid)).await.json().await.unwrap();
    assert_eq!(message["num_media"], "1");
    let list_uri = format!("/2010-04-01/Accounts/{}/Messages/{sid}/Media.json", t.sid);
    assert_eq!(message["subresource_uris"]["media"], list_uri);
    let list: Value = t.get(&list_uri).await.json().await.unwrap();
    assert_conforms(
        "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json",
        "get",
        "200",
        &list,
    );
    let media = &list["media_list"][0];
    assert_eq!(media["content_type"], "image/png");
    let content_uri = media["uri"].as_str().unwrap().strip_suffix(".json").unwrap().to_owned();
    let content = t.get(&content_uri).await;
    assert_eq!(content.headers()["content-type"], "image/png");
    assert_eq!(&content.bytes().await.unwrap()[1..4], b"PNG");
    let anonymous = t.http.get(format!("{}{content_uri}", t.sandbox.base_url())).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "media needs the account's credentials");
    assert!(t.sandbox.customer_sends_file("+14155550111", "", "virus.exe").is_err());
}

#[tokio::test]
async fn a_message_dated_in_the_past_leaves_the_whatsapp_window_closed() {
    let t = Twilio::new().await;
    let (to, from) = ("whatsapp:+14155550122", format!("whatsapp:{OURS}"));
    let wrote = t
        .http
        .post(format!("{}/_sandbox/customers/{to}/messages", t.sandbox.base_url()))
        .json(&json!({"text": "Is my order ready?", "hours_ago": 25}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrote.status(), StatusCode::OK);
    let late: Value = t.send(&[("To", to), ("From", &from), ("Body", "Yes!")]).await.json().await.unwrap();
    t.sandbox.advance_clock(SignedDuration::from_secs(2));
    let late: Value = t
        .get(&format!("/2010-04-01/Accounts/{}/Messages/{}.json", t.sid, late["sid"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(late["error_code"].as_i64(), Some(63016), "25 h after the customer wrote: {late}");
}

#[tokio::test]
async fn stop_blocks_sending_until_start() {
    let t = Twilio::new().await;
    t.sandbox.customer_writes("+14155550111", "STOP").unwrap();
    let (status, stopped) = t.error(&[("To", "+14155550111"), ("From", OURS), ("Body", "hello?")]).await;
    assert_eq!((status, stopped["code"].as_i64()), (StatusCode::BAD_REQUEST, Some(21610)));
    t.sandbox.customer_writes("+14155550111", "start").unwrap();
    assert_eq!(
        t.send(&[("To", "+14155550111"), ("From", OURS), ("Body", "welcome back")]).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn whatsapp_free_text_needs_the_24_hour_window_and_templates_do_not() {
    let t = Twilio::new().await;
    let (to, from) = ("whatsapp:+14155550122", format!("whatsapp:{OURS}"));
    t.sandbox.customer_writes(to, "hi").unwrap();
    let inside: Value = t.send(&[("To", to), ("From", &from), ("Body", "hello")]).await.json().await.unwrap();
    t.sandbox.advance_clock(SignedDuration::from_hours(25));
    let outside: Value = t.send(&[("To", to), ("From", &from), ("Body", "late")]).await.json().await.unwrap();
    let template: Value = t
        .send(&[
            ("To", to),
            ("From", &from),
            ("ContentSid", "HX00000000000000000000000000000001"),
            ("ContentVariables", r#"{"1":"Mei"}"#),
        ])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(template["body"], "Hi Mei, your order is ready.", "the template's variables are filled in");
    t.sandbox.advance_clock(SignedDuration::from_secs(2));
    let fetch =
        |m: &Value| format!("/2010-04-01/Accounts/{}/Messages/{}.json", t.sid, m["sid"].as_str().unwrap());
    let inside: Value = t.get(&fetch(&inside)).await.json().await.unwrap();
    let outside: Value = t.get(&fetch(&outside)).await.json().await.unwrap();
    let template: Value = t.get(&fetch(&template)).await.json().await.unwrap();
    assert_conforms(MESSAGE, "get", "200", &outside);
    assert_eq!(inside["status"], "delivered");
    assert_eq!((outside["status"].as_str(), outside["error_code"].as_i64()), (Some("failed"), Some(63016)));
    assert_eq!(template["status"], "delivered", "templates may be sent outside the window");
}

#[tokio::test]
async fn unknown_messages_wrong_channels_and_date_filters() {
    let t = Twilio::new().await;
    let missing = t
        .get(&format!("/2010-04-01/Accounts/{}/Messages/SM00000000000000000000000000000000.json", t.sid))
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.json::<Value>().await.unwrap()["code"], 20404);
    let (_, channel) = t.error(&[("To", "whatsapp:+14155550122"), ("From", OURS), ("Body", "hi")]).await;
    assert_eq!(channel["code"], 63007, "WhatsApp needs a whatsapp: sender");

    t.send(&[("To", "+14155550111"), ("From", OURS), ("Body", "today")]).await;
    let clock: Value = t.get("/_sandbox/clock").await.json().await.unwrap();
    let now: jiff::Timestamp = clock["now"].as_str().unwrap().parse().unwrap();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let tomorrow = today.tomorrow().unwrap();
    let on_or_after =
        |day: jiff::civil::Date| format!("/2010-04-01/Accounts/{}/Messages.json?DateSent%3E={day}", t.sid);
    let from_today: Value = t.get(&on_or_after(today)).await.json().await.unwrap();
    let from_tomorrow: Value = t.get(&on_or_after(tomorrow)).await.json().await.unwrap();
    assert_eq!(from_today["messages"].as_array().unwrap().len(), 1, "DateSent>=today includes today");
    assert!(from_tomorrow["messages"].as_array().unwrap().is_empty(), "and not the day after");
}

#[tokio::test]
async fn the_content_api_lists_templates_with_their_whatsapp_approval() {
    let t = Twilio::new().await;
    let listed: Value = t.get("/v1/ContentAndApprovals?PageSize=50").await.json().await.unwrap();
    let first = &listed["contents"][0];
    assert_eq!(first["sid"], "HX00000000000000000000000000000001");
    assert_eq!(first["types"]["twilio/text"]["body"], "Hi {{1}}, your order is ready.");
    assert_eq!(first["approval_requests"]["status"], "approved");
    assert_eq!(listed["meta"]["key"], "contents");
    let anonymous =
        t.http.get(format!("{}/v1/ContentAndApprovals", t.sandbox.base_url())).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
