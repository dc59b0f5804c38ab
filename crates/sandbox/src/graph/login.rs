//! Facebook Login for a desktop app: the dialog (a real HTML page: sign in as a user, choose
//! pages, grant or decline each permission, or cancel), and `/oauth/access_token` (code
//! exchange with optional PKCE, then the ~60-day long-lived token).

use super::GraphError;
use super::request::is_version;
use crate::world::{LoginCode, State, UserToken, World};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine as _;
use jiff::SignedDuration;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// Where a desktop app's login ends (PLATFORMS.md); loopback addresses are accepted too.
const DESKTOP_REDIRECT: &str = "https://www.facebook.com/connect/login_success.html";
const SHORT_LIVED: SignedDuration = SignedDuration::from_hours(2);
/// `expires_in` of a long-lived user token: about 60 days.
const LONG_LIVED_SECONDS: i64 = 5_183_944;
const DATA_ACCESS: SignedDuration = SignedDuration::from_hours(90 * 24);

fn allowed_redirect(uri: &str) -> bool {
    uri == DESKTOP_REDIRECT || uri.starts_with("http://127.0.0.1") || uri.starts_with("http://localhost")
}

fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head><body>\
         <main id=\"error\"><h1>{t}</h1><p>{d}</p></main></body></html>",
        t = escape(title),
        d = escape(detail)
    );
    (status, Html(page)).into_response()
}

/// `GET /v{N}.0/dialog/oauth`
pub(crate) async fn dialog(
    AxumState(world): AxumState<Arc<World>>,
    Path(version): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let state = world.lock();
    let get = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    if !is_version(&version) {
        return error_page(StatusCode::NOT_FOUND, "Page not found", "This dialog does not exist.");
    }
    if get("client_id") != state.app_id {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Invalid App ID",
            "The provided app ID does not look like a valid app ID.",
        );
    }
    if !allowed_redirect(get("redirect_uri")) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "URL blocked",
            "This redirect failed because the redirect URI is not white-listed in the app's client OAuth settings.",
        );
    }
    let reauthorize = get("auth_type") == "reauthorize";
    let scopes: Vec<&str> = get("scope").split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let users: String = state
        .users
        .iter()
        .map(|u| format!("<option value=\"{}\">{}</option>", escape(&u.id), escape(&u.name)))
        .collect();
    let pages: String = state
        .pages
        .iter()
        .map(|p| {
            let tasks = state.tasks(&p.id).join(", ");
            format!(
                "<label><input type=\"checkbox\" name=\"page\" value=\"{id}\" checked> {name} <small>({tasks})</small></label>",
                id = escape(&p.id),
                name = escape(&p.name),
                tasks = escape(&tasks)
            )
        })
        .collect();
    let permissions: String = scopes
        .iter()
        .map(|s| {
            format!(
                "<label><input type=\"checkbox\" name=\"grant\" value=\"{s}\" checked> {s}</label>",
                s = escape(s)
            )
        })
        .collect();
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "state",
        "scope",
        "auth_type",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .map(|name| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(get(name))))
    .collect();
    let heading = if reauthorize {
        "Confirm it's you to keep Switchboard connected"
    } else {
        "Switchboard would like to access your pages"
    };
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in with Facebook</title>
<style>body{{font:15px system-ui,sans-serif;background:#f0f2f5;margin:0}}main{{max-width:460px;margin:40px auto;background:#fff;border-radius:8px;padding:24px;box-shadow:0 2px 8px #0002}}
h1{{font-size:20px}}fieldset{{border:1px solid #ddd;border-radius:6px;margin:12px 0}}label{{display:block;margin:6px 0}}
button{{font:inherit;padding:8px 18px;border-radius:6px;border:0;margin-right:8px;cursor:pointer}}#continue{{background:#1877f2;color:#fff}}</style></head>
<body><main><p>facebook <small>(sandbox)</small></p><h1>{heading}</h1>
<form method="post" action="/{version}/dialog/oauth/confirm">{hidden}
<label>Continue as <select id="user" name="user">{users}</select></label>
<fieldset id="pages"><legend>Pages Switchboard may use</legend>{pages}</fieldset>
<fieldset id="permissions"><legend>What Switchboard may do</legend>{permissions}</fieldset>
<button id="continue" name="action" value="continue" type="submit">Continue</button>
<button id="cancel" name="action" value="cancel" type="submit">Cancel</button>
</form></main></body></html>"#,
        version = escape(&version)
    ))
    .into_response()
}

/// `POST /v{N}.0/dialog/oauth/confirm`: the user's answer on the dialog, sent back to the app.
pub(crate) async fn confirm(AxumState(world): AxumState<Arc<World>>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
    let all = |name: &str| form.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let redirect_uri = get("redirect_uri");
    if !allowed_redirect(redirect_uri) {
        return error_page(StatusCode::BAD_REQUEST, "URL blocked", "The redirect URI is not allowed.");
    }
    let state_param = get("state");
    let mut target = url::Url::parse(redirect_uri).expect("an allowed redirect is a URL");
    if get("action") != "continue" {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_code", "200")
            .append_pair("error_description", "Permissions error")
            .append_pair("error_reason", "user_denied")
            .append_pair("state", state_param);
        return Redirect::to(&format!("{target}#_=_")).into_response();
    }
    let now = world.now();
    let mut state = world.lock();
    let Some(user) = state.users.iter().position(|u| u.id == get("user")) else {
        return error_page(StatusCode::BAD_REQUEST, "Unknown user", "Choose a user to continue as.");
    };
    let granted = all("grant");
    let pages = all("page");
    let answers: Vec<(String, String)> = get("scope")
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|scope| {
            (
                scope.to_owned(),
                if granted.iter().any(|g| g == scope) { "granted" } else { "declined" }.to_owned(),
            )
        })
        .collect();
    {
        let user = &mut state.users[user];
        for (scope, status) in answers {
            user.permissions.retain(|(s, _)| *s != scope);
            user.permissions.push((scope, status));
        }
        user.pages = pages.clone();
        user.data_access_expires_at = now + DATA_ACCESS;
    }
    // Logging in again replaces a revoked or expired page token with a new one.
    for index in 0..state.pages.len() {
        if pages.contains(&state.pages[index].id) && state.pages[index].revoked.is_some() {
            let token = state.next_secret("EAAsandbox");
            state.pages[index].access_token = token;
            state.pages[index].revoked = None;
        }
    }
    let code = state.next_secret("AQ");
    let challenge = (!get("code_challenge").is_empty()).then(|| get("code_challenge").to_owned());
    let user_id = state.users[user].id.clone();
    state.codes.push(LoginCode {
        code: code.clone(),
        user_id,
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: challenge,
        used: false,
    });
    target.query_pairs_mut().append_pair("code", &code).append_pair("state", state_param);
    Redirect::to(&format!("{target}#_=_")).into_response()
}

