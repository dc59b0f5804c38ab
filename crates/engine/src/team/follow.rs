//! Team mode's replica in the running engine: it follows the team's change log into the local
//! cache and tells the windows, woken by LISTEN/NOTIFY and catching up every few seconds anyway
//! (a notification sent while this desktop was disconnected is lost, so nothing relies on one).

use crate::{Engine, EngineError, Event};

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use switchboard_store::{ReplicaApplied, ReplicaChange, ReplicaCursor, SnapshotPart};
use switchboard_team::{Change, ChangeCursor, REPLICATED, Team};

/// How often the replica looks without a wake-up.
const CATCH_UP: Duration = Duration::from_secs(2);
/// How many changes one transaction of the replica applies.
const BATCH: i64 = 1_000;
/// How long the team keeps its change log: a replica offline longer is rebuilt from a snapshot.
const KEEP_CHANGES: Duration = Duration::from_secs(7 * 24 * 3600);
/// How often a desktop offers to prune the log (one at a time does it).
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl Engine {
    /// Follows `team`'s change log into the cache until the engine stops.
    pub fn follow_team(self: &Arc<Self>, team: Team) {
        tokio::spawn(follow(self.clone(), team));
    }

    /// After a write to the team from this desktop: the replica has it before the caller reads
    /// it back (the settings screen shows what it saved).
    pub(crate) async fn team_caught_up(&self, team: &Team) -> Result<(), EngineError> {
        self.team_catch_up(team).await.map(|_| ())
    }

    /// How far this replica has read the team's log in order.
    pub async fn team_cursor(&self) -> Result<ReplicaCursor, EngineError> {
        Ok(self.store.replica_cursor().await?)
    }

    /// Applies every change the team has committed since the replica's cursor; answers how many.
    pub async fn team_catch_up(&self, team: &Team) -> Result<usize, EngineError> {
        let _turn = match self.team_link() {
            Some(link) => Some(link.catching_up.lock().await),
            None => None,
        };
        let mut applied = 0;
        // A replica that was away longer than the log is kept (or a new one, once the team's
        // log has been pruned) is built from a snapshot; otherwise it replays the log.
        let at = self.store.replica_cursor().await?;
        let pruned = team.change_log_pruned().await?;
        if (at.txid, at.position) < (pruned.txid, pruned.position) {
            applied += self.team_rebuild(team).await?;
        }
        // A long way behind (joining, or back after days away): the windows show how far.
        let mut total: Option<u64> = None;
        loop {
            let at = self.store.replica_cursor().await?;
            let at = ChangeCursor { txid: at.txid, position: at.position };
            let batch = team.changes_since(at, BATCH).await?;
            let Some(last) = batch.last() else {
                if let Some(total) = total {
                    let progress = crate::TeamProgress { step: "updating", done: total, total };
                    self.publish(Event::TeamProgress { progress });
                }
                return Ok(applied + self.team_apply_ahead(team, at).await?);
            };
            if total.is_none() && batch.len() as i64 == BATCH {
                total = Some(u64::try_from(team.changes_after(at).await?).unwrap_or(0));
            }
            let cursor = ReplicaCursor { txid: last.cursor.txid, position: last.cursor.position };
            // Customers' messages this desktop already showed ahead of the cursor were notified then.
            let notified: HashSet<i64> = self.team_link().map_or_else(HashSet::new, |link| {
                let ahead = link.ahead.lock().unwrap_or_else(|p| p.into_inner());
                let ahead = batch.iter().filter(|c| c.entity == "messages" && ahead.contains(&c.cursor));
                ahead.filter_map(|c| c.key).collect()
            });
            let done = self.team_apply(team, &batch, Some(cursor)).await?;
            applied += batch.len();
            match total {
                Some(total) => {
                    // Building a replica (thousands of changes): one reload at the end (the
                    // windows reload when the progress ends) instead of an event per message.
                    let done = (applied as u64).min(total);
                    self.publish(Event::TeamProgress {
                        progress: crate::TeamProgress { step: "updating", done, total },
                    });
                }
                None => self.publish_applied(done, &notified).await,
            }
            self.publish_awaiting().await;
            // Something changed in the team: an interaction to claim, a reply to send.
            self.wake_routing();
            self.outbox_wake.notify_waiters();
        }
    }

    /// Applies what the team committed beyond the cursor while an older transaction still runs
    /// (a frozen desktop's, or another database's on the same server), each change once here;
    /// the cursor applies them again when it gets there.
    async fn team_apply_ahead(&self, team: &Team, at: ChangeCursor) -> Result<usize, EngineError> {
        let Some(link) = self.team_link() else { return Ok(0) };
        let ahead = team.changes_ahead(at, BATCH).await?;
        let fresh: Vec<Change> = {
            let mut seen = link.ahead.lock().unwrap_or_else(|p| p.into_inner());
            seen.retain(|c| *c > at);
            ahead.into_iter().filter(|c| seen.insert(c.cursor)).collect()
        };
        if fresh.is_empty() {
            return Ok(0);
        }
        let done = self.team_apply(team, &fresh, None).await?;
        self.publish_applied(done, &HashSet::new()).await;
        self.publish_awaiting().await;
        self.wake_routing();
        self.outbox_wake.notify_waiters();
        Ok(fresh.len())
    }

    /// Applies changes to the replica (moving its cursor when given), with the whole of any
    /// session that came into this member's view after its first rows went by.
    async fn team_apply(
        &self,
        team: &Team,
        batch: &[Change],
        cursor: Option<ReplicaCursor>,
    ) -> Result<ReplicaApplied, EngineError> {
        let changes: Vec<ReplicaChange> = batch.iter().map(ReplicaChange::from).collect();
        let mut done = match cursor {
            Some(cursor) => self.store.replica_apply(&changes, cursor).await?,
            None => self.store.replica_apply_ahead(&changes).await?,
        };
        if !done.missing_sessions.is_empty() {
            let whole = team.sessions_whole(&done.missing_sessions).await?;
            let whole: Vec<ReplicaChange> = whole.iter().map(ReplicaChange::from).collect();
            let more = self.store.replica_apply_ahead(&whole).await?;
            done.sessions.extend(more.sessions);
            done.messages.extend(more.messages);
        }
        Ok(done)
    }

    /// Tells the windows what a batch changed, and raises the notice for customers' messages
    /// (but not again for those already `notified`).
    async fn publish_applied(&self, done: ReplicaApplied, notified: &HashSet<i64>) {
        for (message_id, session_id) in done.replaced {
            self.publish(Event::MessageRemoved { message_id, session_id });
        }
        let mut arrived = Vec::new();
        for id in done.messages {
            if let Ok(message) = self.store.message(id).await {
                if message.direction == switchboard_core::Direction::Inbound && !notified.contains(&id) {
                    arrived.push(message.clone());
                }
                self.publish(Event::MessageChanged { message });
            }
        }
        self.notify_arrivals(arrived).await;
        for session_id in done.sessions {
            self.publish_session(session_id).await;
        }
    }
}

