//! The Twilio client for SMS and WhatsApp (2010-04-01 REST API): send, list, fetch, and the
//! account's numbers. Errors are classified by Twilio's numeric codes.

use crate::error::{ErrorKind, PlatformError};
use jiff::Timestamp;
use reqwest::{Client, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use std::time::Duration;
use switchboard_core::Secret;
use switchboard_core::secret::ExposeSecret;
use url::Url;

const PLATFORM: &str = "Twilio";

/// Twilio at a base URL: `https://api.twilio.com` or the sandbox's.
#[derive(Debug, Clone)]
pub struct TwilioApi {
    http: Client,
    base: Url,
    account_sid: String,
    auth_token: Secret,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageDirection {
    Inbound,
    OutboundApi,
    OutboundCall,
    OutboundReply,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Queued,
    Sending,
    Sent,
    Failed,
    Delivered,
    Undelivered,
    Receiving,
    Received,
    Accepted,
    Scheduled,
    Read,
    PartiallyDelivered,
    Canceled,
}

/// The Message resource (the fields Switchboard uses).
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub sid: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub body: Option<String>,
    pub status: MessageStatus,
    pub direction: MessageDirection,
    pub num_media: Option<String>,
    pub num_segments: Option<String>,
    pub error_code: Option<i64>,
    pub error_message: Option<String>,
    #[serde(default, deserialize_with = "rfc2822")]
    pub date_created: Option<Timestamp>,
    #[serde(default, deserialize_with = "rfc2822")]
    pub date_sent: Option<Timestamp>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub next_page_uri: Option<String>,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Capabilities {
    #[serde(default)]
    pub sms: bool,
    #[serde(default)]
    pub mms: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IncomingNumber {
    pub sid: Option<String>,
    pub phone_number: Option<String>,
    pub friendly_name: Option<String>,
    pub capabilities: Option<Capabilities>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct IncomingNumberPage {
    pub incoming_phone_numbers: Vec<IncomingNumber>,
    pub next_page_uri: Option<String>,
}

/// `{"code","message","more_info","status"}`
#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: i64,
    #[serde(default)]
    message: String,
}

impl ErrorKind {
    /// Classifies a Twilio error (PLATFORMS.md, "Twilio").
    pub fn from_twilio(code: i64, http_status: u16) -> Self {
        match code {
            20003 => ErrorKind::TokenUnusable,
            20429 => ErrorKind::Throttled,
            21610 => ErrorKind::RecipientUnavailable,
            63016 => ErrorKind::OutsideWindow,
            _ if http_status == 429 => ErrorKind::Throttled,
            _ if http_status >= 500 => ErrorKind::Transient,
            _ => ErrorKind::BadRequest,
        }
    }
}

/// An account's credentials: the Account SID (or an API key `SK…`) and its secret. Kept in the
/// keychain as one entry, `AC…:secret`.
#[derive(Debug, Clone)]
pub struct TwilioCredentials {
    pub account_sid: String,
    pub auth_token: Secret,
}

impl TwilioCredentials {
    pub fn to_secret(&self) -> Secret {
        Secret::from(format!("{}:{}", self.account_sid, self.auth_token.expose_secret()))
    }

    /// Reads what `to_secret` wrote; `None` when the entry is not a pair.
    pub fn from_secret(secret: &Secret) -> Option<Self> {
        let (sid, token) = secret.expose_secret().split_once(':')?;
        (!sid.is_empty() && !token.is_empty())
            .then(|| Self { account_sid: sid.to_owned(), auth_token: Secret::from(token.to_owned()) })
    }
}

impl TwilioApi {
    pub fn new(base: Url, account_sid: String, auth_token: Secret) -> Self {
        Self::with_timeout(
            base,
            TwilioCredentials { account_sid, auth_token },
            std::time::Duration::from_secs(30),
        )
    }

    /// A client whose requests give up after `timeout` (and are then treated as transient).
    pub fn with_timeout(base: Url, credentials: TwilioCredentials, timeout: std::time::Duration) -> Self {
        let http = Client::builder()
            .timeout(timeout)
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend initializes");
        Self { http, base, account_sid: credentials.account_sid, auth_token: credentials.auth_token }
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("/2010-04-01/Accounts/{}/{path}", self.account_sid));
        url
    }

    /// Sends a text from one of the account's numbers (`+E164` or `whatsapp:+E164`).
    pub async fn send(&self, from: &str, to: &str, body: &str) -> Result<Message, PlatformError> {
        self.read(self.http.post(self.url("Messages.json")).form(&text_form(from, to, body))).await
    }

    /// Sends an approved WhatsApp template with its variables (JSON object text).
    pub async fn send_template(
        &self,
        from: &str,
        to: &str,
        content_sid: &str,
        variables: &str,
    ) -> Result<Message, PlatformError> {
        let form = template_form(from, to, content_sid, variables);
        self.read(self.http.post(self.url("Messages.json")).form(&form)).await
    }

    /// The account's text templates that WhatsApp approved (Content API `ContentAndApprovals`,
    /// at `content_base`: `https://content.twilio.com` or the sandbox).
    pub async fn templates(&self, content_base: &Url) -> Result<Vec<Template>, PlatformError> {
        let mut url = content_base.clone();
        url.set_path("/v1/ContentAndApprovals");
        let page: ContentPage = self.read(self.http.get(url).query(&[("PageSize", "500")])).await?;
        Ok(page
            .contents
            .into_iter()
            .filter(|c| c.approval_requests.as_ref().is_some_and(|a| a.status == "approved"))
            .filter_map(|c| {
                let body = c.types.text?.body;
                Some(Template {
                    variables: switchboard_core::template::variables(&body),
                    sid: c.sid,
                    name: c.friendly_name.unwrap_or_default(),
                    language: c.language.unwrap_or_default(),
                    body,
                })
            })
            .collect())
    }

    /// The first page of messages matching `filters` (`To`, `From`, `DateSent>`…).
    pub async fn messages(
        &self,
        filters: &[(&str, &str)],
        page_size: u32,
    ) -> Result<MessagePage, PlatformError> {
        let size = page_size.to_string();
        let mut query: Vec<(&str, &str)> = filters.to_vec();
        query.push(("PageSize", &size));
        self.read(self.http.get(self.url("Messages.json")).query(&query)).await
    }

    /// The page a `next_page_uri` names.
    pub async fn next_page(&self, next_page_uri: &str) -> Result<MessagePage, PlatformError> {
        let url = self.base.join(next_page_uri).map_err(|e| PlatformError::Malformed {
            platform: PLATFORM,
            status: 200,
            detail: format!("next_page_uri: {e}"),
        })?;
        self.read(self.http.get(url)).await
    }

    pub async fn message(&self, sid: &str) -> Result<Message, PlatformError> {
        self.read(self.http.get(self.url(&format!("Messages/{sid}.json")))).await
    }

    /// The files a message carries (`Messages/{sid}/Media.json`; at most 10, one page).
    pub async fn media(&self, message_sid: &str) -> Result<Vec<Media>, PlatformError> {
        let list: MediaList =
            self.read(self.http.get(self.url(&format!("Messages/{message_sid}/Media.json")))).await?;
        Ok(list.media_list)
    }

    /// A file's content: its Media resource's URI (`Media.uri`) without `.json`, read with
    /// the account's credentials (accounts may require them for media).
    pub async fn download(&self, media_uri: &str) -> Result<crate::Download, PlatformError> {
        let path = media_uri.strip_suffix(".json").unwrap_or(media_uri);
        let url = self.base.join(path).map_err(|e| PlatformError::Malformed {
            platform: PLATFORM,
            status: 200,
            detail: format!("media uri: {e}"),
        })?;
        let request = self.http.get(url).basic_auth(&self.account_sid, Some(self.auth_token.expose_secret()));
        crate::media::download(PLATFORM, request).await
    }

    /// The account's phone numbers; a wrong SID or token fails with 20003.
    pub async fn numbers(&self) -> Result<IncomingNumberPage, PlatformError> {
        self.read(self.http.get(self.url("IncomingPhoneNumbers.json"))).await
    }

    async fn read<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> Result<T, PlatformError> {
        let sent = request.basic_auth(&self.account_sid, Some(self.auth_token.expose_secret())).send().await;
        read(sent).await
    }
}

/// A Media resource: one file of a message.
#[derive(Debug, Clone, Deserialize)]
pub struct Media {
    pub sid: String,
    pub content_type: String,
    /// Relative to the API's host, ending in `.json`.
    pub uri: String,
}

#[derive(Deserialize)]
struct MediaList {
    media_list: Vec<Media>,
}

/// A WhatsApp-approved text template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// The Content SID (`HX…`) a message names to send it.
    pub sid: String,
    pub name: String,
    pub language: String,
    /// With `{{1}}`-style variables.
    pub body: String,
    pub variables: Vec<String>,
}

#[derive(Deserialize)]
struct ContentPage {
    contents: Vec<Content>,
}

#[derive(Deserialize)]
struct Content {
    sid: String,
    friendly_name: Option<String>,
    language: Option<String>,
    types: ContentTypes,
    approval_requests: Option<Approval>,
}

#[derive(Deserialize)]
struct ContentTypes {
    #[serde(rename = "twilio/text")]
    text: Option<TextContent>,
}

#[derive(Deserialize)]
struct TextContent {
    body: String,
}

#[derive(Deserialize)]
struct Approval {
    status: String,
}

/// The form of a text message (`Messages.json` create).
fn text_form<'a>(from: &'a str, to: &'a str, body: &'a str) -> [(&'static str, &'a str); 3] {
    [("From", from), ("To", to), ("Body", body)]
}

