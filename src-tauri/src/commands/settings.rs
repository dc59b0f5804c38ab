//! The desktop's own settings (starting with the session) and handing links to the system.

use crate::error::CommandError;
use switchboard_core::Link;
use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_opener::OpenerExt;

/// Whether Switchboard starts when the user signs in to the computer.
#[tauri::command]
pub fn autostart_get(app: AppHandle) -> Result<bool, CommandError> {
    app.autolaunch()
        .is_enabled()
        .map_err(|e| CommandError::unavailable(format!("cannot read autostart: {e}")))
}

/// Starts Switchboard with the user's session, or stops doing so; answers the new setting.
#[tauri::command]
pub fn autostart_set(app: AppHandle, on: bool) -> Result<bool, CommandError> {
    let autostart = app.autolaunch();
    let done = if on { autostart.enable() } else { autostart.disable() };
    done.map_err(|e| CommandError::unavailable(format!("cannot change autostart: {e}")))?;
    autostart_get(app)
}

/// Opens a link from a message with the system (browser, mail, phone), once the core has
/// checked that it is one Switchboard may open.
#[tauri::command]
pub fn link_open(app: AppHandle, url: String) -> Result<(), CommandError> {
    let link = Link::parse(&url).map_err(|e| CommandError::invalid(e.to_string()))?;
    app.opener()
        .open_url(link.as_str(), None::<&str>)
        .map_err(|e| CommandError::unavailable(format!("the system could not open the link: {e}")))
}

/// How long messages are kept on this desktop, and interactions for reports.
#[tauri::command]
pub async fn retention_get(
    engine: tauri::State<'_, std::sync::Arc<switchboard_engine::Engine>>,
) -> Result<switchboard_store::RetentionPolicy, CommandError> {
    Ok(engine.retention().await?)
}

#[tauri::command]
pub async fn retention_set(
    engine: tauri::State<'_, std::sync::Arc<switchboard_engine::Engine>>,
    max_age_days: u32,
    max_messages_per_session: u32,
    report_days: u32,
) -> Result<switchboard_store::RetentionPolicy, CommandError> {
    Ok(engine.retention_set(max_age_days, max_messages_per_session, report_days).await?)
}

/// The transcript-to-CRM hook: its address and how deliveries go.
#[tauri::command]
pub async fn crm_hook_get(
    engine: tauri::State<'_, std::sync::Arc<switchboard_engine::Engine>>,
) -> Result<switchboard_engine::crm::CrmHookStatus, CommandError> {
    Ok(engine.crm_hook_status().await?)
}

/// Sets its address (answering the new signing secret, once), or removes it with `null`.
#[tauri::command]
pub async fn crm_hook_set(
    engine: tauri::State<'_, std::sync::Arc<switchboard_engine::Engine>>,
    url: Option<String>,
) -> Result<switchboard_engine::crm::CrmHookStatus, CommandError> {
    Ok(engine.crm_hook_set(url.as_deref()).await?)
}
