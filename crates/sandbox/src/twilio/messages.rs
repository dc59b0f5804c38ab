//! The Message resource: create (send), list with filters and paging, fetch; and what a
//! customer's SMS or WhatsApp message looks like when it arrives.

use super::{TwilioError, authorize, field, form, rfc2822};
use crate::world::{Attachment, Customer, State, TwilioMedia, TwilioMessage, TwilioNumber, World};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const BODY_LIMIT: usize = 1_600;
const WHATSAPP_WINDOW: SignedDuration = SignedDuration::from_hours(24);
/// How long an outbound message stays `queued`, then `sent`, before `delivered`.
const QUEUED_FOR: SignedDuration = SignedDuration::from_millis(200);
const SENT_FOR: SignedDuration = SignedDuration::from_millis(400);
/// A message that is only one of these words opts the sender out, or back in (PLATFORMS.md).
const OPT_OUT: &[&str] = &["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
const OPT_IN: &[&str] = &["START", "YES", "UNSTOP"];

pub(crate) async fn create(
    AxumState(world): AxumState<Arc<World>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), TwilioError> {
    let now = world.now();
    let mut state = world.lock();
    authorize(&state, &headers, &account)?;
    let form = form(&body);
    let to = field(&form, "To")
        .ok_or_else(|| TwilioError::bad_request(21604, "A 'To' phone number is required."))?;
    if !is_address(to) {
        return Err(TwilioError::bad_request(21211, format!("Invalid 'To' Phone Number: {to}")));
    }
    let from = field(&form, "From")
        .ok_or_else(|| TwilioError::bad_request(21603, "A 'From' phone number is required."))?;
    let whatsapp = to.starts_with("whatsapp:");
    let number = state
        .numbers
        .iter()
        .find(|n| from.strip_prefix("whatsapp:").unwrap_or(from) == n.number)
        .cloned()
        .ok_or_else(|| {
            TwilioError::bad_request(
                21606,
                format!("The From phone number {from} is not a valid, SMS-capable inbound phone number or short code for your account."),
            )
        })?;
    if whatsapp != from.starts_with("whatsapp:") || (whatsapp && !number.whatsapp) {
        return Err(TwilioError::bad_request(
            63007,
            "Twilio could not find a Channel with the specified From address",
        ));
    }
    let media = form.iter().filter(|(k, _)| k == "MediaUrl").count();
    let body = match field(&form, "ContentSid") {
        Some(sid) => template_body(&state, sid, field(&form, "ContentVariables"))?,
        None => field(&form, "Body").unwrap_or_default().to_owned(),
    };
    if body.is_empty() && media == 0 {
        return Err(TwilioError::bad_request(21602, "Message body is required."));
    }
    if body.chars().count() > BODY_LIMIT {
        return Err(TwilioError::bad_request(
            21617,
            "The concatenated message body exceeds the 1600 character limit.",
        ));
    }
    if state.opted_out.iter().any(|(customer, ours)| customer == to && *ours == number.number) {
        return Err(TwilioError::bad_request(21610, "Attempt to send to unsubscribed recipient"));
    }
    // WhatsApp accepts free text only within 24 h of the customer's last message; Twilio
    // takes the request and the message then fails with 63016.
    let fails_with = (whatsapp && field(&form, "ContentSid").is_none() && !window_open(&state, to, &number, now))
        .then_some((
            63016,
            "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
        ));
    let sid = state.next_sid(if media > 0 { "MM" } else { "SM" });
    let message = TwilioMessage {
        sid,
        from: from.to_owned(),
        to: to.to_owned(),
        body,
        inbound: false,
        created: now,
        num_media: media,
        media: Vec::new(),
        fails_with,
    };
    let resource = resource(&state, &message, now);
    state.sms.push(message);
    Ok((StatusCode::CREATED, Json(resource)))
}

pub(crate) async fn fetch(
    AxumState(world): AxumState<Arc<World>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, TwilioError> {
    let now = world.now();
    let state = world.lock();
    authorize(&state, &headers, &account)?;
    let sid = sid.strip_suffix(".json").unwrap_or(&sid);
    let message = state.sms.iter().find(|m| m.sid == sid).ok_or_else(|| {
        TwilioError::not_found(&format!("/2010-04-01/Accounts/{account}/Messages/{sid}.json"))
    })?;
    Ok(Json(resource(&state, message, now)))
}

pub(crate) async fn list(
    AxumState(world): AxumState<Arc<World>>,
    Path(account): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>, TwilioError> {
    let now = world.now();
    let state = world.lock();
    authorize(&state, &headers, &account)?;
    let page_size = match query.get("PageSize") {
        None => 50,
        Some(size) => size
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1_000).contains(n))
            .ok_or_else(|| TwilioError::bad_request(20001, "PageSize must be between 1 and 1000"))?,
    };
    let page: usize = query.get("Page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let start = match query.get("PageToken") {
        Some(token) => token
            .strip_prefix("PA")
            .and_then(|hex| usize::from_str_radix(hex, 16).ok())
            .ok_or_else(|| TwilioError::bad_request(20001, "Invalid PageToken"))?,
        None => page * page_size,
    };
    let day = |name: &str| -> Result<Option<jiff::civil::Date>, TwilioError> {
        query
            .get(name)
            .map(|d| d.parse().map_err(|_| TwilioError::bad_request(20001, format!("Invalid {name}: {d}"))))
            .transpose()
    };
    let (on, until, since) = (day("DateSent")?, day("DateSent<")?, day("DateSent>")?);
    let mut matching: Vec<&TwilioMessage> = state
        .sms
        .iter()
        .filter(|m| query.get("To").is_none_or(|to| &m.to == to))
        .filter(|m| query.get("From").is_none_or(|from| &m.from == from))
        .filter(|m| {
            let sent = m.created.to_zoned(jiff::tz::TimeZone::UTC).date();
            on.is_none_or(|d| sent == d) && until.is_none_or(|d| sent <= d) && since.is_none_or(|d| sent >= d)
        })
        .collect();
    // Newest first, as Twilio lists them.
    matching.sort_by(|a, b| b.created.cmp(&a.created).then(b.sid.cmp(&a.sid)));
    let messages: Vec<Value> =
        matching.iter().skip(start).take(page_size).map(|m| resource(&state, m, now)).collect();

    let base = format!("/2010-04-01/Accounts/{account}/Messages.json");
    let filters: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !["Page", "PageSize", "PageToken"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let uri = |page: usize, token: Option<usize>| {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        pairs.extend_pairs(&filters);
        pairs.append_pair("PageSize", &page_size.to_string()).append_pair("Page", &page.to_string());
        if let Some(offset) = token {
            pairs.append_pair("PageToken", &format!("PA{offset:x}"));
        }
        format!("{base}?{}", pairs.finish())
    };
    let end = start + messages.len();
    let next = (end < matching.len()).then(|| uri(page + 1, Some(end)));
    let previous = (start > 0).then(|| uri(page.saturating_sub(1), Some(start.saturating_sub(page_size))));
    Ok(Json(json!({
        "messages": messages,
        "end": end.saturating_sub(1),
        "first_page_uri": uri(0, None),
        "next_page_uri": next,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": previous,
        "start": start,
        "uri": uri(page, (start > 0).then_some(start)),
    })))
}

/// A customer's message arrives at one of the account's numbers. Opt-out and opt-in words
/// change whether the number may write back, as Twilio's Advanced Opt-Out does.
pub(crate) fn receive(
    state: &mut State,
    customer: &Customer,
    number: &TwilioNumber,
    text: &str,
    file: Option<Attachment>,
    now: Timestamp,
) -> String {
    let word = text.trim().to_ascii_uppercase();
    let pair = (customer.psid.clone(), number.number.clone());
    if OPT_OUT.contains(&word.as_str()) && !state.opted_out.contains(&pair) {
        state.opted_out.push(pair);
    } else if OPT_IN.contains(&word.as_str()) {
        state.opted_out.retain(|p| *p != pair);
    }
    let ours = if customer.psid.starts_with("whatsapp:") {
        format!("whatsapp:{}", number.number)
    } else {
        number.number.clone()
    };
    let sid = state.next_sid(if file.is_some() { "MM" } else { "SM" });
    let media: Vec<TwilioMedia> =
        file.into_iter().map(|file| TwilioMedia { sid: state.next_sid("ME"), file }).collect();
    state.sms.push(TwilioMessage {
        sid: sid.clone(),
        from: customer.psid.clone(),
        to: ours,
        body: text.to_owned(),
        inbound: true,
        created: now,
        num_media: media.len(),
        media,
        fails_with: None,
    });
    sid
}

fn window_open(state: &State, customer: &str, number: &TwilioNumber, now: Timestamp) -> bool {
    let ours = format!("whatsapp:{}", number.number);
    state.sms.iter().any(|m| {
        m.inbound && m.from == customer && m.to == ours && now.duration_since(m.created) < WHATSAPP_WINDOW
    })
}

fn template_body(state: &State, sid: &str, variables: Option<&str>) -> Result<String, TwilioError> {
    let template = state
        .templates
        .iter()
        .find(|t| t.sid == sid)
        .ok_or_else(|| TwilioError::not_found(&format!("/v1/Content/{sid}")))?;
    let variables: HashMap<String, String> = match variables {
        Some(json) => serde_json::from_str(json)
            .map_err(|_| TwilioError::bad_request(21656, "The ContentVariables Parameter is invalid."))?,
        None => HashMap::new(),
    };
    Ok(variables.iter().fold(template.body.clone(), |body, (k, v)| body.replace(&format!("{{{{{k}}}}}"), v)))
}

/// `+` and 8 to 15 digits, or the same behind `whatsapp:`.
fn is_address(address: &str) -> bool {
    let number = address.strip_prefix("whatsapp:").unwrap_or(address);
    number
        .strip_prefix('+')
        .is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The Message resource with exactly Twilio's fields; the status follows the sandbox clock.
fn resource(state: &State, m: &TwilioMessage, now: Timestamp) -> Value {
    let age = now.duration_since(m.created);
    let (status, error) = match (m.inbound, m.fails_with) {
        (true, _) => ("received", None),
        (false, _) if age < QUEUED_FOR => ("queued", None),
        (false, Some(failure)) => ("failed", Some(failure)),
        (false, None) if age < QUEUED_FOR + SENT_FOR => ("sent", None),
        (false, None) => ("delivered", None),
    };
    let sent_at = (m.inbound || status != "queued")
        .then(|| rfc2822(if m.inbound { m.created } else { m.created + QUEUED_FOR }));
    let uri = format!("/2010-04-01/Accounts/{}/Messages/{}", state.account_sid, m.sid);
    json!({
        "account_sid": state.account_sid,
        "api_version": "2010-04-01",
        "body": m.body,
        "date_created": rfc2822(m.created),
        "date_sent": sent_at,
        "date_updated": rfc2822(if status == "queued" || m.inbound { m.created } else { m.created + QUEUED_FOR }),
        "direction": if m.inbound { "inbound" } else { "outbound-api" },
        "error_code": error.map(|(code, _)| code),
        "error_message": error.map(|(_, text)| text),
        "from": m.from,
        "messaging_service_sid": null,
        "num_media": m.num_media.to_string(),
        "num_segments": switchboard_core::sms::segments(&m.body).count.max(1).to_string(),
        "price": null,
        "price_unit": "USD",
        "sid": m.sid,
        "status": status,
        "subresource_uris": { "media": format!("{uri}/Media.json") },
        "to": m.to,
        "uri": format!("{uri}.json"),
    })
}

/// `GET …/Messages/{sid}/Media.json`: the Media resources of a message (one page: a message
/// carries at most 10).
pub(crate) async fn media_list(
    AxumState(world): AxumState<Arc<World>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, TwilioError> {
    let state = world.lock();
    authorize(&state, &headers, &account)?;
    let uri = format!("/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json");
    let message = state.sms.iter().find(|m| m.sid == sid).ok_or_else(|| TwilioError::not_found(&uri))?;
    let list: Vec<Value> = message
        .media
        .iter()
        .map(|media| {
            json!({
                "account_sid": state.account_sid,
                "content_type": media.file.content_type,
                "date_created": rfc2822(message.created),
                "date_updated": rfc2822(message.created),
                "parent_sid": message.sid,
                "sid": media.sid,
                "uri": format!("/2010-04-01/Accounts/{account}/Messages/{sid}/Media/{}.json", media.sid),
            })
        })
        .collect();
    Ok(Json(json!({
        "media_list": list,
        "end": message.media.len().saturating_sub(1),
        "first_page_uri": format!("{uri}?PageSize=50&Page=0"),
        "next_page_uri": null,
        "page": 0,
        "page_size": 50,
        "previous_page_uri": null,
        "start": 0,
        "uri": format!("{uri}?PageSize=50&Page=0"),
    })))
}

/// `GET …/Messages/{sid}/Media/{media}`: the file itself (with Basic auth, as accounts that
/// protect their media require); with `.json`, its Media resource.
pub(crate) async fn media(
    AxumState(world): AxumState<Arc<World>>,
    Path((account, sid, media)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<axum::response::Response, TwilioError> {
    use axum::response::IntoResponse;
    let state = world.lock();
    authorize(&state, &headers, &account)?;
    let uri = format!("/2010-04-01/Accounts/{account}/Messages/{sid}/Media/{media}");
    let (media_sid, json) = match media.strip_suffix(".json") {
        Some(media_sid) => (media_sid, true),
        None => (media.as_str(), false),
    };
    let message = state.sms.iter().find(|m| m.sid == sid).ok_or_else(|| TwilioError::not_found(&uri))?;
    let found =
        message.media.iter().find(|m| m.sid == media_sid).ok_or_else(|| TwilioError::not_found(&uri))?;
    if json {
        let resource = json!({
            "account_sid": state.account_sid,
            "content_type": found.file.content_type,
            "date_created": rfc2822(message.created),
            "date_updated": rfc2822(message.created),
            "parent_sid": message.sid,
            "sid": found.sid,
            "uri": uri,
        });
        return Ok(Json(resource).into_response());
    }
    let content_type = found.file.content_type.clone();
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], found.file.bytes.to_vec()).into_response())
}
