//! What the supervisor's monitor reads: interactions as core's metrics take them, the queues
//! with their targets, who waits, and what each agent holds.

use crate::routing::json;
use crate::sessions::contact_name;
use crate::{MemberRecord, Store, StoreError, from_millis, parse_name, to_millis};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use switchboard_core::alerts::{Breach, Thresholds};
use switchboard_core::metrics::Record;
use switchboard_core::{EndReason, Platform};

/// A queue on the wallboard, with the targets its figures are measured against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoredQueue {
    pub id: i64,
    pub name: String,
    pub channel_name: String,
    pub platform: Platform,
    pub service_level_percent: i64,
    pub service_level_seconds: i64,
    pub target_response_seconds: i64,
}

/// A customer in a queue now, or in an agent's hands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoredInteraction {
    pub interaction_id: i64,
    pub session_id: i64,
    pub contact_name: String,
    pub platform: Platform,
    pub queue_id: Option<i64>,
    pub agent: Option<String>,
    /// queued, assigned or held.
    pub state: String,
    pub queued_at: Timestamp,
    pub assigned_at: Option<Timestamp>,
    /// The customer's first message since the last reply, if they await one.
    pub awaiting_since: Option<Timestamp>,
}

/// What the wallboard is made from, as the cache has it at one moment.
#[derive(Debug, Clone)]
pub struct MonitorSnapshot {
    /// The interactions that entered a queue today, and those still waiting.
    pub records: Vec<Record>,
    pub queues: Vec<MonitoredQueue>,
    /// Who waits and who is in an agent's hands now.
    pub open: Vec<MonitoredInteraction>,
    pub members: Vec<MemberRecord>,
    pub default_capacity: switchboard_core::routing::Capacity,
    pub alerts: Vec<BreachRecord>,
}

impl Store {
    /// Every interaction that entered a queue since `since`, and every one still waiting.
    pub async fn monitor_records(&self, since: Timestamp) -> Result<Vec<Record>, StoreError> {
        monitor_records(&mut *self.pool.acquire().await?, since).await
    }

    /// Everything the wallboard is made from, read in one transaction: one moment of the cache.
    /// Read apart, a replica applying the team's changes between two reads could show a
    /// customer waiting in a queue that today's figures have not counted yet.
    pub async fn monitor_snapshot(&self, since: Timestamp) -> Result<MonitorSnapshot, StoreError> {
        let mut tx = self.pool.begin().await?;
        let snapshot = MonitorSnapshot {
            records: monitor_records(&mut tx, since).await?,
            queues: monitor_queues(&mut tx).await?,
            open: monitor_open(&mut tx).await?,
            members: crate::routing::member_records(&mut tx).await?,
            default_capacity: crate::routing::setting(&mut tx, crate::routing::CAPACITY_KEY)
                .await?
                .unwrap_or_default(),
            alerts: breaches(&mut tx, true, i64::MAX).await?,
        };
        tx.commit().await?;
        Ok(snapshot)
    }

    /// The interactions that entered a queue in `[from, to)`, for reports.
    pub async fn report_records(&self, from: Timestamp, to: Timestamp) -> Result<Vec<Record>, StoreError> {
        let (from, to) = (to_millis(from), to_millis(to));
        let rows = sqlx::query_scalar!(
            r#"SELECT json_group_array(json_array(queue_id, agent, queued_at, assigned_at, first_response_at,
                                                  ended_at, end_reason, disposition)) AS "rows!: String"
               FROM interactions WHERE queue_id IS NOT NULL AND queued_at >= ?1 AND queued_at < ?2"#,
            from,
            to
        )
        .fetch_one(&self.pool)
        .await?;
        records(&rows)
    }

    /// The queues interactions wait in (leaves and roots: a root takes what no menu sent on).
    pub async fn monitor_queues(&self) -> Result<Vec<MonitoredQueue>, StoreError> {
        monitor_queues(&mut *self.pool.acquire().await?).await
    }

    /// Who waits in a queue and who is in an agent's hands now, oldest first.
    pub async fn monitor_open(&self) -> Result<Vec<MonitoredInteraction>, StoreError> {
        monitor_open(&mut *self.pool.acquire().await?).await
    }
}

