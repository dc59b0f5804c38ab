//! The Graph API client for Messenger: reading conversations and sending messages.

use crate::error::{ErrorKind, GraphErrorBody, PlatformError};
use jiff::Timestamp;
use reqwest::{Client, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use std::time::Duration;
use switchboard_core::secret::ExposeSecret;
use switchboard_core::{Attachment, AttachmentKind, Secret};
use url::Url;

const PLATFORM: &str = "Messenger";
/// The Graph API version the app is built against.
pub const GRAPH_VERSION: &str = "v23.0";
/// The fields one poll needs; nested `messages` returns each thread's newest 25.
const CONVERSATION_FIELDS: &str =
    "id,updated_time,participants,messages{id,created_time,from,to,message,attachments}";

/// The Graph API at a base URL: `https://graph.facebook.com` or the sandbox's.
#[derive(Debug, Clone)]
pub struct GraphApi {
    http: Client,
    base: Url,
}

/// How a message relates to the person's last message (Messenger's `messaging_type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessagingType {
    /// Within 24 h of the person's last message.
    Response,
    /// Outside the standard window, with a tag such as `HUMAN_AGENT`.
    Tagged(String),
}

#[derive(Debug, Deserialize)]
pub struct ConversationsPage {
    pub data: Vec<Conversation>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

#[derive(Debug, Deserialize)]
pub struct Paging {
    pub cursors: Option<Cursors>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Cursors {
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Conversation {
    pub id: String,
    #[serde(deserialize_with = "graph_time")]
    pub updated_time: Timestamp,
    pub participants: Option<List<Person>>,
    pub messages: Option<List<GraphMessage>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Person {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GraphMessage {
    pub id: String,
    #[serde(deserialize_with = "graph_time")]
    pub created_time: Timestamp,
    pub from: Person,
    pub to: Option<List<Person>>,
    /// Empty for messages that carry only attachments.
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub attachments: Option<List<GraphAttachment>>,
}

impl GraphMessage {
    pub fn attachments(&self) -> &[GraphAttachment] {
        self.attachments.as_ref().map_or(&[], |list| &list.data)
    }
}

/// A file in a message (`attachments` field): an image, video or other file at a CDN URL.
#[derive(Debug, Clone, Deserialize)]
pub struct GraphAttachment {
    pub id: String,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub image_data: Option<MediaData>,
    #[serde(default)]
    pub video_data: Option<MediaData>,
    #[serde(default)]
    pub file_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MediaData {
    pub url: String,
}

impl GraphAttachment {
    /// Where the file is.
    pub fn url(&self) -> Option<&str> {
        let media = self.image_data.as_ref().or(self.video_data.as_ref()).map(|m| m.url.as_str());
        media.or(self.file_url.as_deref())
    }

    pub fn media_type(&self) -> &str {
        match (&self.mime_type, &self.image_data) {
            (Some(media_type), _) => media_type,
            (None, Some(_)) => "image/jpeg",
            (None, None) => "application/octet-stream",
        }
    }
}

/// A page of a thread's messages (the `messages` edge), newest first.
#[derive(Debug, Deserialize)]
pub struct MessagesPage {
    pub data: Vec<GraphMessage>,
    #[serde(default)]
    pub paging: Option<Paging>,
}

/// What `debug_token` tells of a token: whether it still works and until when its app may read
/// the user's data.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenInfo {
    pub is_valid: bool,
    /// Unix seconds; 0 (or absent) when the token does not expire by date.
    #[serde(default)]
    pub expires_at: i64,
    /// Unix seconds; 0 (or absent) when unknown.
    #[serde(default)]
    pub data_access_expires_at: i64,
    #[serde(default)]
    pub error: Option<TokenError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TokenError {
    pub code: i64,
    #[serde(default)]
    pub subcode: Option<i64>,
    #[serde(default)]
    pub message: String,
}

impl TokenInfo {
    /// The token's own error as a platform error, classified like any other, when it is invalid.
    pub fn problem(&self) -> Option<PlatformError> {
        if self.is_valid {
            return None;
        }
        let (code, subcode, message) = match &self.error {
            Some(e) => (e.code, e.subcode, e.message.clone()),
            None => (190, None, "The token is not valid.".to_owned()),
        };
        Some(PlatformError::Api {
            platform: PLATFORM,
            kind: ErrorKind::from_graph(code, subcode, 400),
            code,
            subcode,
            message,
            retry_after: None,
        })
    }

    /// When the app's access to the user's data ends, if Graph says.
    pub fn data_access_expires(&self) -> Option<Timestamp> {
        (self.data_access_expires_at > 0)
            .then(|| Timestamp::from_second(self.data_access_expires_at).ok())
            .flatten()
    }
}

#[derive(Debug, Deserialize)]
struct DebugToken {
    data: TokenInfo,
}

/// How many messages the nested `messages` field gives per conversation.
pub const NESTED_MESSAGES: usize = 25;

#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct SentMessage {
    pub recipient_id: String,
    pub message_id: String,
}

#[derive(Serialize)]
struct SendRequest<'a> {
    recipient: serde_json::Value,
    messaging_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a str>,
    message: serde_json::Value,
}

impl<'a> SendRequest<'a> {
    fn text(recipient: &str, text: &str, messaging_type: &'a MessagingType) -> Self {
        Self::new(recipient, json!({ "text": text }), messaging_type)
    }

    /// A file uploaded before (`message_attachments`), by its id.
    fn attachment(
        recipient: &str,
        kind: AttachmentKind,
        attachment_id: &str,
        messaging_type: &'a MessagingType,
    ) -> Self {
        let message = json!({ "attachment": { "type": attachment_type(kind), "payload": { "attachment_id": attachment_id } } });
        Self::new(recipient, message, messaging_type)
    }

    fn new(recipient: &str, message: serde_json::Value, messaging_type: &'a MessagingType) -> Self {
        let (kind, tag) = match messaging_type {
            MessagingType::Response => ("RESPONSE", None),
            MessagingType::Tagged(tag) => ("MESSAGE_TAG", Some(tag.as_str())),
        };
        Self { recipient: json!({ "id": recipient }), messaging_type: kind, tag, message }
    }
}

/// Messenger's name for an attachment's kind.
fn attachment_type(kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::Image => "image",
        AttachmentKind::Video => "video",
        AttachmentKind::Audio => "audio",
        AttachmentKind::File => "file",
    }
}

#[derive(Debug, Deserialize)]
struct Uploaded {
    attachment_id: String,
}

impl GraphApi {
    pub fn new(base: Url) -> Self {
        Self::with_timeout(base, std::time::Duration::from_secs(30))
    }

    /// A client whose requests give up after `timeout` (and are then treated as transient).
    pub fn with_timeout(base: Url, timeout: std::time::Duration) -> Self {
        let http = Client::builder()
            .timeout(timeout)
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend initializes");
        Self { http, base }
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("/{GRAPH_VERSION}/{path}"));
        url
    }

    /// A GET on a versioned path, with the token (if any) in a header, never in the URL.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        token: Option<&Secret>,
    ) -> Result<T, PlatformError> {
        let mut request = self.http.get(self.url(path)).query(query);
        if let Some(token) = token {
            request = request.bearer_auth(token.expose_secret());
        }
        read(request.send().await).await
    }

