//! `/debug_token`, `/me/accounts`, `/me/permissions` and single nodes (a person's profile, a
//! conversation).

use super::GraphError;
use super::fields::Fields;
use super::login::signed_in;
use super::request::GraphRequest;
use crate::world::World;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::HeaderMap;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

type Params = (Query<HashMap<String, String>>, HeaderMap, Bytes);

/// `GET /debug_token?input_token=T&access_token={app-id}|{app-secret}`
pub(crate) async fn debug_token(
    AxumState(world): AxumState<Arc<World>>,
    version: Option<Path<String>>,
    (Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let version = version.map_or_else(|| "v23.0".to_owned(), |Path(v)| v);
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let now = world.now();
    let state = world.lock();
    if request.token != format!("{}|{}", state.app_id, state.app_secret)
        && state.user_by_token(&request.token).is_none()
    {
        return Err(GraphError::invalid_token());
    }
    let input = request
        .str("input_token")
        .ok_or_else(|| GraphError::invalid_parameter("(#100) The parameter input_token is required"))?;
    let scopes = |user: &crate::world::User| -> Vec<String> {
        user.permissions.iter().filter(|(_, status)| status == "granted").map(|(p, _)| p.clone()).collect()
    };
    let invalid = |code: u32, subcode: u32, message: &str| json!({ "data": { "app_id": state.app_id, "is_valid": false, "error": { "code": code, "subcode": subcode, "message": message } } });
    let data = if let Some((token, user)) = state.user_by_token(input) {
        let valid = token.expires_at > now;
        let mut data = json!({
            "app_id": state.app_id, "type": "USER", "application": "Switchboard (sandbox)",
            "data_access_expires_at": user.data_access_expires_at.as_second(),
            "expires_at": token.expires_at.as_second(), "is_valid": valid, "scopes": scopes(user), "user_id": user.id,
        });
        if !valid {
            data["error"] = json!({ "code": 190, "subcode": 463, "message": "Session has expired." });
        }
        json!({ "data": data })
    } else if let Some(page) = state.pages.iter().find(|p| p.access_token == input) {
        let user = state.users.iter().find(|u| u.pages.contains(&page.id));
        match (page.revoked, user) {
            (Some(subcode), _) => invalid(190, subcode, "Error validating access token."),
            (None, user) => json!({ "data": {
                "app_id": state.app_id, "type": "PAGE", "application": "Switchboard (sandbox)",
                "data_access_expires_at": user.map_or(0, |u| u.data_access_expires_at.as_second()),
                // A page token from a long-lived user token does not expire by date.
                "expires_at": 0, "is_valid": true, "profile_id": page.id,
                "scopes": user.map(scopes).unwrap_or_default(), "user_id": user.map(|u| u.id.clone()),
            }}),
        }
    } else {
        invalid(190, 467, "Invalid OAuth access token.")
    };
    Ok(Json(data))
}

/// `GET /me/accounts`: the pages the user gave the app, with their tasks and page tokens.
pub(crate) async fn accounts(
    AxumState(world): AxumState<Arc<World>>,
    Path(version): Path<String>,
    (Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let now = world.now();
    let state = world.lock();
    let user = signed_in(&state, &request.token, now)?;
    let fields = Fields::parse(request.str("fields").unwrap_or("id,name,category,tasks,access_token"));
    let data: Vec<Value> = state
        .pages
        .iter()
        .filter(|p| user.pages.contains(&p.id))
        .map(|page| {
            let mut out = json!({ "id": page.id });
            if fields.has("name") {
                out["name"] = page.name.clone().into();
            }
            if fields.has("category") {
                out["category"] = "Bicycle Shop".into();
            }
            if fields.has("tasks") {
                out["tasks"] = state.tasks(&page.id).into();
            }
            if fields.has("access_token") {
                out["access_token"] = page.access_token.clone().into();
            }
            out
        })
        .collect();
    Ok(Json(
        json!({ "data": data, "paging": { "cursors": { "before": "QVFIUmJlZm9yZQ", "after": "QVFIUmFmdGVy" } } }),
    ))
}

/// `GET /me/permissions`: each permission the user answered, `granted` or `declined`.
pub(crate) async fn permissions(
    AxumState(world): AxumState<Arc<World>>,
    Path(version): Path<String>,
    (Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let now = world.now();
    let state = world.lock();
    let user = signed_in(&state, &request.token, now)?;
    let data: Vec<Value> = user
        .permissions
        .iter()
        .map(|(permission, status)| json!({ "permission": permission, "status": status }))
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// `DELETE /me/permissions`: the user removes the app; its tokens stop working (190/458).
pub(crate) async fn remove_app(
    AxumState(world): AxumState<Arc<World>>,
    Path(version): Path<String>,
    (Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let now = world.now();
    let mut state = world.lock();
    let user = signed_in(&state, &request.token, now)?.clone();
    state.user_tokens.retain(|t| t.user_id != user.id);
    for page in state.pages.iter_mut().filter(|p| user.pages.contains(&p.id)) {
        page.revoked = Some(458);
    }
    if let Some(stored) = state.users.iter_mut().find(|u| u.id == user.id) {
        stored.permissions.clear();
        stored.pages.clear();
    }
    Ok(Json(json!({ "success": true })))
}

/// The fields each node type has, as Graph answers an unknown one: `(#100) Tried accessing
/// nonexisting field (x) on node type (Page)`.
fn check_fields(fields: &Fields, node_type: &str, known: &[&str]) -> Result<(), GraphError> {
    match fields.names().find(|f| !known.contains(f)) {
        Some(unknown) => Err(GraphError::invalid_parameter(format!(
            "(#100) Tried accessing nonexisting field ({unknown}) on node type ({node_type})"
        ))),
        None => Ok(()),
    }
}

const PAGE_FIELDS: &[&str] = &["id", "name", "category", "link", "username", "access_token"];
const USER_FIELDS: &[&str] = &["id", "name", "first_name", "last_name", "profile_pic"];
const CONVERSATION_FIELDS: &[&str] =
    &["id", "updated_time", "message_count", "participants", "messages", "link", "snippet", "unread_count"];
const MESSAGE_FIELDS: &[&str] = &["id", "created_time", "from", "to", "message", "attachments"];

/// `GET /{id}` (with or without a trailing slash): the page itself (`id,name`), a person's
/// profile, a conversation with its messages, or one message — for a page token.
pub(crate) async fn node(
    AxumState(world): AxumState<Arc<World>>,
    Path((version, id)): Path<(String, String)>,
    (Query(query), headers, body): Params,
) -> Result<Json<Value>, GraphError> {
    let request = GraphRequest::parse(&version, query, &headers, &body)?;
    let state = world.lock();
    let page = state.page_by_token(&request.token).ok_or_else(GraphError::invalid_token)?.clone();
    if let Some(subcode) = page.revoked {
        return Err(GraphError::token_unusable(subcode));
    }
    if id == page.id || id == "me" {
        let fields = Fields::parse(request.str("fields").unwrap_or("id,name"));
        check_fields(&fields, "Page", PAGE_FIELDS)?;
        let mut out = json!({ "id": page.id });
        if fields.has("name") {
            out["name"] = page.name.clone().into();
        }
        if fields.has("category") {
            out["category"] = "Bicycle Shop".into();
        }
        if fields.has("link") {
            out["link"] = format!("https://www.facebook.com/{}", page.id).into();
        }
        return Ok(Json(out));
    }
    if let Some(conversation) = state.conversations.iter().find(|c| c.id == id && c.page_id == page.id) {
        let fields = Fields::parse(request.str("fields").unwrap_or("id,updated_time"));
        check_fields(&fields, "Conversation", CONVERSATION_FIELDS)?;
        return Ok(Json(super::messenger::conversation_json(&state, &page, conversation, &fields)));
    }
    let message = state
        .conversations
        .iter()
        .filter(|c| c.page_id == page.id)
        .find_map(|c| c.messages.iter().find(|m| m.id == id).map(|m| (c, m)));
    if let Some((conversation, message)) = message {
        let fields = Fields::parse(request.str("fields").unwrap_or("id,created_time"));
        check_fields(&fields, "Message", MESSAGE_FIELDS)?;
        return Ok(Json(super::messenger::message_json(&state, &page, conversation, message, &fields)));
    }
    let customer = state.customers.iter().find(|c| c.psid == id && c.page_id == page.id).ok_or_else(|| {
        GraphError::invalid_parameter(format!(
            "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
        ))
        .subcode(33)
    })?;
    let fields = Fields::parse(request.str("fields").unwrap_or("first_name,last_name,profile_pic"));
    check_fields(&fields, "User", USER_FIELDS)?;
    let mut out = json!({ "id": customer.psid });
    if fields.has("name") {
        out["name"] = customer.name().into();
    }
    if fields.has("first_name") {
        out["first_name"] = customer.first_name.clone().into();
    }
    if fields.has("last_name") {
        out["last_name"] = customer.last_name.clone().into();
    }
    if fields.has("profile_pic") {
        out["profile_pic"] = format!("{}/_sandbox/avatars/{}.png", world.base_url, customer.psid).into();
    }
    Ok(Json(out))
}

/// `GET /{id}/{edge}` for an edge the sandbox does not have: Graph's answer for a field or edge
/// that does not exist on the node.
pub(crate) async fn unknown_edge(Path((_version, _id, edge)): Path<(String, String, String)>) -> GraphError {
    GraphError::invalid_parameter(format!(
        "(#100) Tried accessing nonexisting field ({edge}) on node type (Page)"
    ))
}

/// Any other path under a Graph version: `Unknown path components`, as Graph answers.
pub(crate) fn unknown_path(path: &str) -> GraphError {
    let rest = path.trim_start_matches('/').split_once('/').map_or("", |(_, rest)| rest);
    GraphError::new(2500, format!("Unknown path components: /{}", rest.trim_end_matches('/')))
}
