//! Routing in the running system: a scheduler that applies core's decisions — a new
//! interaction's greeting and menu, menu answers, timers, returns from Offline, assignment —
//! as the injected clock says, and the agent's and admin's routing actions.
//!
//! Timers are stored deadlines (`due_at`), not sleeping tasks: a restart finds them where they
//! were, and a decision that ran changes the facts, so each timer fires once.

use crate::{Engine, EngineError, Event};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use switchboard_core::routing::automation::{self, Decision};
use switchboard_core::routing::{
    Capacity, Distribution, Experience, Keyword, Presence, QueueName, QueueTree, Setting,
};
use switchboard_core::{Variables, canned};
use switchboard_store::{MemberRecord, QueueChange, QueueRecord, RoutedInteraction, RoutingRecord};

/// How many interactions one pass decides about before it looks again.
const BATCH: u32 = 200;

/// Runs routing passes: when woken (a message came in, an agent acted) and every `tick`
/// (timers follow the clock).
pub(crate) async fn run(engine: Arc<Engine>) {
    // The first pass assigns whatever a crash left waiting.
    let mut woken = true;
    loop {
        if let Err(error) = engine.route(woken).await {
            tracing::warn!(%error, "a routing pass failed; the next one retries");
        }
        woken = tokio::select! {
            () = engine.routing_wake.notified() => true,
            () = tokio::time::sleep(engine.config.routing_tick) => false,
        };
    }
}

/// The OS's time zone, for a new experience's office hours.
pub(crate) fn system_zone() -> String {
    jiff::tz::TimeZone::system().iana_name().unwrap_or("UTC").to_owned()
}

/// A queue's settings as the routing screen sends them.
#[derive(Debug, Clone, Deserialize)]
pub struct QueueSettings {
    pub name: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub priority: i64,
    pub service_level_percent: i64,
    pub service_level_seconds: i64,
    pub target_response_seconds: i64,
    #[serde(default)]
    pub distribution: Distribution,
}

/// One entry of an interaction's timeline: queued, selecting, assigned, held, transferred,
/// ended — with who and when.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub kind: String,
    pub actor: Option<String>,
    pub detail: Option<String>,
}

/// One routing decision, to record.
#[derive(Debug, Clone)]
pub(crate) struct Decided {
    pub interaction: switchboard_core::Interaction,
    /// The newest customer message the decision read.
    pub routed: Option<i64>,
    pub texts: Vec<String>,
    pub due_at: Option<Timestamp>,
    pub events: Vec<(String, Option<String>)>,
}

impl Decided {
    pub(crate) fn record<'a>(&'a self, item: &'a RoutedInteraction, now: Timestamp) -> RoutingRecord<'a> {
        RoutingRecord {
            interaction_id: item.id,
            session_id: item.session_id,
            read: &item.interaction,
            interaction: &self.interaction,
            routed_message_id: self.routed,
            texts: &self.texts,
            due_at: self.due_at,
            events: &self.events,
            now,
        }
    }
}

/// A channel's routing as the settings screen shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RoutingSettings {
    pub channel_id: i64,
    pub experience: Experience,
    pub queues: Vec<QueueRecord>,
    pub members: Vec<String>,
    pub default_capacity: Capacity,
    pub dispositions: Vec<String>,
    pub offline_grace_minutes: u32,
}

impl Engine {
    /// Wakes the routing scheduler (something changed that it should look at).
    pub(crate) fn wake_routing(&self) {
        self.routing_wake.notify_one();
    }

