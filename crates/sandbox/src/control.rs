//! The control API under `/_sandbox/`: what tests, the demo and trainers use to drive the
//! sandbox. Not part of any platform.

use crate::world::{SentMessage, World};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub(crate) fn routes() -> Router<Arc<World>> {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/demo", get(demo))
        .route("/sent", get(sent))
        .route("/customers/{id}/messages", post(customer_writes))
        .route("/clock", get(clock).post(advance_clock))
        .route("/faults", post(add_fault).delete(clear_faults).get(faults))
        .route("/faults/fired", get(faults_fired))
        .route("/requests", get(requests))
        .route("/pages", post(add_page))
        .route("/users", post(add_user))
        .route("/users/{id}/data-access", post(lapse_data_access))
        .route("/numbers", post(add_number))
        .route("/customers", post(add_customer))
        .route("/sent/twilio", get(sent_twilio))
        .route("/files/{id}", get(file))
        .route("/reset", post(reset))
        .route("/pages/{id}/revoke", post(revoke))
}

async fn add_fault(
    State(world): State<Arc<World>>,
    Json(rule): Json<crate::faults::FaultRule>,
) -> StatusCode {
    world.lock().faults.push(rule);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(world): State<Arc<World>>) -> StatusCode {
    world.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn faults(State(world): State<Arc<World>>) -> Json<Vec<crate::faults::FaultRule>> {
    Json(world.lock().faults.clone())
}

/// How many requests each platform endpoint has had, refused ones included.
async fn requests(State(world): State<Arc<World>>) -> Json<serde_json::Value> {
    Json(serde_json::to_value(&world.lock().requests).unwrap_or_default())
}

/// How many faults fired, per endpoint and kind.
async fn faults_fired(State(world): State<Arc<World>>) -> Json<serde_json::Value> {
    Json(serde_json::to_value(&world.lock().faults_fired).unwrap_or_default())
}

#[derive(Deserialize)]
struct Revoke {
    /// 463 expired, 460 password changed, 492 no role on the page, 458 app removed.
    subcode: u32,
}

/// Makes a page's token unusable: the Graph API answers 190 with the subcode from now on.
async fn revoke(
    State(world): State<Arc<World>>,
    Path(id): Path<String>,
    Json(revoke): Json<Revoke>,
) -> StatusCode {
    match world.lock().pages.iter_mut().find(|page| page.id == id) {
        Some(page) => {
            page.revoked = Some(revoke.subcode);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NOT_FOUND,
    }
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn clock(State(world): State<Arc<World>>) -> Json<Value> {
    Json(json!({ "now": world.now() }))
}

/// Moves the sandbox's clock forward: messaging windows and statuses follow it.
async fn advance_clock(State(world): State<Arc<World>>, Json(advance): Json<Advance>) -> Json<Value> {
    let now = world.advance_clock(jiff::SignedDuration::from_secs(advance.seconds));
    Json(json!({ "now": now }))
}

/// The demo page and its token, and the Twilio account's credentials and numbers, so that
/// demo mode can connect them without the login dialog.
async fn demo(State(world): State<Arc<World>>) -> Result<Json<Value>, StatusCode> {
    let state = world.lock();
    let page = state.pages.first().ok_or(StatusCode::NOT_FOUND)?;
    let numbers: Vec<Value> =
        state.numbers.iter().map(|n| json!({ "number": n.number, "whatsapp": n.whatsapp })).collect();
    Ok(Json(json!({
        "page_id": page.id,
        "page_name": page.name,
        "access_token": page.access_token,
        "twilio": { "account_sid": state.account_sid, "auth_token": state.auth_token, "numbers": numbers },
        "app": { "id": state.app_id, "secret": state.app_secret },
    })))
}

async fn sent(State(world): State<Arc<World>>) -> Json<Vec<SentMessage>> {
    Json(world.sent())
}

#[derive(Deserialize)]
struct CustomerText {
    #[serde(default)]
    text: String,
    /// A file the customer sends: one of the sandbox's samples (`bike.png`, `receipt.pdf`).
    #[serde(default, alias = "image")]
    attachment: Option<String>,
    /// Dates the message this many hours ago (a window that closed), without moving the clock.
    #[serde(default)]
    hours_ago: f64,
}

async fn customer_writes(
    State(world): State<Arc<World>>,
    Path(id): Path<String>,
    Json(body): Json<CustomerText>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let refused = |status, error: String| (status, Json(json!({ "error": error })));
    let ago = jiff::SignedDuration::try_from_secs_f64(body.hours_ago * 3600.0)
        .map_err(|e| refused(StatusCode::BAD_REQUEST, format!("hours_ago: {e}")))?;
    world
        .customer_sent(&id, &body.text, body.attachment.as_deref(), ago)
        .map(|mid| Json(json!({ "message_id": mid })))
        .map_err(|error| refused(StatusCode::NOT_FOUND, error))
}

/// Creates (or replaces) a page; answers its page token.
async fn add_page(State(world): State<Arc<World>>, Json(page): Json<crate::world::PageSpec>) -> Json<Value> {
    let token = world.lock().add_page(&page);
    Json(json!({ "id": page.id, "access_token": token }))
}

async fn add_user(State(world): State<Arc<World>>, Json(user): Json<crate::world::UserSpec>) -> StatusCode {
    world.lock().add_user(&user);
    StatusCode::NO_CONTENT
}

async fn add_number(
    State(world): State<Arc<World>>,
    Json(number): Json<crate::world::NumberSpec>,
) -> StatusCode {
    world.lock().add_number(&number);
    StatusCode::NO_CONTENT
}

/// A persona without a timetable: make it write with `/customers/{id}/messages`.
async fn add_customer(
    State(world): State<Arc<World>>,
    Json(persona): Json<crate::script::Persona>,
) -> StatusCode {
    world.lock().add_customer(&persona);
    StatusCode::NO_CONTENT
}

/// The user's data access lapses now (as 90 days after their last login): the pages they
/// gave answer 190 until they log in again (reauthorize).
/// With `{"ends_in_days": N}` the user's data access ends N days from now (tokens keep
/// working meanwhile); without it (or without a body) it lapses now.
#[derive(Debug, Deserialize)]
struct DataAccess {
    ends_in_days: Option<i64>,
}

async fn lapse_data_access(
    State(world): State<Arc<World>>,
    Path(id): Path<String>,
    body: Option<Json<DataAccess>>,
) -> StatusCode {
    let now = world.now();
    let mut state = world.lock();
    let Some(user) = state.users.iter_mut().find(|u| u.id == id) else {
        return StatusCode::NOT_FOUND;
    };
    if let Some(Json(DataAccess { ends_in_days: Some(ends_in_days) })) = body {
        user.data_access_expires_at = now + jiff::SignedDuration::from_hours(ends_in_days * 24);
        return StatusCode::NO_CONTENT;
    }
    user.data_access_expires_at = now;
    let pages = user.pages.clone();
    for page in state.pages.iter_mut().filter(|p| pages.contains(&p.id)) {
        page.revoked = Some(463);
    }
    StatusCode::NO_CONTENT
}

/// Every SMS and WhatsApp message the account sent, oldest first.
async fn sent_twilio(State(world): State<Arc<World>>) -> Json<Vec<Value>> {
    let state = world.lock();
    let sent = state
        .sms
        .iter()
        .filter(|m| !m.inbound)
        .map(|m| json!({ "sid": m.sid, "from": m.from, "to": m.to, "body": m.body, "num_media": m.num_media, "created": m.created }))
        .collect();
    Json(sent)
}

/// A file the sandbox holds (an upload, or what a customer sent), with its media type: where
/// Messenger's attachment URLs point (Facebook's CDN serves them without a token).
async fn file(
    State(world): State<Arc<World>>,
    Path(id): Path<String>,
) -> Result<([(axum::http::header::HeaderName, String); 1], Vec<u8>), StatusCode> {
    let state = world.lock();
    let file = state.files.iter().find(|u| u.id == id).ok_or(StatusCode::NOT_FOUND)?;
    Ok(([(axum::http::header::CONTENT_TYPE, file.content_type.clone())], file.bytes.to_vec()))
}

/// Everything back to the script's start: new tokens and credentials, nothing sent, no faults.
async fn reset(State(world): State<Arc<World>>) -> StatusCode {
    world.reset();
    StatusCode::NO_CONTENT
}
