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
        .route("/customers/{psid}/messages", post(customer_writes))
}

/// The demo page and its token, so that demo mode can connect it without the login dialog.
async fn demo(State(world): State<Arc<World>>) -> Result<Json<Value>, StatusCode> {
    let state = world.lock();
    let page = state.pages.first().ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(json!({
        "page_id": page.id,
        "page_name": page.name,
        "access_token": page.access_token,
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
    Path(psid): Path<String>,
    Json(body): Json<CustomerText>,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    world
        .customer_writes(&psid, &body.text)
        .map(|mid| Json(json!({ "message_id": mid })))
        .map_err(|error| (StatusCode::NOT_FOUND, Json(json!({ "error": error }))))
}
