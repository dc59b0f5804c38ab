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
    text: String,
}

async fn customer_writes(
    State(world): State<Arc<World>>,
    Path(id): Path<String>,
    Json(body): Json<CustomerText>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    world
        .customer_writes(&id, &body.text)
        .map(|mid| Json(json!({ "message_id": mid })))
        .map_err(|error| (StatusCode::NOT_FOUND, Json(json!({ "error": error }))))
}