    /// One routing pass: decisions on every interaction due, returns from Offline, and — when
    /// something changed (`woken`, or this pass decided something) — assignment. A quiet tick of
    /// the clock costs one indexed look for due deadlines and nothing more.
    pub(crate) async fn route(&self, woken: bool) -> Result<(), EngineError> {
        let now = self.clock.now();
        let mut experiences: HashMap<i64, (Experience, QueueTree)> = HashMap::new();
        let mut staffed: Option<std::collections::HashSet<i64>> = None;
        let mut touched = BTreeSet::new();
        let mut sent = false;
        loop {
            let due = self.store.routing_due(now, BATCH).await?;
            let count = due.len();
            if count > 0 && staffed.is_none() {
                let members = self.store.members().await?;
                staffed = Some(
                    members
                        .into_iter()
                        .filter(|m| m.presence.takes_new_work())
                        .flat_map(|m| m.queues)
                        .collect(),
                );
            }
            let staffed = staffed.as_ref();
            for item in due {
                if let std::collections::hash_map::Entry::Vacant(slot) = experiences.entry(item.channel_id) {
                    slot.insert(self.store.experience(item.channel_id).await?);
                }
                let (experience, tree) = &experiences[&item.channel_id];
                touched.insert(item.session_id);
                let staffed = staffed.expect("computed for a non-empty batch");
                sent |= self.decide(item, Setting { experience, tree, staffed }, now).await?;
            }
            if count < BATCH as usize {
                break;
            }
        }
        touched.extend(self.return_from_offline(now).await?);
        let assigned =
            if woken || !touched.is_empty() { self.store.assign_waiting(now).await? } else { Vec::new() };
        touched.extend(assigned.iter().map(|(_, session, _)| *session));
        if sent {
            self.outbox_wake.notify_one();
        }
        for session_id in touched {
            self.publish_session(session_id).await;
        }
        if !assigned.is_empty() {
            self.publish_members().await;
            self.publish_awaiting().await;
        }
        Ok(())
    }

    /// Core decides about one interaction; the store records it. Answers whether texts went
    /// to the outbox.
    async fn decide(
        &self,
        item: RoutedInteraction,
        setting: Setting<'_>,
        now: Timestamp,
    ) -> Result<bool, EngineError> {
        let decided = self.decision(&item, setting, now).await?;
        let messages = self.store.routing_record(decided.record(&item, now)).await?;
        for message in &messages {
            self.publish(Event::MessageChanged { message: message.clone() });
        }
        Ok(!messages.is_empty())
    }

    /// What core decides about one interaction due (solo's cache or the team's database
    /// records it): its next value, the texts to send (filled in, checked against the window),
    /// its next deadline and the timeline.
    pub(crate) async fn decision(
        &self,
        item: &RoutedInteraction,
        setting: Setting<'_>,
        now: Timestamp,
    ) -> Result<Decided, EngineError> {
        let item = item.clone();
        let Setting { experience, tree, .. } = setting;
        let before = item.interaction.clone();
        let mut routed = None;
        let mut decision = if item.new {
            // Messages that arrived with the first one were written before any menu was shown.
            routed = Some(item.unread.last().map_or(0, |m| m.0));
            automation::start(setting, item.interaction, now)
        } else {
            let mut decision = Decision { interaction: item.interaction, texts: Vec::new() };
            for (id, text) in &item.unread {
                let next = automation::customer_message(setting, decision.interaction, text, now);
                decision.interaction = next.interaction;
                decision.texts.extend(next.texts);
                routed = Some(*id);
            }
            decision
        };
        let mut events: Vec<(String, Option<String>)> = Vec::new();
        if let Some((timer, fired)) =
            automation::fire(experience, decision.interaction.clone(), item.activity, now)
        {
            decision.interaction = fired.interaction;
            decision.texts.extend(fired.texts);
            events.push(("timer".into(), Some(timer.as_str().into())));
        }
        if decision.interaction.state != before.state || decision.interaction.queue != before.queue {
            let queue = decision.interaction.queue.and_then(|q| tree.get(q)).map(|q| q.name.clone());
            let kind = match decision.interaction.state.end_reason() {
                Some(_) => "ended".to_owned(),
                None => decision.interaction.state.as_str().to_owned(),
            };
            let detail = decision.interaction.state.end_reason().map(|r| r.as_str().to_owned()).or(queue);
            events.push((kind, detail));
        }
        let due_at =
            automation::next_timer(experience, &decision.interaction, item.activity).map(|(_, at)| at);
        let mut texts = Vec::new();
        if !decision.texts.is_empty() {
            let session = self.store.session_summary(item.session_id).await?;
            let agent = decision.interaction.agent.clone().unwrap_or_else(|| self.config.agent.clone());
            let values = Variables {
                first_name: session.first_name.as_deref(),
                last_name: session.last_name.as_deref(),
                contact_name: &session.contact_name,
                agent_name: &agent,
                channel_name: &session.channel_name,
            };
            for text in &decision.texts {
                // Automated texts obey the window strictly: inside 24 h, untagged, or not at all.
                match automation::may_send_automated(
                    item.platform,
                    item.activity.last_inbound,
                    item.opted_out,
                    now,
                ) {
                    Ok(()) => texts.push(canned::fill(&text.text, &values)),
                    Err(why) => {
                        events.push(("not_sent".into(), Some(format!("{}: {why}", text.kind.as_str()))))
                    }
                }
            }
        }
        Ok(Decided { interaction: decision.interaction, routed, texts, due_at, events })
    }

