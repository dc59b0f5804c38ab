//! Setting a team up from a desktop: "Create a team" checks the server, installs the schema and
//! moves this desktop's solo cache into it (resumable: run again after an interruption, nothing is
//! doubled); "Join a team" checks and installs only. Either way the team's address (which holds a
//! password) goes to the keychain, and the app starts again in team mode on a replica built from
//! the team, with a progress bar.

use crate::{Engine, EngineError, Event, Keychain};
use serde::Serialize;
use switchboard_core::secret::ExposeSecret;
use switchboard_store::Exported;
use switchboard_team::{Invitation, Team, TeamKey};

/// The keychain entry of the team's database address.
pub(crate) const TEAM_ENTRY: &str = "team-database";
/// The keychain entry of the team key, on desktops allowed to poll: it opens the platforms'
/// credentials the team's database keeps sealed.
pub(crate) const TEAM_KEY_ENTRY: &str = "team-key";
/// The shortest password a member may choose.
const MIN_PASSWORD: usize = 10;
/// How many rows one transaction of the move carries.
const MOVE_BATCH: i64 = 500;
/// Files moved per transaction: a file may weigh 25 MB.
const MOVE_FILES: i64 = 4;
/// The name space of the ids given to replies moved without a platform id (deterministic, so a
/// move run twice gives each the same id and the team stores it once).
const MOVED_REPLIES: uuid::Uuid = uuid::Uuid::from_u128(0x5b0a_7d2c_1f4e_4c1a_9d3e_2a7b_6c8d_0e1f);

/// How far setting up (moving, or building the replica) has come.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TeamProgress {
    /// "moving" this desktop's inbox into the team, or "updating" the replica from it.
    pub step: &'static str,
    pub done: u64,
    pub total: u64,
}

impl Engine {
    /// "Create a team" on `url`: checks the server (PostgreSQL 14 or newer), installs the schema
    /// and moves this desktop's channels, contacts, sessions, messages and routing into it,
    /// telling the windows how far it is. The address is kept in the keychain; the app then starts
    /// again in team mode.
    pub async fn team_create(&self, url: &str) -> Result<(), EngineError> {
        let team = Team::connect(url).await?;
        let total = u64::try_from(self.store.export_size().await?).unwrap_or(0);
        let mut done = 0u64;
        self.publish(Event::TeamProgress { progress: TeamProgress { step: "moving", done, total } });
        for what in [
            Exported::Channels,
            Exported::Contacts,
            Exported::Sessions,
            Exported::Messages,
            Exported::Routing,
            Exported::Settings,
            Exported::Files,
        ] {
            let batch = if what == Exported::Files { MOVE_FILES } else { MOVE_BATCH };
            let mut after = 0;
            loop {
                let mut rows = self.store.export_rows(what, after, batch).await?;
                let Some(last) = rows.last().and_then(|r| r["id"].as_i64()) else { break };
                after = last;
                // A reply never sent has no platform id: the move names it by a client id made
                // from what identifies it here, the same on every run (a file names its message
                // the same way).
                let message_id = if what == Exported::Files { "message_id" } else { "id" };
                if matches!(what, Exported::Messages | Exported::Files) {
                    for row in &mut rows {
                        if row["platform_message_id"].is_null() {
                            let name = format!(
                                "{}:{}:{}:{}",
                                row["platform"], row["external_id"], row[message_id], row["created_at"]
                            );
                            row["client_id"] =
                                uuid::Uuid::new_v5(&MOVED_REPLIES, name.as_bytes()).to_string().into();
                        }
                    }
                }
                team.import_rows(what, &rows).await?;
                done += rows.len() as u64;
                self.publish(Event::TeamProgress { progress: TeamProgress { step: "moving", done, total } });
            }
        }
        // The creator signs in as the team's owner: the member of their login's name, with
        // every role and the queues this desktop's agent had.
        let now = self.clock.now().as_millisecond();
        team.owner_join(&self.config.agent, now).await?;
        // The team key is made here (or kept, when the move runs again), and this desktop's
        // credentials go to the team sealed with it, so other pollers can take channels over.
        let key = match self.team_key().await? {
            Some(key) if team.team_key_matches(&key).await? => key,
            _ => {
                let key = TeamKey::generate()?;
                team.team_key_install(&key).await?;
                self.keychain.set(TEAM_KEY_ENTRY, key.to_secret()).await?;
                key
            }
        };
        for channel in self.store.channels().await? {
            let entry = crate::keychain::channel_key(channel.platform, &channel.external_id);
            if let Some(secret) = self.keychain.get(&entry).await? {
                let id = team.channel_ensure(channel.platform, &channel.external_id, &channel.name).await?;
                team.channel_secret_set(id, &key, &secret).await?;
            }
        }
        team.close().await;
        self.team_remember(url).await
    }

