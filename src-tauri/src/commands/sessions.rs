use crate::error::CommandError;
use std::sync::Arc;
use switchboard_engine::{Engine, ListFilter, Outbound};
use switchboard_store::{
    ListCursor, MessageCursor, MessageRecord, SessionPage, SessionState, SessionSummary,
};
use tauri::State;

#[tauri::command]
pub async fn session_list(
    engine: State<'_, Arc<Engine>>,
    filter: ListFilter,
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

/// Sends the composer's bubbles, in order; on Messenger after 24 h with the update tag the agent
/// chose, if any.
#[tauri::command]
pub async fn session_send(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    bubbles: Vec<String>,
    tag: Option<switchboard_core::UpdateTag>,
) -> Result<Vec<MessageRecord>, CommandError> {
    Ok(engine.session_send(session_id, &bubbles, tag).await?)
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

/// The agent has seen the session.
#[tauri::command]
pub async fn session_read(engine: State<'_, Arc<Engine>>, session_id: i64) -> Result<(), CommandError> {
    Ok(engine.session_read(session_id).await?)
}

#[tauri::command]
pub async fn draft_save(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    bubbles: Vec<String>,
) -> Result<(), CommandError> {
    Ok(engine.draft_save(session_id, &bubbles).await?)
}

/// Stores a session away or reopens it.
#[tauri::command]
pub async fn session_set_state(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    state: SessionState,
) -> Result<SessionSummary, CommandError> {
    Ok(engine.session_set_state(session_id, state).await?)
}

#[tauri::command]
pub async fn session_delete(engine: State<'_, Arc<Engine>>, session_id: i64) -> Result<(), CommandError> {
    Ok(engine.session_delete(session_id).await?)
}

/// Writes first to a number (SMS, or WhatsApp to someone who wrote before).
#[tauri::command]
pub async fn outbound_start(
    engine: State<'_, Arc<Engine>>,
    outbound: Outbound,
) -> Result<SessionSummary, CommandError> {
    Ok(engine.outbound_start(&outbound).await?)
}

/// How many sessions await a reply (the desk's count before the first change arrives).
#[tauri::command]
pub async fn awaiting_count(engine: State<'_, Arc<Engine>>) -> Result<u32, CommandError> {
    Ok(engine.awaiting_count().await?)
}
