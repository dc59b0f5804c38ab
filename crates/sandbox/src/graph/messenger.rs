//! `GET /{page}/conversations` and `POST /{page}/messages`.

use super::GraphError;
use super::fields::Fields;
use super::request::GraphRequest;
use crate::world::{Attachment, Conversation, Message, Page, SentMessage, State, World};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::HeaderMap;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

const TEXT_LIMIT: usize = 2_000;
const STANDARD_WINDOW: SignedDuration = SignedDuration::from_hours(24);
const HUMAN_AGENT_WINDOW: SignedDuration = SignedDuration::from_hours(7 * 24);

type Params = (Path<(String, String)>, Query<HashMap<String, String>>, HeaderMap, Bytes);

fn authorize<'s>(state: &'s State, request: &GraphRequest, page_id: &str) -> Result<&'s Page, GraphError> {
    let page = state.page_by_token(&request.token).ok_or_else(GraphError::invalid_token)?;
    if let Some(subcode) = page.revoked {
        return Err(GraphError::token_unusable(subcode));
    }
    if page.id != page_id {
        return Err(GraphError::new(200, "(#200) The page access token does not belong to this page")
            .status(axum::http::StatusCode::FORBIDDEN));
    }
    Ok(page)
}

/// The Conversations API allows 2 calls per second per page.
const READS_PER_SECOND: usize = 2;

/// Counts this read against the page's rate limit; returns the share of the limit used.
fn count_read(state: &mut State, page_id: &str) -> Result<usize, GraphError> {
    let now = std::time::Instant::now();
    state.recent_reads.retain(|(_, at)| now.duration_since(*at) < std::time::Duration::from_secs(1));
    let recent = state.recent_reads.iter().filter(|(page, _)| page == page_id).count();
    if recent >= READS_PER_SECOND {
        return Err(GraphError::new(613, "(#613) Calls to this api have exceeded the rate limit."));
    }
    state.recent_reads.push((page_id.to_owned(), now));
    state.reads += 1;
    Ok((recent + 1) * 100 / READS_PER_SECOND)
}

