//! The replica: in team mode the cache follows the team's change log (crates/team). Each change
//! carries the row as it is now and its version; a row is kept only when the incoming version is
//! higher than the replica's, so applying in any order, or twice, ends in the same state.

use crate::messages::refresh_sessions;
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// One change from the team's log.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaChange {
    /// The table: channels, contacts, sessions, messages, attachments, interactions, queues,
    /// members, experiences, queue_members, routing_settings, interaction_events.
    pub entity: String,
    pub key: Option<i64>,
    /// A member's name (their key).
    pub name: Option<String>,
    pub version: i64,
    /// The row now; `None`: deleted.
    pub row: Option<serde_json::Value>,
}

/// Where the replica has read the change log up to (the team's cursor).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaCursor {
    pub txid: i64,
    pub position: i64,
}

/// What a batch changed, for the windows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplicaApplied {
    pub sessions: Vec<i64>,
    pub messages: Vec<i64>,
    /// Sessions the changes refer to that this replica does not have: to fetch whole.
    pub missing_sessions: Vec<i64>,
    /// This desktop's own replies (local id, session) that the team's copies replaced.
    pub replaced: Vec<(i64, i64)>,
}

/// The order rows must go in for their references: a message needs its session, a session its
/// contact and channel.
const ORDER: [&str; 12] = [
    "channels",
    "experiences",
    "contacts",
    "queues",
    "members",
    "queue_members",
    "routing_settings",
    "sessions",
    "messages",
    "attachments",
    "interactions",
    "interaction_events",
];

fn json(value: &impl Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt { what: e.to_string() })
}

