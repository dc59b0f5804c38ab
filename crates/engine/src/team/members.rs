//! The team's members from this desktop: the roles its member holds (the database enforces
//! them; the engine checks the same to word a refusal before asking), invitations, removal, the
//! audit — and noticing when this desktop's member was removed or signed out.

use super::TeamLink;
use crate::{Engine, EngineError, Event};
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::secret::ExposeSecret;
use switchboard_store::TeamMember;
use switchboard_team::{AuditEntry, Invite, ROLES, TeamError};

/// How often a desktop asks the team which roles its member holds (and whether they still may
/// sign in), and how soon it asks again when the database did not answer (a removal first ends
/// the open connection; the next sign-in is then refused).
const CHECK_EVERY: Duration = Duration::from_secs(5);
const CHECK_AGAIN: Duration = Duration::from_secs(1);

impl TeamLink {
    pub(crate) fn roles(&self) -> Option<Vec<String>> {
        self.roles.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Whether this desktop's member holds `role`, once the team said (`None`: not asked yet).
    pub(crate) fn holds(&self, role: &str) -> Option<bool> {
        self.roles().map(|roles| roles.iter().any(|r| r == role))
    }

    /// Why this desktop is not signed in to the team, if it is not.
    pub(crate) fn signed_out(&self) -> Option<SignedOut> {
        self.signed_out.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Why this desktop is not signed in to the team, and whether its member may sign in again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignedOut {
    pub message: String,
    /// False when the member was removed: signing in cannot help.
    pub can_sign_in: bool,
}

pub(crate) const SIGNED_OUT: &str = "Signed out of the team. Sign in with your password to work again; this desktop's copy of the inbox stays encrypted.";
const REMOVED: &str =
    "You were removed from the team. Switchboard stopped working with it; ask an admin to invite you again.";
const PASSWORD_CHANGED: &str =
    "The team's database no longer accepts this desktop's password (it was changed): sign in again.";

impl Engine {
    /// The roles of the member at this desktop: every role in solo mode; in a team, those the
    /// team's database grants their login (none until it answered once).
    pub fn roles(&self) -> Vec<String> {
        match self.team_link() {
            Some(link) => link.roles().unwrap_or_default(),
            None => ROLES[..3].iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    /// Refuses, in words, what this desktop's member may not do (the database would refuse it
    /// anyway). Roles not known yet (offline since start): the database decides.
    pub(crate) fn require(&self, role: &str, doing: &str) -> Result<(), EngineError> {
        match self.team_link().and_then(|link| link.holds(role)) {
            Some(false) => {
                Err(TeamError::Forbidden(format!("only a member with the {role} role may {doing}")).into())
            }
            _ => Ok(()),
        }
    }

    /// The member working at this desktop.
    pub fn agent(&self) -> &str {
        &self.config.agent
    }

    /// Why this desktop is not signed in to the team, if it is not.
    pub fn team_signed_out(&self) -> Option<SignedOut> {
        self.team_link().and_then(TeamLink::signed_out)
    }

    /// Marks this desktop signed out (its team tasks stop) and tells the windows.
    pub(crate) fn signed_out(&self, message: &str, can_sign_in: bool) {
        let Some(link) = self.team_link() else { return };
        let signed_out = SignedOut { message: message.to_owned(), can_sign_in };
        *link.signed_out.lock().unwrap_or_else(|p| p.into_inner()) = Some(signed_out.clone());
        self.publish(Event::TeamSignedOut { signed_out });
    }

    /// Signs out: the keychain keeps the team's address without the password, the team's
    /// tasks stop, and the replica stays as it is, encrypted. Signing in asks for the password.
    pub async fn team_sign_out(&self) -> Result<(), EngineError> {
        let Some(link) = self.team_link() else {
            return Err(EngineError::Refused("Signing out is for teams.".into()));
        };
        if let Some(address) = self.team_address().await? {
            let mut url = url::Url::parse(&address).map_err(|e| TeamError::Address(e.to_string()))?;
            let _ = url.set_password(None);
            super::remember_team(&self.keychain, url.as_str()).await?;
        }
        self.signed_out(SIGNED_OUT, true);
        link.team.close().await;
        Ok(())
    }

    /// Signs in again with the member's password (checked by signing in to the team's
    /// database); the app then starts again, signed in.
    pub async fn team_sign_in(&self, password: &str) -> Result<(), EngineError> {
        let address = self
            .team_address()
            .await?
            .ok_or_else(|| EngineError::Refused("This desktop is not in a team.".into()))?;
        let url = switchboard_team::with_password(&address, password)?;
        let team = switchboard_team::Team::open(&url)?;
        let checked = team.my_roles().await;
        team.close().await;
        match checked {
            Ok(_) => Ok(super::remember_team(&self.keychain, &url).await?),
            Err(TeamError::SignIn(reason)) if reason.contains("not permitted to log in") => {
                Err(EngineError::Refused(REMOVED.into()))
            }
            Err(TeamError::SignIn(_)) => {
                Err(EngineError::Refused("The team's database did not accept this password.".into()))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The team's members (the replica's copy).
    pub async fn team_members(&self) -> Result<Vec<TeamMember>, EngineError> {
        Ok(self.store.team_members().await?)
    }

    /// Invites a member (admins): answers the one-time code to hand over.
    pub async fn team_invite(&self, invite: &Invite) -> Result<String, EngineError> {
        let team = self.team().ok_or_else(|| EngineError::Refused("Invitations are for teams.".into()))?;
        self.require("admin", "invite members")?;
        if invite.roles.is_empty() {
            return Err(EngineError::Refused("Give the member at least one role.".into()));
        }
        let mut invitation = team.member_invite(invite).await?;
        // A member who will poll gets the team key with the invitation (one code to hand over).
        if invite.roles.iter().any(|r| r == "admin" || r == "poller")
            && let Some(key) = self.team_key().await?
        {
            invitation.team_key = Some(key.to_secret().expose_secret().to_owned());
        }
        self.team_caught_up(team).await?;
        Ok(invitation.code())
    }

    /// Removes a member (admins): their login stops working at once.
    pub async fn team_remove(&self, name: &str) -> Result<(), EngineError> {
        let team =
            self.team().ok_or_else(|| EngineError::Refused("Removing members is for teams.".into()))?;
        self.require("admin", "remove members")?;
        team.member_remove(name).await?;
        self.team_caught_up(team).await?;
        Ok(())
    }

    /// The newest audit entries (admins).
    pub async fn team_audit(&self, limit: i64) -> Result<Vec<AuditEntry>, EngineError> {
        let team = self.team().ok_or_else(|| EngineError::Refused("The audit is a team's.".into()))?;
        self.require("admin", "read the audit")?;
        Ok(team.audit(limit.clamp(1, 500)).await?)
    }
}

impl Engine {
    /// On an admin's or poller's desktop: a team without a key gets one (an admin's desktop makes
    /// it), and the credentials of the team's channels this desktop holds that the team does
    /// not keep yet go to it, sealed with the key — so that another poller can take a channel
    /// over without its admin's desktop.
    pub(crate) async fn share_credentials(&self) -> Result<(), EngineError> {
        let Some(link) = self.team_link() else { return Ok(()) };
        if link.holds("poller") != Some(true) {
            return Ok(());
        }
        let key = match self.team_key().await? {
            Some(key) => key,
            None if link.holds("admin") == Some(true) && !link.team.team_key_exists().await? => {
                let key = switchboard_team::TeamKey::generate()?;
                link.team.team_key_install(&key).await?;
                self.keychain.set(super::setup::TEAM_KEY_ENTRY, key.to_secret()).await?;
                tracing::info!("made the team's key");
                key
            }
            None => return Ok(()),
        };
        let missing = link.team.channels_without_secret().await?;
        if missing.is_empty() {
            return Ok(());
        }
        for channel in self.store.channels().await?.into_iter().filter(|c| missing.contains(&c.id)) {
            let entry = crate::keychain::channel_key(channel.platform, &channel.external_id);
            if let Some(secret) = self.keychain.get(&entry).await? {
                link.team.channel_secret_set(channel.id, &key, &secret).await?;
            }
        }
        Ok(())
    }
}

/// Keeps this desktop's roles current and notices a removal (or a password changed elsewhere):
/// then the windows are told, and the team's tasks stop.
pub(super) async fn check_roles(engine: Arc<Engine>) {
    let Some(link) = engine.team_link() else { return };
    loop {
        if link.signed_out().is_some() {
            return;
        }
        match link.team.my_roles().await {
            Ok(roles) => {
                let changed = {
                    let mut known = link.roles.lock().unwrap_or_else(|p| p.into_inner());
                    let changed = known.as_ref() != Some(&roles);
                    *known = Some(roles);
                    changed
                };
                if changed {
                    engine.publish(Event::TeamRoles { roles: engine.roles() });
                }
                if let Err(error) = engine.share_credentials().await {
                    tracing::warn!(%error, "cannot give the team this desktop's channel credentials");
                }
            }
            Err(TeamError::SignIn(reason)) => {
                tracing::warn!(%reason, "the team refused this desktop's sign-in; team mode stops");
                let removed = reason.contains("not permitted to log in");
                engine.signed_out(if removed { REMOVED } else { PASSWORD_CHANGED }, !removed);
                return;
            }
            Err(error) => {
                tracing::debug!(%error, "cannot ask the team for this member's roles now");
                tokio::time::sleep(CHECK_AGAIN).await;
                continue;
            }
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