    /// Agents Offline longer than the grace period hand their interactions back to their
    /// queues, so no customer is left with nobody.
    async fn return_from_offline(&self, now: Timestamp) -> Result<Vec<i64>, EngineError> {
        let grace = self.store.offline_grace().await?;
        let since = now - jiff::SignedDuration::from_mins(i64::from(grace));
        let mut back = Vec::new();
        for (session_id, agent) in self.store.in_hand_of_offline(since).await? {
            match self.store.interaction_update(session_id, &agent, "returned", |i| i.requeue(now), now).await
            {
                Ok(_) => back.push(session_id),
                Err(error) => tracing::warn!(%error, session_id, "cannot return an interaction to its queue"),
            }
        }
        Ok(back)
    }

    // ---- the agent's routing actions ----

    /// The signed-in agent as routing sees them.
    pub async fn member_me(&self) -> Result<MemberRecord, EngineError> {
        self.store
            .members()
            .await?
            .into_iter()
            .find(|m| m.name == self.config.agent)
            .ok_or(EngineError::Store(switchboard_store::StoreError::NotFound { what: "member" }))
    }

    pub async fn members(&self) -> Result<Vec<MemberRecord>, EngineError> {
        Ok(self.store.members().await?)
    }

    /// Available, Busy, Break or Offline: only Available receives new interactions.
    pub async fn presence_set(&self, presence: Presence) -> Result<MemberRecord, EngineError> {
        if let Some(team) = self.team() {
            // The team's routing reads it; the replica gets it back through the change log.
            team.member_presence_set(&self.config.agent, presence, self.clock.now()).await?;
        }
        self.store.member_presence_set(&self.config.agent, presence, self.clock.now()).await?;
        self.publish_members().await;
        self.wake_routing();
        self.member_me().await
    }

    pub(crate) async fn publish_members(&self) {
        match self.store.members().await {
            Ok(members) => self.publish(Event::MembersChanged { members }),
            Err(error) => tracing::warn!(%error, "cannot read the members"),
        }
    }

    /// Applies one of core's transitions to a session's open interaction, as the agent.
    async fn act(
        &self,
        session_id: i64,
        event: &str,
        change: impl FnOnce(
            switchboard_core::Interaction,
        ) -> Result<
            switchboard_core::Interaction,
            switchboard_core::interaction::TransitionError,
        >,
    ) -> Result<(), EngineError> {
        let now = self.clock.now();
        match self.team() {
            // The team's row, locked while core decides; the replica hears it back.
            Some(team) => {
                team.interaction_update(session_id, &self.config.agent, event, change, now).await?;
            }
            None => {
                self.store.interaction_update(session_id, &self.config.agent, event, change, now).await?;
            }
        }
        self.publish_session(session_id).await;
        self.publish_members().await;
        self.wake_routing();
        Ok(())
    }

    /// Takes a waiting interaction from one of the agent's queues.
    pub async fn interaction_pick_up(&self, session_id: i64) -> Result<(), EngineError> {
        let (agent, now) = (self.config.agent.clone(), self.clock.now());
        self.act(session_id, "assigned", move |i| {
            // A customer still choosing from the menu is taken where they are in it.
            let i = match (i.state, i.menu) {
                (switchboard_core::InteractionState::Selecting, Some(menu)) => {
                    i.enter_queue(menu.node, now)?
                }
                _ => i,
            };
            i.assign(&agent, now)
        })
        .await
    }

    pub async fn interaction_hold(&self, session_id: i64) -> Result<(), EngineError> {
        self.act(session_id, "held", |i| i.hold()).await
    }

