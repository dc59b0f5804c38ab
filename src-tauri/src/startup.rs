//! Opening the engine: keychain, cache, and in demo mode the sandbox and its demo page.

use crate::config::{Config, Platforms};
use std::sync::Arc;
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, SystemClock};
use switchboard_sandbox::{Sandbox, Script};
use tauri::{AppHandle, Manager};
use url::Url;

/// Keeps the embedded sandbox running as long as the app.
struct EmbeddedSandbox(#[allow(dead_code)] Sandbox);

pub async fn start(app: &AppHandle, config: &Config) -> Result<Arc<Engine>, Box<dyn std::error::Error>> {
    Keychain::use_os_store()?;
    let data_dir = match &config.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir()?,
    };
    let (hosts, sandbox) = match &config.platforms {
        Platforms::Live { hosts } => (hosts.as_ref().clone(), None),
        Platforms::Sandbox(url) => (Hosts::sandbox(url.clone()), Some(url.clone())),
        Platforms::EmbeddedSandbox => {
            let sandbox = Sandbox::start(Script::demo()).await?;
            let url: Url = sandbox.base_url().parse()?;
            tracing::info!(%url, "demo mode: embedded sandbox started");
            app.manage(EmbeddedSandbox(sandbox));
            (Hosts::sandbox(url.clone()), Some(url))
        }
    };
    let (cache_path, service) = if config.is_demo() {
        let folder = data_dir.join("demo");
        // The embedded demo starts afresh each time: its sandbox is new, so its old cache
        // means nothing. A sandbox given by URL outlives the app, and so does its cache.
        if matches!(config.platforms, Platforms::EmbeddedSandbox) {
            let _ = std::fs::remove_dir_all(&folder);
        }
        // Each demo's sandbox has its own app and tokens: two demos side by side (the
        // end-to-end tests) must not share keychain entries.
        (folder.join("cache.sqlite3"), format!("switchboard-demo:{}", folder.display()))
    } else {
        (data_dir.join("cache.sqlite3"), "switchboard".to_owned())
    };
    let engine = Engine::open(
        EngineConfig::new(cache_path, hosts, agent_name()),
        Keychain::new(service),
        Notifier::new("Switchboard"),
        Arc::new(SystemClock),
    )
    .await?;
    if let Some(sandbox) = sandbox {
        engine.connect_sandbox_demo(&sandbox).await?;
    }
    engine.start().await?;
    Ok(engine)
}

/// The desktop's user stands for the agent until agents sign in (a later issue).
fn agent_name() -> String {
    ["USER", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .unwrap_or_else(|| "agent".to_owned())
}
