//! Fuzz targets (`make fuzz`, not `make test`): every parser of what the platforms send —
//! response bodies, error bodies, throttling headers — fed arbitrary bytes and structure-aware
//! JSON, a million inputs each by default (`FUZZ_CASES`). A target passes when nothing panics
//! and every input gets an answer (a value or a clear error). proptest on stable Rust: no
//! coverage-guided fuzzer builds here without nightly.

use crate::error::{PlatformError, answer, retry_after_of};
use crate::graph::{ConversationsPage, MessagesPage, SentMessage, graph_error};
use crate::twilio::{IncomingNumberPage, MessagePage, twilio_error};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use switchboard_fuzzing::run;

/// Arbitrary JSON, biased toward the shapes the platforms use (objects of paging, lists, ids).
fn json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    let key = prop::sample::select(vec![
        "data",
        "paging",
        "cursors",
        "after",
        "next",
        "id",
        "message",
        "from",
        "to",
        "created_time",
        "attachments",
        "image_data",
        "url",
        "error",
        "code",
        "error_subcode",
        "messages",
        "sid",
        "body",
        "date_sent",
        "direction",
        "num_media",
        "status",
        "next_page_uri",
        "incoming_phone_numbers",
        "phone_number",
        "capabilities",
        "sms",
        "recipient_id",
        "message_id",
        "participants",
        "name",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,24}".prop_map(Value::from),
        Just(Value::from("2022-07-12T19:11:07+0000")),
        Just(Value::from("Thu, 24 Aug 2023 05:01:45 +0000")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// Arbitrary bytes, or arbitrary JSON's bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json().prop_map(|v| serde_json::to_vec(&v).unwrap_or_default()),
    ]
}

/// Every input gets an answer: parsed, or an error that says which platform and status.
fn answered<T: DeserializeOwned>(
    platform: &'static str,
    status: u16,
    bytes: &[u8],
    api_error: fn(&[u8], u16, Option<std::time::Duration>) -> Option<PlatformError>,
) -> Result<(), TestCaseError> {
    match answer::<T>(platform, status, None, bytes, api_error) {
        Ok(_) => prop_assert!((200..300).contains(&status)),
        Err(error) => prop_assert!(!error.to_string().is_empty()),
    }
    Ok(())
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(400), Just(401), Just(429), Just(500), 100u16..600]
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_graph_bodies() {
    run("graph response and error bodies", (status(), body()), |(status, bytes)| {
        answered::<ConversationsPage>("Facebook", status, &bytes, graph_error)?;
        answered::<MessagesPage>("Facebook", status, &bytes, graph_error)?;
        answered::<SentMessage>("Facebook", status, &bytes, graph_error)
    });
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_twilio_bodies() {
    run("twilio response and error bodies", (status(), body()), |(status, bytes)| {
        answered::<MessagePage>("Twilio", status, &bytes, twilio_error)?;
        answered::<IncomingNumberPage>("Twilio", status, &bytes, twilio_error)
    });
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_throttling_headers() {
    let usage = prop_oneof![
        ".{0,64}",
        json().prop_map(|v| v.to_string()),
        (any::<u64>(), ".{0,8}").prop_map(|(m, k)| format!(
            "{{\"{k}\":[{{\"type\":\"messenger\",\"estimated_time_to_regain_access\":{m}}}]}}"
        )),
    ];
    run(
        "retry-after and usage headers",
        (prop::option::of(".{0,12}"), prop::option::of(usage)),
        |(retry, usage)| {
            let _ = retry_after_of(retry.as_deref(), usage.as_deref());
            Ok(())
        },
    );
}
