//! Facebook's error body: `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub code: u32,
    pub subcode: Option<u32>,
    pub kind: &'static str,
    pub message: String,
}

impl GraphError {
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            subcode: None,
            kind: "OAuthException",
            message: message.into(),
        }
    }

    pub fn subcode(mut self, subcode: u32) -> Self {
        self.subcode = Some(subcode);
        self
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(100, message)
    }

    pub fn unknown_path(version: &str) -> Self {
        Self::new(2500, format!("Unknown path components: /{version}"))
    }

    pub fn missing_token() -> Self {
        Self::new(104, "An access token is required to request this resource.")
    }

    /// A token Facebook no longer accepts, by subcode (PLATFORMS.md, "Graph API errors").
    pub fn token_unusable(subcode: u32) -> Self {
        let message = match subcode {
            458 => "Error validating access token: The user has not authorized application.",
            460 => {
                "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."
            }
            463 => "Error validating access token: Session has expired.",
            492 => "Error validating access token: The user does not have a role on the page.",
            _ => "Error validating access token: The access token is invalid.",
        };
        Self::new(190, message).subcode(subcode).status(StatusCode::UNAUTHORIZED)
    }

    pub fn invalid_token() -> Self {
        Self::new(190, "Invalid OAuth access token - Cannot parse access token")
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut error = json!({
            "message": self.message,
            "type": self.kind,
            "code": self.code,
            "fbtrace_id": "ASandboxTraceId000000000",
        });
        if let Some(subcode) = self.subcode {
            error["error_subcode"] = subcode.into();
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}
