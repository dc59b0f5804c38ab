//! Fault injection: what can go wrong between the app and a platform, on demand. Rules name an
//! endpoint and a fault, and apply to the next `count` requests or with a `probability`.

use crate::world::World;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Every platform endpoint the app calls (the login dialog, a page in the admin's browser, is
/// not one: its failures are the browser's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// Any of those below.
    Any,
    /// Graph: `GET /{page}/conversations`.
    Conversations,
    /// Graph: `GET /{conversation}/messages` (a thread's older messages).
    ThreadMessages,
    /// Graph: `POST /{page}/messages`.
    Send,
    /// Graph: `POST /{page}/message_attachments` (an agent's file).
    Upload,
    /// Graph: `GET /debug_token` (token health).
    DebugToken,
    /// Graph: `GET /me/accounts` (the pages an admin may connect).
    Accounts,
    /// Graph: `GET /oauth/access_token` (the login's code exchanged, a token extended).
    TokenExchange,
    /// Graph: `GET /me/permissions`.
    Permissions,
    /// A customer's file on Messenger's CDN.
    File,
    /// Twilio: `POST …/Messages.json`.
    TwilioSend,
    /// Twilio: `GET …/Messages.json` and `GET …/Messages/{sid}.json`.
    TwilioList,
    /// Twilio: `GET …/Messages/{sid}/Media.json`.
    TwilioMediaList,
    /// Twilio: `GET …/Messages/{sid}/Media/{sid}` (a customer's file).
    TwilioMedia,
    /// Twilio: `GET …/IncomingPhoneNumbers.json`.
    TwilioNumbers,
    /// Twilio's Content API: `GET /v1/ContentAndApprovals` (WhatsApp templates).
    TwilioContent,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// HTTP 500 with the platform's error body (Graph code 2, Twilio 20500).
    ServerError,
    /// Answer after a delay (a time-out for a client that waits less).
    Delay { millis: u64 },
    /// Close the connection without a complete answer, before doing anything.
    Reset,
    /// Do the work, then lose the answer (the connection drops): the ambiguous failure.
    LoseAnswer,
    /// Do the work, then hold the answer back: a client that dies meanwhile never learns it.
    SlowAnswer { millis: u64 },
    /// HTTP 200 whose body is not valid JSON.
    Malformed,
    /// Rate limited: Graph 613, Twilio 20429.
    Throttle,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    pub endpoint: Endpoint,
    pub fault: Fault,
    /// Apply to the next `count` matching requests…
    #[serde(default)]
    pub count: Option<u32>,
    /// …or to each matching request with this probability (0–1).
    #[serde(default)]
    pub probability: Option<f64>,
    /// Lets this many matching requests through first (counted from when the rule is added,
    /// whatever happened to them): rules `after` 1, 3, 5… fault every other request, so that
    /// a client's backoff between failures stays short.
    #[serde(default)]
    pub after: Option<u32>,
}

impl Endpoint {
    /// Every endpoint, `Any` aside.
    pub const ALL: [Endpoint; 15] = [
        Endpoint::Conversations,
        Endpoint::ThreadMessages,
        Endpoint::Send,
        Endpoint::Upload,
        Endpoint::DebugToken,
        Endpoint::Accounts,
        Endpoint::TokenExchange,
        Endpoint::Permissions,
        Endpoint::File,
        Endpoint::TwilioSend,
        Endpoint::TwilioList,
        Endpoint::TwilioMediaList,
        Endpoint::TwilioMedia,
        Endpoint::TwilioNumbers,
        Endpoint::TwilioContent,
    ];

