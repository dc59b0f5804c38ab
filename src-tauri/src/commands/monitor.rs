//! The supervisor's monitor: opening its window (from the desk) and what it reads.

use crate::error::CommandError;
use crate::monitor_window::{self, OpenError};
use std::sync::Arc;
use switchboard_engine::Engine;
use switchboard_engine::monitor::Wallboard;
use tauri::{AppHandle, State};

/// Opens the monitor window (or brings it forward).
#[tauri::command]
pub fn monitor_open(app: AppHandle, engine: State<'_, Arc<Engine>>) -> Result<(), CommandError> {
    monitor_window::open(&app, &engine, None).map_err(|e| match e {
        OpenError::NotSupervisor => CommandError::forbidden("Only a supervisor may open the monitor."),
        OpenError::Shell(error) => CommandError::shell(error),
    })
}

#[tauri::command]
pub async fn monitor_wallboard(engine: State<'_, Arc<Engine>>) -> Result<Wallboard, CommandError> {
    Ok(engine.monitor_wallboard().await?)
}
