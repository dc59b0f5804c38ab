use std::sync::Arc;
use switchboard_engine::Engine;
use tauri::State;

/// The session the agent has on screen: it raises no notifications.
#[tauri::command]
pub fn session_focus(engine: State<'_, Arc<Engine>>, session_id: Option<i64>) {
    engine.session_focus(session_id);
}

/// Do not disturb: no native notifications until switched off.
#[tauri::command]
pub fn notifications_set_dnd(engine: State<'_, Arc<Engine>>, on: bool) {
    engine.set_do_not_disturb(on);
}
