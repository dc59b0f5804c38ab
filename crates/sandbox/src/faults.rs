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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// Any platform endpoint.
    Any,
    /// Graph: `GET /{page}/conversations`.
    Conversations,
    /// Graph: `POST /{page}/messages`.
    Send,
    /// Twilio: `POST …/Messages.json`.
    TwilioSend,
    /// Twilio: `GET …/Messages.json` and `GET …/Messages/{sid}.json`.
    TwilioList,
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
}

impl Endpoint {
    fn of(method: &axum::http::Method, path: &str) -> Option<Self> {
        let twilio = path.starts_with("/2010-04-01/");
        if twilio && path.contains("/Messages") {
            return Some(if method == axum::http::Method::POST {
                Endpoint::TwilioSend
            } else {
                Endpoint::TwilioList
            });
        }
        let path = path.trim_end_matches('/');
        if path.ends_with("/conversations") {
            Some(Endpoint::Conversations)
        } else if path.ends_with("/messages") && method == axum::http::Method::POST {
            Some(Endpoint::Send)
        } else {
            None
        }
    }
}

/// The middleware in front of the platform routes.
pub(crate) async fn inject(State(world): State<Arc<World>>, request: Request, next: Next) -> Response {
    let Some(endpoint) = Endpoint::of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let twilio = matches!(endpoint, Endpoint::TwilioSend | Endpoint::TwilioList);
    match world.take_fault(endpoint) {
        None => next.run(request).await,
        Some(Fault::Delay { millis }) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            next.run(request).await
        }
        Some(Fault::ServerError) if twilio => {
            twilio_error(StatusCode::INTERNAL_SERVER_ERROR, 20500, "Internal Server Error")
        }
        Some(Fault::ServerError) => graph_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            2,
            "An unexpected error has occurred. Please retry your request later.",
        ),
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
