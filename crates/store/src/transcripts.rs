//! Transcripts ("recordings" in the uContact and PureConnect seeds): interactions found by date,
//! queue, agent, channel type, disposition, end reason and text, each read whole — the messages
//! exchanged while it lasted and its timeline.

use crate::messages::MessageRecord;
use crate::search::fts_query;
use crate::sessions::contact_name;
use crate::{Store, StoreError, from_millis, parse_name, to_millis};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use switchboard_core::Platform;

/// What a supervisor looks for; every filter is optional but the dates.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TranscriptFilter {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub queue_id: Option<i64>,
    pub agent: Option<String>,
    pub platform: Option<Platform>,
    pub disposition: Option<String>,
    pub end_reason: Option<String>,
    /// Words said in it (every word must match, the last as a prefix).
    pub text: Option<String>,
    pub limit: Option<u32>,
}

/// An interaction found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranscriptHit {
    pub interaction_id: i64,
    pub session_id: i64,
    pub contact_name: String,
    pub platform: Platform,
    pub channel_name: String,
    pub queue_name: Option<String>,
    pub agent: Option<String>,
    pub started_at: Timestamp,
    pub queued_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub end_reason: Option<String>,
    pub disposition: Option<String>,
}

/// One step of an interaction's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineStep {
    pub at: Timestamp,
    pub kind: String,
    pub actor: Option<String>,
    pub detail: Option<String>,
}

/// An interaction read whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transcript {
    #[serde(flatten)]
    pub hit: TranscriptHit,
    /// What was said while it lasted (those the retention purge has not removed).
    pub messages: Vec<MessageRecord>,
    pub timeline: Vec<TimelineStep>,
}

impl Store {
    /// Interactions matching `filter`, newest first.
    pub async fn transcript_search(
        &self,
        filter: &TranscriptFilter,
    ) -> Result<Vec<TranscriptHit>, StoreError> {
        let from = filter.from.map_or(i64::MIN, to_millis);
        let to = filter.to.map_or(i64::MAX, to_millis);
        let platform = filter.platform.map(|p| p.as_str());
        let text = filter.text.as_deref().and_then(fts_query);
        let limit = i64::from(filter.limit.unwrap_or(200).clamp(1, 1_000));
        let rows = sqlx::query!(
            r#"SELECT i.id AS "id!", i.session_id, k.first_name, k.last_name, k.platform_name, k.platform_id,
                      c.platform, c.name AS channel_name, q.name AS "queue_name?", i.agent, i.started_at,
                      i.queued_at, i.ended_at, i.end_reason, i.disposition
               FROM interactions i
               JOIN sessions s ON s.id = i.session_id
               JOIN contacts k ON k.id = s.contact_id
               JOIN channels c ON c.id = s.channel_id
               LEFT JOIN queues q ON q.id = i.queue_id
               WHERE i.started_at >= ?1 AND i.started_at < ?2
                 AND (?3 IS NULL OR i.queue_id = ?3)
                 AND (?4 IS NULL OR i.agent = ?4)
                 AND (?5 IS NULL OR c.platform = ?5)
                 AND (?6 IS NULL OR i.disposition = ?6)
                 AND (?7 IS NULL OR i.end_reason = ?7)
                 AND (?8 IS NULL OR EXISTS (
                       SELECT 1 FROM message_search JOIN messages m ON m.id = message_search.rowid
                       WHERE message_search MATCH ?8 AND m.session_id = i.session_id
                         AND m.created_at >= i.started_at AND m.created_at <= COALESCE(i.ended_at, 9223372036854775807)))
               ORDER BY i.started_at DESC, i.id DESC
               LIMIT ?9"#,
            from,
            to,
            filter.queue_id,
            filter.agent,
            platform,
            filter.disposition,
            filter.end_reason,
            text,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(TranscriptHit {
                    interaction_id: r.id,
                    session_id: r.session_id,
                    contact_name: contact_name(
                        r.first_name.as_deref(),
                        r.last_name.as_deref(),
                        r.platform_name.as_deref(),
                        &r.platform_id,
                    ),
                    platform: parse_name("platform", &r.platform, Platform::parse)?,
                    channel_name: r.channel_name,
                    queue_name: r.queue_name,
                    agent: r.agent,
                    started_at: from_millis(r.started_at.unwrap_or(r.queued_at))?,
                    queued_at: from_millis(r.queued_at)?,
                    ended_at: r.ended_at.map(from_millis).transpose()?,
                    end_reason: r.end_reason,
                    disposition: r.disposition,
                })
            })
            .collect()
    }

    /// One interaction whole: what was said while it lasted, and its timeline.
    pub async fn transcript(&self, interaction_id: i64) -> Result<Transcript, StoreError> {
        let hit = self.transcript_hit(interaction_id).await?;
        let (from, to) = (to_millis(hit.started_at), hit.ended_at.map_or(i64::MAX, to_millis));
        let ids = sqlx::query_scalar!(
            r#"SELECT id AS "id!" FROM messages WHERE session_id = ? AND created_at >= ? AND created_at <= ?
               ORDER BY created_at, id"#,
            hit.session_id,
            from,
            to,
        )
        .fetch_all(&self.pool)
        .await?;
        let mut messages = Vec::with_capacity(ids.len());
        for id in ids {
            messages.push(self.message(id).await?);
        }
        let steps = sqlx::query!(
            "SELECT at, kind, actor, detail FROM interaction_events WHERE interaction_id = ? ORDER BY at, id",
            interaction_id
        )
        .fetch_all(&self.pool)
        .await?;
        let timeline = steps
            .into_iter()
            .map(|s| {
                Ok(TimelineStep { at: from_millis(s.at)?, kind: s.kind, actor: s.actor, detail: s.detail })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Transcript { hit, messages, timeline })
    }

    async fn transcript_hit(&self, interaction_id: i64) -> Result<TranscriptHit, StoreError> {
        let at = sqlx::query_scalar!(
            r#"SELECT COALESCE(started_at, queued_at) AS "at!: i64" FROM interactions WHERE id = ?"#,
            interaction_id
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "interaction" })?;
        let exact = TranscriptFilter {
            from: Some(from_millis(at)?),
            to: Some(from_millis(at + 1)?),
            limit: Some(1_000),
            ..TranscriptFilter::default()
        };
        self.transcript_search(&exact)
            .await?
            .into_iter()
            .find(|h| h.interaction_id == interaction_id)
            .ok_or(StoreError::NotFound { what: "interaction" })
    }
}