/// The queues interactions wait in (leaves and roots: a root takes what no menu sent on).
async fn monitor_queues(conn: &mut SqliteConnection) -> Result<Vec<MonitoredQueue>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT q.id AS "id!", q.name, c.name AS channel_name, c.platform, q.service_level_percent,
                      q.service_level_seconds, q.target_response_seconds
               FROM queues q JOIN channels c ON c.id = q.channel_id
               ORDER BY c.name, q.parent_id IS NOT NULL, q.position, q.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MonitoredQueue {
                id: r.id,
                name: r.name,
                channel_name: r.channel_name,
                platform: parse_name("platform", &r.platform, Platform::parse)?,
                service_level_percent: r.service_level_percent,
                service_level_seconds: r.service_level_seconds,
                target_response_seconds: r.target_response_seconds,
            })
        })
        .collect()
}

/// Who waits in a queue and who is in an agent's hands now, oldest first.
async fn monitor_open(conn: &mut SqliteConnection) -> Result<Vec<MonitoredInteraction>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT i.id AS "id!", i.session_id, k.first_name, k.last_name, k.platform_name,
                      k.platform_id, c.platform, i.queue_id, i.agent, i.state, i.queued_at, i.assigned_at,
                      s.awaiting_since
               FROM interactions i JOIN sessions s ON s.id = i.session_id
               JOIN contacts k ON k.id = s.contact_id JOIN channels c ON c.id = s.channel_id
               WHERE i.state <> 'ended' AND i.state <> 'selecting'
               ORDER BY i.queued_at, i.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MonitoredInteraction {
                interaction_id: r.id,
                session_id: r.session_id,
                contact_name: contact_name(
                    r.first_name.as_deref(),
                    r.last_name.as_deref(),
                    r.platform_name.as_deref(),
                    &r.platform_id,
                ),
                platform: parse_name("platform", &r.platform, Platform::parse)?,
                queue_id: r.queue_id,
                agent: r.agent,
                state: r.state,
                queued_at: from_millis(r.queued_at)?,
                assigned_at: r.assigned_at.map(from_millis).transpose()?,
                awaiting_since: r.awaiting_since.map(from_millis).transpose()?,
            })
        })
        .collect()
}

/// Every interaction that entered a queue since `since`, and every one still waiting.
async fn monitor_records(conn: &mut SqliteConnection, since: Timestamp) -> Result<Vec<Record>, StoreError> {
    let since = to_millis(since);
    // Index-only (interactions_for_reports covers these columns): a busy day is 20,000 rows,
    // read as one JSON array — a row at a time through the driver costs more than the
    // query (measured: 48 ms for 13,000 rows, against 12 ms this way).
    let rows = sqlx::query_scalar!(
            r#"SELECT json_group_array(json_array(queue_id, agent, queued_at, assigned_at, first_response_at,
                                                  ended_at, end_reason, disposition)) AS "rows!: String"
               FROM (SELECT queue_id, agent, queued_at, assigned_at, first_response_at, ended_at, end_reason, disposition
                     FROM interactions WHERE queue_id IS NOT NULL AND queued_at >= ?1
                     UNION ALL
                     -- Those waiting since before: few, in the waiting index (not a scan of the
                     -- history by date, which the planner would otherwise choose).
                     SELECT queue_id, agent, queued_at, assigned_at, first_response_at, ended_at, end_reason, disposition
                     FROM interactions INDEXED BY interactions_waiting
                     WHERE state = 'queued' AND queued_at < ?1 AND queue_id IS NOT NULL)"#,
            since
        )
        .fetch_one(&mut *conn)
        .await?;
    records(&rows)
}

impl Store {
    /// The team's opening hours for reports' "business hours only": the first channel's routing
    /// schedule (the one whose zone is the team's).
    pub async fn monitor_schedule(&self) -> Result<Option<switchboard_core::routing::Schedule>, StoreError> {
        let settings = sqlx::query_scalar!(
            "SELECT e.settings FROM experiences e JOIN channels c ON c.id = e.channel_id ORDER BY c.id LIMIT 1"
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(settings) = settings else { return Ok(None) };
        let value: serde_json::Value = json(&settings)?;
        Ok(value.get("schedule").cloned().and_then(|s| serde_json::from_value(s).ok()))
    }

    /// The team's time zone for "today" and reports: the schedule's zone of the first channel's
    /// routing experience (the one an admin set in Settings → Routing), if any.
    pub async fn monitor_zone(&self) -> Result<Option<String>, StoreError> {
        let settings = sqlx::query_scalar!(
            "SELECT e.settings FROM experiences e JOIN channels c ON c.id = e.channel_id ORDER BY c.id LIMIT 1"
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(settings) = settings else { return Ok(None) };
        let value: serde_json::Value =
            serde_json::from_str(&settings).map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
        Ok(value.pointer("/schedule/zone").and_then(|z| z.as_str()).map(str::to_owned))
    }
}

/// The routing setting that holds each queue's alert limits.
pub const ALERT_THRESHOLDS_KEY: &str = "alert_thresholds";

/// A breach as this desktop recorded it: when it began and, once back within, when it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreachRecord {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub queue_id: Option<i64>,
    pub agent: Option<String>,
    pub focus: String,
    pub text: String,
    pub started_at: Timestamp,
    pub cleared_at: Option<Timestamp>,
}

impl Store {
    /// Each queue's alert limits (none: not watched).
    pub async fn alert_thresholds(&self) -> Result<BTreeMap<i64, Thresholds>, StoreError> {
        Ok(self.setting(ALERT_THRESHOLDS_KEY).await?.unwrap_or_default())
    }

