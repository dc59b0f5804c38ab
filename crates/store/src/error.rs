#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the local cache at {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot update the local cache's schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the local cache holds an unexpected value: {what}")]
    Corrupt { what: String },
    #[error("no such {what}")]
    NotFound { what: &'static str },
    #[error("local cache error: {0}")]
    Sql(#[from] sqlx::Error),
}
