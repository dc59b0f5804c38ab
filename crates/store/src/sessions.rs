use crate::{Store, StoreError, from_millis, parse_name, to_millis};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_core::Platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Active,
    /// Put away by an agent; a new customer message makes it active again.
    Stored,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Active => "active",
            SessionState::Stored => "stored",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "active" => Some(SessionState::Active),
            "stored" => Some(SessionState::Stored),
            _ => None,
        }
    }
}

/// One entry of the session list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    pub id: i64,
    pub channel_id: i64,
    pub platform: Platform,
    pub channel_name: String,
    pub contact_name: String,
    pub contact_platform_id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub state: SessionState,
    pub internal_reference: Option<String>,
    pub preview: Option<String>,
    pub last_activity_at: Timestamp,
    /// The contact's last message, from which the messaging window is derived.
    pub last_inbound_at: Option<Timestamp>,
    /// Since when the customer has been waiting for a reply; `None` when nobody waits.
    pub awaiting_since: Option<Timestamp>,
    pub opted_out: bool,
}

/// Which sessions the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SessionFilter {
    pub state: Option<SessionState>,
    pub channel_id: Option<i64>,
}

/// The position after which the next page of the list starts (keyset paging, never OFFSET).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCursor {
    group: i64,
    key: i64,
    id: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionPage {
    pub sessions: Vec<SessionSummary>,
    /// Present when more sessions follow.
    pub next: Option<ListCursor>,
}

pub(crate) struct SummaryRow {
    pub id: i64,
    pub channel_id: i64,
    pub platform: String,
    pub channel_name: String,
    pub contact_platform_id: String,
    pub platform_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub opted_out: i64,
    pub state: String,
    pub internal_reference: Option<String>,
    pub preview: Option<String>,
    pub last_activity_at: i64,
    pub last_inbound_at: Option<i64>,
    pub awaiting_since: Option<i64>,
    pub list_group: i64,
    pub list_key: i64,
}

impl TryFrom<SummaryRow> for SessionSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        // A name set by hand wins over the platform's; a number or id is the last resort.
        let by_hand = [row.first_name.as_deref(), row.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let contact_name = if !by_hand.is_empty() {
            by_hand
        } else {
            row.platform_name
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| row.contact_platform_id.clone())
        };
        Ok(Self {
            id: row.id,
            channel_id: row.channel_id,
            platform: parse_name("platform", &row.platform, Platform::parse)?,
            channel_name: row.channel_name,
            contact_name,
            contact_platform_id: row.contact_platform_id,
            first_name: row.first_name,
            last_name: row.last_name,
            state: parse_name("session state", &row.state, SessionState::parse)?,
            internal_reference: row.internal_reference,
            preview: row.preview,
            last_activity_at: from_millis(row.last_activity_at)?,
            last_inbound_at: row.last_inbound_at.map(from_millis).transpose()?,
            awaiting_since: row.awaiting_since.map(from_millis).transpose()?,
            opted_out: row.opted_out != 0,
        })
    }
}

impl Store {
    /// How many sessions await a reply (the tray icon's number).
    pub async fn awaiting_count(&self) -> Result<u32, StoreError> {
        let count =
            sqlx::query_scalar!(r#"SELECT count(*) AS "count!: i64" FROM sessions WHERE list_group = 0"#)
                .fetch_one(&self.pool)
                .await?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// A page of the session list: awaiting a reply first (longest waiting first), then by
    /// last activity, newest first.
    pub async fn session_list(
        &self,
        filter: &SessionFilter,
        after: Option<ListCursor>,
        limit: u32,
    ) -> Result<SessionPage, StoreError> {
        let state = filter.state.map(SessionState::as_str);
        let start = after.unwrap_or(ListCursor { group: i64::MIN, key: i64::MIN, id: i64::MIN });
        let fetch = i64::from(limit) + 1;
        let mut rows = sqlx::query_as!(
            SummaryRow,
            r#"SELECT s.id, s.channel_id, c.platform, c.name AS channel_name,
                      k.platform_id AS contact_platform_id, k.platform_name, k.first_name, k.last_name,
                      k.opted_out, s.state, s.internal_reference, m.body AS "preview?",
                      s.last_activity_at, s.last_inbound_at, s.awaiting_since,
                      s.list_group AS "list_group!: i64", s.list_key AS "list_key!: i64"
               FROM sessions s
               JOIN channels c ON c.id = s.channel_id
               JOIN contacts k ON k.id = s.contact_id
               LEFT JOIN messages m ON m.id = s.last_message_id
               WHERE (s.list_group, s.list_key, s.id) > (?1, ?2, ?3)
                 AND (?4 IS NULL OR s.state = ?4)
                 AND (?5 IS NULL OR s.channel_id = ?5)
               ORDER BY s.list_group, s.list_key, s.id
               LIMIT ?6"#,
            start.group,
            start.key,
            start.id,
            state,
            filter.channel_id,
            fetch,
        )
        .fetch_all(&self.pool)
        .await?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| ListCursor { group: r.list_group, key: r.list_key, id: r.id })
        } else {
            None
        };
        let sessions = rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        Ok(SessionPage { sessions, next })
    }

    pub async fn session_summary(&self, session_id: i64) -> Result<SessionSummary, StoreError> {
        let row = sqlx::query_as!(
            SummaryRow,
            r#"SELECT s.id, s.channel_id, c.platform, c.name AS channel_name,
                      k.platform_id AS contact_platform_id, k.platform_name, k.first_name, k.last_name,
                      k.opted_out, s.state, s.internal_reference, m.body AS "preview?",
                      s.last_activity_at, s.last_inbound_at, s.awaiting_since,
                      s.list_group AS "list_group!: i64", s.list_key AS "list_key!: i64"
               FROM sessions s
               JOIN channels c ON c.id = s.channel_id
               JOIN contacts k ON k.id = s.contact_id
               LEFT JOIN messages m ON m.id = s.last_message_id
               WHERE s.id = ?"#,
            session_id,
        )
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound { what: "session" })?.try_into()
    }

    /// Stores a session away, or reopens it. Storing ends its open interaction.
    pub async fn set_session_state(
        &self,
        session_id: i64,
        state: SessionState,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let name = state.as_str();
        let done = sqlx::query!("UPDATE sessions SET state = ? WHERE id = ?", name, session_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "session" });
        }
        if state == SessionState::Stored {
            let at = to_millis(now);
            sqlx::query!(
                "UPDATE interactions SET state = 'ended', end_reason = 'agent_ended', ended_at = ?
                 WHERE session_id = ? AND state <> 'ended'",
                at,
                session_id,
            )
            .execute(&mut *tx)
            .await?;
            crate::messages::refresh_session(&mut tx, session_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a session with its messages, interactions and notes (explicit, never automatic
    /// except by retention).
    pub async fn delete_session(&self, session_id: i64) -> Result<(), StoreError> {
        let done = sqlx::query!("DELETE FROM sessions WHERE id = ?", session_id).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "session" });
        }
        Ok(())
    }
}
