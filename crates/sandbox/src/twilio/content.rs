//! Twilio's Content API (content.twilio.com, answered here at the same base URL): the account's
//! templates with their WhatsApp approval, as `GET /v1/ContentAndApprovals` lists them.

use super::{TwilioError, authorize, rfc2822};
use crate::world::World;
use axum::Json;
use axum::extract::State as AxumState;
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;

pub(crate) async fn list(
    AxumState(world): AxumState<Arc<World>>,
    headers: HeaderMap,
) -> Result<Json<Value>, TwilioError> {
    let created = rfc2822(world.now());
    let state = world.lock();
    let account = state.account_sid.clone();
    authorize(&state, &headers, &account)?;
    let contents: Vec<Value> = state
        .templates
        .iter()
        .map(|t| {
            let name = t.name.clone().unwrap_or_else(|| t.sid.clone());
            let samples: serde_json::Map<String, Value> = switchboard_core::template::variables(&t.body)
                .into_iter()
                .map(|v| (v, Value::from("sample")))
                .collect();
            json!({
                "sid": t.sid,
                "account_sid": account,
                "friendly_name": name,
                "language": "en",
                "variables": samples,
                "types": { "twilio/text": { "body": t.body } },
                "approval_requests": {
                    "name": name,
                    "category": "UTILITY",
                    "content_type": "twilio/text",
                    "status": if t.approved { "approved" } else { "pending" },
                    "rejection_reason": "",
                    "allow_category_change": true,
                },
                "date_created": created,
                "date_updated": created,
                "url": format!("https://content.twilio.com/v1/Content/{}", t.sid),
            })
        })
        .collect();
    let url = "https://content.twilio.com/v1/ContentAndApprovals?PageSize=50&Page=0";
    Ok(Json(json!({
        "contents": contents,
        "meta": {
            "page": 0,
            "page_size": 50,
            "first_page_url": url,
            "previous_page_url": null,
            "url": url,
            "next_page_url": null,
            "key": "contents",
        },
    })))
}
