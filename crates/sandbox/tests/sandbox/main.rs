//! The sandbox over real HTTP on loopback: each rule and error, and conformance to Twilio's
//! published OpenAPI specification.
#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test, with its backtrace")]

mod control;
mod faults;
mod login;
mod messenger;
mod spec;
mod twilio;

use switchboard_sandbox::{Sandbox, Script};

pub const SCRIPT: &str = r#"{
  "pages": [{ "id": "1001", "name": "Velo Bikes" }],
  "numbers": [{ "number": "+14155550100", "name": "Velo SMS", "whatsapp": true }],
  "templates": [{ "sid": "HX00000000000000000000000000000001", "body": "Hi {{1}}, your order is ready." }],
  "personas": [
    { "psid": "9001", "page": "1001", "first_name": "Ana", "last_name": "Lima" },
    { "phone": "+14155550111", "number": "+14155550100", "first_name": "Tomás", "last_name": "Reyes" },
    { "phone": "+14155550122", "number": "+14155550100", "whatsapp": true, "first_name": "Mei", "last_name": "Chen" }
  ]
}"#;

pub async fn sandbox() -> Sandbox {
    Sandbox::start(Script::from_json(SCRIPT).expect("the test script parses"))
        .await
        .expect("the sandbox starts")
}
