use crate::keychain::KeychainError;
use switchboard_core::{CannedError, NoteError, PhoneError, ReplyError, WindowError};
use switchboard_platforms::PlatformError;
use switchboard_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot create the data folder {path}: {source}")]
    DataFolder { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The team's database (team mode).
    #[error(transparent)]
    Team(#[from] switchboard_team::TeamError),
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    #[error(transparent)]
    Platform(#[from] PlatformError),
    #[error(transparent)]
    Reply(#[from] ReplyError),
    #[error(transparent)]
    Window(#[from] WindowError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error(transparent)]
    Canned(#[from] CannedError),
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error(transparent)]
    Attachment(#[from] switchboard_core::AttachmentError),
    /// Refused by a rule, with the reason worded for the agent.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Login(#[from] crate::login::LoginError),
    /// Credentials that are present but not usable as they are (not a platform's refusal).
    #[error("{0}")]
    Credentials(String),
}
