//! Routing's store operations: the one module the engine calls to read what routing needs and
//! to record what core decided. A PostgreSQL store offers the same operations.
//!
//! Nothing here decides: transitions come from `switchboard_core::Interaction`, menus, timers
//! and assignment plans from `switchboard_core::routing`; this module reads their inputs and
//! writes their results, each in one transaction.

use crate::messages::{MessageRow, refresh_session};
use crate::{MessageRecord, Store, StoreError, from_millis, parse_name, to_millis};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashMap;
use switchboard_core::routing::{
    Activity, Agent, Assignment, Capacity, Distribution, Experience, Keyword, Load, Presence, QueueError,
    QueueName, QueueNode, QueueTree, Waiting,
};
use switchboard_core::{EndReason, Interaction, InteractionState, MenuPosition, Platform};

/// A queue as the settings screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueRecord {
    pub id: i64,
    pub channel_id: i64,
    pub parent_id: Option<i64>,
    pub position: i64,
    pub name: String,
    pub keywords: Vec<String>,
    pub priority: i64,
    pub service_level_percent: i64,
    pub service_level_seconds: i64,
    pub target_response_seconds: i64,
    pub distribution: Distribution,
    pub members: Vec<String>,
}

/// What an admin may change on a queue (its place in the tree moves with `queue_move`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueChange {
    pub name: QueueName,
    pub keywords: Vec<Keyword>,
    pub priority: i64,
    pub service_level_percent: i64,
    pub service_level_seconds: i64,
    pub target_response_seconds: i64,
    pub distribution: Distribution,
}

/// A member as routing and the presence switch see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRecord {
    pub name: String,
    pub presence: Presence,
    pub presence_since: Timestamp,
    pub idle_since: Option<Timestamp>,
    /// Their own capacity, if set (else the organisation's default).
    pub capacity: Option<Capacity>,
    pub queues: Vec<i64>,
    pub load: Load,
}

/// A queue in the desk's list of views: where it is, and how many wait in it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueView {
    pub id: i64,
    pub channel_id: i64,
    pub channel_name: String,
    pub name: String,
    /// Its leaf status and whether anyone works it ("not ready" when nobody does).
    pub leaf: bool,
    pub members: i64,
    pub waiting: i64,
    /// When the longest-waiting interaction was queued.
    pub oldest: Option<Timestamp>,
    pub mine: bool,
}

/// An open interaction with what core needs to decide about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutedInteraction {
    pub id: i64,
    pub session_id: i64,
    pub channel_id: i64,
    pub platform: Platform,
    pub interaction: Interaction,
    pub activity: Activity,
    pub opted_out: bool,
    /// Customer messages routing has not read yet (id, text), oldest first.
    pub unread: Vec<(i64, String)>,
    /// Routing has not started it yet.
    pub new: bool,
}

/// What routing decided for one interaction, to record in one transaction.
#[derive(Debug, Clone)]
pub struct RoutingRecord<'a> {
    pub interaction_id: i64,
    pub session_id: i64,
    /// The interaction as routing read it: if it changed since (an agent answered or picked it
    /// up meanwhile), the decision is stale and nothing is recorded; the next pass decides again.
    pub read: &'a Interaction,
    pub interaction: &'a Interaction,
    /// The newest customer message the decision read.
    pub routed_message_id: Option<i64>,
    /// Automated texts to send, already filled in and checked against the window.
    pub texts: &'a [String],
    pub due_at: Option<Timestamp>,
    /// Timeline entries: (kind, detail).
    pub events: &'a [(String, Option<String>)],
    pub now: Timestamp,
}

/// An interaction as it sits in its row.
struct InteractionRow {
    id: i64,
    session_id: i64,
    state: String,
    end_reason: Option<String>,
    queue_id: Option<i64>,
    agent: Option<String>,
    menu_node: Option<i64>,
    menu_repeated: i64,
    started_at: Option<i64>,
    queued_at: i64,
    assigned_at: Option<i64>,
    first_response_at: Option<i64>,
    ended_at: Option<i64>,
    after_hours: i64,
    warned_at: Option<i64>,
    dismiss_cue: i64,
    disposition: Option<String>,
}

impl InteractionRow {
    fn into_core(self) -> Result<(i64, i64, Interaction), StoreError> {
        let state = InteractionState::parse(&self.state, self.end_reason.as_deref())
            .ok_or_else(|| StoreError::Corrupt { what: format!("interaction state {:?}", self.state) })?;
        let opt = |v: Option<i64>| v.map(from_millis).transpose();
        let interaction = Interaction {
            state,
            queue: self.queue_id,
            agent: self.agent,
            menu: self.menu_node.map(|node| MenuPosition { node, repeated: self.menu_repeated != 0 }),
            started_at: from_millis(self.started_at.unwrap_or(self.queued_at))?,
            queued_at: from_millis(self.queued_at)?,
            assigned_at: opt(self.assigned_at)?,
            first_response_at: opt(self.first_response_at)?,
            ended_at: opt(self.ended_at)?,
            after_hours: self.after_hours != 0,
            warned_at: opt(self.warned_at)?,
            dismiss_cue: self.dismiss_cue != 0,
            disposition: self.disposition,
        };
        Ok((self.id, self.session_id, interaction))
    }
}

