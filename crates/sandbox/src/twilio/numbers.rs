//! IncomingPhoneNumbers: the account's numbers, for the admin to choose from.

use super::{TwilioError, authorize, rfc2822};
use crate::world::World;
use axum::Json;
use axum::extract::{Path, State as AxumState};
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;

pub(crate) async fn list(
    AxumState(world): AxumState<Arc<World>>,
    Path(account): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, TwilioError> {
    let state = world.lock();
    authorize(&state, &headers, &account)?;
    let base = format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json");
    let numbers: Vec<Value> = state
        .numbers
        .iter()
        .map(|n| {
            json!({
                "account_sid": state.account_sid,
                "address_requirements": "none",
                "address_sid": null,
                "api_version": "2010-04-01",
                "beta": false,
                "bundle_sid": null,
                "capabilities": { "fax": false, "mms": true, "sms": true, "voice": true },
                "date_created": rfc2822(n.created),
                "date_updated": rfc2822(n.created),
                "emergency_address_sid": null,
                "emergency_address_status": "unregistered",
                "emergency_status": "Inactive",
                "friendly_name": n.name,
                "identity_sid": null,
                "origin": "twilio",
                "phone_number": n.number,
                "sid": n.sid,
                "sms_application_sid": null,
                "sms_fallback_method": "POST",
                "sms_fallback_url": "",
                "sms_method": "POST",
                "sms_url": "",
                "status": "in-use",
                "status_callback": "",
                "status_callback_method": "POST",
                "trunk_sid": null,
                "type": "local",
                "uri": format!("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{}.json", n.sid),
                "voice_application_sid": null,
                "voice_caller_id_lookup": false,
                "voice_fallback_method": "POST",
                "voice_fallback_url": null,
                "voice_method": "POST",
                "voice_receive_mode": "voice",
                "voice_url": null,
            })
        })
        .collect();
    let count = numbers.len();
    Ok(Json(json!({
        "incoming_phone_numbers": numbers,
        "end": count.saturating_sub(1),
        "first_page_uri": format!("{base}?PageSize=50&Page=0"),
        "next_page_uri": null,
        "page": 0,
        "page_size": 50,
        "previous_page_uri": null,
        "start": 0,
        "uri": format!("{base}?PageSize=50&Page=0"),
    })))
}
