//! Full-text search over message text and contact names and numbers (SQLite FTS5), combined
//! with filters, returning sessions with the matching snippet.

use crate::sessions::{SessionState, summaries};
use crate::{SessionSummary, Store, StoreError, to_millis};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Marks around the matched words in a snippet; the UI turns them into highlighted text
/// nodes (never HTML).
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub agent: Option<String>,
    pub queue: Option<i64>,
    pub channel_id: Option<i64>,
    pub state: Option<SessionState>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub session: SessionSummary,
    /// The matching message to open the conversation at; `None` when the contact matched.
    pub message_id: Option<i64>,
    pub snippet: Option<String>,
}

/// Turns what an agent typed into an FTS5 query: every word must match, the last one as a
/// prefix (search as you type). Words are quoted, so FTS5 syntax in the input means nothing.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == last { format!("{w}*") } else { w.clone() })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

impl Store {
    /// Sessions whose contact or messages match, contacts first, then messages newest first;
    /// one hit per session.
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, StoreError> {
        let Some(fts) = fts_query(&query.text) else {
            return Ok(Vec::new());
        };
        let limit = i64::from(query.limit.clamp(1, 200));
        let from = query.from.map(to_millis);
        let to = query.to.map(to_millis);
        let state = query.state.map(SessionState::as_str);

        let contacts = sqlx::query_scalar!(
            r#"SELECT s.id AS "id!" FROM contact_search
               JOIN sessions s ON s.contact_id = contact_search.rowid
               WHERE contact_search MATCH ?1
                 AND (?2 IS NULL OR s.last_activity_at >= ?2) AND (?3 IS NULL OR s.last_activity_at < ?3)
                 AND (?4 IS NULL OR s.channel_id = ?4) AND (?5 IS NULL OR s.state = ?5)
                 AND (?6 IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.session_id = s.id AND i.agent = ?6))
                 AND (?7 IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.session_id = s.id AND i.queue_id = ?7))
               ORDER BY s.last_activity_at DESC
               LIMIT ?8"#,
            fts,
            from,
            to,
            query.channel_id,
            state,
            query.agent,
            query.queue,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;

        // Newest first by rowid lets FTS5 stop at the limit instead of ranking every match.
        let messages = sqlx::query!(
            r#"SELECT m.session_id AS "session_id!", m.id AS "message_id!",
                      snippet(message_search, 0, char(2), char(3), '…', 12) AS "snippet!: String"
               FROM message_search
               JOIN messages m ON m.id = message_search.rowid
               JOIN sessions s ON s.id = m.session_id
               WHERE message_search MATCH ?1
                 AND (?2 IS NULL OR m.created_at >= ?2) AND (?3 IS NULL OR m.created_at < ?3)
                 AND (?4 IS NULL OR s.channel_id = ?4) AND (?5 IS NULL OR s.state = ?5)
                 AND (?6 IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.session_id = s.id AND i.agent = ?6))
                 AND (?7 IS NULL OR EXISTS (SELECT 1 FROM interactions i WHERE i.session_id = s.id AND i.queue_id = ?7))
               ORDER BY message_search.rowid DESC
               LIMIT ?8"#,
            fts,
            from,
            to,
            query.channel_id,
            state,
            query.agent,
            query.queue,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;

        let mut hits: Vec<(i64, Option<i64>, Option<String>)> = Vec::new();
        for id in contacts {
            hits.push((id, None, None));
        }
        for m in messages {
            if !hits.iter().any(|(id, _, _)| *id == m.session_id) {
                hits.push((m.session_id, Some(m.message_id), Some(m.snippet)));
            }
        }
        hits.truncate(limit as usize);
        let ids = format!("[{}]", hits.iter().map(|(id, _, _)| id.to_string()).collect::<Vec<_>>().join(","));
        let rows =
            summaries!("WHERE s.id IN (SELECT value FROM json_each(?))", ids).fetch_all(&self.pool).await?;
        let mut summaries: Vec<SessionSummary> =
            rows.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        Ok(hits
            .into_iter()
            .filter_map(|(id, message_id, snippet)| {
                let at = summaries.iter().position(|s| s.id == id)?;
                Some(SearchHit { session: summaries.swap_remove(at), message_id, snippet })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_a_safe_prefix_query() {
        assert_eq!(fts_query("blue bike").as_deref(), Some("\"blue\" \"bike\"*"));
        assert_eq!(fts_query("order #4821").as_deref(), Some("\"order\" \"4821\"*"));
        assert_eq!(fts_query("NEAR(a b) OR \"x"), Some("\"NEAR\" \"a\" \"b\" \"OR\" \"x\"*".into()));
        assert_eq!(fts_query("  !!  "), None, "nothing to search for");
    }
}
