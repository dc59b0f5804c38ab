//! The details panel, search and canned responses.

use crate::error::CommandError;
use std::collections::BTreeMap;
use std::sync::Arc;
use switchboard_engine::{Engine, SessionDetails};
use switchboard_platforms::twilio::Template;
use switchboard_store::{
    CannedRecord, Category, MessageRecord, Note, SearchHit, SearchQuery, SessionSummary,
};
use tauri::State;

#[tauri::command]
pub async fn session_details(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
) -> Result<SessionDetails, CommandError> {
    Ok(engine.session_details(session_id).await?)
}

/// The contact's name set by hand and the session's internal reference.
#[tauri::command]
pub async fn session_set_contact(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    internal_reference: Option<String>,
) -> Result<SessionSummary, CommandError> {
    Ok(engine
        .session_set_contact(
            session_id,
            first_name.as_deref(),
            last_name.as_deref(),
            internal_reference.as_deref(),
        )
        .await?)
}

#[tauri::command]
pub async fn session_set_categories(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    category_ids: Vec<i64>,
) -> Result<(), CommandError> {
    Ok(engine.session_set_categories(session_id, &category_ids).await?)
}

#[tauri::command]
pub async fn category_create(engine: State<'_, Arc<Engine>>, name: String) -> Result<Category, CommandError> {
    Ok(engine.category_create(&name).await?)
}

#[tauri::command]
pub async fn note_add(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    text: String,
) -> Result<Note, CommandError> {
    Ok(engine.note_add(session_id, &text).await?)
}

#[tauri::command]
pub async fn search(
    engine: State<'_, Arc<Engine>>,
    query: SearchQuery,
) -> Result<Vec<SearchHit>, CommandError> {
    Ok(engine.search(&query).await?)
}

#[tauri::command]
pub async fn canned_list(engine: State<'_, Arc<Engine>>) -> Result<Vec<CannedRecord>, CommandError> {
    Ok(engine.canned_list().await?)
}

#[tauri::command]
pub async fn canned_save(
    engine: State<'_, Arc<Engine>>,
    id: Option<i64>,
    title: String,
    bubbles: Vec<String>,
) -> Result<CannedRecord, CommandError> {
    Ok(engine.canned_save(id, &title, &bubbles).await?)
}

#[tauri::command]
pub async fn canned_delete(engine: State<'_, Arc<Engine>>, id: i64) -> Result<(), CommandError> {
    Ok(engine.canned_delete(id).await?)
}

/// A canned response filled in for a session, for the composer.
#[tauri::command]
pub async fn canned_expand(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    canned_id: i64,
) -> Result<Vec<String>, CommandError> {
    Ok(engine.canned_expand(session_id, canned_id).await?)
}

/// The approved WhatsApp templates for a WhatsApp session.
#[tauri::command]
pub async fn whatsapp_templates(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
) -> Result<Vec<Template>, CommandError> {
    Ok(engine.whatsapp_templates(session_id).await?)
}

#[tauri::command]
pub async fn session_send_template(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    content_sid: String,
    variables: BTreeMap<String, String>,
) -> Result<MessageRecord, CommandError> {
    Ok(engine.session_send_template(session_id, &content_sid, &variables).await?)
}
