//! Fuzz target (`make fuzz`, not `make test`): any request to the sandbox — its Graph and Twilio
//! routes and its control API — with valid or broken credentials, forms, JSON and bytes, through
//! the real router in-process. The sandbox must answer every one (no panic) and never with a
//! 500 of its own (only a fault rule may say 500). A million requests by default (`FUZZ_CASES`).

use crate::world::World;
use axum::body::Body;
use axum::http::{Method, Request};
use base64::Engine as _;
use proptest::prelude::*;
use std::sync::Arc;
use switchboard_fuzzing::run;
use tower::ServiceExt;

const SCRIPT: &str = r#"{
  "pages": [{ "id": "3001", "name": "Fuzz Page" }],
  "numbers": [{ "number": "+14155550100", "name": "Fuzz line", "whatsapp": true }],
  "templates": [{ "sid": "HX00000000000000000000000000000001", "name": "t", "body": "Hi {{1}}" }],
  "personas": [{ "psid": "8001", "page": "3001", "first_name": "F", "last_name": "Z" },
               { "phone": "+14155550144", "number": "+14155550100", "first_name": "S", "last_name": "Z" }]
}"#;

/// Path segments that reach deep: the real ids and names beside nonsense.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("3001".to_owned()),
        Just("8001".to_owned()),
        Just("me".to_owned()),
        Just("t_1".to_owned()),
        "[A-Za-z0-9_.%-]{0,12}",
    ]
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_sandbox_requests() {
    let script = crate::Script::from_json(SCRIPT).expect("the script");
    let world = Arc::new(World::new(&script, "http://127.0.0.1:9".into()));
    let (token, sid, auth) = {
        let state = world.lock();
        (state.pages[0].access_token.clone(), state.account_sid.clone(), state.auth_token.clone())
    };
    let router = crate::router(world);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{sid}:{auth}"));
    let authorization = prop_oneof![
        Just(None),
        Just(Some(format!("Bearer {token}"))),
        Just(Some(format!("Basic {basic}"))),
        ".{0,40}".prop_map(Some),
        "Basic [A-Za-z0-9+/=]{0,40}".prop_map(Some),
    ];
    let twilio = format!("/2010-04-01/Accounts/{sid}");
    let path = prop_oneof![
        (segment(), segment()).prop_map(|(a, b)| format!("/v23.0/{a}/{b}")),
        segment().prop_map(|a| format!("/v23.0/{a}")),
        prop::sample::select(vec![
            "/v23.0/3001/conversations".to_owned(),
            "/v23.0/3001/messages".to_owned(),
            "/v23.0/3001/message_attachments".to_owned(),
            "/v23.0/me/accounts".to_owned(),
            "/v23.0/me/permissions".to_owned(),
            "/v23.0/oauth/access_token".to_owned(),
            "/v23.0/dialog/oauth".to_owned(),
            "/v23.0/dialog/oauth/confirm".to_owned(),
            "/debug_token".to_owned(),
            format!("{twilio}/Messages.json"),
            format!("{twilio}/IncomingPhoneNumbers.json"),
            "/v1/ContentAndApprovals".to_owned(),
            "/_sandbox/customers/8001/messages".to_owned(),
            "/_sandbox/faults".to_owned(),
            "/_sandbox/files/1".to_owned(),
        ]),
        segment().prop_map(move |m| format!("/2010-04-01/Accounts/{m}/Messages/{m}/Media.json")),
        "/[ -~]{0,60}",
    ];
    let query = prop_oneof![
        Just(String::new()),
        Just(format!("?access_token={token}")),
        "\\?[a-z_]{1,12}=[ -~]{0,30}(&[a-z_]{1,12}=[ -~]{0,20}){0,3}",
    ];
    let body = prop_oneof![
        Just(Vec::new()),
        "(To|From|Body|ContentSid|ContentVariables|MediaUrl|PageSize|DateSent>)=[ -~]{0,30}(&(To|From|Body|ContentSid|ContentVariables)=[ -~]{0,30}){0,4}"
            .prop_map(String::into_bytes),
        "\\{\"(recipient|message|messaging_type|tag|text)\": ?(\\{\"(id|text|attachment)\": ?\"[ -~]{0,20}\"\\}|\"[ -~]{0,20}\"|[0-9]{1,5}|null)\\}"
            .prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..200),
    ];
    let content_type = prop::sample::select(vec![
        "",
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ]);
    let method = prop::sample::select(vec![Method::GET, Method::POST, Method::DELETE, Method::PUT]);
    let request = (method, path, query, authorization, content_type, body);

    run("sandbox requests", request, |(method, path, query, authorization, content_type, body)| {
        let mut builder = Request::builder().method(method).uri(format!("{path}{query}"));
        if let Some(value) = authorization {
            builder = builder.header("authorization", value);
        }
        if !content_type.is_empty() {
            builder = builder.header("content-type", content_type);
        }
        // A request line the HTTP layer itself refuses never reaches the sandbox.
        let Ok(request) = builder.body(Body::from(body)) else { return Ok(()) };
        let answer = runtime.block_on(router.clone().oneshot(request)).expect("the router answers");
        prop_assert_ne!(answer.status().as_u16(), 500, "a 500 without a fault rule");
        Ok(())
    });
}
