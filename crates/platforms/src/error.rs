//! Platform errors, classified by their numeric codes (never by their text).

use reqwest::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// What the app should do about a platform error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The token is unusable: the channel needs reauthorization. Keep the outbox.
    TokenUnusable,
    /// Outside the messaging window: fail the reply, never retry.
    OutsideWindow,
    /// The person cannot receive messages now: fail, never retry.
    RecipientUnavailable,
    /// A parameter was refused: fail, never retry.
    BadRequest,
    /// Rate limited: retry later.
    Throttled,
    /// A passing fault (5xx, time-out, connection): retry with back-off.
    Transient,
}

impl ErrorKind {
    /// Whether sending the same request again later can succeed.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorKind::Throttled | ErrorKind::Transient)
    }

    /// Classifies a Graph API error (PLATFORMS.md, "Graph API errors").
    pub fn from_graph(code: i64, subcode: Option<i64>, http_status: u16) -> Self {
        match (code, subcode) {
            (190 | 102, _) => ErrorKind::TokenUnusable,
            (10, Some(2018278 | 2534022)) => ErrorKind::OutsideWindow,
            (551, _) | (200, Some(1545041)) | (10, Some(2018108)) => ErrorKind::RecipientUnavailable,
            (4 | 17 | 32 | 613 | 80001 | 80006, _) => ErrorKind::Throttled,
            (1 | 2, _) => ErrorKind::Transient,
            _ if http_status >= 500 => ErrorKind::Transient,
            _ => ErrorKind::BadRequest,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The platform answered with an error body.
    #[error("{platform} error {code}{}: {message}", subcode.map(|s| format!("/{s}")).unwrap_or_default())]
    Api {
        platform: &'static str,
        kind: ErrorKind,
        code: i64,
        subcode: Option<i64>,
        message: String,
        /// When the platform says it will take requests again (throttling), if it says.
        retry_after: Option<Duration>,
    },
    /// No usable answer: connection refused, time-out, reset. The URL is stripped because
    /// a Graph URL can carry a token.
    #[error("cannot reach {platform}: {source}")]
    Transport { platform: &'static str, source: reqwest::Error },
    /// An answer that is not what the platform documents.
    #[error("{platform} sent an unexpected answer (HTTP {status}): {detail}")]
    Malformed { platform: &'static str, status: u16, detail: String },
    /// A file a customer sent could not be had (gone, refused, or over the size limit).
    #[error("{platform}: {detail} (HTTP {status})")]
    File { platform: &'static str, status: u16, detail: String },
}

impl PlatformError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            PlatformError::Api { kind, .. } => *kind,
            PlatformError::Transport { .. } | PlatformError::Malformed { .. } => ErrorKind::Transient,
            PlatformError::File { status, .. } if *status >= 500 || *status == 408 => ErrorKind::Transient,
            // A CDN that is asked too often says so with a bare 429: the file is there, later.
            PlatformError::File { status: 429, .. } => ErrorKind::Throttled,
            PlatformError::File { .. } => ErrorKind::BadRequest,
        }
    }

    /// How long the platform asked us to wait before the next request, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            PlatformError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn transport(platform: &'static str, source: reqwest::Error) -> Self {
        PlatformError::Transport { platform, source: source.without_url() }
    }
}

/// Reads a platform's answer: the body as `T` on success, or the platform's error as parsed by
/// `api_error` (which returns `None` when the body is not the platform's error shape).
pub(crate) async fn read<T: DeserializeOwned>(
    platform: &'static str,
    sent: Result<Response, reqwest::Error>,
    api_error: impl FnOnce(&[u8], u16, Option<Duration>) -> Option<PlatformError>,
) -> Result<T, PlatformError> {
    let response = sent.map_err(|e| PlatformError::transport(platform, e))?;
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let bytes = response.bytes().await.map_err(|e| PlatformError::transport(platform, e))?;
    answer(platform, status, retry_after, &bytes, api_error)
}

