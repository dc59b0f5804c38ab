use crate::error::CommandError;
use std::sync::Arc;
use switchboard_engine::Engine;
use switchboard_store::{ListCursor, MessageCursor, MessageRecord, SessionFilter, SessionPage};
use tauri::State;

#[tauri::command]
pub async fn session_list(
    engine: State<'_, Arc<Engine>>,
    filter: SessionFilter,
    after: Option<ListCursor>,
    limit: u32,
) -> Result<SessionPage, CommandError> {
    Ok(engine.session_list(&filter, after, limit).await?)
}

#[tauri::command]
pub async fn session_messages(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    before: Option<MessageCursor>,
    limit: u32,
) -> Result<Vec<MessageRecord>, CommandError> {
    Ok(engine.session_messages(session_id, before, limit).await?)
}

#[tauri::command]
pub async fn session_reply(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    text: String,
) -> Result<MessageRecord, CommandError> {
    Ok(engine.session_reply(session_id, &text).await?)
}

/// Sends a failed reply again (the agent pressed Retry).
#[tauri::command]
pub async fn message_retry(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    message_id: i64,
) -> Result<MessageRecord, CommandError> {
    Ok(engine.message_retry(session_id, message_id).await?)
}
