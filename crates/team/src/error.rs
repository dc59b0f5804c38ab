#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("the team's database address is not a PostgreSQL URL: {0}")]
    Address(String),
    #[error("the team's database runs PostgreSQL {version}; team mode needs 14 or newer")]
    ServerTooOld { version: String },
    /// The writer's fencing token is no longer the lease's: another desktop took the channel.
    #[error("this desktop no longer holds channel {channel_id}'s lease (another took it over)")]
    StaleLease { channel_id: i64 },
    /// Core refused the transition (picking up what another agent took a moment ago).
    #[error(transparent)]
    Transition(#[from] switchboard_core::interaction::TransitionError),
    /// A rule of the team's data refused the change (a queue name taken), in words for the admin.
    #[error("{0}")]
    Refused(String),
    #[error("no {what} in the team's database")]
    NotFound { what: &'static str },
    #[error("the team's database holds an unexpected value: {what}")]
    Corrupt { what: String },
    #[error("cannot update the team's schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database does not answer (down, restarting, or this desktop is offline).
    #[error(
        "Offline: the team's database does not answer ({0}). Reading, typing and replies keep working here; \
         replies go out when it answers again."
    )]
    Unreachable(String),
    /// The member's role does not allow it: the database refused (insufficient privilege or a
    /// row-level security policy).
    #[error("Your role in the team does not allow this ({0}).")]
    Forbidden(String),
    /// The team's database refused this desktop's sign-in: a wrong password, or the member
    /// was removed from the team.
    #[error("The team's database refused the sign-in: {0}")]
    SignIn(String),
    #[error("team database error: {0}")]
    Sql(sqlx::Error),
}

impl From<sqlx::Error> for TeamError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => TeamError::Unreachable(error.to_string()),
            sqlx::Error::Database(ref db) => match db.code().as_deref() {
                // insufficient_privilege, and row-level security's "new row violates policy"
                Some("42501") => TeamError::Forbidden(db.message().to_owned()),
                // invalid_authorization_specification, invalid_password
                Some("28000" | "28P01") => TeamError::SignIn(db.message().to_owned()),
                // the server is shutting down or restarting, or ended this connection (an
                // admin's removal: the reconnection then fails with 28000)
                Some("57P01") => TeamError::Unreachable(db.message().to_owned()),
                Some("22023" | "23505" | "P0002") => TeamError::Refused(db.message().to_owned()),
                _ => TeamError::Sql(error),
            },
            other => TeamError::Sql(other),
        }
    }
}
