//! Team mode in the running engine (docs/TEAM.md): the replica follows the team's change log;
//! desktops allowed to poll compete for each channel's lease and, holding it, poll and send for
//! the channel; routing's decisions for a channel are made by its lease holder; every desktop
//! claims work for its own agent; replies are written here first and pushed to the team.

mod channels;
mod follow;
mod members;
mod replies;
mod routing;
mod setup;

pub use members::SignedOut;
pub use setup::{TeamProgress, remember_team, remembered_team, shown_address};

use crate::{Engine, EngineError, Event};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;
use switchboard_team::{ChangeCursor, Lease, Team};

/// How long a lease lasts without renewal, and how often its holder renews it: a poller that
/// dies or hangs is replaced within the TTL and a standby's next look.
pub(crate) const LEASE_TTL: Duration = Duration::from_secs(6);
pub(crate) const LEASE_RENEW: Duration = Duration::from_secs(2);
/// How often a standby looks whether a channel's lease is free.
pub(crate) const LEASE_LOOK: Duration = Duration::from_secs(1);

/// This engine's part in a team.
#[derive(Debug)]
pub(crate) struct TeamLink {
    pub team: Team,
    /// Whether this desktop may poll and send (an admin's, or a relay an admin marked).
    pub poller: bool,
    /// This engine's name on the leases it holds: who, where, which process.
    pub holder: String,
    /// The channels whose lease this engine holds now.
    pub leased: Mutex<HashMap<i64, Lease>>,
    /// The channels with a lease loop running here.
    pub watched: Mutex<HashSet<i64>>,
    /// Whether the team's database answered the last time this desktop wrote to it.
    pub online: AtomicBool,
    /// Replies written here and not yet in the team (`u32::MAX`: not counted yet).
    pub waiting: AtomicU32,
    /// The roles this desktop's member holds, once the team said.
    pub roles: Mutex<Option<Vec<String>>>,
    /// Set when this desktop is not signed in to the team (signed out, removed, or a password
    /// changed elsewhere): its team tasks stop.
    pub signed_out: Mutex<Option<SignedOut>>,
    /// Changes applied ahead of the replica's cursor (committed while an older transaction
    /// still ran), so that each is applied and announced once before the cursor reaches it.
    pub ahead: Mutex<BTreeSet<ChangeCursor>>,
    /// One catch-up at a time: a desktop reading back its own write waits for the one under
    /// way (which may have taken that very change) instead of finding it not applied yet.
    pub catching_up: tokio::sync::Mutex<()>,
}

impl TeamLink {
    pub(crate) fn leased_channels(&self) -> Vec<i64> {
        self.leased.lock().unwrap_or_else(|p| p.into_inner()).keys().copied().collect()
    }
}