impl Engine {
    /// Builds the replica from a snapshot of the team's tables, table by table with a progress
    /// bar, removing what the team no longer has; then the log is followed from the snapshot.
    async fn team_rebuild(&self, team: &Team) -> Result<usize, EngineError> {
        let mut snapshot = team.snapshot().await?;
        let total = snapshot.size().await?;
        let mut done = 0u64;
        let progress =
            |done| Event::TeamProgress { progress: crate::TeamProgress { step: "updating", done, total } };
        self.publish(progress(0));
        for (table, key) in REPLICATED {
            let mut after = 0;
            loop {
                let rows = snapshot.rows(table, after, BATCH).await?;
                let changes: Vec<ReplicaChange> = rows.iter().map(ReplicaChange::from).collect();
                let last = rows.last().and_then(|c| c.key);
                let part = match key {
                    None => SnapshotPart::Whole,
                    Some(_) if rows.len() as i64 == BATCH => SnapshotPart::Keys { after, upto: last },
                    Some(_) => SnapshotPart::Keys { after, upto: None },
                };
                self.store.replica_snapshot(table, &changes, part).await?;
                done += rows.len() as u64;
                self.publish(progress(done.min(total)));
                match part {
                    SnapshotPart::Keys { upto: Some(last), .. } => after = last,
                    _ => break,
                }
            }
        }
        let cursor = snapshot.cursor();
        snapshot.close().await?;
        self.store
            .replica_snapshot_done(ReplicaCursor { txid: cursor.txid, position: cursor.position })
            .await?;
        tracing::info!(rows = done, "replica built from a snapshot of the team");
        self.publish(progress(total));
        Ok(usize::try_from(done).unwrap_or(usize::MAX))
    }

    /// Customers' new messages from the team raise this desktop's notice, one per platform, as
    /// a poll's do in solo mode (the session on screen and do-not-disturb are respected there).
    async fn notify_arrivals(&self, arrived: Vec<switchboard_store::MessageRecord>) {
        let mut by_platform: Vec<(switchboard_core::Platform, Vec<switchboard_store::MessageRecord>)> =
            Vec::new();
        for message in arrived {
            let Ok(session) = self.store.session_summary(message.session_id).await else { continue };
            match by_platform.iter_mut().find(|(p, _)| *p == session.platform) {
                Some((_, messages)) => messages.push(message),
                None => by_platform.push((session.platform, vec![message])),
            }
        }
        for (platform, messages) in by_platform {
            self.notify_new(platform.label(), &messages).await;
        }
    }
}

/// Offers to prune the team's change log every hour (whoever gets there first does it).
pub(super) async fn prune(engine: Arc<Engine>) {
    let Some(link) = engine.team_link() else { return };
    let mut every = tokio::time::interval(PRUNE_EVERY);
    loop {
        every.tick().await;
        // Pollers prune (the database lets no one else); the first look waits for the roles.
        if link.holds("poller") != Some(true) {
            continue;
        }
        match link.team.changes_prune(KEEP_CHANGES).await {
            Ok(0) => {}
            Ok(gone) => tracing::info!(gone, "pruned the team's change log"),
            Err(error) => tracing::warn!(%error, "cannot prune the team's change log"),
        }
    }
}

async fn follow(engine: Arc<Engine>, team: Team) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let mut wakeups = match team.listen().await {
            Ok(wakeups) => Some(wakeups),
            Err(error) => {
                tracing::warn!(%error, "cannot listen to the team's changes; catching up on a timer");
                None
            }
        };
        loop {
            if engine.team_link().is_some_and(|link| link.signed_out().is_some()) {
                return;
            }
            if let Err(error) = engine.team_catch_up(&team).await {
                tracing::warn!(%error, "catching up with the team failed; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                break;
            }
            backoff = Duration::from_millis(200);
            match wakeups.as_mut() {
                Some(w) => {
                    if let Ok(Err(error)) = tokio::time::timeout(CATCH_UP, w.next()).await {
                        tracing::warn!(%error, "the team's notifications stopped; listening again");
                        break;
                    }
                }
                None => {
                    tokio::time::sleep(CATCH_UP).await;
                    break;
                }
            }
        }
    }
}
