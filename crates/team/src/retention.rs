//! The team's database applies the admins' retention policy (migration 0013 says what goes).

use crate::{Team, TeamError, corrupt};
use switchboard_core::retention::RetentionPolicy;

/// Rows deleted per transaction: each is short, so pollers and agents are not held up.
const CHUNK: i32 = 5_000;

impl Team {
    /// The policy the database applies: the admins' setting, or core's defaults.
    pub async fn retention_policy(&self) -> Result<RetentionPolicy, TeamError> {
        let value = sqlx::query_scalar!(r#"SELECT team_retention_policy() AS "policy!""#)
            .fetch_one(&self.pool)
            .await?;
        serde_json::from_value(value).map_err(|e| corrupt(format!("retention policy: {e}")))
    }

    /// Applies it as of `now` (a poller's; one desktop at a time does it, the others answer 0
    /// at once). Answers how many messages and interactions went.
    pub async fn retention_purge(&self, now: jiff::Timestamp) -> Result<u64, TeamError> {
        let now_ms = crate::millis(now);
        let mut gone = 0;
        loop {
            let n = sqlx::query_scalar!(r#"SELECT team_retention_purge($1, $2) AS "n!""#, now_ms, CHUNK)
                .fetch_one(&self.pool)
                .await?;
            gone += u64::try_from(n).unwrap_or(0);
            if n == 0 {
                return Ok(gone);
            }
        }
    }
}
