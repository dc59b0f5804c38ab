use crate::error::CommandError;
use std::sync::Arc;
use switchboard_engine::Engine;
use switchboard_store::{MessageRecord, SessionSummary};
use tauri::State;

#[tauri::command]
pub async fn session_list(engine: State<'_, Arc<Engine>>) -> Result<Vec<SessionSummary>, CommandError> {
    Ok(engine.session_list().await?)
}

#[tauri::command]
pub async fn session_messages(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
) -> Result<Vec<MessageRecord>, CommandError> {
    Ok(engine.session_messages(session_id).await?)
}

#[tauri::command]
pub async fn session_reply(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    text: String,
) -> Result<MessageRecord, CommandError> {
    Ok(engine.session_reply(session_id, &text).await?)
}
