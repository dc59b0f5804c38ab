//! The one error shape across IPC: `{code, message}`. The UI acts on `code` and shows
//! `message`; it never parses the text.

use serde::Serialize;
use switchboard_engine::{EngineError, TeamError};
use switchboard_store::StoreError;

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request itself is wrong (too long, empty…): the agent can fix it.
    InvalidInput,
    NotFound,
    /// The member's role in the team does not allow it (the team's database refused it).
    Forbidden,
    /// The team's database refused this desktop's sign-in (a changed password, or the member
    /// was removed from the team).
    SignedOut,
    /// Something the app depends on (keychain, cache, platform) is not answering.
    Unavailable,
    Internal,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommandError {
    code: ErrorCode,
    message: String,
}

impl CommandError {
    /// A request the page built wrongly.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self { code: ErrorCode::InvalidInput, message: message.into() }
    }

    /// The OS refused something (a folder cannot be written).
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self { code: ErrorCode::Unavailable, message: message.into() }
    }

    /// The member's role does not allow it.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self { code: ErrorCode::Forbidden, message: message.into() }
    }

    /// The shell itself failed (a window could not open).
    pub fn shell(error: tauri::Error) -> Self {
        tracing::error!(%error, "shell failure");
        Self { code: ErrorCode::Internal, message: error.to_string() }
    }
}

impl From<EngineError> for CommandError {
    fn from(error: EngineError) -> Self {
        let code = match &error {
            EngineError::Reply(_)
            | EngineError::Window(_)
            | EngineError::Phone(_)
            | EngineError::Credentials(_)
            | EngineError::Login(_)
            | EngineError::Canned(_)
            | EngineError::Note(_)
            | EngineError::Attachment(_)
            | EngineError::Refused(_)
            | EngineError::Store(
                StoreError::Conflict { .. } | StoreError::Transition(_) | StoreError::Queue(_),
            ) => ErrorCode::InvalidInput,
            EngineError::Store(StoreError::NotFound { .. })
            | EngineError::Team(TeamError::NotFound { .. }) => ErrorCode::NotFound,
            EngineError::Team(TeamError::Forbidden(_)) => ErrorCode::Forbidden,
            EngineError::Team(TeamError::SignIn(_)) => ErrorCode::SignedOut,
            EngineError::Team(
                TeamError::Transition(_)
                | TeamError::Refused(_)
                | TeamError::Address(_)
                | TeamError::ServerTooOld { .. },
            ) => ErrorCode::InvalidInput,
            EngineError::Keychain(_)
            | EngineError::Platform(_)
            | EngineError::Store(_)
            | EngineError::Team(_) => ErrorCode::Unavailable,
            EngineError::DataFolder { .. } => ErrorCode::Internal,
        };
        if matches!(code, ErrorCode::Unavailable | ErrorCode::Internal) {
            tracing::error!(%error, "command failed");
        }
        Self { code, message: error.to_string() }
    }
}