    /// One page of the page's Messenger conversations, newest first.
    pub async fn conversations(
        &self,
        page_id: &str,
        token: &Secret,
        after: Option<&str>,
        limit: u32,
    ) -> Result<ConversationsPage, PlatformError> {
        let mut query = vec![
            ("platform", "messenger".to_owned()),
            ("fields", CONVERSATION_FIELDS.to_owned()),
            ("limit", limit.to_string()),
        ];
        if let Some(after) = after {
            query.push(("after", after.to_owned()));
        }
        // The token goes in a header, not the query string, so that no URL ever carries it.
        let request = self
            .http
            .get(self.url(&format!("{page_id}/conversations")))
            .query(&query)
            .bearer_auth(token.expose_secret());
        read(request.send().await).await
    }

    /// A page of one thread's messages, newest first; `after` continues from a cursor.
    pub async fn thread_messages(
        &self,
        conversation_id: &str,
        token: &Secret,
        after: Option<&str>,
    ) -> Result<MessagesPage, PlatformError> {
        let mut query = vec![("fields", "id,created_time,from,to,message,attachments"), ("limit", "100")];
        if let Some(after) = after {
            query.push(("after", after));
        }
        let request = self
            .http
            .get(self.url(&format!("{conversation_id}/messages")))
            .query(&query)
            .bearer_auth(token.expose_secret());
        read(request.send().await).await
    }

    /// One person's thread with the page (the newest 25 messages), if there is one.
    pub async fn conversation_with(
        &self,
        page_id: &str,
        token: &Secret,
        psid: &str,
    ) -> Result<Option<Conversation>, PlatformError> {
        let query = [("platform", "messenger"), ("user_id", psid), ("fields", CONVERSATION_FIELDS)];
        let request = self
            .http
            .get(self.url(&format!("{page_id}/conversations")))
            .query(&query)
            .bearer_auth(token.expose_secret());
        let page: ConversationsPage = read(request.send().await).await?;
        Ok(page.data.into_iter().next())
    }

    /// What Graph knows of `input` (a page or user token), asked with the app's own token
    /// (`{app-id}|{app-secret}`).
    pub async fn debug_token(&self, app_token: &Secret, input: &Secret) -> Result<TokenInfo, PlatformError> {
        let mut url = self.base.clone();
        url.set_path("/debug_token");
        let request = self
            .http
            .get(url)
            .query(&[("input_token", input.expose_secret())])
            .bearer_auth(app_token.expose_secret());
        let answer: DebugToken = read(request.send().await).await?;
        Ok(answer.data)
    }

    /// Downloads a file a message carries. Its URL is a CDN's, signed by Facebook: the page's
    /// token is never sent along.
    pub async fn download(&self, url: &str) -> Result<crate::Download, PlatformError> {
        crate::media::download(PLATFORM, self.http.get(url)).await
    }

