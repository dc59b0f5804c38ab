//! One Switchboard per user and data folder, and what each window remembers.
//!
//! A second launch on the same data folder (a double click, autostart plus a click) hands its
//! arguments to the running app, which comes forward and opens a `switchboard://` link if one
//! was given, and exits. Apps on other data folders (the demo, the tests) are other instances.
//! Below this, the store locks the folder itself, so no second engine can open the cache.

use crate::config::Config;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use switchboard_core::DeepLink;
use switchboard_engine::Engine;
use tauri::{AppHandle, Manager, Runtime};

/// Who this instance is: the app's identifier, refined by its data folder when not the default.
#[derive(Debug, Clone)]
pub struct Identity {
    name: String,
    state_file: Option<std::path::PathBuf>,
}

impl Identity {
    pub fn new(config: &Config, identifier: &str) -> Self {
        let mut name = identifier.to_owned();
        if let Some(folder) = &config.data_dir {
            let folder = folder.canonicalize().unwrap_or_else(|_| folder.clone());
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            folder.hash(&mut hasher);
            // A D-Bus name's elements may not start with a digit.
            name.push_str(&format!(".d{:016x}", hasher.finish()));
        }
        if config.is_demo() {
            name.push_str(".demo");
        }
        // With its own data folder, the app keeps its window state there too.
        let state_file = config.data_dir.as_ref().map(|dir| dir.join("window-state.json"));
        Self { name, state_file }
    }

    /// Size, position and maximized state of the main window, restored at start. The login
    /// popup is not remembered: it opens at its own size each time.
    pub fn window_state<R: Runtime>(&self) -> tauri::plugin::TauriPlugin<R> {
        let builder = tauri_plugin_window_state::Builder::new().with_denylist(&[crate::login_window::LABEL]);
        match &self.state_file {
            // An absolute file name is kept as it is (not under the config folder).
            Some(file) => builder.with_filename(file.display().to_string()).build(),
            None => builder.build(),
        }
    }
}

/// Saves the windows' state shortly after the main window is moved or resized, not only at a
/// clean exit: a crash, a kill or a power cut still brings the window back where it was.
pub fn keep_window_state(window: &tauri::Window, event: &tauri::WindowEvent) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    static CHANGES: AtomicU64 = AtomicU64::new(0);
    if window.label() != "main"
        || !matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_))
    {
        return;
    }
    // A drag sends many events: save once they have stopped for a moment.
    let change = CHANGES.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        if CHANGES.load(Ordering::SeqCst) == change
            && let Err(error) = app.save_window_state(StateFlags::all())
        {
            tracing::warn!(%error, "cannot save the window's size and place");
        }
    });
}

pub fn register(builder: tauri::Builder<tauri::Wry>, identity: &Identity) -> tauri::Builder<tauri::Wry> {
    let plugin = tauri_plugin_single_instance::Builder::new().callback(|app: &AppHandle, args, _cwd| {
        tracing::info!("a second launch was handed to this instance");
        crate::tray::show_main(app);
        open_deep_link(app, &args);
    });
    #[cfg(target_os = "linux")]
    let plugin = plugin.dbus_id(identity.name.clone());
    #[cfg(not(target_os = "linux"))]
    let _ = identity;
    builder.plugin(plugin.build())
}

/// Opens what a `switchboard://` link among `args` asks for (nothing when there is none).
pub fn open_deep_link(app: &AppHandle, args: &[String]) {
    let Some(DeepLink::Session(session_id)) = DeepLink::from_args(args) else { return };
    let Some(engine) = app.try_state::<Arc<Engine>>().map(|engine| engine.inner().clone()) else { return };
    tauri::async_runtime::spawn(async move {
        if let Err(error) = engine.show_session(session_id).await {
            tracing::warn!(%error, session_id, "a switchboard:// link named no session");
        }
    });
}
