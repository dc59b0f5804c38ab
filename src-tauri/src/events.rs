//! The one helper that sends the engine's events to the windows, each under its own name. Two
//! also act in the shell: a clicked notification brings the main window forward, and the
//! awaiting count goes to the tray.

use switchboard_engine::Event;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::{Receiver, error::RecvError};

pub fn forward(app: AppHandle, mut events: Receiver<Event>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    match &event {
                        Event::OpenSession { .. } => crate::tray::show_main(&app),
                        Event::AwaitingChanged { count } => crate::tray::show_count(&app, *count),
                        Event::OpenMonitor { focus } => crate::tray::show_monitor_at(&app, Some(focus)),
                        _ => {}
                    }
                    // Each window gets only its own events: the desk's to the main window, the
                    // monitor's to the monitor (a customer's text never reaches a window that
                    // does not show it); the login popup gets none.
                    let window = match event {
                        Event::MonitorChanged | Event::OpenMonitor { .. } => crate::monitor_window::LABEL,
                        _ => "main",
                    };
                    if let Err(error) = app.emit_to(window, event.name(), &event) {
                        tracing::warn!(%error, "cannot deliver an event to the windows");
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the windows fell behind the engine's events")
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}