/// The answer's meaning from its status and body alone (pure: the fuzz targets call it).
pub(crate) fn answer<T: DeserializeOwned>(
    platform: &'static str,
    status: u16,
    retry_after: Option<Duration>,
    bytes: &[u8],
    api_error: impl FnOnce(&[u8], u16, Option<Duration>) -> Option<PlatformError>,
) -> Result<T, PlatformError> {
    if (200..300).contains(&status) {
        return serde_json::from_slice(bytes).map_err(|e| PlatformError::Malformed {
            platform,
            status,
            detail: e.to_string(),
        });
    }
    Err(api_error(bytes, status, retry_after).unwrap_or_else(|| PlatformError::Malformed {
        platform,
        status,
        detail: format!("the error body is not a {platform} error"),
    }))
}

/// When a throttled client may call again: HTTP's `Retry-After` (seconds; Twilio), or the
/// longest `estimated_time_to_regain_access` (minutes) in Graph's `X-Business-Use-Case-Usage`.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    retry_after_of(header("retry-after"), header("x-business-use-case-usage"))
}

/// The same from the two headers' values (pure: the fuzz targets call it).
pub(crate) fn retry_after_of(retry_after: Option<&str>, usage: Option<&str>) -> Option<Duration> {
    if let Some(seconds) = retry_after.and_then(|value| value.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(seconds));
    }
    let usage: std::collections::HashMap<String, Vec<BusinessUseCaseUsage>> =
        serde_json::from_str(usage?).ok()?;
    let minutes = usage.values().flatten().map(|usage| usage.estimated_time_to_regain_access).max()?;
    (minutes > 0).then(|| Duration::from_secs(minutes.saturating_mul(60)))
}

#[derive(Debug, Deserialize)]
struct BusinessUseCaseUsage {
    #[serde(default)]
    estimated_time_to_regain_access: u64,
}

/// `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`
#[derive(Debug, Deserialize)]
pub(crate) struct GraphErrorBody {
    pub error: GraphErrorFields,
}

#[derive(Debug, Deserialize)]
pub(crate) struct GraphErrorFields {
    #[serde(default)]
    pub message: String,
    pub code: i64,
    pub error_subcode: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::ErrorKind::*;
    use super::*;

    #[test]
    fn graph_errors_are_classified_by_code_and_subcode() {
        let cases = [
            ((190, Some(463), 400), TokenUnusable),
            ((102, None, 400), TokenUnusable),
            ((10, Some(2018278), 400), OutsideWindow),
            ((10, Some(2534022), 400), OutsideWindow),
            ((10, Some(2018108), 400), RecipientUnavailable),
            ((551, None, 400), RecipientUnavailable),
            ((200, Some(1545041), 400), RecipientUnavailable),
            ((100, Some(2018109), 400), BadRequest),
            ((613, None, 400), Throttled),
            ((80006, None, 400), Throttled),
            ((2, None, 503), Transient),
            ((999, None, 502), Transient),
        ];
        for ((code, subcode, status), expected) in cases {
            assert_eq!(ErrorKind::from_graph(code, subcode, status), expected, "code {code}/{subcode:?}");
        }
        assert!(!OutsideWindow.is_retryable(), "a closed window never opens by retrying");
        assert!(Throttled.is_retryable());
    }

    #[test]
    fn a_file_host_s_status_says_whether_to_try_again() {
        let file = |status| PlatformError::File { platform: "Messenger", status, detail: String::new() };
        assert_eq!(file(429).kind(), Throttled, "asked too often: later");
        assert_eq!(file(503).kind(), Transient);
        assert_eq!(file(408).kind(), Transient);
        assert_eq!(file(404).kind(), BadRequest, "gone: no try helps");
        assert_eq!(file(403).kind(), BadRequest);
    }

    #[test]
    fn the_wait_a_throttled_client_is_asked_for_comes_from_the_headers() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut twilio = HeaderMap::new();
        twilio.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&twilio), Some(Duration::from_secs(7)));
        let mut graph = HeaderMap::new();
        graph.insert(
            "x-business-use-case-usage",
            HeaderValue::from_static(
                r#"{"5001":[{"type":"messenger","call_count":100,"estimated_time_to_regain_access":3}]}"#,
            ),
        );
        assert_eq!(retry_after(&graph), Some(Duration::from_secs(180)));
        let mut unknown = HeaderMap::new();
        unknown.insert(
            "x-business-use-case-usage",
            HeaderValue::from_static(r#"{"5001":[{"estimated_time_to_regain_access":0}]}"#),
        );
        assert_eq!(retry_after(&unknown), None, "0 means the platform gives no estimate");
    }
}