    /// "Join a team" with an admin's invitation code (replacing its temporary password with
    /// `password`, which only this desktop's keychain keeps) or with a database address; the
    /// app then starts again in team mode, building its replica from the team.
    pub async fn team_join(&self, code_or_url: &str, password: Option<&str>) -> Result<(), EngineError> {
        if !code_or_url.trim().starts_with("SWB") {
            Team::connect(code_or_url).await?.close().await;
            return self.team_remember(code_or_url).await;
        }
        let invitation = Invitation::from_code(code_or_url)?;
        let password = password.unwrap_or_default();
        if password.chars().count() < MIN_PASSWORD {
            return Err(EngineError::Refused(format!(
                "Choose a password of at least {MIN_PASSWORD} characters for the team."
            )));
        }
        let team = Team::connect(&invitation.address_with(&invitation.password)?).await?;
        // A member who will poll is handed the team key: it must be the team's.
        if let Some(given) = &invitation.team_key {
            let key = TeamKey::from_secret(&given.clone().into())?;
            if !team.team_key_matches(&key).await? {
                return Err(EngineError::Refused(
                    "The team key in this invitation is not the team's (it was rotated): ask for a new invitation."
                        .into(),
                ));
            }
            self.keychain.set(TEAM_KEY_ENTRY, key.to_secret()).await?;
        }
        team.password_set(password).await?;
        team.close().await;
        self.team_remember(&invitation.address_with(password)?).await
    }

    /// The team key this desktop keeps, if it may poll.
    pub(crate) async fn team_key(&self) -> Result<Option<TeamKey>, EngineError> {
        match self.keychain.get(TEAM_KEY_ENTRY).await? {
            Some(secret) => Ok(Some(TeamKey::from_secret(&secret)?)),
            None => Ok(None),
        }
    }

    /// Replaces the team key (admins, on a desktop that holds it): every credential in the
    /// team's database is resealed in one transaction. Other pollers need the new key (a new
    /// invitation) to open credentials they do not already hold. Answers how many were resealed.
    pub async fn team_key_rotate(&self) -> Result<u64, EngineError> {
        let team = self.team().ok_or_else(|| EngineError::Refused("The team key is a team's.".into()))?;
        self.require("admin", "rotate the team key")?;
        let old = self
            .team_key()
            .await?
            .ok_or_else(|| EngineError::Refused("This desktop does not hold the team key.".into()))?;
        let new = TeamKey::generate()?;
        let resealed = team.team_key_rotate(&old, &new).await?;
        self.keychain.set(TEAM_KEY_ENTRY, new.to_secret()).await?;
        Ok(resealed)
    }

    /// The team's address this desktop keeps, if it is in one.
    pub async fn team_address(&self) -> Result<Option<String>, EngineError> {
        remembered_team(&self.keychain).await
    }

    /// The folder of this desktop's cache.
    pub fn cache_folder(&self) -> std::path::PathBuf {
        self.config.cache_path.parent().map(std::path::Path::to_path_buf).unwrap_or_default()
    }

    async fn team_remember(&self, url: &str) -> Result<(), EngineError> {
        remember_team(&self.keychain, url).await?;
        tracing::info!("this desktop is now in a team; it starts again on a replica");
        Ok(())
    }
}

/// The team's address this desktop keeps (it holds a password: only the keychain has it).
pub async fn remembered_team(keychain: &Keychain) -> Result<Option<String>, EngineError> {
    Ok(keychain.get(TEAM_ENTRY).await?.map(|s| s.expose_secret().to_owned()))
}

pub async fn remember_team(keychain: &Keychain, url: &str) -> Result<(), EngineError> {
    Ok(keychain.set(TEAM_ENTRY, url.to_owned().into()).await?)
}

/// The address as people may see it: without its password.
pub fn shown_address(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}