    pub async fn interaction_resume(&self, session_id: i64) -> Result<(), EngineError> {
        self.act(session_id, "resumed", |i| i.resume()).await
    }

    /// Ends the interaction with a disposition from the admin's list.
    pub async fn interaction_end(
        &self,
        session_id: i64,
        disposition: Option<&str>,
    ) -> Result<(), EngineError> {
        if let Some(d) = disposition
            && !self.store.dispositions().await?.iter().any(|known| known == d)
        {
            return Err(EngineError::Refused(format!(
                "\"{d}\" is not one of the dispositions an admin keeps."
            )));
        }
        let now = self.clock.now();
        let disposition = disposition.map(str::to_owned);
        self.act(session_id, "ended", move |i| i.end_with(disposition.as_deref(), now)).await?;
        self.publish_awaiting().await;
        Ok(())
    }

    /// Dismisses a customer who went quiet.
    pub async fn interaction_dismiss(&self, session_id: i64) -> Result<(), EngineError> {
        let now = self.clock.now();
        self.act(session_id, "ended", move |i| i.end(switchboard_core::EndReason::Dismissed, now)).await?;
        self.publish_awaiting().await;
        Ok(())
    }

    /// Transfers to a queue (anyone there) or to an agent of that queue, with a note.
    pub async fn interaction_transfer(
        &self,
        session_id: i64,
        queue_id: i64,
        agent: Option<&str>,
        note: Option<&str>,
    ) -> Result<(), EngineError> {
        let queue = self.store.queue(queue_id).await?;
        let (_, tree) = self.store.experience(queue.channel_id).await?;
        if !tree.is_leaf(queue_id) {
            return Err(EngineError::Refused(format!(
                "\"{}\" has sub-queues: transfer to one of them.",
                queue.name
            )));
        }
        if let Some(agent) = agent.filter(|a| !queue.members.iter().any(|m| m == a)) {
            return Err(EngineError::Refused(format!("{agent} does not work the queue \"{}\".", queue.name)));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let now = self.clock.now();
        match self.team() {
            Some(team) => {
                team.interaction_transfer(session_id, &self.config.agent, queue_id, agent, note, now).await?;
            }
            None => {
                self.store
                    .interaction_transfer(session_id, &self.config.agent, queue_id, agent, note, now)
                    .await?;
            }
        }
        self.publish_session(session_id).await;
        self.publish_members().await;
        self.wake_routing();
        Ok(())
    }

    /// The desk's queue views: every queue with its waiting count, the agent's marked.
    pub async fn queue_views(&self) -> Result<Vec<switchboard_store::QueueView>, EngineError> {
        Ok(self.store.queue_views(&self.config.agent).await?)
    }

    /// What happened to the session's interactions, oldest first.
    pub async fn session_timeline(&self, session_id: i64) -> Result<Vec<TimelineEntry>, EngineError> {
        Ok(self
            .store
            .interaction_timeline(session_id)
            .await?
            .into_iter()
            .map(|(at, kind, actor, detail)| TimelineEntry { at, kind, actor, detail })
            .collect())
    }

    /// The dispositions an agent chooses from when ending.
    pub async fn dispositions(&self) -> Result<Vec<String>, EngineError> {
        Ok(self.store.dispositions().await?)
    }

    // ---- the admin's routing settings ----

    /// Every channel's experience exists (a new channel gets office hours in the OS's zone and
    /// a root queue the solo agent works).
    pub(crate) async fn ensure_routing(&self) -> Result<(), EngineError> {
        let now = self.clock.now();
        self.store.member_ensure(&self.config.agent, now).await?;
        let zone = system_zone();
        for channel in self.store.channels().await? {
            self.store
                .experience_ensure(
                    channel.id,
                    &channel.name,
                    &Experience::new(&zone),
                    Some(&self.config.agent),
                )
                .await?;
        }
        Ok(())
    }

    pub async fn routing_settings(&self, channel_id: i64) -> Result<RoutingSettings, EngineError> {
        let (experience, _) = self.store.experience(channel_id).await?;
        Ok(RoutingSettings {
            channel_id,
            experience,
            queues: self.store.queues(channel_id).await?,
            members: self.store.members().await?.into_iter().map(|m| m.name).collect(),
            default_capacity: self.store.default_capacity().await?,
            dispositions: self.store.dispositions().await?,
            offline_grace_minutes: self.store.offline_grace().await?,
        })
    }

    pub async fn experience_save(
        &self,
        channel_id: i64,
        experience: Experience,
    ) -> Result<RoutingSettings, EngineError> {
        experience.check().map_err(|e| EngineError::Refused(e.to_string()))?;
        let queues = self.store.queues(channel_id).await?;
        for queue in &queues {
            QueueName::parse(&queue.name, &experience.words)
                .map_err(|e| EngineError::Refused(format!("Queue \"{}\": {e}", queue.name)))?;
        }
        match self.team() {
            Some(team) => {
                team.experience_save(channel_id, &experience).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.experience_save(channel_id, &experience).await?,
        }
        self.wake_routing();
        self.routing_settings(channel_id).await
    }

    pub async fn queue_add(&self, parent: i64, name: &str) -> Result<QueueRecord, EngineError> {
        let queue = self.store.queue(parent).await?;
        let (experience, _) = self.store.experience(queue.channel_id).await?;
        let name =
            QueueName::parse(name, &experience.words).map_err(|e| EngineError::Refused(e.to_string()))?;
        match self.team() {
            Some(team) => {
                let id = team.queue_add(parent, name.as_str()).await?;
                self.team_caught_up(team).await?;
                Ok(self.store.queue(id).await?)
            }
            None => Ok(self.store.queue_add(parent, &name).await?),
        }
    }

    pub async fn queue_update(&self, id: i64, settings: QueueSettings) -> Result<QueueRecord, EngineError> {
        let queue = self.store.queue(id).await?;
        let (experience, _) = self.store.experience(queue.channel_id).await?;
        let refuse = |e: switchboard_core::routing::QueueError| EngineError::Refused(e.to_string());
        let name = QueueName::parse(&settings.name, &experience.words).map_err(refuse)?;
        let keywords = settings
            .keywords
            .iter()
            .filter(|k| !k.trim().is_empty())
            .map(|k| Keyword::parse(k, &experience.words))
            .collect::<Result<Vec<_>, _>>()
            .map_err(refuse)?;
        if !(1..=100).contains(&settings.service_level_percent)
            || !(1..=86_400).contains(&settings.service_level_seconds)
        {
            return Err(EngineError::Refused(
                "A service level is 1–100 % answered within 1 s to 24 h.".into(),
            ));
        }
        if !(1..=604_800).contains(&settings.target_response_seconds) {
            return Err(EngineError::Refused("The target response time is 1 s to 7 days.".into()));
        }
        let change = QueueChange {
            name,
            keywords,
            priority: settings.priority.clamp(-100, 100),
            service_level_percent: settings.service_level_percent,
            service_level_seconds: settings.service_level_seconds,
            target_response_seconds: settings.target_response_seconds,
            distribution: settings.distribution,
        };
        match self.team() {
            Some(team) => {
                let (_, tree) = self.store.experience(queue.channel_id).await?;
                for keyword in &change.keywords {
                    tree.check_keyword(id, keyword).map_err(refuse)?;
                }
                team.queue_update(id, &change).await?;
                self.team_caught_up(team).await?;
                Ok(self.store.queue(id).await?)
            }
            None => Ok(self.store.queue_update(id, &change).await?),
        }
    }

    pub async fn queue_move(&self, id: i64, parent: i64, position: i64) -> Result<(), EngineError> {
        let Some(team) = self.team() else {
            return Ok(self.store.queue_move(id, parent, position).await?);
        };
        // Core checks the move against the tree as this desktop has it; the team records it.
        let queue = self.store.queue(id).await?;
        let (_, tree) = self.store.experience(queue.channel_id).await?;
        tree.check_move(id, parent).map_err(|e| EngineError::Refused(e.to_string()))?;
        let mut order: Vec<i64> = tree.children(parent).map(|n| n.id).filter(|&q| q != id).collect();
        let at = usize::try_from(position.max(0)).unwrap_or(0).min(order.len());
        order.insert(at, id);
        team.queue_move(id, parent, &order).await?;
        self.team_caught_up(team).await
    }

    pub async fn queue_delete(&self, id: i64) -> Result<(), EngineError> {
        match self.team() {
            Some(team) => {
                let queue = self.store.queue(id).await?;
                let Some(parent) = queue.parent_id else {
                    return Err(EngineError::Refused(
                        switchboard_core::routing::QueueError::Root.to_string(),
                    ));
                };
                let (_, tree) = self.store.experience(queue.channel_id).await?;
                let gone: Vec<i64> =
                    tree.nodes().iter().filter(|n| tree.is_within(n.id, id)).map(|n| n.id).collect();
                team.queue_delete(id, parent, &gone).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.queue_delete(id).await?,
        }
        self.wake_routing();
        Ok(())
    }

    pub async fn queue_members_set(&self, id: i64, members: &[String]) -> Result<(), EngineError> {
        match self.team() {
            Some(team) => {
                let queue = self.store.queue(id).await?;
                let (_, tree) = self.store.experience(queue.channel_id).await?;
                if !tree.is_leaf(id) && !members.is_empty() {
                    let error = switchboard_core::routing::QueueError::NotLeaf { name: queue.name };
                    return Err(EngineError::Refused(error.to_string()));
                }
                team.queue_members_set(id, members).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.queue_members_set(id, members).await?,
        }
        self.publish_members().await;
        self.wake_routing();
        Ok(())
    }

    /// Copies another channel's experience and queue tree over this channel's.
    pub async fn experience_copy(
        &self,
        from_channel: i64,
        to_channel: i64,
    ) -> Result<RoutingSettings, EngineError> {
        if from_channel == to_channel {
            return Err(EngineError::Refused("Choose another channel to copy from.".into()));
        }
        match self.team() {
            Some(team) => {
                // What is copied is the source channel as this desktop's replica has it.
                let (mut experience, _) = self.store.experience(from_channel).await?;
                experience.default_queue = None;
                let source = self.store.queues(from_channel).await?;
                team.experience_copy(to_channel, &experience, &source).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.experience_copy(from_channel, to_channel).await?,
        }
        self.routing_settings(to_channel).await
    }

    pub async fn default_capacity_set(&self, capacity: Capacity) -> Result<(), EngineError> {
        if capacity.total == 0 {
            return Err(EngineError::Refused("An agent's total capacity is at least 1.".into()));
        }
        match self.team() {
            Some(team) => {
                team.setting_set(switchboard_store::CAPACITY_KEY, &capacity).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.default_capacity_set(&capacity).await?,
        }
        self.wake_routing();
        Ok(())
    }

    /// An agent's own capacity, or `None` for the organisation's default.
    pub async fn member_capacity_set(
        &self,
        member: &str,
        capacity: Option<Capacity>,
    ) -> Result<(), EngineError> {
        if capacity.is_some_and(|c| c.total == 0) {
            return Err(EngineError::Refused("An agent's total capacity is at least 1.".into()));
        }
        match self.team() {
            Some(team) => {
                team.member_capacity_set(member, capacity.as_ref()).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.member_capacity_set(member, capacity.as_ref()).await?,
        }
        self.publish_members().await;
        self.wake_routing();
        Ok(())
    }

    pub async fn offline_grace_set(&self, minutes: u32) -> Result<(), EngineError> {
        if !switchboard_core::routing::experience::TIMER_RANGE.contains(&minutes) {
            return Err(EngineError::Refused("The grace period runs from 1 to 10,080 minutes.".into()));
        }
        match self.team() {
            Some(team) => {
                team.setting_set(switchboard_store::OFFLINE_GRACE_KEY, &minutes).await?;
                self.team_caught_up(team).await
            }
            None => Ok(self.store.offline_grace_set(minutes).await?),
        }
    }

    pub async fn dispositions_set(&self, list: Vec<String>) -> Result<(), EngineError> {
        let list: Vec<String> =
            list.into_iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
        if list.iter().any(|d| d.chars().count() > 60) {
            return Err(EngineError::Refused("A disposition has at most 60 characters.".into()));
        }
        match self.team() {
            Some(team) => {
                team.setting_set(switchboard_store::DISPOSITIONS_KEY, &list).await?;
                self.team_caught_up(team).await
            }
            None => Ok(self.store.dispositions_set(&list).await?),
        }
    }
}
