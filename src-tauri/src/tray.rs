//! The tray icon: how many sessions await a reply, and the way back to the main window.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};

const TRAY_ID: &str = "main";

pub fn build(app: &AppHandle, awaiting: u32) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Switchboard", true, None::<&str>)?;
    let monitor = MenuItem::with_id(app, "monitor", "Open the monitor", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Switchboard", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &monitor, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip(tooltip(awaiting))
        .title(title(awaiting))
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_main(app),
            "monitor" => show_monitor_at(app, None),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    show_count(app, awaiting);
    Ok(())
}

/// The tray's number and the main window's title follow the awaiting count.
pub fn show_count(app: &AppHandle, awaiting: u32) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(tooltip(awaiting)));
        let _ = tray.set_title(Some(title(awaiting)));
    }
    if let Some(window) = app.get_webview_window("main") {
        let title =
            if awaiting == 0 { "Switchboard".to_owned() } else { format!("Switchboard ({awaiting})") };
        let _ = window.set_title(&title);
    }
}

/// Brings the main window forward: shown, restored and focused.
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Opens the supervisor's monitor (at a queue or agent); for a member without the role, the
/// main window instead.
pub fn show_monitor_at(app: &AppHandle, focus: Option<&str>) {
    let Some(engine) = app.try_state::<std::sync::Arc<switchboard_engine::Engine>>() else { return };
    if let Err(error) = crate::monitor_window::open(app, &engine, focus) {
        tracing::info!(?error, "the monitor did not open from the tray");
        show_main(app);
    }
}

fn tooltip(awaiting: u32) -> String {
    match awaiting {
        0 => "Switchboard — nobody is waiting".to_owned(),
        1 => "Switchboard — 1 session awaits a reply".to_owned(),
        n => format!("Switchboard — {n} sessions await a reply"),
    }
}

/// The number beside the icon; nothing when nobody waits.
fn title(awaiting: u32) -> String {
    if awaiting == 0 { String::new() } else { awaiting.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tray_says_how_many_sessions_await_a_reply() {
        assert_eq!((tooltip(0).as_str(), title(0).as_str()), ("Switchboard — nobody is waiting", ""));
        assert_eq!(tooltip(1), "Switchboard — 1 session awaits a reply");
        assert_eq!(
            (tooltip(12).as_str(), title(12).as_str()),
            ("Switchboard — 12 sessions await a reply", "12")
        );
    }
}
