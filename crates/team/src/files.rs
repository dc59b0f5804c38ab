//! The files messages carry, in a team: their rows are replicated like messages; their content
//! lives apart (`attachment_contents`) and is read by a desktop when it shows the file. The
//! holder of a channel's lease downloads customers' files (every write fenced by its token); an
//! agent's file comes with its reply.

use crate::{Lease, Team, TeamError};
use switchboard_store::{AttachmentContent, PendingDownload};

/// After this many failed downloads a file is given up as unavailable (as in the solo cache).
const MAX_FETCH_ATTEMPTS: i32 = 5;

/// A file an agent sends, pushed with its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile<'a> {
    pub kind: &'a str,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub bytes: &'a [u8],
}

impl Team {
    /// Customers' files of `channel_id` still to download, oldest first.
    pub async fn pending_downloads(
        &self,
        channel_id: i64,
        limit: u32,
    ) -> Result<Vec<PendingDownload>, TeamError> {
        let rows = sqlx::query!(
            r#"SELECT a.id, a.message_id, a.url AS "url!", a.fetch_attempts
               FROM attachments a JOIN messages m ON m.id = a.message_id
               WHERE NOT a.ready AND a.fetch_error IS NULL AND a.url IS NOT NULL AND m.channel_id = $1
               ORDER BY a.id LIMIT $2"#,
            channel_id,
            i64::from(limit),
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

    /// A file's content arrived: stored for every desktop, if `lease` is still the channel's.
    pub async fn attachment_downloaded(
        &self,
        lease: &Lease,
        attachment_id: i64,
        media_type: Option<&str>,
        bytes: &[u8],
    ) -> Result<(), TeamError> {
        let mut tx = self.pool.begin().await?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let done = sqlx::query!(
            "UPDATE attachments SET ready = true, media_type = coalesce($3, media_type), size_bytes = $4,
                    fetch_error = NULL
             WHERE id = $1
               AND EXISTS (SELECT 1 FROM leases WHERE channel_id = $5 AND token = $2)
               AND message_id IN (SELECT id FROM messages WHERE channel_id = $5)",
            attachment_id,
            lease.token,
            media_type,
            size,
            lease.channel_id,
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return self.fenced(lease, 0).await;
        }
        sqlx::query!(
            "INSERT INTO attachment_contents (attachment_id, content) VALUES ($1, $2)
             ON CONFLICT (attachment_id) DO UPDATE SET content = excluded.content",
            attachment_id,
            bytes,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A download failed. A permanent failure (or the last allowed attempt) makes the file
    /// unavailable with `reason`; answers whether it did. Refused with a stale token.
    pub async fn attachment_failed(
        &self,
        lease: &Lease,
        attachment_id: i64,
        reason: &str,
        permanent: bool,
    ) -> Result<bool, TeamError> {
        let row = sqlx::query_scalar!(
            "UPDATE attachments SET fetch_attempts = fetch_attempts + 1,
                 fetch_error = CASE WHEN $3 OR fetch_attempts + 1 >= $4 THEN $2 END
             WHERE id = $1 AND EXISTS (SELECT 1 FROM leases WHERE channel_id = $6 AND token = $5)
             RETURNING fetch_error",
            attachment_id,
            reason,
            permanent,
            MAX_FETCH_ATTEMPTS,
            lease.token,
            lease.channel_id,
        )
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(error) => Ok(error.is_some()),
            None => self.fenced(lease, 0).await.map(|()| false),
        }
    }

    /// A file's content, if the team has it.
    pub async fn attachment_content(&self, attachment_id: i64) -> Result<AttachmentContent, TeamError> {
        let row = sqlx::query!(
            "SELECT a.file_name, a.media_type, c.content FROM attachments a
             JOIN attachment_contents c ON c.attachment_id = a.id WHERE a.id = $1",
            attachment_id,
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(TeamError::NotFound { what: "file" })?;
        Ok(AttachmentContent {
            file_name: row.file_name.unwrap_or_else(|| "file".into()),
            media_type: row.media_type.unwrap_or_else(|| "application/octet-stream".into()),
            bytes: row.content,
        })
    }
}

/// Writes an agent's file for the reply `message_id`, content included, in the reply's transaction.
pub(crate) async fn record_file(
    tx: &mut sqlx::PgConnection,
    message_id: i64,
    file: &NewFile<'_>,
) -> Result<(), TeamError> {
    let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
    let id = sqlx::query_scalar!(
        "INSERT INTO attachments (message_id, kind, file_name, media_type, size_bytes, ready)
         VALUES ($1, $2, $3, $4, $5, true) RETURNING id",
        message_id,
        file.kind,
        file.file_name,
        file.media_type,
        size,
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!("INSERT INTO attachment_contents (attachment_id, content) VALUES ($1, $2)", id, file.bytes,)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