/// `X-App-Usage` and `X-Business-Use-Case-Usage`, in percent of the limits.
fn usage_headers(page_id: &str, percent: usize) -> [(&'static str, String); 2] {
    let app = json!({ "call_count": percent, "total_cputime": 1, "total_time": 1 });
    let business = json!({ page_id: [{
        "type": "messenger", "call_count": percent, "total_cputime": 1, "total_time": 1,
        "estimated_time_to_regain_access": 0
    }]});
    [("x-app-usage", app.to_string()), ("x-business-use-case-usage", business.to_string())]
}

pub(crate) async fn conversations(
    AxumState(world): AxumState<Arc<World>>,
    (Path((version, page_id)), Query(query), headers, body): Params,
) -> Result<([(&'static str, String); 2], Json<Value>), GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let mut state = world.lock();
    let page = authorize(&state, &request, &page_id)?.clone();
    let usage = usage_headers(&page_id, count_read(&mut state, &page_id)?);
    let page = &page;
    if let Some(platform) = request.str("platform")
        && platform != "messenger"
        && platform != "instagram"
    {
        return Err(GraphError::invalid_parameter(
            "(#100) platform must be one of the following values: messenger, instagram",
        ));
    }
    let fields = Fields::parse(request.str("fields").unwrap_or("id,updated_time"));
    let limit = request.limit(25, 100)?;
    let offset = request.str("after").map(decode_cursor).transpose()?.unwrap_or(0);

    let mut threads: Vec<&Conversation> = state
        .conversations
        .iter()
        .filter(|c| c.page_id == page.id && !c.messages.is_empty())
        .filter(|c| request.str("user_id").is_none_or(|psid| c.psid == psid))
        .collect();
    // Newest first, as the Graph API orders them.
    threads.sort_by(|a, b| b.updated().cmp(&a.updated()).then(b.id.cmp(&a.id)));

    let data: Vec<Value> = threads
        .iter()
        .skip(offset)
        .take(limit)
        .map(|c| conversation_json(&state, page, c, &fields))
        .collect();
    let mut response = json!({ "data": data });
    if !data.is_empty() {
        let end = offset + data.len();
        let mut paging = json!({
            "cursors": { "before": encode_cursor(offset), "after": encode_cursor(end) }
        });
        if end < threads.len() {
            let mut next = request.params.clone();
            next.remove("access_token");
            next.insert("after".into(), encode_cursor(end).into());
            next.insert("limit".into(), limit.into());
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(next.iter().map(|(k, v)| (k, v.as_str().map_or(v.to_string(), str::to_owned))))
                .finish();
            paging["next"] = format!("{}/{version}/{page_id}/conversations?{query}", world.base_url).into();
        }
        response["paging"] = paging;
    }
    Ok((usage, Json(response)))
}

pub(crate) fn conversation_json(state: &State, page: &Page, c: &Conversation, fields: &Fields) -> Value {
    let mut out = json!({ "id": c.id });
    if fields.has("updated_time") {
        out["updated_time"] = graph_time(c.updated()).into();
    }
    if fields.has("message_count") {
        out["message_count"] = c.messages.len().into();
    }
    if fields.has("participants") {
        out["participants"] = json!({ "data": [person(state, page, &c.psid), page_person(page)] });
    }
    if let Some(wanted) = fields.nested("messages", "id,created_time") {
        // The nested edge returns the newest 25 messages first.
        let data: Vec<Value> =
            c.messages.iter().rev().take(25).map(|m| message_json(state, page, c, m, &wanted)).collect();
        out["messages"] = json!({ "data": data });
    }
    out
}

/// The message tags Meta still documents (PLATFORMS.md).
const MESSAGE_TAGS: [&str; 4] =
    ["HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"];

pub(crate) fn message_json(
    state: &State,
    page: &Page,
    c: &Conversation,
    m: &Message,
    wanted: &Fields,
) -> Value {
    let (from, to) = if m.from_page {
        (page_person(page), person(state, page, &c.psid))
    } else {
        (person(state, page, &c.psid), page_person(page))
    };
    let mut out = json!({ "id": m.id });
    if wanted.has("created_time") {
        out["created_time"] = graph_time(m.created).into();
    }
    if wanted.has("from") {
        out["from"] = from;
    }
    if wanted.has("to") {
        out["to"] = json!({ "data": [to] });
    }
    if wanted.has("message") {
        out["message"] = m.text.clone().into();
    }
    if wanted.has("attachments") && !m.attachments.is_empty() {
        let data: Vec<Value> = m
            .attachments
            .iter()
            .map(|a| {
                let mut item =
                    json!({ "id": a.id, "name": a.name, "size": a.size, "mime_type": a.content_type });
                if a.kind == "image" {
                    item["image_data"] =
                        json!({ "url": a.url, "preview_url": a.url, "width": 800, "height": 600 });
                } else {
                    item["file_url"] = a.url.clone().into();
                }
                item
            })
            .collect();
        out["attachments"] = json!({ "data": data });
    }
    out
}

/// `message.attachment`: `{type: image|audio|video|file, payload: {url} | {attachment_id}}`.
fn attachment(state: &State, spec: &Value) -> Result<Attachment, GraphError> {
    let kind = spec["type"].as_str().unwrap_or_default();
    if !["image", "audio", "video", "file"].contains(&kind) {
        return Err(GraphError::invalid_parameter(
            "(#100) Param message[attachment][type] must be one of {IMAGE, AUDIO, VIDEO, FILE, TEMPLATE}",
        ));
    }
    if let Some(id) = spec["payload"]["attachment_id"].as_str() {
        return state
            .files
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or_else(|| GraphError::invalid_parameter("(#100) Attachment not found").subcode(2018047));
    }
    let url = spec["payload"]["url"].as_str().ok_or_else(|| {
        GraphError::invalid_parameter("(#100) param message[attachment][payload][url] must be non-empty.")
    })?;
    Ok(Attachment {
        id: String::new(),
        kind: kind.into(),
        url: url.into(),
        name: url.rsplit('/').next().unwrap_or_default().into(),
        size: 0,
        content_type: String::new(),
        bytes: Arc::from(&[][..]),
    })
}

/// `POST /{page}/message_attachments`: upload a file (multipart `filedata` + `message` JSON) for
/// later sends; at most 25 MB.
pub(crate) async fn upload(
    AxumState(world): AxumState<Arc<World>>,
    Path((version, page_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    mut multipart: axum::extract::Multipart,
) -> Result<Json<Value>, GraphError> {
    let (mut kind, mut name, mut content_type) = (String::from("file"), String::from("file"), String::new());
    let mut bytes = Bytes::new();
    while let Some(field) =
        multipart.next_field().await.map_err(|e| GraphError::invalid_parameter(format!("(#100) {e}")))?
    {
        match field.name().unwrap_or_default() {
            "message" => {
                let text =
                    field.text().await.map_err(|e| GraphError::invalid_parameter(format!("(#100) {e}")))?;
                let message: Value = serde_json::from_str(&text).unwrap_or_default();
                kind = message["attachment"]["type"].as_str().unwrap_or("file").to_owned();
            }
            "filedata" => {
                name = field.file_name().unwrap_or("file").to_owned();
                content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
                bytes = field.bytes().await.map_err(|_| too_large())?;
            }
            _ => {}
        }
    }
    let size = bytes.len() as u64;
    if size > ATTACHMENT_LIMIT {
        return Err(too_large());
    }
    let request = GraphRequest::parse(&version, query, &headers, b"")?;
    let mut state = world.lock();
    authorize(&state, &request, &page_id)?;
    let id = state.next_secret("");
    let url = format!("{}/_sandbox/files/{id}", world.base_url);
    state.files.push(Attachment {
        id: id.clone(),
        kind,
        url,
        name,
        size,
        content_type,
        bytes: Arc::from(&bytes[..]),
    });
    Ok(Json(json!({ "attachment_id": id })))
}

const ATTACHMENT_LIMIT: u64 = 25 * 1024 * 1024;

fn too_large() -> GraphError {
    GraphError::invalid_parameter("(#100) Attachment size exceeds allowable limit").subcode(2018109)
}

/// `GET /{conversation-id}/messages`: a thread's messages, newest first, with cursor paging
/// (the nested `messages` field only gives the newest 25).
pub(crate) async fn thread_messages(
    AxumState(world): AxumState<Arc<World>>,
    (Path((version, conversation_id)), Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let mut state = world.lock();
    let page = state.page_by_token(&request.token).ok_or_else(GraphError::invalid_token)?.clone();
    if let Some(subcode) = page.revoked {
        return Err(GraphError::token_unusable(subcode));
    }
    count_read(&mut state, &page.id)?;
    let conversation = state
        .conversations
        .iter()
        .find(|c| c.id == conversation_id && c.page_id == page.id)
        .ok_or_else(|| {
        GraphError::invalid_parameter(format!("(#100) Unknown conversation {conversation_id}")).subcode(33)
    })?;
    let fields = Fields::parse(request.str("fields").unwrap_or("id,created_time"));
    let limit = request.limit(25, 100)?;
    let offset = request.str("after").map(decode_cursor).transpose()?.unwrap_or(0);
    let data: Vec<Value> = conversation
        .messages
        .iter()
        .rev()
        .skip(offset)
        .take(limit)
        .map(|m| message_json(&state, &page, conversation, m, &fields))
        .collect();
    let end = offset + data.len();
    let mut response = json!({ "data": data });
    if end < conversation.messages.len() {
        let next = format!(
            "{}/{version}/{conversation_id}/messages?fields={}&limit={limit}&after={}",
            world.base_url,
            request.str("fields").unwrap_or("id,created_time"),
            encode_cursor(end)
        );
        response["paging"] = json!({ "cursors": { "before": encode_cursor(offset), "after": encode_cursor(end) }, "next": next });
    }
    Ok(Json(response))
}

fn person(state: &State, _page: &Page, psid: &str) -> Value {
    let name = state.customer(psid).map(|c| c.name()).unwrap_or_default();
    json!({ "name": name, "email": format!("{psid}@facebook.com"), "id": psid })
}

fn page_person(page: &Page) -> Value {
    json!({ "name": page.name, "email": format!("{}@facebook.com", page.id), "id": page.id })
}

/// `2022-07-12T19:11:07+0000`, as the Graph API writes times.
fn graph_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%z").to_string()
}

fn encode_cursor(offset: usize) -> String {
    format!("offset:{offset}").bytes().map(|b| format!("{b:02X}")).collect()
}

fn decode_cursor(cursor: &str) -> Result<usize, GraphError> {
    let invalid = || GraphError::invalid_parameter("(#100) The after cursor is invalid");
    let bytes: Vec<u8> = (0..cursor.len())
        .step_by(2)
        .map(|i| cursor.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<_>>()
        .ok_or_else(invalid)?;
    String::from_utf8(bytes)
        .ok()
        .and_then(|text| text.strip_prefix("offset:")?.parse().ok())
        .ok_or_else(invalid)
}

pub(crate) async fn send(
    AxumState(world): AxumState<Arc<World>>,
    (Path((version, page_id)), Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let now = world.now();
    let mut state = world.lock();
    let page = authorize(&state, &request, &page_id)?.clone();
    let recipient = request
        .object("recipient")
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::invalid_parameter("(#100) param recipient must be non-empty."))?
        .to_owned();
    let message = request
        .object("message")
        .ok_or_else(|| GraphError::invalid_parameter("(#100) param message must be non-empty."))?;
    let text = message.get("text").and_then(Value::as_str).unwrap_or_default().to_owned();
    let attachment = message.get("attachment").map(|a| attachment(&state, a)).transpose()?;
    if text.is_empty() && attachment.is_none() {
        return Err(GraphError::invalid_parameter("(#100) param message must be non-empty."));
    }
    if text.chars().count() > TEXT_LIMIT {
        return Err(GraphError::invalid_parameter(
            "(#100) Length of param message[text] must be less than or equal to 2000",
        ));
    }
    let messaging_type = request.str("messaging_type").unwrap_or("RESPONSE").to_owned();
    let tag = request.str("tag").map(str::to_owned);
    if !["RESPONSE", "UPDATE", "MESSAGE_TAG"].contains(&messaging_type.as_str()) {
        return Err(GraphError::invalid_parameter("(#100) Param messaging_type is invalid"));
    }
    let Some(conversation) = state.conversations.iter().find(|c| c.page_id == page.id && c.psid == recipient)
    else {
        return Err(GraphError::invalid_parameter("(#100) No matching user found").subcode(2018001));
    };
    // MESSAGE_TAG needs one of the tags Meta still documents; the others carry none.
    match (messaging_type.as_str(), tag.as_deref()) {
        ("MESSAGE_TAG", None) => {
            return Err(GraphError::invalid_parameter(
                "(#100) Param tag is required for messaging_type MESSAGE_TAG",
            ));
        }
        ("MESSAGE_TAG", Some(t)) if !MESSAGE_TAGS.contains(&t) => {
            return Err(GraphError::invalid_parameter(format!(
                "(#100) Param tag must be one of {{{}}}",
                MESSAGE_TAGS.join(", ")
            )));
        }
        ("RESPONSE" | "UPDATE", Some(_)) => {
            return Err(GraphError::invalid_parameter(
                "(#100) Param tag is only allowed with messaging_type MESSAGE_TAG",
            ));
        }
        _ => {}
    }
    let last_customer = conversation.last_customer_message().unwrap_or_default();
    let elapsed = now.duration_since(last_customer);
    let human_agent = messaging_type == "MESSAGE_TAG" && tag.as_deref() == Some("HUMAN_AGENT");
    // The update tags (non-promotional) may go out after the window; HUMAN_AGENT for 7 days.
    let update_tag = messaging_type == "MESSAGE_TAG" && !human_agent;
    if elapsed > STANDARD_WINDOW && !(human_agent && elapsed <= HUMAN_AGENT_WINDOW) && !update_tag {
        return Err(GraphError::new(
            10,
            "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
        )
        .subcode(2018278));
    }

    let message_id = state.next_message_id();
    state.conversation_mut(&page.id, &recipient).messages.push(Message {
        id: message_id.clone(),
        created: now,
        from_page: true,
        text: text.clone(),
        attachments: attachment.iter().cloned().collect(),
    });
    state.sent.push(SentMessage {
        page_id: page.id.clone(),
        recipient_id: recipient.clone(),
        message_id: message_id.clone(),
        text,
        messaging_type,
        tag,
        attachment,
        sent_at: now,
    });
    Ok(Json(json!({ "recipient_id": recipient, "message_id": message_id })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(75)).unwrap(), 75);
        assert_eq!(decode_cursor("zz").unwrap_err().code, 100);
    }

    #[test]
    fn graph_times_use_a_numeric_utc_offset() {
        let at: Timestamp = "2022-07-12T19:11:07Z".parse().unwrap();
        assert_eq!(graph_time(at), "2022-07-12T19:11:07+0000");
    }
}
