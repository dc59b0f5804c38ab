//! What a channel's poller records: the lease holder's batch, fenced by its token, in one
//! transaction; a message already known (same channel and platform id) is left as it is, so a
//! page read twice — or by a poller that took over — is stored once.

use crate::{Lease, Team, TeamError};
use jiff::Timestamp;
use serde::Serialize;
use switchboard_core::{Direction, Interaction, Platform};
use switchboard_store::IncomingMessage;

/// What a batch added: new messages (id, session) in the batch's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    pub messages: Vec<(i64, i64)>,
    pub new_interactions: u64,
    /// Customers' files recorded, to download.
    pub files: u64,
}

#[derive(Serialize)]
struct Row<'a> {
    ord: usize,
    c: &'a str,
    n: Option<&'a str>,
    t: Option<&'a str>,
    mid: &'a str,
    d: &'a str,
    a: &'a str,
    b: &'a str,
    at: i64,
    att: Vec<File<'a>>,
}

/// A customer's file as the batch carries it; its content is downloaded after recording.
#[derive(Serialize)]
struct File<'a> {
    k: &'a str,
    f: &'a str,
    m: &'a str,
    s: Option<u64>,
    u: &'a str,
}

impl Team {
    /// Records a poller's batch for `lease`'s channel (the messages as the solo cache takes them,
    /// with their files' rows; the files' content is downloaded afterwards). The lease row is share-locked for the
    /// transaction, so a take-over waits for it, and a stale token records nothing.
    pub async fn record_messages(
        &self,
        lease: &Lease,
        platform: Platform,
        batch: &[IncomingMessage],
    ) -> Result<Recorded, TeamError> {
        let mut tx = self.pool.begin().await?;
        sqlx::raw_sql(crate::FENCED_IDLE_IN_TRANSACTION).execute(&mut *tx).await?;
        let held = sqlx::query_scalar!(
            "SELECT token FROM leases WHERE channel_id = $1 AND token = $2 FOR SHARE",
            lease.channel_id,
            lease.token
        )
        .fetch_optional(&mut *tx)
        .await?;
        if held.is_none() {
            return Err(TeamError::StaleLease { channel_id: lease.channel_id });
        }
        if batch.is_empty() {
            return Ok(Recorded::default());
        }
        let rows: Vec<Row<'_>> = batch
            .iter()
            .enumerate()
            .map(|(ord, m)| Row {
                ord,
                c: &m.contact_platform_id,
                n: m.contact_name.as_deref(),
                t: m.thread_id.as_deref(),
                mid: &m.platform_message_id,
                d: m.direction.as_str(),
                a: m.author.as_str(),
                b: &m.body,
                at: m.created_at.as_millisecond(),
                att: m
                    .attachments
                    .iter()
                    .map(|a| File {
                        k: a.kind.as_str(),
                        f: &a.file_name,
                        m: &a.media_type,
                        s: a.size_bytes,
                        u: &a.url,
                    })
                    .collect(),
            })
            .collect();
        let rows = serde_json::to_value(&rows).map_err(|e| TeamError::Corrupt { what: e.to_string() })?;
        let platform = platform.as_str();
        sqlx::query!(
            "INSERT INTO contacts (platform, platform_id, platform_name)
             SELECT $1, j.c, max(j.n) FROM jsonb_to_recordset($2) AS j(c text, n text) GROUP BY j.c
             ON CONFLICT (platform, platform_id)
             DO UPDATE SET platform_name = COALESCE(excluded.platform_name, contacts.platform_name)",
            platform,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO sessions (channel_id, contact_id, thread_id, last_activity_at)
             SELECT $1, k.id, j.thread, j.first_at
             FROM (SELECT c, max(t) AS thread, min(at) AS first_at
                   FROM jsonb_to_recordset($3) AS r(c text, t text, at bigint) GROUP BY c) j
             JOIN contacts k ON k.platform = $2 AND k.platform_id = j.c
             ON CONFLICT (channel_id, contact_id) DO UPDATE SET thread_id = COALESCE(excluded.thread_id, sessions.thread_id)",
            lease.channel_id,
            platform,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query!(
            r#"INSERT INTO messages (session_id, channel_id, platform_message_id, direction, author, body, delivery, created_at)
               SELECT s.id, $1, j.mid, j.d, j.a, j.b, CASE j.d WHEN 'inbound' THEN 'delivered' ELSE 'sent' END, j.at
               FROM jsonb_to_recordset($3) AS j(ord int, c text, mid text, d text, a text, b text, at bigint)
               JOIN contacts k ON k.platform = $2 AND k.platform_id = j.c
               JOIN sessions s ON s.channel_id = $1 AND s.contact_id = k.id
               -- Our own reply read back before the outbox recorded its platform id: the outbox
               -- records it, so it is not a second message.
               WHERE NOT (j.d = 'outbound' AND EXISTS (
                   SELECT 1 FROM messages p WHERE p.session_id = s.id AND p.delivery = 'pending'
                     AND p.platform_message_id IS NULL AND p.body = j.b))
               ORDER BY j.ord
               ON CONFLICT (channel_id, platform_message_id) DO NOTHING
               RETURNING id, session_id, direction, created_at"#,
            lease.channel_id,
            platform,
            rows,
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut messages: Vec<(i64, i64)> = inserted.iter().map(|r| (r.id, r.session_id)).collect();
        messages.sort_unstable();
        let new_ids: Vec<i64> = messages.iter().map(|(id, _)| *id).collect();
        let files = sqlx::query!(
            "INSERT INTO attachments (message_id, kind, file_name, media_type, size_bytes, url)
             SELECT m.id, a ->> 'k', a ->> 'f', a ->> 'm', (a ->> 's')::bigint, a ->> 'u'
             FROM jsonb_to_recordset($2) AS j(mid text, att jsonb)
             CROSS JOIN LATERAL jsonb_array_elements(j.att) AS a
             JOIN messages m ON m.channel_id = $1 AND m.platform_message_id = j.mid
             WHERE m.id = ANY($3)",
            lease.channel_id,
            rows,
            &new_ids,
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Customers wrote: their sessions are active again, with the time of their last message,
        // and each has an open interaction (core's `arrive`) for routing to start.
        let mut first_inbound: Vec<(i64, i64)> = Vec::new();
        for r in inserted.iter().filter(|r| r.direction == Direction::Inbound.as_str()) {
            match first_inbound.iter_mut().find(|(s, _)| *s == r.session_id) {
                Some(first) => first.1 = first.1.min(r.created_at),
                None => first_inbound.push((r.session_id, r.created_at)),
            }
        }
        let (sessions, times): (Vec<i64>, Vec<i64>) = first_inbound.into_iter().unzip();
        let arrived = Interaction::arrive(Timestamp::UNIX_EPOCH).state.as_str();
        sqlx::query!(
            "UPDATE sessions SET state = 'active',
                    last_inbound_at = GREATEST(last_inbound_at, (SELECT max(created_at) FROM messages m
                                               WHERE m.session_id = sessions.id AND m.direction = 'inbound')),
                    last_activity_at = GREATEST(last_activity_at, (SELECT max(created_at) FROM messages m
                                                WHERE m.session_id = sessions.id))
             WHERE id = ANY($1)",
            &sessions,
        )
        .execute(&mut *tx)
        .await?;
        let opened = sqlx::query!(
            "INSERT INTO interactions (session_id, state, started_at, queued_at, due_at)
             SELECT s, $3, t, t, 0 FROM unnest($1::bigint[], $2::bigint[]) AS u(s, t)
             ON CONFLICT (session_id) WHERE state <> 'ended' DO NOTHING",
            &sessions,
            &times,
            arrived,
        )
        .execute(&mut *tx)
        .await?;
        // An open interaction whose customer wrote again: routing reads the message now (a
        // menu answer; it clears a pending dismissal).
        sqlx::query!(
            "UPDATE interactions SET due_at = 0 WHERE session_id = ANY($1) AND state <> 'ended' AND due_at IS DISTINCT FROM 0",
            &sessions,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Recorded { messages, new_interactions: opened.rows_affected(), files })
    }
}

impl Team {
    /// The session with a contact on a channel, made if there is none (an agent writes first by
    /// SMS or WhatsApp); names given are set on the contact. Answers the session's id.
    pub async fn session_open(
        &self,
        channel_id: i64,
        platform: Platform,
        contact_platform_id: &str,
        first_name: Option<&str>,
        last_name: Option<&str>,
        now: Timestamp,
    ) -> Result<i64, TeamError> {
        let clean = |part: Option<&str>| part.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        let (first, last) = (clean(first_name), clean(last_name));
        let mut tx = self.pool.begin().await?;
        let contact_id = sqlx::query_scalar!(
            "INSERT INTO contacts (platform, platform_id, first_name, last_name) VALUES ($1, $2, $3, $4)
             ON CONFLICT (platform, platform_id) DO UPDATE
             SET first_name = coalesce($3, contacts.first_name), last_name = coalesce($4, contacts.last_name)
             RETURNING id",
            platform.as_str(),
            contact_platform_id,
            first,
            last,
        )
        .fetch_one(&mut *tx)
        .await?;
        let session_id = sqlx::query_scalar!(
            "INSERT INTO sessions (channel_id, contact_id, last_activity_at) VALUES ($1, $2, $3)
             ON CONFLICT (channel_id, contact_id) DO UPDATE SET state = 'active'
             RETURNING id",
            channel_id,
            contact_id,
            crate::millis(now),
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(session_id)
    }
}
