use crate::search::fts_query;
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
    /// Customer messages since the agent last looked and since the last reply.
    pub unread: u32,
    /// What the agent typed and has not sent (one entry per bubble).
    pub draft: Option<Vec<String>>,
    /// Where the open interaction is, if one is open.
    pub interaction: Option<OpenInteraction>,
}

/// The open interaction of a list entry: its state, queue and agent, and the cues the desk shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenInteraction {
    pub id: i64,
    /// `selecting`, `queued`, `assigned` or `held`.
    pub state: String,
    pub queue_id: Option<i64>,
    pub queue_name: Option<String>,
    pub agent: Option<String>,
    /// Manual dismissal: the customer went quiet and the agent is cued to dismiss.
    pub dismiss_cue: bool,
    /// The queue's target for the agent's response (the row turns amber at it, red past it).
    pub target_response_seconds: Option<i64>,
}

/// Which sessions the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionFilter {
    pub state: Option<SessionState>,
    pub channel_id: Option<i64>,
    /// Only sessions whose latest interaction is this agent's.
    pub agent: Option<String>,
    /// Only sessions whose latest interaction is in one of these queues.
    pub queues: Option<Vec<i64>>,
    /// Contact name or number (every word, the last as a prefix), or internal reference (prefix).
    pub text: Option<String>,
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
    pub unread: i64,
    pub draft: Option<String>,
    pub list_group: i64,
    pub list_key: i64,
    pub interaction_id: Option<i64>,
    pub interaction_state: Option<String>,
    pub queue_id: Option<i64>,
    pub queue_name: Option<String>,
    pub agent: Option<String>,
    pub dismiss_cue: Option<i64>,
    pub target_response_seconds: Option<i64>,
}

impl TryFrom<SummaryRow> for SessionSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        let contact_name = contact_name(
            row.first_name.as_deref(),
            row.last_name.as_deref(),
            row.platform_name.as_deref(),
            &row.contact_platform_id,
        );
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
            unread: u32::try_from(row.unread).unwrap_or(0),
            draft: row.draft.as_deref().map(parse_bubbles).transpose()?,
            interaction: match (row.interaction_id, row.interaction_state) {
                (Some(id), Some(state)) => Some(OpenInteraction {
                    id,
                    state,
                    queue_id: row.queue_id,
                    queue_name: row.queue_name,
                    agent: row.agent,
                    dismiss_cue: row.dismiss_cue.unwrap_or(0) != 0,
                    target_response_seconds: row.target_response_seconds,
                }),
                _ => None,
            },
        })
    }
}

