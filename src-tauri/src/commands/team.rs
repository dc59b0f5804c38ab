//! Team mode from the desk: whether this desktop is in a team and reaches it, and creating or
//! joining one (after which the app starts again on a replica of the team).

use crate::error::CommandError;
use crate::startup::REPLICA_PENDING;
use serde::Serialize;
use std::sync::Arc;
use switchboard_engine::{AuditEntry, Engine, Invite, SignedOut, TeamMember, TeamStatus};
use tauri::{AppHandle, State};

/// The team as the desk shows it: the address without its password, the connection, and who
/// signs in here with which roles.
#[derive(Debug, Serialize)]
pub struct TeamInfo {
    pub address: String,
    #[serde(flatten)]
    pub status: TeamStatus,
    pub member: String,
    pub roles: Vec<String>,
    /// Set when this desktop is not signed in (signed out, or removed from the team).
    pub signed_out: Option<SignedOut>,
}

#[tauri::command]
pub async fn team_get(engine: State<'_, Arc<Engine>>) -> Result<Option<TeamInfo>, CommandError> {
    let Some(status) = engine.team_status().await? else { return Ok(None) };
    let address =
        engine.team_address().await?.map(|url| switchboard_engine::shown_address(&url)).unwrap_or_default();
    Ok(Some(TeamInfo {
        address,
        status,
        member: engine.agent().to_owned(),
        roles: engine.roles(),
        signed_out: engine.team_signed_out(),
    }))
}

/// The team's members, for Settings → Team.
#[tauri::command]
pub async fn team_members(engine: State<'_, Arc<Engine>>) -> Result<Vec<TeamMember>, CommandError> {
    Ok(engine.team_members().await?)
}

/// Invites a member (admins): answers the one-time code to hand over.
#[tauri::command]
pub async fn team_invite(
    engine: State<'_, Arc<Engine>>,
    name: String,
    roles: Vec<String>,
    queues: Vec<i64>,
) -> Result<String, CommandError> {
    let name = name.trim().to_lowercase();
    Ok(engine.team_invite(&Invite { name, roles, queues }).await?)
}

/// Removes a member (admins): their login stops working at once.
#[tauri::command]
pub async fn team_remove(engine: State<'_, Arc<Engine>>, name: String) -> Result<(), CommandError> {
    Ok(engine.team_remove(&name).await?)
}

/// Replaces the team key (admins, on a desktop holding it): answers how many credentials were
/// resealed.
#[tauri::command]
pub async fn team_key_rotate(engine: State<'_, Arc<Engine>>) -> Result<u64, CommandError> {
    Ok(engine.team_key_rotate().await?)
}

/// Signs out of the team: the password leaves the keychain, the replica stays encrypted.
#[tauri::command]
pub async fn team_sign_out(engine: State<'_, Arc<Engine>>) -> Result<(), CommandError> {
    Ok(engine.team_sign_out().await?)
}

/// Signs in again with the member's password, then starts the app again, signed in.
#[tauri::command]
pub async fn team_sign_in(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    password: String,
) -> Result<(), CommandError> {
    engine.team_sign_in(&password).await?;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.restart();
    });
    Ok(())
}

/// The newest audit entries (admins).
#[tauri::command]
pub async fn team_audit(engine: State<'_, Arc<Engine>>) -> Result<Vec<AuditEntry>, CommandError> {
    Ok(engine.team_audit(200).await?)
}

/// Creates a team on `url` (empty: `SWITCHBOARD_DATABASE_URL`) with this desktop's inbox, then
/// starts the app again in team mode.
#[tauri::command]
pub async fn team_create(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    url: String,
) -> Result<(), CommandError> {
    let url = address(url)?;
    engine.team_create(&url).await?;
    restart_on_replica(app, &engine)
}

/// Joins a team with an admin's invitation code and a password of the member's own, or with
/// the database's address (empty: `SWITCHBOARD_DATABASE_URL`): this desktop's own inbox is
/// replaced by the team's, then the app starts again in team mode.
#[tauri::command]
pub async fn team_join(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    url: String,
    password: Option<String>,
) -> Result<(), CommandError> {
    let given = if url.trim().starts_with("SWB") { url.trim().to_owned() } else { address(url)? };
    engine.team_join(&given, password.as_deref()).await?;
    restart_on_replica(app, &engine)
}

fn address(url: String) -> Result<String, CommandError> {
    let url = url.trim().to_owned();
    let url =
        if url.is_empty() { std::env::var("SWITCHBOARD_DATABASE_URL").unwrap_or_default() } else { url };
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(CommandError::invalid(
            "Give the invitation code your admin sent (it starts with SWB1-), or the team's PostgreSQL \
             address, as postgresql://user:password@host:5432/database.",
        ));
    }
    Ok(url)
}

/// Marks the cache to be rebuilt from the team and restarts the app, once this command's answer
/// has reached the window.
fn restart_on_replica(app: AppHandle, engine: &Engine) -> Result<(), CommandError> {
    let folder = engine.cache_folder();
    std::fs::write(folder.join(REPLICA_PENDING), b"")
        .map_err(|e| CommandError::unavailable(format!("cannot mark the cache for the team: {e}")))?;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.restart();
    });
    Ok(())
}
