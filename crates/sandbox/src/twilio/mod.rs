//! Twilio's 2010-04-01 REST API for messaging: Messages (create, list, fetch) for SMS and
//! WhatsApp, and IncomingPhoneNumbers (list); and the Content API's ContentAndApprovals (the
//! WhatsApp templates). Basic auth; errors in Twilio's body shape.

mod content;
mod error;
mod messages;
mod numbers;

pub(crate) use error::TwilioError;
pub(crate) use messages::receive;

use crate::world::{State, World};
use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use base64::Engine as _;
use std::sync::Arc;

pub(crate) fn routes() -> Router<Arc<World>> {
    Router::new()
        .route("/2010-04-01/Accounts/{account}/Messages.json", get(messages::list).post(messages::create))
        .route("/2010-04-01/Accounts/{account}/Messages/{sid}", get(messages::fetch))
        .route("/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json", get(messages::media_list))
        .route("/2010-04-01/Accounts/{account}/Messages/{sid}/Media/{media}", get(messages::media))
        .route("/2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json", get(numbers::list))
        .route("/v1/ContentAndApprovals", get(content::list))
}

/// HTTP Basic `AccountSid:AuthToken`, for the account named in the path (20003 otherwise).
fn authorize(state: &State, headers: &HeaderMap, account: &str) -> Result<(), TwilioError> {
    let credentials = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let expected = format!("{}:{}", state.account_sid, state.auth_token);
    if credentials.as_deref() != Some(expected.as_str()) || account != state.account_sid {
        return Err(TwilioError::authenticate());
    }
    Ok(())
}

/// Twilio's dates: RFC 2822 in GMT, `Thu, 24 Aug 2023 05:01:45 +0000`.
fn rfc2822(at: jiff::Timestamp) -> String {
    at.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// A form body's pairs; fields such as `MediaUrl` repeat.
fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_rfc_2822_in_gmt() {
        let at: jiff::Timestamp = "2023-08-24T05:01:45Z".parse().unwrap();
        assert_eq!(super::rfc2822(at), "Thu, 24 Aug 2023 05:01:45 +0000");
    }
}
