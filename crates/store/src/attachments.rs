//! The files messages carry: recorded with their message, their content kept in the encrypted
//! cache, and shown to the desk as metadata (the bytes travel only when the page asks for them).

use crate::messages::{MessageRow, refresh_session};
use crate::outbox::Draft;
use crate::{MessageRecord, Store, StoreError, to_millis};
use jiff::Timestamp;
use serde::Serialize;
use switchboard_core::attachment::is_inline_image;
use switchboard_core::{Attachment, AttachmentKind};

/// A file as a poller read it with its message; its content is downloaded afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingAttachment {
    pub kind: AttachmentKind,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: Option<u64>,
    /// Where the platform keeps it (a CDN URL, a Twilio Media URI).
    pub url: String,
}

/// A file of a stored message, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentRecord {
    pub id: i64,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub media_type: Option<String>,
    pub size_bytes: Option<u64>,
    /// Whether the desk may show it as an image (a raster image whose content is here).
    pub inline: bool,
    pub state: AttachmentState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AttachmentState {
    /// Not downloaded yet.
    Fetching,
    Ready,
    /// Cannot be had; the reason is worded for the agent.
    Unavailable {
        reason: String,
    },
}

/// A customer's file whose content is still to be downloaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDownload {
    pub attachment_id: i64,
    pub message_id: i64,
    pub url: String,
    pub attempts: u32,
}

