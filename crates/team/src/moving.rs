//! "Create a team": the solo cache's rows moved into the team's database, batch by batch. Each
//! batch is one transaction and idempotent (rows are matched by their natural keys — a channel by
//! platform and external id, a message by its platform id or the client id it was given), so a
//! move that was interrupted is resumed by running it again: nothing is lost or doubled.

use crate::{Team, TeamError, corrupt};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
pub use switchboard_store::Exported;

#[derive(Deserialize)]
struct Routing {
    platform: String,
    external_id: String,
    settings: Value,
    queues: Vec<Queue>,
}

#[derive(Deserialize)]
struct Queue {
    id: i64,
    parent_id: Option<i64>,
    position: i32,
    name: String,
    keywords: Value,
    priority: i32,
    service_level_percent: i32,
    service_level_seconds: i32,
    target_response_seconds: i32,
    distribution: Value,
    members: Vec<String>,
}

impl Team {
    /// Records one batch of a solo cache's `what` (rows from `Store::export_rows`; messages
    /// without a platform id carry a `client_id`).
    pub async fn import_rows(&self, what: Exported, rows: &[Value]) -> Result<(), TeamError> {
        let batch = Value::Array(rows.to_vec());
        let mut tx = self.pool.begin().await?;
        match what {
            Exported::Channels => {
                sqlx::query!(
                    "INSERT INTO channels (platform, external_id, name, state)
                     SELECT platform, external_id, name, state
                     FROM jsonb_to_recordset($1) AS j(platform text, external_id text, name text, state text)
                     ON CONFLICT (platform, external_id) DO NOTHING",
                    batch
                )
                .execute(&mut *tx)
                .await?;
            }
            Exported::Contacts => {
                sqlx::query!(
                    "INSERT INTO contacts (platform, platform_id, platform_name, first_name, last_name, opted_out)
                     SELECT platform, platform_id, platform_name, first_name, last_name, opted_out
                     FROM jsonb_to_recordset($1) AS j(platform text, platform_id text, platform_name text,
                                                      first_name text, last_name text, opted_out boolean)
                     ON CONFLICT (platform, platform_id) DO NOTHING",
                    batch
                )
                .execute(&mut *tx)
                .await?;
            }
            Exported::Sessions => {
                sqlx::query!(
                    "INSERT INTO sessions (channel_id, contact_id, state, thread_id, internal_reference, last_activity_at,
                                           last_inbound_at)
                     SELECT c.id, k.id, j.state, j.thread_id, j.internal_reference, j.last_activity_at, j.last_inbound_at
                     FROM jsonb_to_recordset($1) AS j(platform text, external_id text, contact_platform_id text, state text,
                                                      thread_id text, internal_reference text, last_activity_at bigint,
                                                      last_inbound_at bigint)
                     JOIN channels c ON c.platform = j.platform AND c.external_id = j.external_id
                     JOIN contacts k ON k.platform = j.platform AND k.platform_id = j.contact_platform_id
                     ON CONFLICT (channel_id, contact_id) DO NOTHING",
                    batch
                )
                .execute(&mut *tx)
                .await?;
            }
            Exported::Messages => {
                sqlx::query!(
                    "INSERT INTO messages (session_id, channel_id, platform_message_id, client_id, direction, author, body,
                                           delivery, failure, tag, created_at, template_sid, template_variables)
                     SELECT s.id, c.id, j.platform_message_id, j.client_id::uuid, j.direction, j.author, j.body, j.delivery,
                            j.failure, j.tag, j.created_at, j.template_sid, j.template_variables
                     FROM jsonb_to_recordset($1) AS j(id bigint, platform text, external_id text, contact_platform_id text,
                                                      platform_message_id text, client_id text, direction text, author text,
                                                      body text, delivery text, failure text, tag text, created_at bigint,
                                                      template_sid text, template_variables text)
                     JOIN channels c ON c.platform = j.platform AND c.external_id = j.external_id
                     JOIN contacts k ON k.platform = j.platform AND k.platform_id = j.contact_platform_id
                     JOIN sessions s ON s.channel_id = c.id AND s.contact_id = k.id
                     ORDER BY j.id
                     ON CONFLICT DO NOTHING",
                    batch
                )
                .execute(&mut *tx)
                .await?;
            }
            Exported::Routing => {
                for row in rows {
                    let routing: Routing =
                        serde_json::from_value(row.clone()).map_err(|e| corrupt(e.to_string()))?;
                    import_routing(&mut tx, routing).await?;
                }
            }
            Exported::Files => import_files(&mut tx, &batch).await?,
            Exported::Settings => {
                sqlx::query!(
                    "INSERT INTO routing_settings (key, value)
                     SELECT key, value FROM jsonb_to_recordset($1) AS j(key text, value jsonb)
                     ON CONFLICT (key) DO NOTHING",
                    batch
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Files with their content, each joined to its message by the message's platform id or the
/// client id its move gave it; a file its message already has (same name) is not added again.
async fn import_files(tx: &mut sqlx::PgConnection, batch: &Value) -> Result<(), TeamError> {
    let moved = sqlx::query!(
        r#"WITH j AS (
               SELECT j.*, m.id AS team_message FROM jsonb_to_recordset($1) AS j(
                   id bigint, platform text, external_id text, platform_message_id text, client_id text, kind text,
                   file_name text, media_type text, size_bytes bigint, url text, fetch_attempts int, fetch_error text,
                   content text)
               JOIN channels c ON c.platform = j.platform AND c.external_id = j.external_id
               JOIN messages m ON m.channel_id = c.id
                   AND (m.platform_message_id = j.platform_message_id OR m.client_id = j.client_id::uuid)
               WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.message_id = m.id
                                 AND a.file_name IS NOT DISTINCT FROM j.file_name))
           INSERT INTO attachments (message_id, kind, file_name, media_type, size_bytes, url, ready, fetch_attempts,
                                    fetch_error)
           SELECT team_message, kind, file_name, media_type, size_bytes, url, content IS NOT NULL AND content <> '',
                  fetch_attempts, fetch_error
           FROM j ORDER BY j.id
           RETURNING id, message_id, file_name"#,
        batch
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = moved.iter().map(|r| r.id).collect();
    sqlx::query!(
        r#"INSERT INTO attachment_contents (attachment_id, content)
           SELECT a.id, decode(j.content, 'hex')
           FROM attachments a
           JOIN messages m ON m.id = a.message_id
           JOIN channels c ON c.id = m.channel_id
           JOIN jsonb_to_recordset($1) AS j(platform text, external_id text, platform_message_id text, client_id text,
                                            file_name text, content text)
             ON c.platform = j.platform AND c.external_id = j.external_id
            AND (m.platform_message_id = j.platform_message_id OR m.client_id = j.client_id::uuid)
            AND a.file_name IS NOT DISTINCT FROM j.file_name
           WHERE a.id = ANY($2) AND j.content IS NOT NULL AND j.content <> ''"#,
        batch,
        &ids,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A channel's experience and queue tree, unless the team has its own for that channel already.
async fn import_routing(tx: &mut sqlx::PgConnection, routing: Routing) -> Result<(), TeamError> {
    let Some(channel) = sqlx::query_scalar!(
        "SELECT id FROM channels WHERE platform = $1 AND external_id = $2",
        routing.platform,
        routing.external_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let made = sqlx::query!(
        "INSERT INTO experiences (channel_id, settings) VALUES ($1, $2) ON CONFLICT (channel_id) DO NOTHING",
        channel,
        routing.settings,
    )
    .execute(&mut *tx)
    .await?;
    if made.rows_affected() == 0 {
        return Ok(());
    }
    // Parents come first (the export's order), so each child's parent has its team id already.
    // Menu settings that name a queue (the default queue) keep working only through this map,
    // which is why the experience's default queue is rewritten below.
    let mut ids: HashMap<i64, i64> = HashMap::new();
    for q in routing.queues {
        let parent = q.parent_id.and_then(|p| ids.get(&p).copied());
        let id = sqlx::query_scalar!(
            "INSERT INTO queues (channel_id, parent_id, position, name, keywords, priority, service_level_percent,
                                 service_level_seconds, target_response_seconds, distribution)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            channel,
            parent,
            q.position,
            q.name,
            q.keywords,
            q.priority,
            q.service_level_percent,
            q.service_level_seconds,
            q.target_response_seconds,
            q.distribution,
        )
        .fetch_one(&mut *tx)
        .await?;
        ids.insert(q.id, id);
        for member in &q.members {
            sqlx::query!(
                "INSERT INTO members (name, presence, presence_since) VALUES ($1, 'offline', 0) ON CONFLICT DO NOTHING",
                member
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "INSERT INTO queue_members (queue_id, member) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                id,
                member
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    if let Some(old) = routing.settings.get("default_queue").and_then(Value::as_i64) {
        sqlx::query!(
            "UPDATE experiences SET settings = jsonb_set(settings, '{default_queue}', coalesce(to_jsonb($2::bigint), 'null'::jsonb)) WHERE channel_id = $1",
            channel,
            ids.get(&old).copied(),
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