impl Store {
    /// How far the replica has followed the team's log.
    pub async fn replica_cursor(&self) -> Result<ReplicaCursor, StoreError> {
        let row = sqlx::query!("SELECT txid, position FROM replica_cursor WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map_or_else(ReplicaCursor::default, |r| ReplicaCursor { txid: r.txid, position: r.position }))
    }

    /// Applies a batch of changes and moves the cursor, in one transaction: a crash leaves the
    /// replica at the last batch applied whole.
    pub async fn replica_apply(
        &self,
        changes: &[ReplicaChange],
        cursor: ReplicaCursor,
    ) -> Result<ReplicaApplied, StoreError> {
        self.apply(changes, Some(cursor)).await
    }

    /// Applies changes committed beyond the cursor (while an older transaction still runs)
    /// without moving it: they are applied again, harmlessly, when the cursor reaches them.
    pub async fn replica_apply_ahead(&self, changes: &[ReplicaChange]) -> Result<ReplicaApplied, StoreError> {
        self.apply(changes, None).await
    }

    async fn apply(
        &self,
        changes: &[ReplicaChange],
        cursor: Option<ReplicaCursor>,
    ) -> Result<ReplicaApplied, StoreError> {
        let mut tx = self.write().await?;
        let mut applied = ReplicaApplied::default();
        for entity in ORDER {
            let (kept, gone): (Vec<&ReplicaChange>, Vec<&ReplicaChange>) =
                changes.iter().filter(|c| c.entity == entity).partition(|c| c.row.is_some());
            // Deletions first, so that a row the team deleted and made again under the same
            // natural key (a customer's session) does not collide with the old one here; and
            // again after, so that a deletion newer than a row in the same batch still wins.
            for change in &gone {
                delete(&mut tx, entity, change).await?;
            }
            keep(&mut tx, entity, &kept, &mut applied).await?;
            for change in &gone {
                delete(&mut tx, entity, change).await?;
            }
        }
        applied.sessions.sort_unstable();
        applied.sessions.dedup();
        applied.messages.sort_unstable();
        applied.messages.dedup();
        applied.missing_sessions.sort_unstable();
        applied.missing_sessions.dedup();
        let present: Vec<i64> = {
            let ids = json(&applied.sessions)?;
            sqlx::query_scalar!(
                r#"SELECT id AS "id!" FROM sessions WHERE id IN (SELECT value FROM json_each(?))"#,
                ids
            )
            .fetch_all(&mut *tx)
            .await?
        };
        refresh_sessions(&mut tx, &present).await?;
        if let Some(cursor) = cursor {
            set_cursor(&mut tx, cursor).await?;
        }
        tx.commit().await?;
        Ok(applied)
    }
}

/// Where the replica has read the log up to, in the transaction that applied it.
async fn set_cursor(tx: &mut sqlx::SqliteConnection, cursor: ReplicaCursor) -> Result<(), StoreError> {
    sqlx::query!(
        "INSERT INTO replica_cursor (id, txid, position) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET txid = excluded.txid, position = excluded.position",
        cursor.txid,
        cursor.position,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Writes the rows of one table that changes carry (each kept only if newer than the replica's).
async fn keep(
    tx: &mut sqlx::SqliteConnection,
    entity: &str,
    kept: &[&ReplicaChange],
    applied: &mut ReplicaApplied,
) -> Result<(), StoreError> {
    if kept.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = kept
        .iter()
        .filter_map(|c| {
            let mut row = c.row.clone()?;
            row["version"] = c.version.into();
            Some(row)
        })
        .collect();
    let rows = json(&rows)?;
    if entity == "messages" {
        // This desktop's own replies, now in the team: the team's copy replaces the local one
        // (same client id) in this transaction, so neither both nor none show.
        let replaced = sqlx::query!(
            r#"DELETE FROM messages WHERE id < 0 AND client_id IN
                   (SELECT value ->> 'client_id' FROM json_each(?) WHERE value ->> 'client_id' IS NOT NULL)
               RETURNING id AS "id!", session_id"#,
            rows
        )
        .fetch_all(&mut *tx)
        .await?;
        applied.replaced.extend(replaced.into_iter().map(|r| (r.id, r.session_id)));
    }
    if matches!(entity, "messages" | "interactions") {
        // A session this replica does not have (an agent's: it came into their queue after its
        // first rows went by, unseen): its rows wait, and the follower fetches the session whole.
        let missing = sqlx::query_scalar!(
            r#"SELECT DISTINCT value ->> 'session_id' AS "id!: i64" FROM json_each(?)
               WHERE value ->> 'session_id' NOT IN (SELECT id FROM sessions)"#,
            rows
        )
        .fetch_all(&mut *tx)
        .await?;
        applied.missing_sessions.extend(missing);
    }
    upsert(&mut *tx, entity, &rows).await?;
    let row_field = |c: &&ReplicaChange, field: &str| c.row.as_ref()?[field].as_i64();
    match entity {
        "messages" => applied.messages.extend(kept.iter().filter_map(|c| c.key)),
        // A file's message shows it (or that it is ready) from now on.
        "attachments" => applied.messages.extend(kept.iter().filter_map(|c| row_field(c, "message_id"))),
        "sessions" => applied.sessions.extend(kept.iter().filter_map(|c| c.key)),
        _ => {}
    }
    if matches!(entity, "messages" | "interactions") {
        applied.sessions.extend(kept.iter().filter_map(|c| row_field(c, "session_id")));
    }
    Ok(())
}

/// A part of a table from a snapshot of the team: the keys (above `after`, up to `upto` or
/// without end) it covers, for removing what the team no longer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotPart {
    /// The whole of a small table (members, queue memberships, organisation settings).
    Whole,
    Keys {
        after: i64,
        upto: Option<i64>,
    },
}

impl Store {
    /// Applies part of a table read from a snapshot of the team, and removes the replica's rows
    /// in that part that the snapshot does not have (deleted in the team while this replica was
    /// not following). The cursor does not move: a crash repeats the snapshot.
    pub async fn replica_snapshot(
        &self,
        entity: &str,
        changes: &[ReplicaChange],
        part: SnapshotPart,
    ) -> Result<(), StoreError> {
        let Some(&table) = ORDER.iter().find(|t| **t == entity) else {
            return Err(StoreError::Corrupt { what: format!("a snapshot of an unknown table {entity:?}") });
        };
        let mut tx = self.write().await?;
        let kept: Vec<&ReplicaChange> = changes.iter().filter(|c| c.row.is_some()).collect();
        let rows = json(&kept.iter().filter_map(|c| c.row.as_ref()).collect::<Vec<_>>())?;
        // Table and key names come from the constant list, never from outside. Channels and
        // contacts are never deleted in a team (a channel is disconnected, not removed), and
        // this replica's sessions still refer to them while they are read: they are not swept.
        let sweep = match (table, part) {
            ("channels" | "contacts", _) => String::new(),
            ("members", _) => "DELETE FROM members WHERE name NOT IN (SELECT value ->> 'name' FROM json_each(?1))".into(),
            ("routing_settings", _) => {
                "DELETE FROM routing_settings WHERE key NOT IN (SELECT value ->> 'key' FROM json_each(?1))".into()
            }
            ("queue_members", _) => "DELETE FROM queue_members WHERE NOT EXISTS (SELECT 1 FROM json_each(?1) j
                 WHERE j.value ->> 'queue_id' = queue_members.queue_id AND j.value ->> 'member' = queue_members.member)"
                .into(),
            (_, SnapshotPart::Keys { .. }) => {
                let key = if table == "experiences" { "channel_id" } else { "id" };
                format!(
                    "DELETE FROM {table} WHERE {key} > ?2 AND (?3 IS NULL OR {key} <= ?3)
                     AND {key} NOT IN (SELECT value ->> '{key}' FROM json_each(?1))"
                )
            }
            (_, SnapshotPart::Whole) => {
                return Err(StoreError::Corrupt { what: format!("{table} is read by keys") });
            }
        };
        let (after, upto) = match part {
            SnapshotPart::Keys { after, upto } => (after, upto),
            SnapshotPart::Whole => (0, None),
        };
        // What the team no longer has goes first, so that a row it made again under the same
        // natural key (a customer's new session) does not collide with the old one.
        if !sweep.is_empty() {
            sqlx::query(sqlx::AssertSqlSafe(sweep))
                .bind(rows)
                .bind(after)
                .bind(upto)
                .execute(&mut *tx)
                .await?;
        }
        keep(&mut tx, table, &kept, &mut ReplicaApplied::default()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The snapshot is applied: every session's figures are brought up to date and the replica
    /// follows the log from `cursor`.
    pub async fn replica_snapshot_done(&self, cursor: ReplicaCursor) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let sessions = sqlx::query_scalar!(r#"SELECT id AS "id!" FROM sessions"#).fetch_all(&mut *tx).await?;
        refresh_sessions(&mut tx, &sessions).await?;
        set_cursor(&mut tx, cursor).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn upsert(tx: &mut sqlx::SqliteConnection, entity: &str, rows: &str) -> Result<(), StoreError> {
    match entity {
        "channels" => sqlx::query!(
            "INSERT INTO channels (id, platform, external_id, name, state, version)
             SELECT value ->> 'id', value ->> 'platform', value ->> 'external_id', value ->> 'name', value ->> 'state',
                    value ->> 'version' FROM json_each(?) WHERE true
             ON CONFLICT (id) DO UPDATE SET platform = excluded.platform, external_id = excluded.external_id,
                 name = excluded.name, state = excluded.state, version = excluded.version
             WHERE excluded.version > channels.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "contacts" => sqlx::query!(
            "INSERT INTO contacts (id, platform, platform_id, platform_name, first_name, last_name, opted_out, version)
             SELECT value ->> 'id', value ->> 'platform', value ->> 'platform_id', value ->> 'platform_name',
                    value ->> 'first_name', value ->> 'last_name', value ->> 'opted_out', value ->> 'version'
             FROM json_each(?) WHERE true
             ON CONFLICT (id) DO UPDATE SET platform_name = excluded.platform_name, first_name = excluded.first_name,
                 last_name = excluded.last_name, opted_out = excluded.opted_out, version = excluded.version
             WHERE excluded.version > contacts.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "queues" => sqlx::query!(
            "INSERT INTO queues (id, channel_id, parent_id, position, name, keywords, priority, service_level_percent,
                                 service_level_seconds, target_response_seconds, distribution, version)
             SELECT value ->> 'id', value ->> 'channel_id', value ->> 'parent_id', value ->> 'position', value ->> 'name',
                    value -> 'keywords', value ->> 'priority', value ->> 'service_level_percent',
                    value ->> 'service_level_seconds', value ->> 'target_response_seconds', value -> 'distribution',
                    value ->> 'version'
             FROM json_each(?) WHERE true
             ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, position = excluded.position,
                 name = excluded.name, keywords = excluded.keywords, priority = excluded.priority,
                 service_level_percent = excluded.service_level_percent,
                 service_level_seconds = excluded.service_level_seconds,
                 target_response_seconds = excluded.target_response_seconds, distribution = excluded.distribution,
                 version = excluded.version
             WHERE excluded.version > queues.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "interaction_events" => sqlx::query!(
            "INSERT INTO interaction_events (id, interaction_id, at, kind, actor, detail, version)
             SELECT value ->> 'id', value ->> 'interaction_id', value ->> 'at', value ->> 'kind', value ->> 'actor',
                    value ->> 'detail', value ->> 'version'
             FROM json_each(?) WHERE value ->> 'interaction_id' IN (SELECT id FROM interactions)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, actor = excluded.actor, detail = excluded.detail,
                 version = excluded.version
             WHERE excluded.version > interaction_events.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "experiences" => sqlx::query!(
            "INSERT INTO experiences (channel_id, settings, version)
             SELECT value ->> 'channel_id', value -> 'settings', value ->> 'version' FROM json_each(?) WHERE true
             ON CONFLICT (channel_id) DO UPDATE SET settings = excluded.settings, version = excluded.version
             WHERE excluded.version > experiences.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "queue_members" => sqlx::query!(
            "INSERT INTO queue_members (queue_id, member, version)
             SELECT value ->> 'queue_id', value ->> 'member', value ->> 'version' FROM json_each(?) WHERE true
             ON CONFLICT (queue_id, member) DO UPDATE SET version = excluded.version
             WHERE excluded.version > queue_members.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "routing_settings" => sqlx::query!(
            "INSERT INTO routing_settings (key, value, version)
             SELECT value ->> 'key', value -> 'value', value ->> 'version' FROM json_each(?) WHERE true
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version
             WHERE excluded.version > routing_settings.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "members" => sqlx::query!(
            "INSERT INTO members (name, presence, presence_since, idle_since, capacity, roles, removed, version)
             SELECT value ->> 'name', value ->> 'presence', value ->> 'presence_since', value ->> 'idle_since',
                    nullif(value -> 'capacity', 'null'), nullif(value -> 'roles', 'null'),
                    coalesce(value ->> 'removed', 0), value ->> 'version'
             FROM json_each(?) WHERE true
             ON CONFLICT (name) DO UPDATE SET presence = excluded.presence, presence_since = excluded.presence_since,
                 idle_since = excluded.idle_since, capacity = excluded.capacity, roles = excluded.roles,
                 removed = excluded.removed, version = excluded.version
             WHERE excluded.version > members.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "sessions" => sqlx::query!(
            "INSERT INTO sessions (id, channel_id, contact_id, state, thread_id, internal_reference, last_activity_at,
                                   last_inbound_at, version)
             SELECT value ->> 'id', value ->> 'channel_id', value ->> 'contact_id', value ->> 'state',
                    value ->> 'thread_id', value ->> 'internal_reference', value ->> 'last_activity_at',
                    value ->> 'last_inbound_at', value ->> 'version'
             FROM json_each(?) WHERE true
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, thread_id = excluded.thread_id,
                 internal_reference = excluded.internal_reference, last_activity_at = excluded.last_activity_at,
                 last_inbound_at = excluded.last_inbound_at, version = excluded.version
             WHERE excluded.version > sessions.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "messages" => sqlx::query!(
            "INSERT INTO messages (id, session_id, channel_id, platform_message_id, client_id, direction, author, body,
                                   delivery, failure, tag, created_at, template_sid, template_variables, version)
             SELECT value ->> 'id', value ->> 'session_id', value ->> 'channel_id', value ->> 'platform_message_id',
                    value ->> 'client_id', value ->> 'direction', value ->> 'author', value ->> 'body', value ->> 'delivery',
                    value ->> 'failure', value ->> 'tag', value ->> 'created_at', value ->> 'template_sid',
                    value ->> 'template_variables', value ->> 'version'
             FROM json_each(?) WHERE value ->> 'session_id' IN (SELECT id FROM sessions)
             ON CONFLICT (id) DO UPDATE SET platform_message_id = excluded.platform_message_id,
                 delivery = excluded.delivery, failure = excluded.failure, tag = excluded.tag,
                 version = excluded.version
             WHERE excluded.version > messages.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        // A file's content stays in the team until this desktop shows it (`in_team`); a row
        // that changes keeps the content already fetched.
        "attachments" => sqlx::query!(
            "INSERT INTO attachments (id, message_id, kind, file_name, media_type, size_bytes, url, fetch_attempts,
                                      fetch_error, in_team, version)
             SELECT value ->> 'id', value ->> 'message_id', value ->> 'kind', value ->> 'file_name',
                    value ->> 'media_type', value ->> 'size_bytes', value ->> 'url', value ->> 'fetch_attempts',
                    value ->> 'fetch_error', coalesce(value ->> 'ready', 0), value ->> 'version'
             -- A file of a message this replica has purged stays purged.
             FROM json_each(?) WHERE value ->> 'message_id' IN (SELECT id FROM messages)
             ON CONFLICT (id) DO UPDATE SET media_type = excluded.media_type, size_bytes = excluded.size_bytes,
                 fetch_attempts = excluded.fetch_attempts, fetch_error = excluded.fetch_error,
                 in_team = excluded.in_team, version = excluded.version
             WHERE excluded.version > attachments.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        "interactions" => sqlx::query!(
            "INSERT INTO interactions (id, session_id, state, end_reason, queue_id, agent, menu_node, menu_repeated,
                                       started_at, queued_at, assigned_at, first_response_at, ended_at, after_hours,
                                       warned_at, dismiss_cue, disposition, routed_message_id, due_at, transfer_note,
                                       version)
             SELECT value ->> 'id', value ->> 'session_id', value ->> 'state', value ->> 'end_reason',
                    value ->> 'queue_id', value ->> 'agent', value ->> 'menu_node', value ->> 'menu_repeated',
                    value ->> 'started_at', value ->> 'queued_at', value ->> 'assigned_at',
                    value ->> 'first_response_at', value ->> 'ended_at', value ->> 'after_hours',
                    value ->> 'warned_at', value ->> 'dismiss_cue', value ->> 'disposition',
                    value ->> 'routed_message_id', value ->> 'due_at', value ->> 'transfer_note', value ->> 'version'
             FROM json_each(?) WHERE value ->> 'session_id' IN (SELECT id FROM sessions)
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, end_reason = excluded.end_reason,
                 queue_id = excluded.queue_id, agent = excluded.agent, menu_node = excluded.menu_node,
                 menu_repeated = excluded.menu_repeated, queued_at = excluded.queued_at,
                 assigned_at = excluded.assigned_at, first_response_at = excluded.first_response_at,
                 ended_at = excluded.ended_at, after_hours = excluded.after_hours, warned_at = excluded.warned_at,
                 dismiss_cue = excluded.dismiss_cue, disposition = excluded.disposition,
                 routed_message_id = excluded.routed_message_id, due_at = excluded.due_at,
                 transfer_note = excluded.transfer_note, version = excluded.version
             WHERE excluded.version > interactions.version",
            rows
        )
        .execute(&mut *tx)
        .await?,
        other => return Err(StoreError::Corrupt { what: format!("a change to an unknown table {other:?}") }),
    };
    Ok(())
}

async fn delete(
    tx: &mut sqlx::SqliteConnection,
    entity: &str,
    change: &ReplicaChange,
) -> Result<(), StoreError> {
    let (key, version) = (change.key, change.version);
    match entity {
        "channels" => {
            sqlx::query!("DELETE FROM channels WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "contacts" => {
            sqlx::query!("DELETE FROM contacts WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "queues" => {
            sqlx::query!("DELETE FROM queues WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "interaction_events" => {
            sqlx::query!("DELETE FROM interaction_events WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "experiences" => {
            sqlx::query!("DELETE FROM experiences WHERE channel_id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "queue_members" => {
            let member = change.name.as_deref();
            sqlx::query!(
                "DELETE FROM queue_members WHERE queue_id = ? AND member = ? AND version < ?",
                key,
                member,
                version
            )
            .execute(&mut *tx)
            .await?
        }
        "routing_settings" => {
            let name = change.name.as_deref();
            sqlx::query!("DELETE FROM routing_settings WHERE key = ? AND version < ?", name, version)
                .execute(&mut *tx)
                .await?
        }
        "members" => {
            let name = change.name.as_deref();
            sqlx::query!("DELETE FROM members WHERE name = ? AND version < ?", name, version)
                .execute(&mut *tx)
                .await?
        }
        "sessions" => {
            sqlx::query!("DELETE FROM sessions WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "messages" => {
            sqlx::query!("DELETE FROM messages WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "attachments" => {
            sqlx::query!("DELETE FROM attachments WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        "interactions" => {
            sqlx::query!("DELETE FROM interactions WHERE id = ? AND version < ?", key, version)
                .execute(&mut *tx)
                .await?
        }
        other => return Err(StoreError::Corrupt { what: format!("a change to an unknown table {other:?}") }),
    };
    Ok(())
}
