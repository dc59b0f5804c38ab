//! The shell: windows, thin commands, and the bridge from the engine's events to the UI.

mod commands;
mod config;
mod error;
mod events;
mod logging;
mod login_window;
mod media;
mod startup;
mod tray;

use tauri::Manager;

pub fn run() {
    let config = match config::Config::from_env() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("switchboard: {message}");
            std::process::exit(2);
        }
    };
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::sessions::session_list,
            commands::sessions::session_messages,
            commands::sessions::message_retry,
            commands::notifications::session_focus,
            commands::notifications::notifications_set_dnd,
            commands::channels::channel_list,
            commands::channels::facebook_app_set,
            commands::channels::facebook_login,
            commands::channels::facebook_connect_pages,
            commands::channels::channel_disconnect,
            commands::channels::twilio_numbers,
            commands::channels::twilio_connect,
            commands::sessions::session_send,
            commands::sessions::awaiting_count,
            commands::sessions::session_read,
            commands::sessions::draft_save,
            commands::sessions::session_set_state,
            commands::sessions::session_delete,
            commands::sessions::outbound_start,
            commands::desk::session_details,
            commands::desk::session_set_contact,
            commands::desk::session_set_categories,
            commands::desk::category_create,
            commands::desk::note_add,
            commands::desk::search,
            commands::desk::canned_list,
            commands::desk::canned_save,
            commands::desk::canned_delete,
            commands::desk::canned_expand,
            commands::desk::whatsapp_templates,
            commands::desk::session_send_template,
            commands::files::attachment_check,
            commands::files::attachment_send,
            commands::files::attachment_save,
        ])
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::serve)
        .setup(move |app| {
            // With SWITCHBOARD_DATA_DIR everything the app writes stays in that folder.
            let log_dir = match &config.data_dir {
                Some(dir) => dir.join("logs"),
                None => app.path().app_log_dir()?,
            };
            let log_guard = logging::init(&log_dir)?;
            app.manage(log_guard);
            app.manage(commands::files::SaveFolder(
                config.data_dir.as_ref().map(|dir| dir.join("Downloads")),
            ));
            let engine = tauri::async_runtime::block_on(startup::start(app.handle(), &config))?;
            let awaiting = tauri::async_runtime::block_on(engine.awaiting_count())?;
            tray::build(app.handle(), awaiting)?;
            events::forward(app.handle().clone(), engine.subscribe());
            app.manage(engine);
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the Tauri application failed to build")
        .run(|app, event| {
            // The process exits right after this event, without dropping the engine.
            if let tauri::RunEvent::Exit = event
                && let Some(engine) = app.try_state::<std::sync::Arc<switchboard_engine::Engine>>()
            {
                tauri::async_runtime::block_on(engine.close());
            }
        });
}