/// The form of a WhatsApp template message.
fn template_form<'a>(
    from: &'a str,
    to: &'a str,
    sid: &'a str,
    variables: &'a str,
) -> [(&'static str, &'a str); 4] {
    [("From", from), ("To", to), ("ContentSid", sid), ("ContentVariables", variables)]
}

async fn read<T: DeserializeOwned>(sent: Result<Response, reqwest::Error>) -> Result<T, PlatformError> {
    crate::error::read(PLATFORM, sent, twilio_error).await
}

/// Twilio's error body, or `None` when the body is not one.
pub(crate) fn twilio_error(
    bytes: &[u8],
    status: u16,
    retry_after: Option<Duration>,
) -> Option<PlatformError> {
    let error: ErrorBody = serde_json::from_slice(bytes).ok()?;
    Some(PlatformError::Api {
        platform: PLATFORM,
        kind: ErrorKind::from_twilio(error.code, status),
        code: error.code,
        subcode: None,
        message: error.message,
        retry_after,
    })
}

/// Twilio's dates: `Thu, 24 Aug 2023 05:01:45 +0000`, or null.
fn rfc2822<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Timestamp>, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .map(|text| {
            jiff::fmt::strtime::parse("%a, %d %b %Y %H:%M:%S %z", &text)
                .and_then(|parsed| parsed.to_timestamp())
                .map_err(serde::de::Error::custom)
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Twilio's published specification (see the sandbox's fixtures/README.md).
    const SPEC: &str = include_str!("../../sandbox/tests/sandbox/fixtures/twilio_api_v2010.json");

    fn examples(spec: &Value, path: &str, method: &str, status: &str) -> Vec<(String, Value)> {
        let examples =
            &spec["paths"][path][method]["responses"][status]["content"]["application/json"]["examples"];
        let all = examples.as_object().unwrap_or_else(|| panic!("no examples for {method} {path}"));
        all.iter().map(|(name, example)| (name.clone(), example["value"].clone())).collect()
    }

    #[test]
    fn every_named_example_of_the_spec_parses_into_the_client_s_types() {
        let spec: Value = serde_json::from_str(SPEC).unwrap();
        let messages = "/2010-04-01/Accounts/{AccountSid}/Messages.json";
        let message = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json";
        let numbers = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json";
        let mut parsed = 0;
        for (name, example) in examples(&spec, messages, "post", "201") {
            let m: Message = serde_json::from_value(example).unwrap_or_else(|e| panic!("create/{name}: {e}"));
            assert!(m.date_created.is_some(), "create/{name}: the RFC 2822 date parses");
            parsed += 1;
        }
        for (name, example) in examples(&spec, messages, "get", "200") {
            serde_json::from_value::<MessagePage>(example).unwrap_or_else(|e| panic!("list/{name}: {e}"));
            parsed += 1;
        }
        for (name, example) in examples(&spec, message, "get", "200") {
            serde_json::from_value::<Message>(example).unwrap_or_else(|e| panic!("fetch/{name}: {e}"));
            parsed += 1;
        }
        for (name, example) in examples(&spec, numbers, "get", "200") {
            serde_json::from_value::<IncomingNumberPage>(example)
                .unwrap_or_else(|e| panic!("numbers/{name}: {e}"));
            parsed += 1;
        }
        assert!(parsed >= 10, "the spec's examples were found ({parsed})");
    }

    #[test]
    fn send_forms_are_what_twilio_expects() {
        let encode = |pairs: &[(&str, &str)]| {
            url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
        };
        insta::assert_snapshot!(
            "sms_form",
            encode(&text_form("+14155550100", "+14155550111", "Saturday 10:00 works."))
        );
        insta::assert_snapshot!(
            "whatsapp_template_form",
            encode(&template_form(
                "whatsapp:+14155550100",
                "whatsapp:+14155550122",
                "HX00000000000000000000000000000001",
                r#"{"1":"Mei"}"#
            ))
        );
    }

    #[test]
    fn credentials_survive_the_keychain_round_trip() {
        let credentials =
            TwilioCredentials { account_sid: "AC123".into(), auth_token: Secret::from("s:cret") };
        let back = TwilioCredentials::from_secret(&credentials.to_secret()).unwrap();
        assert_eq!(back.account_sid, "AC123");
        assert_eq!(back.auth_token.expose_secret(), "s:cret", "only the first colon separates");
        assert!(TwilioCredentials::from_secret(&Secret::from("no-colon")).is_none());
    }

    #[test]
    fn twilio_errors_are_classified_by_code() {
        assert_eq!(ErrorKind::from_twilio(20003, 401), ErrorKind::TokenUnusable);
        assert_eq!(ErrorKind::from_twilio(20429, 429), ErrorKind::Throttled);
        assert_eq!(ErrorKind::from_twilio(21610, 400), ErrorKind::RecipientUnavailable);
        assert_eq!(ErrorKind::from_twilio(63016, 400), ErrorKind::OutsideWindow);
        assert_eq!(ErrorKind::from_twilio(21211, 400), ErrorKind::BadRequest);
        assert_eq!(ErrorKind::from_twilio(20500, 500), ErrorKind::Transient);
    }
}
