//! Opening the engine: keychain, cache, and in demo mode the sandbox and its demo page.

use crate::config::{Config, Platforms};
use std::sync::Arc;
use std::time::Duration;
use switchboard_engine::{Engine, EngineConfig, Keychain, Notifier, SystemClock};
use switchboard_sandbox::{Sandbox, Script};
use tauri::{AppHandle, Manager};
use url::Url;

/// Messenger's Conversations API allows 2 calls/s per page: one poll a second stays within it.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Keeps the embedded sandbox running as long as the app.
struct EmbeddedSandbox(#[allow(dead_code)] Sandbox);

pub async fn start(app: &AppHandle, config: &Config) -> Result<Arc<Engine>, Box<dyn std::error::Error>> {
    Keychain::use_os_store()?;
    let data_dir = match &config.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir()?,
    };
    let (graph_base, sandbox) = match &config.platforms {
        Platforms::Live { graph } => (graph.clone(), None),
        Platforms::Sandbox(url) => (url.clone(), Some(url.clone())),
        Platforms::EmbeddedSandbox => {
            let sandbox = Sandbox::start(Script::demo()).await?;
            let url: Url = sandbox.base_url().parse()?;
            tracing::info!(%url, "demo mode: embedded sandbox started");
            app.manage(EmbeddedSandbox(sandbox));
            (url.clone(), Some(url))
        }
    };
    let (cache_path, service) = if config.is_demo() {
        // The demo starts afresh each time: its sandbox is new, so its old cache means nothing.
        let folder = data_dir.join("demo");
        let _ = std::fs::remove_dir_all(&folder);
        (folder.join("cache.sqlite3"), "switchboard-demo")
    } else {
        (data_dir.join("cache.sqlite3"), "switchboard")
    };
    let engine = Engine::open(
        EngineConfig {
            cache_path,
            graph_base,
            poll_interval: POLL_INTERVAL,
            request_timeout: Duration::from_secs(30),
            agent: agent_name(),
        },
        Keychain::new(service),
        Notifier::new("Switchboard"),
        Arc::new(SystemClock),
    )
    .await?;
    if let Some(sandbox) = sandbox {
        let page = switchboard_platforms::demo::demo_page(&sandbox).await?;
        engine.connect_messenger_page(&page.page_id, &page.page_name, page.access_token).await?;
        tracing::info!(page = %page.page_name, "demo page connected");
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
