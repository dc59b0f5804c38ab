//! The Facebook login popup: a window on facebook.com with no capability at all (it can call
//! no command). The shell watches its navigation for the desktop redirect, hands that address
//! to the engine (which checks the state), closes the popup and tells the main window.

use crate::commands::channels::LoginFinished;
use crate::error::CommandError;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use switchboard_engine::Engine;
use switchboard_engine::login::LoginDialog;
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};

pub const LABEL: &str = "oauth";
const FINISHED: &str = "login_finished";

pub fn open(app: &AppHandle, engine: Arc<Engine>, dialog: LoginDialog) -> tauri::Result<()> {
    if let Some(earlier) = app.get_webview_window(LABEL) {
        earlier.destroy()?;
    }
    let url = dialog.url.parse().map_err(|e: url::ParseError| tauri::Error::Anyhow(e.into()))?;
    // Set once the redirect is seen, so that closing the popup afterwards is not a cancel.
    let answered = Arc::new(AtomicBool::new(false));
    let (handle, seen) = (app.clone(), answered.clone());
    let popup = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::External(url))
        .title("Connect Facebook pages")
        .inner_size(620.0, 720.0)
        .on_navigation(move |to| {
            if !to.as_str().starts_with(dialog.redirect) {
                return true;
            }
            if !seen.swap(true, Ordering::SeqCst) {
                let (handle, engine, to) = (handle.clone(), engine.clone(), to.to_string());
                tauri::async_runtime::spawn(async move {
                    let finished = match engine.facebook_login_finish(&to).await {
                        Ok(outcome) => {
                            LoginFinished::Pages { pages: outcome.pages, declined: outcome.declined }
                        }
                        Err(error) => LoginFinished::Failed { error: CommandError::from(error) },
                    };
                    if let Some(popup) = handle.get_webview_window(LABEL) {
                        let _ = popup.destroy();
                    }
                    let _ = handle.emit_to("main", FINISHED, finished);
                    crate::tray::show_main(&handle);
                });
            }
            // The redirect page itself is never loaded.
            false
        })
        .build()?;
    let handle = app.clone();
    popup.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) && !answered.load(Ordering::SeqCst) {
            let _ = handle.emit_to("main", FINISHED, LoginFinished::Closed);
        }
    });
    Ok(())
}
