//! The shell: windows, thin commands, and the bridge from the engine's events to the UI.

mod commands;
mod config;
mod error;
mod events;
mod instance;
mod logging;
mod login_window;
mod media;
mod startup;
mod tray;

use tauri::Manager;

/// The app as installed: the real platforms, or a sandbox given by `SWITCHBOARD_SANDBOX_URL`.
pub fn run() {
    match config::Config::from_env() {
        Ok(config) => run_with(config),
        Err(message) => {
            eprintln!("switchboard: {message}");
            std::process::exit(2);
        }
    }
}

/// Demo and training: the app against a sandbox started with it (`switchboard-demo`).
pub fn run_demo(sandbox: url::Url) {
    run_with(config::Config::demo(sandbox));
}

fn run_with(config: config::Config) {
    let context = tauri::generate_context!();
    let identity = instance::Identity::new(&config, &context.config().identifier);
    // Registered first: a second launch hands over its arguments and exits before anything
    // else of it starts (no second engine, no second window).
    let builder = instance::register(tauri::Builder::default(), &identity);
    let app = builder
        .plugin(identity.window_state())
        .on_window_event(instance::keep_window_state)
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .plugin(tauri_plugin_opener::Builder::new().build())
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
            commands::settings::autostart_get,
            commands::settings::autostart_set,
            commands::settings::link_open,
            commands::team::team_get,
            commands::team::team_create,
            commands::team::team_join,
            commands::team::team_members,
            commands::team::team_invite,
            commands::team::team_remove,
            commands::team::team_audit,
            commands::team::team_key_rotate,
            commands::team::team_sign_out,
            commands::team::team_sign_in,
            commands::routing::presence_get,
            commands::routing::presence_set,
            commands::routing::queue_views,
            commands::routing::interaction_pick_up,
            commands::routing::interaction_hold,
            commands::routing::interaction_resume,
            commands::routing::interaction_end,
            commands::routing::interaction_dismiss,
            commands::routing::interaction_transfer,
            commands::routing::dispositions_list,
            commands::routing::members_list,
            commands::routing::routing_get,
            commands::routing::experience_save,
            commands::routing::experience_copy,
            commands::routing::queue_add,
            commands::routing::queue_update,
            commands::routing::queue_move,
            commands::routing::queue_delete,
            commands::routing::queue_members_set,
            commands::routing::capacity_set,
            commands::routing::member_capacity_set,
            commands::routing::offline_grace_set,
            commands::routing::dispositions_set,
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
            let folder = startup::cache_folder(&config, &app.path().app_data_dir()?);
            let engine = match tauri::async_runtime::block_on(startup::start(&config, &folder)) {
                Ok(engine) => engine,
                // Said plainly (another Switchboard has the folder, the keychain is locked…)
                // rather than as a panic.
                Err(error) => {
                    tracing::error!(%error, "Switchboard cannot start");
                    eprintln!("switchboard: {error}");
                    std::process::exit(1);
                }
            };
            let awaiting = tauri::async_runtime::block_on(engine.awaiting_count())?;
            tray::build(app.handle(), awaiting)?;
            events::forward(app.handle().clone(), engine.subscribe());
            app.manage(engine);
            instance::open_deep_link(app.handle(), &std::env::args().collect::<Vec<_>>());
            Ok(())
        })
        .build(context)
        .expect("the Tauri application failed to build");
    app.run(|app, event| {
        // The process exits right after this event, without dropping the engine.
        if let tauri::RunEvent::Exit = event
            && let Some(engine) = app.try_state::<std::sync::Arc<switchboard_engine::Engine>>()
        {
            tauri::async_runtime::block_on(engine.close());
        }
    });
}