    /// Uploads a file for sending (`POST /{page}/message_attachments`, multipart); answers the
    /// attachment's id. The attachment was checked (type, at most 25 MB) before.
    pub async fn upload_attachment(
        &self,
        page_id: &str,
        token: &Secret,
        attachment: &Attachment,
        bytes: Vec<u8>,
    ) -> Result<String, PlatformError> {
        let message = json!({ "attachment": { "type": attachment_type(attachment.kind), "payload": { "is_reusable": true } } });
        let file = reqwest::multipart::Part::bytes(bytes)
            .file_name(attachment.file_name.clone())
            .mime_str(attachment.media_type)
            .map_err(|e| PlatformError::transport(PLATFORM, e))?;
        let form =
            reqwest::multipart::Form::new().text("message", message.to_string()).part("filedata", file);
        let request = self
            .http
            .post(self.url(&format!("{page_id}/message_attachments")))
            .bearer_auth(token.expose_secret())
            .multipart(form);
        let uploaded: Uploaded = read(request.send().await).await?;
        Ok(uploaded.attachment_id)
    }

    /// Sends an uploaded attachment to a person (PSID) from the page.
    pub async fn send_attachment(
        &self,
        page_id: &str,
        token: &Secret,
        recipient: &str,
        kind: AttachmentKind,
        attachment_id: &str,
        messaging_type: &MessagingType,
    ) -> Result<SentMessage, PlatformError> {
        self.send(page_id, token, &SendRequest::attachment(recipient, kind, attachment_id, messaging_type))
            .await
    }

    /// Sends a text message to a person (PSID) from the page.
    pub async fn send_text(
        &self,
        page_id: &str,
        token: &Secret,
        recipient: &str,
        text: &str,
        messaging_type: &MessagingType,
    ) -> Result<SentMessage, PlatformError> {
        self.send(page_id, token, &SendRequest::text(recipient, text, messaging_type)).await
    }

    /// `POST /{page}/messages` (the Send API).
    async fn send(
        &self,
        page_id: &str,
        token: &Secret,
        body: &SendRequest<'_>,
    ) -> Result<SentMessage, PlatformError> {
        let request = self
            .http
            .post(self.url(&format!("{page_id}/messages")))
            .bearer_auth(token.expose_secret())
            .json(body);
        read(request.send().await).await
    }
}

async fn read<T: DeserializeOwned>(sent: Result<Response, reqwest::Error>) -> Result<T, PlatformError> {
    crate::error::read(PLATFORM, sent, graph_error).await
}

/// Graph's error body, or `None` when the body is not one.
pub(crate) fn graph_error(bytes: &[u8], status: u16, retry_after: Option<Duration>) -> Option<PlatformError> {
    let GraphErrorBody { error } = serde_json::from_slice(bytes).ok()?;
    Some(PlatformError::Api {
        platform: PLATFORM,
        kind: ErrorKind::from_graph(error.code, error.error_subcode, status),
        code: error.code,
        subcode: error.error_subcode,
        message: error.message,
        retry_after,
    })
}

/// Graph times look like `2022-07-12T19:11:07+0000`.
fn graph_time<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
    let text = String::deserialize(deserializer)?;
    jiff::fmt::strtime::parse("%Y-%m-%dT%H:%M:%S%z", &text)
        .and_then(|parsed| parsed.to_timestamp())
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_documented_conversations_payload_parses() {
        let page: ConversationsPage = serde_json::from_str(
            r#"{"data":[{"id":"t_10","updated_time":"2022-07-12T19:11:07+0000",
                "participants":{"data":[{"name":"Ana","email":"1@facebook.com","id":"1"}]},
                "messages":{"data":[{"id":"m_1","created_time":"2022-07-12T19:11:07+0000",
                    "from":{"name":"Ana","email":"1@facebook.com","id":"1"},
                    "to":{"data":[{"name":"Page","email":"2@facebook.com","id":"2"}]},
                    "message":"Hello"}]}}],
               "paging":{"cursors":{"before":"QVFI","after":"QVFJ"},"next":"https://graph.facebook.com/v23.0/2/conversations?after=QVFJ"}}"#,
        )
        .expect("parses");
        let conversation = &page.data[0];
        assert_eq!(conversation.updated_time, "2022-07-12T19:11:07Z".parse::<Timestamp>().unwrap());
        assert_eq!(conversation.messages.as_ref().unwrap().data[0].message, "Hello");
        assert!(page.paging.unwrap().next.is_some());
    }

    #[test]
    fn send_requests_are_what_messenger_expects() {
        let response = SendRequest::text("7001", "Your bike is ready", &MessagingType::Response);
        insta::assert_json_snapshot!("send_response", response);
        let human = MessagingType::Tagged("HUMAN_AGENT".into());
        insta::assert_json_snapshot!(
            "send_human_agent",
            SendRequest::text("7001", "Sorry for the wait", &human)
        );
        insta::assert_json_snapshot!(
            "send_attachment",
            SendRequest::attachment(
                "7001",
                AttachmentKind::Image,
                "1857777774821032",
                &MessagingType::Response
            )
        );
    }
}