    /// The endpoint a request is for; `None` for the sandbox's own control API and the login
    /// dialog.
    pub fn of(method: &axum::http::Method, path: &str) -> Option<Self> {
        use axum::http::Method;
        if let Some(rest) = path.strip_prefix("/_sandbox/") {
            return rest.starts_with("files/").then_some(Endpoint::File);
        }
        if path.starts_with("/v1/Content") {
            return Some(Endpoint::TwilioContent);
        }
        if path.starts_with("/2010-04-01/") {
            return Some(if path.ends_with("/IncomingPhoneNumbers.json") {
                Endpoint::TwilioNumbers
            } else if path.ends_with("/Media.json") {
                Endpoint::TwilioMediaList
            } else if path.contains("/Media/") {
                Endpoint::TwilioMedia
            } else if path.contains("/Messages") && method == Method::POST {
                Endpoint::TwilioSend
            } else if path.contains("/Messages") {
                Endpoint::TwilioList
            } else {
                return None;
            });
        }
        let path = path.trim_end_matches('/');
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // Graph paths are `/{version}/…`; debug_token also answers without a version.
        let graph = match segments.first() {
            Some(version)
                if version.starts_with('v') && version[1..].starts_with(|c: char| c.is_ascii_digit()) =>
            {
                &segments[1..]
            }
            _ => &segments[..],
        };
        match graph {
            ["dialog", ..] => None,
            ["debug_token"] => Some(Endpoint::DebugToken),
            ["oauth", "access_token"] => Some(Endpoint::TokenExchange),
            ["me", "accounts"] => Some(Endpoint::Accounts),
            ["me", "permissions"] => Some(Endpoint::Permissions),
            [_, "conversations"] => Some(Endpoint::Conversations),
            [_, "message_attachments"] => Some(Endpoint::Upload),
            [_, "messages"] if method == Method::POST => Some(Endpoint::Send),
            [_, "messages"] => Some(Endpoint::ThreadMessages),
            _ => None,
        }
    }

    /// Whether the endpoint answers with a file's bytes rather than JSON.
    fn is_file(self) -> bool {
        matches!(self, Endpoint::File | Endpoint::TwilioMedia)
    }

    fn is_twilio(self) -> bool {
        matches!(
            self,
            Endpoint::TwilioSend
                | Endpoint::TwilioList
                | Endpoint::TwilioMediaList
                | Endpoint::TwilioMedia
                | Endpoint::TwilioNumbers
                | Endpoint::TwilioContent
        )
    }
}

impl Fault {
    /// One fault of every kind, the waits `millis` long: what a test runs on each endpoint.
    pub const fn every_kind(millis: u64) -> [Fault; 7] {
        [
            Fault::ServerError,
            Fault::Delay { millis },
            Fault::Reset,
            Fault::LoseAnswer,
            Fault::SlowAnswer { millis },
            Fault::Malformed,
            Fault::Throttle,
        ]
    }

    /// The fault's kind, as the fired counts name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::ServerError => "server_error",
            Fault::Delay { .. } => "delay",
            Fault::Reset => "reset",
            Fault::LoseAnswer => "lose_answer",
            Fault::SlowAnswer { .. } => "slow_answer",
            Fault::Malformed => "malformed",
            Fault::Throttle => "throttle",
        }
    }
}

/// The middleware in front of the platform routes (and the CDN's files).
pub(crate) async fn inject(State(world): State<Arc<World>>, request: Request, next: Next) -> Response {
    let Some(endpoint) = Endpoint::of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let twilio = endpoint.is_twilio();
    *world.lock().requests.entry(endpoint).or_default() += 1;
    match world.take_fault(endpoint) {
        None => next.run(request).await,
        Some(Fault::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        // A CDN answers a bare status.
        Some(Fault::ServerError) if endpoint.is_file() && !twilio => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Some(Fault::ServerError) if twilio => {
            twilio_error(StatusCode::INTERNAL_SERVER_ERROR, 20500, "Internal Server Error")
        }
        Some(Fault::ServerError) => graph_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            2,
            "An unexpected error has occurred. Please retry your request later.",
        ),
        Some(Fault::Throttle) if endpoint.is_file() && !twilio => {
            let mut answer = StatusCode::TOO_MANY_REQUESTS.into_response();
            answer
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
            answer
        }
        Some(Fault::Throttle) if twilio => {
            let mut answer = twilio_error(StatusCode::TOO_MANY_REQUESTS, 20429, "Too Many Requests");
            answer
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
            answer
        }
        Some(Fault::Throttle) => graph_error(
            StatusCode::BAD_REQUEST,
            613,
            "(#613) Calls to this api have exceeded the rate limit.",
        ),
        // A file cut short: the answer's headers (its length) and half its bytes.
        Some(Fault::Malformed) if endpoint.is_file() => {
            let answer = next.run(request).await;
            truncated(answer).await
        }
        Some(Fault::Malformed) => {
            ([(axum::http::header::CONTENT_TYPE, "application/json")], "{\"data\": [{\"id\": ")
                .into_response()
        }
        Some(Fault::LoseAnswer) => {
            let _ = next.run(request).await;
            broken_answer()
        }
        Some(Fault::SlowAnswer { millis }) => {
            let answer = next.run(request).await;
            tokio::time::sleep(Duration::from_millis(millis)).await;
            answer
        }
        Some(Fault::Reset) => broken_answer(),
    }
}

