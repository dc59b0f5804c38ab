//! The shell: windows, thin commands, and the bridge from the engine's events to the UI.

mod commands;
mod config;
mod error;
mod events;
mod instance;
mod logging;
mod login_window;
mod media;
mod monitor_window;
mod startup;
mod tray;

use tauri::Manager;

include!("../command_sets.rs");

/// The invoke handler for every command of every set (each window may call only its sets').
macro_rules! invoke_handler {
    ($($set:ident $doc:literal { $($module:ident :: $command:ident),* $(,)? })*) => {
        tauri::generate_handler![$($(commands::$module::$command),*),*]
    };
}

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
        .invoke_handler(command_sets!(invoke_handler))
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