/// A file's content, for showing or saving it.
#[derive(Debug, Clone)]
pub struct AttachmentContent {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// After this many failed downloads a file is given up as unavailable.
const MAX_FETCH_ATTEMPTS: i64 = 5;

struct AttachmentRow {
    id: i64,
    message_id: i64,
    kind: String,
    file_name: Option<String>,
    media_type: Option<String>,
    size_bytes: Option<i64>,
    ready: i64,
    fetch_error: Option<String>,
}

impl AttachmentRow {
    fn into_record(self) -> (i64, AttachmentRecord) {
        let state = match (self.ready != 0, self.fetch_error) {
            (true, _) => AttachmentState::Ready,
            (false, Some(reason)) => AttachmentState::Unavailable { reason },
            (false, None) => AttachmentState::Fetching,
        };
        let inline =
            state == AttachmentState::Ready && self.media_type.as_deref().is_some_and(is_inline_image);
        let record = AttachmentRecord {
            id: self.id,
            kind: AttachmentKind::parse(&self.kind).unwrap_or(AttachmentKind::File),
            file_name: self.file_name.unwrap_or_else(|| "file".into()),
            media_type: self.media_type,
            size_bytes: self.size_bytes.and_then(|s| u64::try_from(s).ok()),
            inline,
            state,
        };
        (self.message_id, record)
    }
}

/// Fills in the files of these messages, in one query.
pub(crate) async fn attach(
    conn: &mut sqlx::SqliteConnection,
    messages: &mut [MessageRecord],
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
    let ids = serde_json::to_string(&ids).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
    let rows = sqlx::query_as!(
        AttachmentRow,
        r#"SELECT id AS "id!", message_id, kind, file_name, media_type, size_bytes,
                      (content IS NOT NULL OR in_team <> 0) AS "ready!: i64", fetch_error
               FROM attachments WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY id"#,
        ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    for (message_id, record) in rows.into_iter().map(AttachmentRow::into_record) {
        if let Some(message) = messages.iter_mut().find(|m| m.id == message_id) {
            message.attachments.push(record);
        }
    }
    Ok(())
}

impl Store {
    /// One message with its files, as events carry it.
    pub(crate) async fn message_with_attachments(
        &self,
        message: MessageRecord,
    ) -> Result<MessageRecord, StoreError> {
        let mut messages = [message];
        let mut conn = self.pool.acquire().await?;
        attach(&mut conn, &mut messages).await?;
        let [message] = messages;
        Ok(message)
    }

    /// Customers' files still to download on a channel, oldest first.
    pub async fn pending_downloads(
        &self,
        channel_id: i64,
        limit: u32,
    ) -> Result<Vec<PendingDownload>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT a.id AS "id!", a.message_id, a.url AS "url!", a.fetch_attempts
               FROM attachments a JOIN messages m ON m.id = a.message_id
               WHERE a.content IS NULL AND a.fetch_error IS NULL AND a.url IS NOT NULL AND a.in_team = 0
                 AND m.channel_id = ?
               ORDER BY a.id LIMIT ?"#,
            channel_id,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| PendingDownload {
                attachment_id: r.id,
                message_id: r.message_id,
                url: r.url,
                attempts: u32::try_from(r.fetch_attempts).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// A file's content arrived; answers its message, as the desk shows it now.
    pub async fn attachment_downloaded(
        &self,
        attachment_id: i64,
        media_type: Option<&str>,
        bytes: &[u8],
    ) -> Result<MessageRecord, StoreError> {
        let size = bytes.len() as i64;
        let message_id = sqlx::query_scalar!(
            "UPDATE attachments SET content = ?, media_type = COALESCE(?, media_type), size_bytes = ?,
                                    fetch_error = NULL
             WHERE id = ? RETURNING message_id",
            bytes,
            media_type,
            size,
            attachment_id,
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "attachment" })?;
        self.message(message_id).await
    }

    /// A download failed. A permanent failure (or the last allowed attempt) makes the file
    /// unavailable with `reason`; answers its message when that happened.
    pub async fn attachment_failed(
        &self,
        attachment_id: i64,
        reason: &str,
        permanent: bool,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let row = sqlx::query!(
            "UPDATE attachments SET fetch_attempts = fetch_attempts + 1,
                 fetch_error = CASE WHEN ?2 OR fetch_attempts + 1 >= ?3 THEN ?1 END
             WHERE id = ?4 RETURNING message_id, fetch_error",
            reason,
            permanent,
            MAX_FETCH_ATTEMPTS,
            attachment_id,
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "attachment" })?;
        match row.fetch_error {
            Some(_) => Ok(Some(self.message(row.message_id).await?)),
            None => Ok(None),
        }
    }

    /// Keeps a file's content read from the team (team mode), so it is read once.
    pub async fn attachment_keep(&self, attachment_id: i64, bytes: &[u8]) -> Result<(), StoreError> {
        sqlx::query!(
            "UPDATE attachments SET content = ? WHERE id = ? AND content IS NULL",
            bytes,
            attachment_id
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A file's content, if it is here (in team mode it may still be only in the team's database).
    pub async fn attachment_content(&self, attachment_id: i64) -> Result<AttachmentContent, StoreError> {
        let row = sqlx::query!(
            r#"SELECT file_name, media_type, content AS "content!" FROM attachments
               WHERE id = ? AND content IS NOT NULL"#,
            attachment_id,
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "attachment" })?;
        Ok(AttachmentContent {
            file_name: row.file_name.unwrap_or_else(|| "file".into()),
            media_type: row.media_type.unwrap_or_else(|| "application/octet-stream".into()),
            bytes: row.content,
        })
    }

    /// Writes a file an agent sends as a `pending` reply of its own, content included, before
    /// anything is sent; the draft stays (the agent may still be typing a text). With a
    /// `client_id` (team mode) the reply and its file get negative local ids until the team's
    /// copy replaces them.
    #[allow(clippy::too_many_arguments)]
    pub async fn enqueue_attachment(
        &self,
        session_id: i64,
        attachment: &Attachment,
        bytes: &[u8],
        tag: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
        client_id: Option<&str>,
    ) -> Result<MessageRecord, StoreError> {
        let mut tx = self.write().await?;
        let at = to_millis(now);
        let row = sqlx::query_as!(
            MessageRow,
            r#"INSERT INTO messages (id, session_id, channel_id, client_id, direction, author, body, delivery, tag, created_at)
               SELECT CASE WHEN ?1 IS NULL THEN NULL ELSE min(0, (SELECT coalesce(min(id), 0) FROM messages)) - 1 END,
                      id, channel_id, ?1, 'outbound', 'agent', '', 'pending', ?2, ?3 FROM sessions WHERE id = ?4
               RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
            client_id,
            tag,
            at,
            session_id,
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound { what: "session" })?;
        let kind = attachment.kind.as_str();
        let size = bytes.len() as i64;
        sqlx::query!(
            "INSERT INTO attachments (id, message_id, kind, file_name, media_type, size_bytes, content)
             VALUES (CASE WHEN ?1 < 0 THEN min(0, (SELECT coalesce(min(id), 0) FROM attachments)) - 1 END,
                     ?1, ?2, ?3, ?4, ?5, ?6)",
            row.id,
            kind,
            attachment.file_name,
            attachment.media_type,
            size,
            bytes,
        )
        .execute(&mut *tx)
        .await?;
        crate::outbox::answered(&mut tx, session_id, agent, at, Draft::Keep).await?;
        refresh_session(&mut tx, session_id).await?;
        let mut messages = [MessageRecord::try_from(row)?];
        attach(&mut tx, &mut messages).await?;
        tx.commit().await?;
        let [message] = messages;
        Ok(message)
    }

    /// One stored message with its files.
    pub async fn message(&self, message_id: i64) -> Result<MessageRecord, StoreError> {
        let row = sqlx::query_as!(
            MessageRow,
            "SELECT id, session_id, direction, author, body, delivery, failure, tag, created_at
             FROM messages WHERE id = ?",
            message_id,
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "message" })?;
        self.message_with_attachments(row.try_into()?).await
    }
}

/// The files of a batch's new messages, in one statement: each batch entry's `att` array,
/// joined to the message recorded for it.
pub(crate) async fn record_incoming(
    tx: &mut sqlx::SqliteConnection,
    channel_id: i64,
    batch_json: &str,
    new_ids: &[i64],
) -> Result<(), StoreError> {
    let ids = serde_json::to_string(new_ids).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
    sqlx::query!(
        "INSERT INTO attachments (message_id, kind, file_name, media_type, size_bytes, url)
         SELECT m.id, a.value ->> 'k', a.value ->> 'f', a.value ->> 'm', a.value ->> 's', a.value ->> 'u'
         FROM json_each(?2) j, json_each(j.value -> 'att') a
         JOIN messages m ON m.channel_id = ?1 AND m.platform_message_id = j.value ->> 'mid'
         WHERE m.id IN (SELECT value FROM json_each(?3))",
        channel_id,
        batch_json,
        ids,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A batch entry's files, as `record_incoming` reads them.
pub(crate) fn incoming_json(attachments: &[IncomingAttachment]) -> serde_json::Value {
    attachments
        .iter()
        .map(|a| {
            serde_json::json!({
                "k": a.kind.as_str(), "f": a.file_name, "m": a.media_type, "s": a.size_bytes, "u": a.url,
            })
        })
        .collect()
}
