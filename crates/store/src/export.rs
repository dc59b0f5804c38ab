//! The solo cache's contents as rows to move into a team's database ("Create a team"), each
//! row naming what it refers to by its natural key (a channel by platform and external id, a
//! contact by platform and platform id), since the team gives every row an id of its own.

use crate::{Store, StoreError};
use serde_json::Value;

/// What is moved, in the order the references need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exported {
    Channels,
    Contacts,
    Sessions,
    Messages,
    /// Each channel's experience with its queue tree (`queues`: the rows, parents first).
    Routing,
    /// Organisation-wide routing settings (capacity, dispositions, grace).
    Settings,
    /// The files messages carry, content included (hex), each naming its message as a message
    /// row does (`message_id`, `created_at`: the message's). Take few at a time: a file may
    /// weigh 25 MB.
    Files,
}

fn parse(rows: Vec<String>) -> Result<Vec<Value>, StoreError> {
    rows.iter()
        .map(|row| serde_json::from_str(row).map_err(|e| StoreError::Corrupt { what: e.to_string() }))
        .collect()
}

impl Store {
    /// Up to `limit` rows of `what` with ids above `after`, in id order, as JSON objects (each
    /// with its solo `id`, for the next batch's `after`).
    pub async fn export_rows(
        &self,
        what: Exported,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Value>, StoreError> {
        let rows: Vec<String> = match what {
            Exported::Channels => sqlx::query_scalar!(
                r#"SELECT json_object('id', id, 'platform', platform, 'external_id', external_id, 'name', name,
                                      'state', state) AS "row!: String"
                   FROM channels WHERE id > ? ORDER BY id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
            Exported::Contacts => sqlx::query_scalar!(
                r#"SELECT json_object('id', id, 'platform', platform, 'platform_id', platform_id,
                                      'platform_name', platform_name, 'first_name', first_name,
                                      'last_name', last_name, 'opted_out', opted_out <> 0) AS "row!: String"
                   FROM contacts WHERE id > ? ORDER BY id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
            Exported::Sessions => sqlx::query_scalar!(
                r#"SELECT json_object('id', s.id, 'platform', c.platform, 'external_id', c.external_id,
                                      'contact_platform_id', k.platform_id, 'state', s.state, 'thread_id', s.thread_id,
                                      'internal_reference', s.internal_reference,
                                      'last_activity_at', s.last_activity_at, 'last_inbound_at', s.last_inbound_at) AS "row!: String"
                   FROM sessions s JOIN channels c ON c.id = s.channel_id JOIN contacts k ON k.id = s.contact_id
                   WHERE s.id > ? ORDER BY s.id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
            // Replies written here and never sent go as they are (pending replies go out from the
            // team; the outbox's rules are the same there).
            Exported::Messages => sqlx::query_scalar!(
                r#"SELECT json_object('id', m.id, 'platform', c.platform, 'external_id', c.external_id,
                                      'contact_platform_id', k.platform_id, 'platform_message_id', m.platform_message_id,
                                      'direction', m.direction, 'author', m.author, 'body', m.body,
                                      'delivery', m.delivery, 'failure', m.failure, 'tag', m.tag,
                                      'created_at', m.created_at, 'template_sid', m.template_sid,
                                      'template_variables', m.template_variables) AS "row!: String"
                   FROM messages m JOIN sessions s ON s.id = m.session_id JOIN channels c ON c.id = s.channel_id
                   JOIN contacts k ON k.id = s.contact_id
                   WHERE m.id > ? ORDER BY m.id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
            Exported::Routing => sqlx::query_scalar!(
                r#"SELECT json_object('id', c.id, 'platform', c.platform, 'external_id', c.external_id,
                                      'settings', json(e.settings),
                                      'queues', (SELECT json_group_array(json_object(
                                          'id', q.id, 'parent_id', q.parent_id, 'position', q.position, 'name', q.name,
                                          'keywords', json(q.keywords), 'priority', q.priority,
                                          'service_level_percent', q.service_level_percent,
                                          'service_level_seconds', q.service_level_seconds,
                                          'target_response_seconds', q.target_response_seconds,
                                          'distribution', json(q.distribution),
                                          'members', (SELECT json_group_array(member) FROM queue_members WHERE queue_id = q.id)))
                                        FROM (SELECT * FROM queues WHERE channel_id = c.id ORDER BY parent_id IS NOT NULL, id) q)) AS "row!: String"
                   FROM experiences e JOIN channels c ON c.id = e.channel_id
                   WHERE c.id > ? ORDER BY c.id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
            Exported::Settings => sqlx::query_scalar!(
                r#"SELECT json_object('id', rowid, 'key', key, 'value', json(value)) AS "row!: String"
                   FROM routing_settings WHERE rowid > ? ORDER BY rowid LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
            Exported::Files => sqlx::query_scalar!(
                r#"SELECT json_object('id', a.id, 'message_id', m.id, 'created_at', m.created_at,
                                      'platform', c.platform, 'external_id', c.external_id,
                                      'platform_message_id', m.platform_message_id, 'kind', a.kind,
                                      'file_name', a.file_name, 'media_type', a.media_type, 'size_bytes', a.size_bytes,
                                      'url', a.url, 'fetch_attempts', a.fetch_attempts, 'fetch_error', a.fetch_error,
                                      'content', hex(a.content)) AS "row!: String"
                   FROM attachments a JOIN messages m ON m.id = a.message_id JOIN channels c ON c.id = m.channel_id
                   WHERE a.id > ? ORDER BY a.id LIMIT ?"#,
                after,
                limit
            )
            .fetch_all(&self.pool)
            .await?,
        };
        parse(rows)
    }

    /// How many rows "Create a team" moves, for its progress bar.
    pub async fn export_size(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar!(
            r#"SELECT (SELECT count(*) FROM channels) + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM sessions)
                    + (SELECT count(*) FROM messages) + (SELECT count(*) FROM experiences)
                    + (SELECT count(*) FROM routing_settings) + (SELECT count(*) FROM attachments) AS "n!: i64""#
        )
        .fetch_one(&self.pool)
        .await?)
    }
}
