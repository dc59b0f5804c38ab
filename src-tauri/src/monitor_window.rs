//! The supervisor's monitor: a window of its own (label `monitor`), which its capability file
//! lets call only the monitor's read-only commands. Opened from the tray, the main window's
//! menu or Ctrl+Shift+M, for members with the supervisor role.

use std::sync::Arc;
use switchboard_engine::Engine;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

pub const LABEL: &str = "monitor";

/// Opens the monitor, or brings it forward; `focus` (a queue or agent) is passed on, so that a
/// clicked alert opens it there.
pub fn open(app: &AppHandle, engine: &Arc<Engine>, focus: Option<&str>) -> Result<(), OpenError> {
    if !engine.roles().iter().any(|r| r == "supervisor") {
        return Err(OpenError::NotSupervisor);
    }
    let path = match focus {
        Some(focus) => format!("monitor.html#{}", urlencoding(focus)),
        None => "monitor.html".to_owned(),
    };
    if let Some(window) = app.get_webview_window(LABEL) {
        // Already open: the `open_monitor` event (sent to it too) moves it to the focus.
        let _ = window.unminimize();
        window.show().map_err(OpenError::Shell)?;
        window.set_focus().map_err(OpenError::Shell)?;
        return Ok(());
    }
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App(path.into()))
        .title("Switchboard — Monitor")
        .inner_size(1280.0, 820.0)
        .min_inner_size(800.0, 520.0)
        .disable_drag_drop_handler()
        .build()
        .map_err(OpenError::Shell)?;
    Ok(())
}

/// A queue or agent name in the URL's fragment.
fn urlencoding(focus: &str) -> String {
    url::form_urlencoded::byte_serialize(focus.as_bytes()).collect()
}

#[derive(Debug)]
pub enum OpenError {
    NotSupervisor,
    Shell(tauri::Error),
}