/// A query over `session_summaries` (one list entry per row), with what follows its FROM.
macro_rules! summaries {
    ($rest:literal, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            $crate::sessions::SummaryRow,
            r#"SELECT id AS "id!", channel_id AS "channel_id!", platform AS "platform!",
                      channel_name AS "channel_name!", contact_platform_id AS "contact_platform_id!",
                      platform_name, first_name, last_name, opted_out AS "opted_out!", state AS "state!",
                      internal_reference, preview, last_activity_at AS "last_activity_at!", last_inbound_at,
                      awaiting_since, unread AS "unread!", draft,
                      list_group AS "list_group!: i64", list_key AS "list_key!: i64",
                      interaction_id AS "interaction_id: i64", interaction_state AS "interaction_state: String",
                      queue_id AS "queue_id: i64", queue_name AS "queue_name: String", agent AS "agent: String",
                      dismiss_cue AS "dismiss_cue: i64", target_response_seconds AS "target_response_seconds: i64"
               FROM session_summaries s "# + $rest,
            $($arg),*
        )
    };
}
pub(crate) use summaries;

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
        let queues = filter.queues.as_ref().map(|q| serde_json::Value::from(q.clone()).to_string());
        let text = filter.text.as_deref().and_then(fts_query);
        let reference = filter.text.as_deref().map(|t| format!("{}%", like_escape(t.trim())));
        let mut rows = summaries!(
            r#"WHERE (s.list_group, s.list_key, s.id) > (?1, ?2, ?3)
                 -- A session kept only for its interactions' figures (its messages purged)
                 -- has nothing left to read at the desk.
                 AND EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id)
                 AND (?4 IS NULL OR s.state = ?4)
                 AND (?5 IS NULL OR s.channel_id = ?5)
                 AND (?6 IS NULL OR (SELECT i.agent FROM interactions i WHERE i.session_id = s.id
                                     ORDER BY i.id DESC LIMIT 1) = ?6)
                 AND (?7 IS NULL OR (SELECT i.queue_id FROM interactions i WHERE i.session_id = s.id
                                     ORDER BY i.id DESC LIMIT 1) IN (SELECT value FROM json_each(?7)))
                 AND (?8 IS NULL
                      OR s.contact_id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?8)
                      OR s.internal_reference LIKE ?9 ESCAPE '\')
               ORDER BY s.list_group, s.list_key, s.id
               LIMIT ?10"#,
            start.group,
            start.key,
            start.id,
            state,
            filter.channel_id,
            filter.agent,
            queues,
            text,
            reference,
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
        let row = summaries!("WHERE s.id = ?", session_id).fetch_optional(&self.pool).await?;
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
            crate::routing::end_open(&mut tx, session_id, now).await?;
            crate::messages::refresh_session(&mut tx, session_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The agent has seen everything in the session so far. Answers whether its unread count
    /// changed (then the list entry needs showing again).
    pub async fn mark_read(&self, session_id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query!(
            "UPDATE sessions SET unread = 0,
                    read_at = (SELECT MAX(created_at) FROM messages WHERE session_id = sessions.id)
             WHERE id = ? AND unread > 0",
            session_id,
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Keeps what the agent typed and has not sent; nothing typed clears it.
    pub async fn set_draft(
        &self,
        session_id: i64,
        bubbles: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        if bubbles.iter().all(|b| b.trim().is_empty()) {
            sqlx::query!("DELETE FROM drafts WHERE session_id = ?", session_id).execute(&self.pool).await?;
            return Ok(());
        }
        let json = serde_json::to_string(bubbles).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
        let at = to_millis(now);
        sqlx::query!(
            "INSERT INTO drafts (session_id, bubbles, updated_at) SELECT id, ?2, ?3 FROM sessions WHERE id = ?1
             ON CONFLICT (session_id) DO UPDATE SET bubbles = excluded.bubbles, updated_at = excluded.updated_at",
            session_id,
            json,
            at,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The queues an agent works.
    pub async fn agent_queues(&self, agent: &str) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar!(
            "SELECT queue_id FROM queue_members WHERE member = ? ORDER BY queue_id",
            agent
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The session with a contact on a channel, made if there is none (an agent writes first).
    /// Names given are set on the contact.
    pub async fn open_session(
        &self,
        channel_id: i64,
        platform: Platform,
        contact_platform_id: &str,
        first_name: Option<&str>,
        last_name: Option<&str>,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let (platform, at) = (platform.as_str(), to_millis(now));
        let clean = |part: Option<&str>| part.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        let (first, last) = (clean(first_name), clean(last_name));
        // Upserts, then the ids by their natural keys: explicit, whichever way each went.
        sqlx::query!(
            "INSERT INTO contacts (platform, platform_id, first_name, last_name) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (platform, platform_id) DO UPDATE
             SET first_name = COALESCE(?3, first_name), last_name = COALESCE(?4, last_name)",
            platform,
            contact_platform_id,
            first,
            last,
        )
        .execute(&mut *tx)
        .await?;
        let contact_id = sqlx::query_scalar!(
            "SELECT id FROM contacts WHERE platform = ? AND platform_id = ?",
            platform,
            contact_platform_id,
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO sessions (channel_id, contact_id, last_activity_at) VALUES (?, ?, ?)
             ON CONFLICT (channel_id, contact_id) DO UPDATE SET state = 'active'",
            channel_id,
            contact_id,
            at,
        )
        .execute(&mut *tx)
        .await?;
        let session_id = sqlx::query_scalar!(
            "SELECT id FROM sessions WHERE channel_id = ? AND contact_id = ?",
            channel_id,
            contact_id,
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(session_id)
    }

    /// Whether a contact ever wrote to the business on this platform.
    pub async fn has_written(
        &self,
        platform: Platform,
        contact_platform_id: &str,
    ) -> Result<bool, StoreError> {
        let platform = platform.as_str();
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM messages m JOIN sessions s ON s.id = m.session_id
                              JOIN contacts k ON k.id = s.contact_id
                              WHERE k.platform = ? AND k.platform_id = ? AND m.direction = 'inbound') AS "wrote!: bool""#,
            platform,
            contact_platform_id,
        )
        .fetch_one(&self.pool)
        .await?)
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

/// A draft's bubbles, as stored (a JSON array of strings).
pub(crate) fn parse_bubbles(json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt { what: format!("draft: {e}") })
}

/// `LIKE` treats `%` and `_` as wildcards; what an agent typed means itself.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// How a contact is named: a name set by hand wins over the platform's; a number or id is the
/// last resort.
pub(crate) fn contact_name(
    first: Option<&str>,
    last: Option<&str>,
    platform: Option<&str>,
    id: &str,
) -> String {
    let by_hand =
        [first, last].into_iter().flatten().filter(|part| !part.trim().is_empty()).collect::<Vec<_>>();
    if !by_hand.is_empty() {
        return by_hand.join(" ");
    }
    platform.filter(|name| !name.is_empty()).unwrap_or(id).to_owned()
}