/// The answer with its length kept and only half its body sent, then the connection dropped.
async fn truncated(answer: Response) -> Response {
    let (parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let cut = futures_util::stream::iter([
        Ok::<_, std::io::Error>(half),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected cut")),
    ]);
    let mut answer = Response::from_parts(parts, Body::from_stream(cut));
    answer
        .headers_mut()
        .insert(axum::http::header::CONTENT_LENGTH, axum::http::HeaderValue::from(bytes.len()));
    answer
}

/// A body that fails at once makes the server drop the connection mid-answer.
fn broken_answer() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        ))
    });
    Response::new(Body::from_stream(broken))
}

fn graph_error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "ASandboxFault"}});
    (status, axum::Json(body)).into_response()
}

fn twilio_error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = json!({"code": code, "message": message, "more_info": format!("https://www.twilio.com/docs/errors/{code}"), "status": status.as_u16()});
    (status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::Endpoint;
    use axum::http::Method;

    #[test]
    fn each_endpoint_the_app_calls_is_named_and_the_control_api_and_login_dialog_are_not() {
        let cases = [
            (Method::GET, "/v23.0/3001/conversations", Some(Endpoint::Conversations)),
            (Method::GET, "/v23.0/3001/conversations/", Some(Endpoint::Conversations)),
            (Method::GET, "/v23.0/t_42/messages", Some(Endpoint::ThreadMessages)),
            (Method::POST, "/v23.0/3001/messages", Some(Endpoint::Send)),
            (Method::POST, "/v23.0/3001/message_attachments", Some(Endpoint::Upload)),
            (Method::GET, "/debug_token", Some(Endpoint::DebugToken)),
            (Method::GET, "/v23.0/debug_token", Some(Endpoint::DebugToken)),
            (Method::GET, "/v23.0/me/accounts", Some(Endpoint::Accounts)),
            (Method::GET, "/v23.0/me/permissions", Some(Endpoint::Permissions)),
            (Method::GET, "/v23.0/oauth/access_token", Some(Endpoint::TokenExchange)),
            (Method::GET, "/_sandbox/files/7", Some(Endpoint::File)),
            (Method::POST, "/2010-04-01/Accounts/AC1/Messages.json", Some(Endpoint::TwilioSend)),
            (Method::GET, "/2010-04-01/Accounts/AC1/Messages.json", Some(Endpoint::TwilioList)),
            (Method::GET, "/2010-04-01/Accounts/AC1/Messages/SM1.json", Some(Endpoint::TwilioList)),
            (
                Method::GET,
                "/2010-04-01/Accounts/AC1/Messages/SM1/Media.json",
                Some(Endpoint::TwilioMediaList),
            ),
            (Method::GET, "/2010-04-01/Accounts/AC1/Messages/SM1/Media/ME1", Some(Endpoint::TwilioMedia)),
            (
                Method::GET,
                "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json",
                Some(Endpoint::TwilioNumbers),
            ),
            (Method::GET, "/v1/ContentAndApprovals", Some(Endpoint::TwilioContent)),
            (Method::GET, "/v23.0/dialog/oauth", None),
            (Method::POST, "/_sandbox/customers/8001/messages", None),
            (Method::GET, "/_sandbox/faults/fired", None),
            (Method::GET, "/v23.0/3001", None),
        ];
        for (method, path, expected) in &cases {
            assert_eq!(Endpoint::of(method, path), *expected, "{method} {path}");
        }
        for endpoint in Endpoint::ALL {
            assert!(cases.iter().any(|(_, _, e)| *e == Some(endpoint)), "{endpoint:?} has a case");
        }
    }
}
