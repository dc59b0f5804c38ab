use crate::{Store, StoreError, from_millis};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use switchboard_core::Platform;

/// One entry of the session list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    pub id: i64,
    pub channel_id: i64,
    pub platform: Platform,
    pub channel_name: String,
    pub contact_name: String,
    pub contact_platform_id: String,
    pub state: String,
    pub preview: Option<String>,
    pub last_activity_at: Timestamp,
    /// Since when the customer has been waiting for a reply; `None` when nobody waits.
    pub awaiting_since: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    channel_id: i64,
    platform: String,
    channel_name: String,
    contact_name: String,
    contact_platform_id: String,
    state: String,
    preview: Option<String>,
    last_activity_at: i64,
    awaiting_since: Option<i64>,
}

const SUMMARY_SELECT: &str = "
    SELECT s.id, s.channel_id, c.platform, c.name AS channel_name,
           COALESCE(k.display_name, k.platform_id) AS contact_name,
           k.platform_id AS contact_platform_id, s.state, s.last_activity_at, s.awaiting_since,
           (SELECT m.body FROM messages m WHERE m.session_id = s.id
            ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS preview
    FROM sessions s
    JOIN channels c ON c.id = s.channel_id
    JOIN contacts k ON k.id = s.contact_id";

impl TryFrom<SummaryRow> for SessionSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            channel_id: row.channel_id,
            platform: Platform::parse(&row.platform).ok_or_else(|| StoreError::Corrupt {
                what: format!("platform {:?}", row.platform),
            })?,
            channel_name: row.channel_name,
            contact_name: row.contact_name,
            contact_platform_id: row.contact_platform_id,
            state: row.state,
            preview: row.preview,
            last_activity_at: from_millis(row.last_activity_at)?,
            awaiting_since: row.awaiting_since.map(from_millis).transpose()?,
        })
    }
}

impl Store {
    /// The session list: sessions awaiting a reply first (longest waiting first), then by
    /// last activity, newest first.
    pub async fn session_list(&self, limit: u32) -> Result<Vec<SessionSummary>, StoreError> {
        let rows: Vec<SummaryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{SUMMARY_SELECT}
             ORDER BY s.awaiting_since IS NULL, s.awaiting_since, s.last_activity_at DESC, s.id DESC
             LIMIT ?"
        )))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn session_summary(&self, session_id: i64) -> Result<SessionSummary, StoreError> {
        let row: Option<SummaryRow> =
            sqlx::query_as(AssertSqlSafe(format!("{SUMMARY_SELECT} WHERE s.id = ?")))
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?;
        row.ok_or(StoreError::NotFound { what: "session" })?.try_into()
    }
}