macro_rules! interaction_rows {
    ($rest:literal, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            InteractionRow,
            r#"SELECT id AS "id!", session_id, state, end_reason, queue_id, agent, menu_node,
                      menu_repeated, started_at, queued_at, assigned_at, first_response_at, ended_at,
                      after_hours, warned_at, dismiss_cue, disposition
               FROM interactions "# + $rest,
            $($arg),*
        )
    };
}

/// Writes core's value over the row; `due_at` 0 asks routing to look again at once.
pub(crate) async fn write_interaction(
    tx: &mut sqlx::SqliteConnection,
    id: i64,
    i: &Interaction,
    due_at: Option<i64>,
) -> Result<(), StoreError> {
    let state = i.state.as_str();
    let reason = i.state.end_reason().map(EndReason::as_str);
    let menu_node = i.menu.map(|m| m.node);
    let menu_repeated = i.menu.is_some_and(|m| m.repeated);
    let started = to_millis(i.started_at);
    let queued = to_millis(i.queued_at);
    let assigned = i.assigned_at.map(to_millis);
    let first = i.first_response_at.map(to_millis);
    let ended = i.ended_at.map(to_millis);
    let warned = i.warned_at.map(to_millis);
    let due = if i.is_open() { due_at } else { None };
    sqlx::query!(
        "UPDATE interactions SET state = ?, end_reason = ?, queue_id = ?, agent = ?, menu_node = ?,
                menu_repeated = ?, started_at = ?, queued_at = ?, assigned_at = ?, first_response_at = ?,
                ended_at = ?, after_hours = ?, warned_at = ?, dismiss_cue = ?, disposition = ?, due_at = ?
         WHERE id = ?",
        state,
        reason,
        i.queue,
        i.agent,
        menu_node,
        menu_repeated,
        started,
        queued,
        assigned,
        first,
        ended,
        i.after_hours,
        warned,
        i.dismiss_cue,
        i.disposition,
        due,
        id,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Inserts a new interaction of the session as core made it.
async fn insert_interaction(
    tx: &mut sqlx::SqliteConnection,
    session_id: i64,
    i: &Interaction,
    routed_message_id: Option<i64>,
) -> Result<i64, StoreError> {
    let queued = to_millis(i.queued_at);
    let state = i.state.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO interactions (session_id, state, queued_at, routed_message_id)
           VALUES (?, ?, ?, ?) RETURNING id AS "id!""#,
        session_id,
        state,
        queued,
        routed_message_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    write_interaction(tx, id, i, Some(0)).await?;
    Ok(id)
}

async fn record_event(
    tx: &mut sqlx::SqliteConnection,
    interaction_id: i64,
    at: Timestamp,
    kind: &str,
    actor: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let at = to_millis(at);
    sqlx::query!(
        "INSERT INTO interaction_events (interaction_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)",
        interaction_id,
        at,
        kind,
        actor,
        detail,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The session's open interaction, if any.
async fn open_interaction(
    tx: &mut sqlx::SqliteConnection,
    session_id: i64,
) -> Result<Option<(i64, Interaction)>, StoreError> {
    let row = interaction_rows!("WHERE session_id = ? AND state <> 'ended'", session_id)
        .fetch_optional(&mut *tx)
        .await?;
    row.map(|r| r.into_core().map(|(id, _, i)| (id, i))).transpose()
}

/// The agent answered in the session: core's `respond` on its open interaction (answering
/// picks a waiting interaction up).
pub(crate) async fn answered(
    tx: &mut sqlx::SqliteConnection,
    session_id: i64,
    agent: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    if let Some((id, interaction)) = open_interaction(tx, session_id).await? {
        let was_waiting = matches!(interaction.state, InteractionState::Queued | InteractionState::Selecting);
        let answered = interaction.respond(agent, at)?;
        write_interaction(tx, id, &answered, Some(0)).await?;
        if was_waiting {
            record_event(tx, id, at, "assigned", Some(agent), Some("answered")).await?;
            touch_idle(tx, agent, at).await?;
        }
    }
    Ok(())
}

async fn touch_idle(tx: &mut sqlx::SqliteConnection, agent: &str, at: Timestamp) -> Result<(), StoreError> {
    let at = to_millis(at);
    sqlx::query!("UPDATE members SET idle_since = ? WHERE name = ?", at, agent).execute(&mut *tx).await?;
    Ok(())
}

/// Customers wrote with no interaction open: each gets a new one (core's `arrive`), which
/// routing starts next; open ones are looked at again (a menu answer, a cleared warning).
pub(crate) async fn arrived(
    tx: &mut sqlx::SqliteConnection,
    first_inbound: &[(i64, i64)],
) -> Result<(), StoreError> {
    let rows: Vec<serde_json::Value> = first_inbound
        .iter()
        .map(|&(session, at)| {
            let new = Interaction::arrive(Timestamp::from_millisecond(at).unwrap_or_default());
            serde_json::json!([session, new.state.as_str(), at])
        })
        .collect();
    let json = serde_json::Value::Array(rows).to_string();
    sqlx::query!(
        "UPDATE interactions SET due_at = 0
         WHERE state <> 'ended' AND session_id IN (SELECT value ->> 0 FROM json_each(?))",
        json,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO interactions (session_id, state, queued_at, started_at, due_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 2, 0 FROM json_each(?1) j
         WHERE NOT EXISTS (SELECT 1 FROM interactions i WHERE i.session_id = j.value ->> 0 AND i.state <> 'ended')",
        json,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// An agent stored the session away: its open interaction ends as `agent_ended`.
pub(crate) async fn end_open(
    tx: &mut sqlx::SqliteConnection,
    session_id: i64,
    now: Timestamp,
) -> Result<(), StoreError> {
    if let Some((id, interaction)) = open_interaction(tx, session_id).await? {
        let agent = interaction.agent.clone();
        let ended = interaction.end(EndReason::AgentEnded, now)?;
        write_interaction(tx, id, &ended, None).await?;
        record_event(tx, id, now, "ended", agent.as_deref(), Some("stored")).await?;
    }
    Ok(())
}

/// The organisation's default capacity, unless an admin changed it.
/// The organisation-wide settings' keys (the team's database uses the same).
pub const CAPACITY_KEY: &str = "default_capacity";
pub const DISPOSITIONS_KEY: &str = "dispositions";
pub const OFFLINE_GRACE_KEY: &str = "offline_grace_minutes";

impl Store {
    // ---- members and presence ----

    /// Makes sure a member exists (solo mode: the person at this desktop), Available.
    pub async fn member_ensure(&self, name: &str, now: Timestamp) -> Result<(), StoreError> {
        let at = to_millis(now);
        sqlx::query!(
            "INSERT INTO members (name, presence, presence_since) VALUES (?, 'available', ?)
             ON CONFLICT (name) DO NOTHING",
            name,
            at,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn members(&self) -> Result<Vec<MemberRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        member_records(&mut conn).await
    }

    /// Sets a member's presence (time in status starts again when it changes).
    pub async fn member_presence_set(
        &self,
        name: &str,
        presence: Presence,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = to_millis(now);
        let value = presence.as_str();
        let done = sqlx::query!(
            "UPDATE members SET presence = ?1, presence_since = CASE WHEN presence = ?1 THEN presence_since ELSE ?2 END
             WHERE name = ?3",
            value,
            at,
            name,
        )
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "member" });
        }
        Ok(())
    }

    pub async fn member_capacity_set(
        &self,
        name: &str,
        capacity: Option<&Capacity>,
    ) -> Result<(), StoreError> {
        let value = capacity.map(to_json);
        let done = sqlx::query!("UPDATE members SET capacity = ? WHERE name = ?", value, name)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "member" });
        }
        Ok(())
    }

    pub async fn default_capacity(&self) -> Result<Capacity, StoreError> {
        Ok(self.setting(CAPACITY_KEY).await?.unwrap_or_default())
    }

    pub async fn default_capacity_set(&self, capacity: &Capacity) -> Result<(), StoreError> {
        self.setting_set(CAPACITY_KEY, capacity).await
    }

    /// The outcomes an agent may record on ending (admin-kept).
    pub async fn dispositions(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.setting(DISPOSITIONS_KEY).await?.unwrap_or_else(|| {
            ["Resolved", "Follow-up needed", "No answer needed", "Escalated"].map(String::from).to_vec()
        }))
    }

    pub async fn dispositions_set(&self, list: &[String]) -> Result<(), StoreError> {
        self.setting_set(DISPOSITIONS_KEY, &list).await
    }

    /// How long an agent who went Offline keeps their interactions (minutes; 5 by default).
    pub async fn offline_grace(&self) -> Result<u32, StoreError> {
        Ok(self.setting(OFFLINE_GRACE_KEY).await?.unwrap_or(5))
    }

    pub async fn offline_grace_set(&self, minutes: u32) -> Result<(), StoreError> {
        self.setting_set(OFFLINE_GRACE_KEY, &minutes).await
    }

    pub(crate) async fn setting<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        setting(&mut *self.pool.acquire().await?, key).await
    }

    pub(crate) async fn setting_set<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let value = to_json(value);
        sqlx::query!(
            "INSERT INTO routing_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key,
            value,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    // ---- experiences and queues ----

    /// Gives a channel its experience and root queue if it has none yet; `member` (solo mode)
    /// works the root.
    pub async fn experience_ensure(
        &self,
        channel_id: i64,
        root_name: &str,
        default: &Experience,
        member: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let settings = to_json(default);
        let made = sqlx::query!(
            "INSERT INTO experiences (channel_id, settings) VALUES (?, ?) ON CONFLICT (channel_id) DO NOTHING",
            channel_id,
            settings,
        )
        .execute(&mut *tx)
        .await?;
        if made.rows_affected() > 0 {
            let name = QueueName::parse(root_name, &default.words)
                .map_or_else(|_| "Inbox".to_owned(), |n| n.as_str().to_owned());
            let root = sqlx::query_scalar!(
                r#"INSERT INTO queues (channel_id, name) VALUES (?, ?) RETURNING id AS "id!""#,
                channel_id,
                name,
            )
            .fetch_one(&mut *tx)
            .await?;
            if let Some(member) = member {
                sqlx::query!("INSERT INTO queue_members (queue_id, member) VALUES (?, ?)", root, member)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A channel's experience and its queue tree.
    pub async fn experience(&self, channel_id: i64) -> Result<(Experience, QueueTree), StoreError> {
        let settings =
            sqlx::query_scalar!("SELECT settings FROM experiences WHERE channel_id = ?", channel_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound { what: "experience" })?;
        let queues = self.queues(channel_id).await?;
        Ok((json(&settings)?, tree(&queues)))
    }

    pub async fn experience_save(&self, channel_id: i64, experience: &Experience) -> Result<(), StoreError> {
        let settings = to_json(experience);
        let done =
            sqlx::query!("UPDATE experiences SET settings = ? WHERE channel_id = ?", settings, channel_id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "experience" });
        }
        Ok(())
    }

    /// A channel's queues, parents before children, in order, with their members.
    pub async fn queues(&self, channel_id: i64) -> Result<Vec<QueueRecord>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT id AS "id!", channel_id, parent_id, position, name, keywords, priority,
                      service_level_percent, service_level_seconds, target_response_seconds, distribution,
                      (SELECT json_group_array(member) FROM (SELECT member FROM queue_members m
                       WHERE m.queue_id = queues.id ORDER BY member)) AS "members!: String"
               FROM queues WHERE channel_id = ? ORDER BY parent_id IS NOT NULL, parent_id, position, id"#,
            channel_id,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(QueueRecord {
                    id: r.id,
                    channel_id: r.channel_id,
                    parent_id: r.parent_id,
                    position: r.position,
                    name: r.name,
                    keywords: json(&r.keywords)?,
                    priority: r.priority,
                    service_level_percent: r.service_level_percent,
                    service_level_seconds: r.service_level_seconds,
                    target_response_seconds: r.target_response_seconds,
                    distribution: json(&r.distribution)?,
                    members: json(&r.members)?,
                })
            })
            .collect()
    }

    /// Adds a queue under `parent`, last among its siblings. A parent that was a leaf hands
    /// its members to the new queue (agents work leaves only).
    pub async fn queue_add(&self, parent: i64, name: &QueueName) -> Result<QueueRecord, StoreError> {
        let mut tx = self.write().await?;
        let channel = sqlx::query_scalar!("SELECT channel_id FROM queues WHERE id = ?", parent)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound { what: "queue" })?;
        let name = name.as_str();
        let taken = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM queues WHERE parent_id = ? AND name = ? COLLATE NOCASE"#,
            parent,
            name
        )
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(QueueError::NameTaken { name: name.to_owned() }.into());
        }
        let id = sqlx::query_scalar!(
            r#"INSERT INTO queues (channel_id, parent_id, position, name)
               VALUES (?1, ?2, (SELECT COALESCE(max(position) + 1, 0) FROM queues WHERE parent_id = ?2), ?3)
               RETURNING id AS "id!""#,
            channel,
            parent,
            name,
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query!("UPDATE queue_members SET queue_id = ? WHERE queue_id = ?", id, parent)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.queue(id).await
    }

    pub async fn queue(&self, id: i64) -> Result<QueueRecord, StoreError> {
        let channel = sqlx::query_scalar!("SELECT channel_id FROM queues WHERE id = ?", id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { what: "queue" })?;
        self.queues(channel)
            .await?
            .into_iter()
            .find(|q| q.id == id)
            .ok_or(StoreError::NotFound { what: "queue" })
    }

    /// Saves a queue's settings; its keywords must not lead elsewhere already.
    pub async fn queue_update(&self, id: i64, change: &QueueChange) -> Result<QueueRecord, StoreError> {
        let queue = self.queue(id).await?;
        let (_, tree) = self.experience(queue.channel_id).await?;
        for keyword in &change.keywords {
            tree.check_keyword(id, keyword)?;
        }
        let siblings = self.queues(queue.channel_id).await?;
        if siblings.iter().any(|q| {
            q.id != id && q.parent_id == queue.parent_id && q.name.eq_ignore_ascii_case(change.name.as_str())
        }) {
            return Err(QueueError::NameTaken { name: change.name.as_str().to_owned() }.into());
        }
        let name = change.name.as_str();
        let keywords = to_json(&change.keywords.iter().map(Keyword::as_str).collect::<Vec<_>>());
        let distribution = to_json(&change.distribution);
        sqlx::query!(
            "UPDATE queues SET name = ?, keywords = ?, priority = ?, service_level_percent = ?,
                    service_level_seconds = ?, target_response_seconds = ?, distribution = ?
             WHERE id = ?",
            name,
            keywords,
            change.priority,
            change.service_level_percent,
            change.service_level_seconds,
            change.target_response_seconds,
            distribution,
            id,
        )
        .execute(&self.pool)
        .await?;
        self.queue(id).await
    }

    /// Moves a queue under `parent` at `position` among its new siblings (drag to reorder).
    pub async fn queue_move(&self, id: i64, parent: i64, position: i64) -> Result<(), StoreError> {
        let queue = self.queue(id).await?;
        let (_, tree) = self.experience(queue.channel_id).await?;
        tree.check_move(id, parent)?;
        let mut siblings: Vec<i64> = tree.children(parent).map(|n| n.id).filter(|&q| q != id).collect();
        let at = usize::try_from(position.max(0)).unwrap_or(0).min(siblings.len());
        siblings.insert(at, id);
        let order = to_json(&siblings);
        let mut tx = self.write().await?;
        sqlx::query!("UPDATE queues SET parent_id = ? WHERE id = ?", parent, id).execute(&mut *tx).await?;
        sqlx::query!(
            "UPDATE queues SET position = (SELECT key FROM json_each(?1) WHERE value = queues.id)
             WHERE id IN (SELECT value FROM json_each(?1))",
            order,
        )
        .execute(&mut *tx)
        .await?;
        // A leaf that gains a child is no leaf any more: its members work the queue moved in.
        sqlx::query!(
            "INSERT OR IGNORE INTO queue_members (queue_id, member)
             SELECT ?1, member FROM queue_members WHERE queue_id = ?2",
            id,
            parent,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM queue_members WHERE queue_id = ?", parent).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a queue and its sub-queues; their waiting interactions return to the parent
    /// (or wait unrouted if that is no leaf).
    pub async fn queue_delete(&self, id: i64) -> Result<(), StoreError> {
        let queue = self.queue(id).await?;
        let Some(parent) = queue.parent_id else {
            return Err(QueueError::Root.into());
        };
        let (_, tree) = self.experience(queue.channel_id).await?;
        let gone: Vec<i64> = tree.nodes().iter().filter(|n| tree.is_within(n.id, id)).map(|n| n.id).collect();
        let gone = to_json(&gone);
        let mut tx = self.write().await?;
        sqlx::query!(
            "UPDATE interactions SET queue_id = ?1, due_at = 0
             WHERE state <> 'ended' AND queue_id IN (SELECT value FROM json_each(?2))",
            parent,
            gone,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM queues WHERE id = ?", id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets who works a leaf queue.
    pub async fn queue_members_set(&self, id: i64, members: &[String]) -> Result<(), StoreError> {
        let queue = self.queue(id).await?;
        let (_, tree) = self.experience(queue.channel_id).await?;
        if !tree.is_leaf(id) && !members.is_empty() {
            return Err(QueueError::NotLeaf { name: queue.name }.into());
        }
        let list = to_json(&members);
        let mut tx = self.write().await?;
        sqlx::query!("DELETE FROM queue_members WHERE queue_id = ?", id).execute(&mut *tx).await?;
        sqlx::query!(
            "INSERT INTO queue_members (queue_id, member)
             SELECT ?, value FROM json_each(?) WHERE value IN (SELECT name FROM members)",
            id,
            list,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Copies another channel's queue tree (names, keywords, settings, members) and experience
    /// settings over this channel's, keeping this channel's root.
    pub async fn experience_copy(&self, from_channel: i64, to_channel: i64) -> Result<(), StoreError> {
        let (experience, _) = self.experience(from_channel).await?;
        let source = self.queues(from_channel).await?;
        let target = self.queues(to_channel).await?;
        let (Some(from_root), Some(to_root)) = (
            source.iter().find(|q| q.parent_id.is_none()).map(|q| q.id),
            target.iter().find(|q| q.parent_id.is_none()).map(|q| q.id),
        ) else {
            return Err(StoreError::NotFound { what: "queue" });
        };
        let mut tx = self.write().await?;
        let mut experience = experience;
        experience.default_queue = None;
        let settings = to_json(&experience);
        sqlx::query!("UPDATE experiences SET settings = ? WHERE channel_id = ?", settings, to_channel)
            .execute(&mut *tx)
            .await?;
        sqlx::query!("DELETE FROM queues WHERE parent_id = ?", to_root).execute(&mut *tx).await?;
        let mut ids: HashMap<i64, i64> = HashMap::from([(from_root, to_root)]);
        for q in source.iter().filter(|q| q.parent_id.is_some()) {
            let Some(&parent) = q.parent_id.and_then(|p| ids.get(&p)) else { continue };
            let keywords = to_json(&q.keywords);
            let distribution = to_json(&q.distribution);
            let id = sqlx::query_scalar!(
                r#"INSERT INTO queues (channel_id, parent_id, position, name, keywords, priority, service_level_percent,
                                      service_level_seconds, target_response_seconds, distribution)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
                to_channel,
                parent,
                q.position,
                q.name,
                keywords,
                q.priority,
                q.service_level_percent,
                q.service_level_seconds,
                q.target_response_seconds,
                distribution,
            )
            .fetch_one(&mut *tx)
            .await?;
            ids.insert(q.id, id);
        }
        // Keywords are per tree: a copied keyword never clashes within the new tree.
        sqlx::query!("DELETE FROM queue_members WHERE queue_id = ?", to_root).execute(&mut *tx).await?;
        for q in &source {
            if let Some(&id) = ids.get(&q.id) {
                let members = to_json(&q.members);
                sqlx::query!(
                    "INSERT OR IGNORE INTO queue_members (queue_id, member) SELECT ?, value FROM json_each(?)",
                    id,
                    members,
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    // ---- routing: what is due, and recording decisions ----

    /// Open interactions routing must look at now: new ones, ones with unread customer
    /// messages or a change (`due_at` 0), and ones whose timer is due.
    pub async fn routing_due(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<RoutedInteraction>, StoreError> {
        let at = to_millis(now);
        let rows = sqlx::query!(
            r#"SELECT i.id AS "id!", i.routed_message_id, s.channel_id, c.platform, k.opted_out, s.last_inbound_at,
                      (SELECT max(created_at) FROM messages o WHERE o.session_id = s.id AND o.author = 'agent') AS "last_outbound: i64"
               FROM interactions i
               JOIN sessions s ON s.id = i.session_id
               JOIN channels c ON c.id = s.channel_id
               JOIN contacts k ON k.id = s.contact_id
               WHERE i.state <> 'ended' AND i.due_at <= ?
               ORDER BY i.due_at, i.id
               LIMIT ?"#,
            at,
            limit,
        )
        .fetch_all(&self.pool)
        .await?;
        let mut due = Vec::with_capacity(rows.len());
        for r in rows {
            let row = interaction_rows!("WHERE id = ?", r.id).fetch_one(&self.pool).await?;
            let (id, session_id, interaction) = row.into_core()?;
            let since = r.routed_message_id.unwrap_or(0);
            let unread = sqlx::query!(
                r#"SELECT id AS "id!", body FROM messages
                   WHERE session_id = ? AND direction = 'inbound' AND id > ? ORDER BY id"#,
                session_id,
                since,
            )
            .fetch_all(&self.pool)
            .await?;
            due.push(RoutedInteraction {
                id,
                session_id,
                channel_id: r.channel_id,
                platform: parse_name("platform", &r.platform, Platform::parse)?,
                interaction,
                activity: Activity {
                    last_inbound: r.last_inbound_at.map(from_millis).transpose()?,
                    last_outbound: r.last_outbound.map(from_millis).transpose()?,
                },
                opted_out: r.opted_out != 0,
                unread: unread.into_iter().map(|m| (m.id, m.body)).collect(),
                new: r.routed_message_id.is_none(),
            });
        }
        Ok(due)
    }

    /// The earliest timer deadline of any open interaction (the scheduler sleeps until then).
    pub async fn routing_next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        let at = sqlx::query_scalar!(
            r#"SELECT min(due_at) AS "at: i64" FROM interactions WHERE state <> 'ended' AND due_at IS NOT NULL"#
        )
        .fetch_one(&self.pool)
        .await?;
        at.map(from_millis).transpose()
    }

    /// Records one routing decision: the interaction's new value, the automated texts (as
    /// pending outbox messages from the system, untagged), what routing has read, the next
    /// deadline and the timeline, in one transaction.
    pub async fn routing_record(&self, record: RoutingRecord<'_>) -> Result<Vec<MessageRecord>, StoreError> {
        let mut tx = self.write().await?;
        let now = interaction_rows!("WHERE id = ?", record.interaction_id).fetch_optional(&mut *tx).await?;
        if now.map(|r| r.into_core()).transpose()?.map(|(_, _, i)| i).as_ref() != Some(record.read) {
            return Ok(Vec::new());
        }
        let due = record.due_at.map(to_millis);
        write_interaction(&mut tx, record.interaction_id, record.interaction, due).await?;
        if let Some(read) = record.routed_message_id {
            sqlx::query!(
                "UPDATE interactions SET routed_message_id = ? WHERE id = ?",
                read,
                record.interaction_id
            )
            .execute(&mut *tx)
            .await?;
        }
        let at = to_millis(record.now);
        let mut messages = Vec::with_capacity(record.texts.len());
        for text in record.texts {
            let row = sqlx::query_as!(
                MessageRow,
                r#"INSERT INTO messages (session_id, channel_id, direction, author, body, delivery, created_at)
                   SELECT id, channel_id, 'outbound', 'system', ?, 'pending', ? FROM sessions WHERE id = ?
                   RETURNING id AS "id!", session_id, direction, author, body, delivery, failure, tag, created_at"#,
                text,
                at,
                record.session_id,
            )
            .fetch_one(&mut *tx)
            .await?;
            messages.push(MessageRecord::try_from(row)?);
        }
        for (kind, detail) in record.events {
            record_event(&mut tx, record.interaction_id, record.now, kind, None, detail.as_deref()).await?;
        }
        refresh_session(&mut tx, record.session_id).await?;
        tx.commit().await?;
        Ok(messages)
    }

    /// Assigns what can be assigned now, in one transaction: reads every waiting interaction
    /// and every member's load, asks core for the plan, writes it. SQLite's write lock is held
    /// from the first read (`BEGIN IMMEDIATE`), so eligibility holds at commit.
    pub async fn assign_waiting(&self, now: Timestamp) -> Result<Vec<(i64, i64, String)>, StoreError> {
        let default = self.default_capacity().await?;
        let mut tx = self.write().await?;
        let waiting_rows = sqlx::query!(
            r#"SELECT i.id AS "id!", i.session_id, i.queue_id AS "queue_id!", i.queued_at, q.priority, c.platform,
                      (SELECT p.agent FROM interactions p WHERE p.session_id = i.session_id AND p.id < i.id
                       AND p.agent IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS previous_agent
               FROM interactions i
               JOIN queues q ON q.id = i.queue_id
               JOIN sessions s ON s.id = i.session_id
               JOIN channels c ON c.id = s.channel_id
               WHERE i.state = 'queued' AND i.queue_id IS NOT NULL"#
        )
        .fetch_all(&mut *tx)
        .await?;
        if waiting_rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut sessions = HashMap::with_capacity(waiting_rows.len());
        let mut waiting = Vec::with_capacity(waiting_rows.len());
        for r in waiting_rows {
            sessions.insert(r.id, r.session_id);
            waiting.push(Waiting {
                interaction: r.id,
                queue: r.queue_id,
                priority: r.priority,
                platform: parse_name("platform", &r.platform, Platform::parse)?,
                queued_at: from_millis(r.queued_at)?,
                previous_agent: r.previous_agent,
            });
        }
        let agents = agents(&mut tx, &default, now).await?;
        let distributions: HashMap<i64, Distribution> = sqlx::query!(
            r#"SELECT id AS "id!", distribution FROM queues WHERE distribution <> '{"kind":"longest_idle"}'"#
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| Ok((r.id, json(&r.distribution)?)))
        .collect::<Result<_, StoreError>>()?;
        let plan = switchboard_core::routing::assignment::plan(&waiting, &agents, &distributions, now);
        if plan.is_empty() {
            return Ok(Vec::new());
        }
        let at = to_millis(now);
        let rows = to_json(&plan.iter().map(|a| (a.interaction, &a.agent)).collect::<Vec<_>>());
        // Core's `assign` on each: queued → assigned, the agent, the time.
        let assigned = InteractionState::Assigned.as_str();
        sqlx::query!(
            "UPDATE interactions SET state = ?1, agent = j.value ->> 1, assigned_at = ?2, due_at = 0
             FROM json_each(?3) j
             WHERE interactions.id = j.value ->> 0 AND interactions.state = 'queued'",
            assigned,
            at,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO interaction_events (interaction_id, at, kind, actor)
             SELECT j.value ->> 0, ?1, 'assigned', j.value ->> 1 FROM json_each(?2) j",
            at,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE members SET idle_since = ?1 WHERE name IN (SELECT value ->> 1 FROM json_each(?2))",
            at,
            rows,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(plan
            .into_iter()
            .map(|Assignment { interaction, agent }| (interaction, sessions[&interaction], agent))
            .collect())
    }

    /// Changes a session's open interaction as core's `change` says, in one transaction, and
    /// records it on the timeline. Answers the new value.
    pub async fn interaction_update(
        &self,
        session_id: i64,
        actor: &str,
        event: &str,
        change: impl FnOnce(Interaction) -> Result<Interaction, switchboard_core::interaction::TransitionError>,
        now: Timestamp,
    ) -> Result<Interaction, StoreError> {
        let mut tx = self.write().await?;
        let (id, interaction) = open_interaction(&mut tx, session_id)
            .await?
            .ok_or(StoreError::NotFound { what: "open interaction" })?;
        let was_mine = interaction.agent.clone();
        let changed = change(interaction)?;
        write_interaction(&mut tx, id, &changed, Some(0)).await?;
        record_event(&mut tx, id, now, event, Some(actor), changed.disposition.as_deref()).await?;
        if (!changed.is_open() || changed.agent.is_none())
            && let Some(agent) = was_mine
        {
            touch_idle(&mut tx, &agent, now).await?;
        }
        refresh_session(&mut tx, session_id).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Transfers a session's open interaction (core's `transfer`): it ends as `transferred`
    /// and a new one waits in `queue`, or is assigned to `agent`.
    pub async fn interaction_transfer(
        &self,
        session_id: i64,
        actor: &str,
        queue: i64,
        agent: Option<&str>,
        note: Option<&str>,
        now: Timestamp,
    ) -> Result<Interaction, StoreError> {
        let mut tx = self.write().await?;
        let (id, interaction) = open_interaction(&mut tx, session_id)
            .await?
            .ok_or(StoreError::NotFound { what: "open interaction" })?;
        let routed = sqlx::query_scalar!("SELECT routed_message_id FROM interactions WHERE id = ?", id)
            .fetch_one(&mut *tx)
            .await?;
        let previous = interaction.agent.clone();
        let (ended, next) = interaction.transfer(queue, agent, now)?;
        write_interaction(&mut tx, id, &ended, None).await?;
        let detail = switchboard_core::interaction::transfer_detail(queue, agent, note);
        record_event(&mut tx, id, now, "transferred", Some(actor), Some(&detail)).await?;
        let new_id = insert_interaction(&mut tx, session_id, &next, Some(routed.unwrap_or(0))).await?;
        sqlx::query!("UPDATE interactions SET transfer_note = ? WHERE id = ?", note, new_id)
            .execute(&mut *tx)
            .await?;
        record_event(
            &mut tx,
            new_id,
            now,
            if agent.is_some() { "assigned" } else { "queued" },
            Some(actor),
            note,
        )
        .await?;
        if let Some(previous) = previous {
            touch_idle(&mut tx, &previous, now).await?;
        }
        refresh_session(&mut tx, session_id).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Interactions in the hands of members who went Offline at or before `since`.
    pub async fn in_hand_of_offline(&self, since: Timestamp) -> Result<Vec<(i64, String)>, StoreError> {
        let at = to_millis(since);
        Ok(sqlx::query!(
            r#"SELECT i.session_id, i.agent AS "agent!" FROM interactions i JOIN members m ON m.name = i.agent
               WHERE i.state IN ('assigned', 'held') AND m.presence = 'offline' AND m.presence_since <= ?"#,
            at,
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| (r.session_id, r.agent))
        .collect())
    }

    /// Whether a customer waits in one of `member`'s queues: a walk of the waiting index per
    /// queue. Team mode's routing asks it every tick before it claims from PostgreSQL.
    pub async fn waiting_for(&self, member: &str) -> Result<bool, StoreError> {
        let waiting = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM queue_members m JOIN interactions i ON i.queue_id = m.queue_id
                              WHERE m.member = ? AND i.state = 'queued') AS "waiting!: bool""#,
            member,
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(waiting)
    }

    /// Every queue with its waiting count, and whether `member` works it.
    pub async fn queue_views(&self, member: &str) -> Result<Vec<QueueView>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT q.id AS "id!", q.channel_id, c.name AS channel_name, q.name,
                      NOT EXISTS (SELECT 1 FROM queues k WHERE k.parent_id = q.id) AS "leaf!: bool",
                      (SELECT count(*) FROM queue_members m WHERE m.queue_id = q.id) AS "members!: i64",
                      (SELECT count(*) FROM interactions i WHERE i.queue_id = q.id AND i.state = 'queued') AS "waiting!: i64",
                      (SELECT min(queued_at) FROM interactions i WHERE i.queue_id = q.id AND i.state = 'queued') AS "oldest: i64",
                      EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id AND m.member = ?) AS "mine!: bool"
               FROM queues q JOIN channels c ON c.id = q.channel_id
               ORDER BY c.name, q.channel_id, q.parent_id IS NOT NULL, q.parent_id, q.position"#,
            member,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(QueueView {
                    id: r.id,
                    channel_id: r.channel_id,
                    channel_name: r.channel_name,
                    name: r.name,
                    leaf: r.leaf,
                    members: r.members,
                    waiting: r.waiting,
                    oldest: r.oldest.map(from_millis).transpose()?,
                    mine: r.mine,
                })
            })
            .collect()
    }

    /// An interaction's timeline, oldest first: (at, kind, actor, detail).
    pub async fn interaction_timeline(
        &self,
        session_id: i64,
    ) -> Result<Vec<(Timestamp, String, Option<String>, Option<String>)>, StoreError> {
        let rows = sqlx::query!(
            "SELECT e.at, e.kind, e.actor, e.detail FROM interaction_events e
             JOIN interactions i ON i.id = e.interaction_id WHERE i.session_id = ? ORDER BY e.id",
            session_id,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| Ok((from_millis(r.at)?, r.kind, r.actor, r.detail))).collect()
    }
}

/// Every member with their queues and what they hold now.
/// An organisation-wide setting, as JSON.
pub(crate) async fn setting<T: serde::de::DeserializeOwned>(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
) -> Result<Option<T>, StoreError> {
    let value = sqlx::query_scalar!("SELECT value FROM routing_settings WHERE key = ?", key)
        .fetch_optional(&mut *conn)
        .await?;
    value.as_deref().map(json).transpose()
}

pub(crate) async fn member_records(
    conn: &mut sqlx::SqliteConnection,
) -> Result<Vec<MemberRecord>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT m.name AS "name!", m.presence, m.presence_since, m.idle_since, m.capacity,
                  (SELECT json_group_array(queue_id) FROM queue_members q WHERE q.member = m.name) AS "queues!: String",
                  (SELECT json_group_array(json_array(c.platform, i.state)) FROM interactions i
                   JOIN sessions s ON s.id = i.session_id JOIN channels c ON c.id = s.channel_id
                   WHERE i.agent = m.name AND i.state IN ('assigned', 'held')) AS "load!: String"
           FROM members m ORDER BY m.name"#
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MemberRecord {
                presence: parse_name("presence", &r.presence, Presence::parse)?,
                presence_since: from_millis(r.presence_since)?,
                idle_since: r.idle_since.map(from_millis).transpose()?,
                capacity: r.capacity.as_deref().map(json).transpose()?,
                queues: json(&r.queues)?,
                load: load(&r.load)?,
                name: r.name,
            })
        })
        .collect()
}

/// Every member as assignment sees them: their record, the default capacity where they have
/// none of their own, and how many they were given over the last day (percent allocation).
async fn agents(
    tx: &mut sqlx::SqliteConnection,
    default: &Capacity,
    now: Timestamp,
) -> Result<Vec<Agent>, StoreError> {
    let since = to_millis(now) - 86_400_000;
    let given: HashMap<String, i64> = sqlx::query!(
        r#"SELECT agent AS "agent!", count(*) AS "n!: i64" FROM interactions
           WHERE agent IS NOT NULL AND assigned_at >= ? GROUP BY agent"#,
        since,
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.agent, r.n))
    .collect();
    Ok(member_records(tx)
        .await?
        .into_iter()
        .map(|m| Agent {
            presence: m.presence,
            idle_since: m.idle_since,
            queues: m.queues,
            capacity: m.capacity.unwrap_or(*default),
            load: m.load,
            assigned_today: given.get(&m.name).map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
            name: m.name,
        })
        .collect())
}

/// A member's load from `[[platform, state], …]`.
fn load(value: &str) -> Result<Load, StoreError> {
    let pairs: Vec<(String, String)> = json(value)?;
    let mut load = Load::default();
    for (platform, state) in pairs {
        match Platform::parse(&platform) {
            Some(Platform::Messenger) => load.messenger += 1,
            Some(Platform::Sms) => load.sms += 1,
            Some(Platform::Whatsapp) => load.whatsapp += 1,
            None => return Err(StoreError::Corrupt { what: format!("platform {platform:?}") }),
        }
        if state == InteractionState::Held.as_str() {
            load.held += 1;
        }
    }
    Ok(load)
}

/// The tree core routes over, from the queue rows.
pub(crate) fn tree(queues: &[QueueRecord]) -> QueueTree {
    QueueTree::new(
        queues
            .iter()
            .map(|q| QueueNode {
                id: q.id,
                parent: q.parent_id,
                position: q.position,
                name: q.name.clone(),
                keywords: q.keywords.clone(),
                priority: q.priority,
            })
            .collect(),
    )
}

pub(crate) fn json<T: serde::de::DeserializeOwned>(value: &str) -> Result<T, StoreError> {
    serde_json::from_str(value).map_err(|e| StoreError::Corrupt { what: format!("routing JSON: {e}") })
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("routing values serialize")
}
