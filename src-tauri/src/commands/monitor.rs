//! The supervisor's monitor: opening its window (from the desk) and what it reads.

use crate::commands::files::{SaveFolder, save_in_downloads};
use crate::error::CommandError;
use crate::monitor_window::{self, OpenError};
use std::sync::Arc;
use switchboard_core::alerts::Thresholds;
use switchboard_engine::Engine;
use switchboard_engine::monitor::Wallboard;
use switchboard_engine::reports::ReportQuery;
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

/// The alerts this desktop saw begin and end, newest first.
#[tauri::command]
pub async fn monitor_alert_history(
    engine: State<'_, Arc<Engine>>,
    limit: i64,
) -> Result<Vec<switchboard_store::BreachRecord>, CommandError> {
    Ok(engine.alerts_history(limit).await?)
}

/// Each queue's alert limits (Settings → Alerts, for supervisors).
#[tauri::command]
pub async fn alert_thresholds_get(
    engine: State<'_, Arc<Engine>>,
) -> Result<std::collections::BTreeMap<i64, Thresholds>, CommandError> {
    Ok(engine.alert_thresholds().await?)
}

#[tauri::command]
pub async fn alert_thresholds_set(
    engine: State<'_, Arc<Engine>>,
    queue_id: i64,
    thresholds: Thresholds,
) -> Result<(), CommandError> {
    Ok(engine.alert_thresholds_set(queue_id, thresholds).await?)
}

/// A standard report over whole days in the team's zone.
#[tauri::command]
pub async fn monitor_report(
    engine: State<'_, Arc<Engine>>,
    query: ReportQuery,
) -> Result<switchboard_core::reports::Table, CommandError> {
    Ok(engine.report(&query).await?)
}

/// The same report as a CSV file in the Downloads folder; answers where it went.
#[tauri::command]
pub async fn monitor_report_csv(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    folder: State<'_, SaveFolder>,
    query: ReportQuery,
) -> Result<String, CommandError> {
    let bytes = engine.report_csv(&query).await?;
    save_in_downloads(&app, &folder, &query.file_name(), &bytes).await
}

/// Interactions found by date, queue, agent, channel type, disposition, end reason and text.
#[tauri::command]
pub async fn monitor_transcripts(
    engine: State<'_, Arc<Engine>>,
    filter: switchboard_store::TranscriptFilter,
) -> Result<Vec<switchboard_store::TranscriptHit>, CommandError> {
    Ok(engine.transcript_search(&filter).await?)
}

/// One interaction whole: its messages and timeline.
#[tauri::command]
pub async fn monitor_transcript(
    engine: State<'_, Arc<Engine>>,
    interaction_id: i64,
) -> Result<switchboard_store::Transcript, CommandError> {
    Ok(engine.transcript(interaction_id).await?)
}

/// One or many transcripts as a text or HTML file in the Downloads folder; answers where.
#[tauri::command]
pub async fn monitor_transcripts_export(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    folder: State<'_, SaveFolder>,
    interaction_ids: Vec<i64>,
    format: switchboard_engine::transcripts::TranscriptFormat,
) -> Result<String, CommandError> {
    let (name, bytes) = engine.transcripts_export(&interaction_ids, format).await?;
    save_in_downloads(&app, &folder, &name, &bytes).await
}