/// `GET /v{N}.0/oauth/access_token`: a code for a short-lived user token, or (with
/// `grant_type=fb_exchange_token`) a short-lived token for a long-lived one.
pub(crate) async fn access_token(
    AxumState(world): AxumState<Arc<World>>,
    Path(version): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GraphError> {
    if !is_version(&version) {
        return Err(GraphError::unknown_path(&version));
    }
    let get = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let now = world.now();
    let mut state = world.lock();
    if get("client_id") != state.app_id {
        return Err(GraphError::new(101, "Error validating application. Invalid application ID."));
    }
    if get("client_secret") != state.app_secret {
        return Err(GraphError::new(1, "Error validating client secret."));
    }
    let (user_id, lifetime) = if get("grant_type") == "fb_exchange_token" {
        let (token, _) =
            state.user_by_token(get("fb_exchange_token")).ok_or_else(GraphError::invalid_token)?;
        if token.expires_at <= now {
            return Err(GraphError::token_unusable(463));
        }
        (token.user_id.clone(), SignedDuration::from_secs(LONG_LIVED_SECONDS))
    } else {
        let code = state.codes.iter_mut().find(|c| c.code == get("code")).ok_or_else(|| {
            GraphError::invalid_parameter("Invalid verification code format.").subcode(36007)
        })?;
        if code.used {
            return Err(
                GraphError::invalid_parameter("This authorization code has been used.").subcode(36009)
            );
        }
        if code.redirect_uri != get("redirect_uri") {
            return Err(GraphError::invalid_parameter(
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            )
            .subcode(36008));
        }
        if let Some(challenge) = &code.code_challenge {
            let verifier = Sha256::digest(get("code_verifier").as_bytes());
            let derived = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(verifier);
            if &derived != challenge {
                return Err(GraphError::invalid_parameter("Invalid code verifier."));
            }
        }
        code.used = true;
        (code.user_id.clone(), SHORT_LIVED)
    };
    let token = state.next_secret("EAAuser");
    state.user_tokens.push(UserToken { token: token.clone(), user_id, expires_at: now + lifetime });
    Ok(Json(json!({ "access_token": token, "token_type": "bearer", "expires_in": lifetime.as_secs() })))
}

/// The user a token belongs to, if it is a live user token.
pub(crate) fn signed_in<'s>(
    state: &'s State,
    token: &str,
    now: jiff::Timestamp,
) -> Result<&'s crate::world::User, GraphError> {
    let (token, user) = state.user_by_token(token).ok_or_else(GraphError::invalid_token)?;
    if token.expires_at <= now {
        return Err(GraphError::token_unusable(463));
    }
    Ok(user)
}

/// Text for an HTML page: nothing the app sends is markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