    pub async fn alert_thresholds_set(
        &self,
        thresholds: &BTreeMap<i64, Thresholds>,
    ) -> Result<(), StoreError> {
        self.setting_set(ALERT_THRESHOLDS_KEY, thresholds).await
    }

    /// Records the breaches that began and ends those that are back within, in one transaction.
    pub async fn alerts_record(
        &self,
        began: &[&Breach],
        ended: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let at = to_millis(now);
        let mut tx = self.write().await?;
        for breach in began {
            let kind = breach.kind.as_str();
            sqlx::query!(
                "INSERT INTO alert_breaches (key, kind, queue_id, agent, focus, text, started_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) WHERE cleared_at IS NULL DO NOTHING",
                breach.key,
                kind,
                breach.queue_id,
                breach.agent,
                breach.focus,
                breach.text,
                at,
            )
            .execute(&mut *tx)
            .await?;
        }
        for key in ended {
            sqlx::query!(
                "UPDATE alert_breaches SET cleared_at = ? WHERE key = ? AND cleared_at IS NULL",
                at,
                key
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The breaches still open, oldest first.
    pub async fn alerts_open(&self) -> Result<Vec<BreachRecord>, StoreError> {
        self.alerts(true, i64::MAX).await
    }

    /// The newest breaches, open or ended.
    pub async fn alerts_history(&self, limit: i64) -> Result<Vec<BreachRecord>, StoreError> {
        self.alerts(false, limit).await
    }

    async fn alerts(&self, open_only: bool, limit: i64) -> Result<Vec<BreachRecord>, StoreError> {
        breaches(&mut *self.pool.acquire().await?, open_only, limit).await
    }
}

/// Breaches of the alert limits: the open ones, oldest first, or the newest `limit` of all.
async fn breaches(
    conn: &mut SqliteConnection,
    open_only: bool,
    limit: i64,
) -> Result<Vec<BreachRecord>, StoreError> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", key, kind, queue_id, agent, focus, text, started_at, cleared_at
               FROM alert_breaches WHERE (?1 = 0 OR cleared_at IS NULL)
               ORDER BY CASE WHEN ?1 = 0 THEN -started_at ELSE started_at END, id LIMIT ?2"#,
        open_only,
        limit,
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(BreachRecord {
                id: r.id,
                key: r.key,
                kind: r.kind,
                queue_id: r.queue_id,
                agent: r.agent,
                focus: r.focus,
                text: r.text,
                started_at: from_millis(r.started_at)?,
                cleared_at: r.cleared_at.map(from_millis).transpose()?,
            })
        })
        .collect()
}

/// Interactions read as one JSON array of rows.
fn records(rows: &str) -> Result<Vec<Record>, StoreError> {
    type Row =
        (i64, Option<String>, i64, Option<i64>, Option<i64>, Option<i64>, Option<String>, Option<String>);
    let rows: Vec<Row> = json(rows)?;
    rows.into_iter()
        .map(
            |(queue, agent, queued_at, assigned_at, first_response_at, ended_at, end_reason, disposition)| {
                Ok(Record {
                    queue,
                    agent,
                    queued_at: from_millis(queued_at)?,
                    assigned_at: assigned_at.map(from_millis).transpose()?,
                    first_response_at: first_response_at.map(from_millis).transpose()?,
                    ended_at: ended_at.map(from_millis).transpose()?,
                    end_reason: end_reason
                        .as_deref()
                        .map(|e| parse_name("end reason", e, EndReason::parse))
                        .transpose()?,
                    disposition,
                })
            },
        )
        .collect()
}