/// As soon as the database answers (the app starts offline too): the schema is brought up to
/// date and this desktop's agent joins the team (in every channel's root queue until an admin
/// says otherwise).
async fn membership(engine: Arc<Engine>) {
    let Some(link) = engine.team_link() else { return };
    loop {
        if link.signed_out().is_some() {
            return;
        }
        let now = engine.clock.now().as_millisecond();
        // The schema first: the address may be a new team's (given by SWITCHBOARD_DATABASE_URL).
        let joined = match link.team.prepare().await {
            Ok(()) => link.team.member_join(&engine.config.agent, now, true).await,
            Err(error) => Err(error),
        };
        match joined {
            Ok(()) => {
                tokio::spawn(members::check_roles(engine.clone()));
                return;
            }
            Err(error) => tracing::warn!(%error, "cannot join the team yet; trying again"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// Whether this desktop reaches the team, and how many replies wait to be pushed.
#[derive(Debug, Clone, Copy, serde::Serialize, PartialEq, Eq)]
pub struct TeamStatus {
    pub online: bool,
    pub waiting: u32,
}

impl Engine {
    /// Puts the engine in team mode, before `start`: this desktop's agent joins the team (in
    /// every channel's root queue until an admin says otherwise), and `start` runs the team's
    /// tasks instead of solo ones. `poller`: this desktop may poll and send for channels.
    pub async fn join_team(&self, team: Team, poller: bool) -> Result<(), EngineError> {
        // Until the replica has the team's row (the change log brings it), the desk has one.
        self.store.member_ensure(&self.config.agent, self.clock.now()).await?;
        let holder = format!("{}/pid{}", self.config.agent, std::process::id());
        let link = TeamLink {
            team,
            poller,
            holder,
            leased: Mutex::default(),
            watched: Mutex::default(),
            online: AtomicBool::new(true),
            waiting: AtomicU32::new(u32::MAX),
            roles: Mutex::default(),
            signed_out: Mutex::default(),
            ahead: Mutex::default(),
            catching_up: tokio::sync::Mutex::default(),
        };
        self.team.set(link).map_err(|_| EngineError::Refused("This desktop is already in a team.".into()))
    }

    /// `join_team` with the team at `url`, connecting only when first needed (the app starts,
    /// and works from its replica, while the database is unreachable).
    pub async fn join_team_at(&self, url: &str, poller: bool) -> Result<(), EngineError> {
        self.join_team(Team::open(url)?, poller).await?;
        // Signed out: the keychain keeps the address without its password.
        if url::Url::parse(url).is_ok_and(|u| u.password().is_none()) {
            self.signed_out(members::SIGNED_OUT, true);
        }
        Ok(())
    }

    /// Checks the team's server and brings its schema up to date (at start, when it answers).
    pub async fn team_prepare(&self) -> Result<(), EngineError> {
        match self.team() {
            Some(team) => Ok(team.prepare().await?),
            None => Ok(()),
        }
    }

    pub(crate) fn team_link(&self) -> Option<&TeamLink> {
        self.team.get()
    }

    /// The team's database, in team mode.
    pub fn team(&self) -> Option<&Team> {
        self.team.get().map(|link| &link.team)
    }

    /// Starts team mode's tasks (see the module's comment).
    pub(crate) fn start_team(self: &Arc<Self>) {
        let Some(link) = self.team_link() else { return };
        tokio::spawn(membership(self.clone()));
        self.follow_team(link.team.clone());
        tokio::spawn(routing::run(self.clone()));
        tokio::spawn(crate::alerts::run(self.clone()));
        tokio::spawn(crate::crm::run(self.clone()));
        tokio::spawn(replies::push(self.clone()));
        tokio::spawn(crate::retention::run(self.clone()));
        if link.poller {
            tokio::spawn(follow::prune(self.clone()));
        }
        if link.poller {
            tokio::spawn(channels::watch(self.clone()));
        }
    }

    /// Whether this desktop reaches the team and how many replies wait to be pushed.
    pub async fn team_status(&self) -> Result<Option<TeamStatus>, EngineError> {
        let Some(link) = self.team_link() else { return Ok(None) };
        let waiting = u32::try_from(self.store.unpushed_replies().await?.len()).unwrap_or(u32::MAX);
        Ok(Some(TeamStatus { online: link.online.load(Ordering::SeqCst), waiting }))
    }

    /// Tells the windows when reaching the team or the count of waiting replies changed.
    pub(crate) fn publish_team_status(&self, online: bool, waiting: u32) {
        let Some(link) = self.team_link() else { return };
        let was_online = link.online.swap(online, Ordering::SeqCst);
        let was_waiting = link.waiting.swap(waiting, Ordering::SeqCst);
        if was_online != online || was_waiting != waiting {
            self.publish(Event::TeamStatus { status: TeamStatus { online, waiting } });
        }
    }
}

impl Engine {
    /// Connects a channel in team mode: the team gets it, with an experience and a root queue
    /// (named after it, as in solo mode) if it has none.
    pub(crate) async fn team_connect(
        &self,
        channel: switchboard_store::NewChannel<'_>,
        secret: &switchboard_core::secret::Secret,
    ) -> Result<switchboard_store::ChannelRecord, EngineError> {
        use switchboard_core::routing::{Experience, QueueName};
        let Some(link) = self.team_link() else {
            return Err(EngineError::Refused("This desktop is not in a team.".into()));
        };
        let id = link.team.channel_ensure(channel.platform, channel.external_id, channel.name).await?;
        // Other desktops allowed to poll open the credentials with the team key.
        if let Some(key) = self.team_key().await? {
            link.team.channel_secret_set(id, &key, secret).await?;
        }
        let experience = Experience::new(&crate::routing::system_zone());
        let root = QueueName::parse(channel.name, &experience.words)
            .map_or_else(|_| "Inbox".to_owned(), |n| n.as_str().to_owned());
        link.team.routing_ensure(id, &root, &experience).await?;
        Ok(switchboard_store::ChannelRecord {
            id,
            platform: channel.platform,
            external_id: channel.external_id.to_owned(),
            name: channel.name.to_owned(),
            state: switchboard_core::ChannelState::Connected,
        })
    }
}
