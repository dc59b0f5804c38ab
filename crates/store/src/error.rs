#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the local cache at {path} cannot be read: it is encrypted with another key, or it is not a Switchboard cache"
    )]
    WrongKeyOrNotACache { path: String },
    #[error("the local cache at {path} is damaged: {detail}")]
    Damaged { path: String, detail: String },
    #[error("the local cache at {path} is locked by another program; close it and try again")]
    Locked { path: String },
    #[error("cannot open the local cache at {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot open the local cache at {path}: {source}")]
    OpenFile { path: String, source: std::io::Error },
    /// Another engine (an app, a headless engine) has the data folder.
    #[error(transparent)]
    Folder(#[from] crate::FolderLockError),
    #[error("cannot update the local cache's schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the cache key is unusable: {0}")]
    Key(String),
    #[error("the local cache holds an unexpected value: {what}")]
    Corrupt { what: String },
    /// Refused because it would clash with what is stored; `what` is worded for the user.
    #[error("{what}")]
    Conflict { what: String },
    /// Core refused the transition (an interaction that is ended cannot be held …).
    #[error("{0}")]
    Transition(#[from] switchboard_core::interaction::TransitionError),
    /// Core refused a queue change (a protected word, a cycle …).
    #[error("{0}")]
    Queue(#[from] switchboard_core::routing::QueueError),
    #[error("no such {what}")]
    NotFound { what: &'static str },
    #[error("local cache error: {0}")]
    Sql(#[from] sqlx::Error),
}

impl StoreError {
    pub(crate) fn opening_io(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::OpenFile { path: path.display().to_string(), source }
    }

    /// Classifies a failure to open by SQLite's result code, never its text.
    pub(crate) fn opening(path: &std::path::Path, source: sqlx::Error) -> Self {
        let path = path.display().to_string();
        let code = match &source {
            sqlx::Error::Database(error) => error.code().and_then(|c| c.parse::<i32>().ok()),
            _ => None,
        };
        // Primary result codes are the low byte of extended ones.
        match code.map(|c| c & 0xff) {
            Some(26) => StoreError::WrongKeyOrNotACache { path },
            Some(11) => StoreError::Damaged { path, detail: source.to_string() },
            Some(5 | 6) => StoreError::Locked { path },
            _ => StoreError::Open { path, source },
        }
    }
}
