//! Routing: the agent's presence and interaction actions, and the admin's routing settings.

use crate::error::CommandError;
use std::sync::Arc;
use switchboard_core::routing::{Capacity, Experience, Presence};
use switchboard_engine::{Engine, QueueSettings, RoutingSettings};
use switchboard_store::{MemberRecord, QueueRecord, QueueView};
use tauri::State;

#[tauri::command]
pub async fn presence_get(engine: State<'_, Arc<Engine>>) -> Result<MemberRecord, CommandError> {
    Ok(engine.member_me().await?)
}

#[tauri::command]
pub async fn presence_set(
    engine: State<'_, Arc<Engine>>,
    presence: Presence,
) -> Result<MemberRecord, CommandError> {
    Ok(engine.presence_set(presence).await?)
}

#[tauri::command]
pub async fn queue_views(engine: State<'_, Arc<Engine>>) -> Result<Vec<QueueView>, CommandError> {
    Ok(engine.queue_views().await?)
}

#[tauri::command]
pub async fn interaction_pick_up(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
) -> Result<(), CommandError> {
    Ok(engine.interaction_pick_up(session_id).await?)
}

#[tauri::command]
pub async fn interaction_hold(engine: State<'_, Arc<Engine>>, session_id: i64) -> Result<(), CommandError> {
    Ok(engine.interaction_hold(session_id).await?)
}

#[tauri::command]
pub async fn interaction_resume(engine: State<'_, Arc<Engine>>, session_id: i64) -> Result<(), CommandError> {
    Ok(engine.interaction_resume(session_id).await?)
}

#[tauri::command]
pub async fn interaction_end(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    disposition: Option<String>,
) -> Result<(), CommandError> {
    Ok(engine.interaction_end(session_id, disposition.as_deref()).await?)
}

#[tauri::command]
pub async fn interaction_dismiss(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
) -> Result<(), CommandError> {
    Ok(engine.interaction_dismiss(session_id).await?)
}

#[tauri::command]
pub async fn interaction_transfer(
    engine: State<'_, Arc<Engine>>,
    session_id: i64,
    queue_id: i64,
    agent: Option<String>,
    note: Option<String>,
) -> Result<(), CommandError> {
    Ok(engine.interaction_transfer(session_id, queue_id, agent.as_deref(), note.as_deref()).await?)
}

#[tauri::command]
pub async fn dispositions_list(engine: State<'_, Arc<Engine>>) -> Result<Vec<String>, CommandError> {
    Ok(engine.dispositions().await?)
}

#[tauri::command]
pub async fn members_list(engine: State<'_, Arc<Engine>>) -> Result<Vec<MemberRecord>, CommandError> {
    Ok(engine.members().await?)
}

#[tauri::command]
pub async fn routing_get(
    engine: State<'_, Arc<Engine>>,
    channel_id: i64,
) -> Result<RoutingSettings, CommandError> {
    Ok(engine.routing_settings(channel_id).await?)
}

#[tauri::command]
pub async fn experience_save(
    engine: State<'_, Arc<Engine>>,
    channel_id: i64,
    experience: Experience,
) -> Result<RoutingSettings, CommandError> {
    Ok(engine.experience_save(channel_id, experience).await?)
}

#[tauri::command]
pub async fn experience_copy(
    engine: State<'_, Arc<Engine>>,
    from_channel_id: i64,
    channel_id: i64,
) -> Result<RoutingSettings, CommandError> {
    Ok(engine.experience_copy(from_channel_id, channel_id).await?)
}

#[tauri::command]
pub async fn queue_add(
    engine: State<'_, Arc<Engine>>,
    parent_id: i64,
    name: String,
) -> Result<QueueRecord, CommandError> {
    Ok(engine.queue_add(parent_id, &name).await?)
}

#[tauri::command]
pub async fn queue_update(
    engine: State<'_, Arc<Engine>>,
    queue_id: i64,
    settings: QueueSettings,
) -> Result<QueueRecord, CommandError> {
    Ok(engine.queue_update(queue_id, settings).await?)
}

#[tauri::command]
pub async fn queue_move(
    engine: State<'_, Arc<Engine>>,
    queue_id: i64,
    parent_id: i64,
    position: i64,
) -> Result<(), CommandError> {
    Ok(engine.queue_move(queue_id, parent_id, position).await?)
}

#[tauri::command]
pub async fn queue_delete(engine: State<'_, Arc<Engine>>, queue_id: i64) -> Result<(), CommandError> {
    Ok(engine.queue_delete(queue_id).await?)
}

#[tauri::command]
pub async fn queue_members_set(
    engine: State<'_, Arc<Engine>>,
    queue_id: i64,
    members: Vec<String>,
) -> Result<(), CommandError> {
    Ok(engine.queue_members_set(queue_id, &members).await?)
}

#[tauri::command]
pub async fn capacity_set(engine: State<'_, Arc<Engine>>, capacity: Capacity) -> Result<(), CommandError> {
    Ok(engine.default_capacity_set(capacity).await?)
}

#[tauri::command]
pub async fn member_capacity_set(
    engine: State<'_, Arc<Engine>>,
    member: String,
    capacity: Option<Capacity>,
) -> Result<(), CommandError> {
    Ok(engine.member_capacity_set(&member, capacity).await?)
}

#[tauri::command]
pub async fn offline_grace_set(engine: State<'_, Arc<Engine>>, minutes: u32) -> Result<(), CommandError> {
    Ok(engine.offline_grace_set(minutes).await?)
}

#[tauri::command]
pub async fn dispositions_set(
    engine: State<'_, Arc<Engine>>,
    dispositions: Vec<String>,
) -> Result<(), CommandError> {
    Ok(engine.dispositions_set(dispositions).await?)
}
