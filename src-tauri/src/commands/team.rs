//! Team mode from the desk: whether this desktop is in a team and reaches it, and creating or
//! joining one (after which the app starts again on a replica of the team).

use crate::error::CommandError;
use crate::startup::REPLICA_PENDING;
use serde::Serialize;
use std::sync::Arc;
use switchboard_engine::{Engine, TeamStatus};
use tauri::{AppHandle, State};

/// The team as the desk shows it: the address without its password, and the connection.
#[derive(Debug, Serialize)]
pub struct TeamInfo {
    pub address: String,
    #[serde(flatten)]
    pub status: TeamStatus,
}

#[tauri::command]
pub async fn team_get(engine: State<'_, Arc<Engine>>) -> Result<Option<TeamInfo>, CommandError> {
    let Some(status) = engine.team_status().await? else { return Ok(None) };
    let address =
        engine.team_address().await?.map(|url| switchboard_engine::shown_address(&url)).unwrap_or_default();
    Ok(Some(TeamInfo { address, status }))
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

/// Joins the team on `url` (empty: `SWITCHBOARD_DATABASE_URL`): this desktop's own inbox is
/// replaced by the team's, then the app starts again in team mode.
#[tauri::command]
pub async fn team_join(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    url: String,
) -> Result<(), CommandError> {
    let url = address(url)?;
    engine.team_join(&url).await?;
    restart_on_replica(app, &engine)
}

fn address(url: String) -> Result<String, CommandError> {
    let url = url.trim().to_owned();
    let url =
        if url.is_empty() { std::env::var("SWITCHBOARD_DATABASE_URL").unwrap_or_default() } else { url };
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(CommandError::invalid(
            "Give the team's PostgreSQL address, as postgresql://user:password@host:5432/database.",
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
