//! Opening the engine: keychain, cache, and against a sandbox its demo page.

use crate::config::{Config, Platforms};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use switchboard_engine::{Engine, EngineConfig, Hosts, Keychain, Notifier, Opening, SystemClock};

/// The folder the cache lives in (and that one engine at a time may have).
pub fn cache_folder(config: &Config, app_data_dir: &Path) -> PathBuf {
    let data_dir = config.data_dir.clone().unwrap_or_else(|| app_data_dir.to_owned());
    if config.is_demo() { data_dir.join("demo") } else { data_dir }
}

pub async fn start(config: &Config, folder: &Path) -> Result<Arc<Engine>, Box<dyn std::error::Error>> {
    Keychain::use_os_store()?;
    let (hosts, sandbox, opening) = match &config.platforms {
        Platforms::Live { hosts } => (hosts.as_ref().clone(), None, Opening::Resume),
        // A sandbox started with the app is new, so its old cache means nothing; a sandbox given
        // by URL outlives the app, and so does its cache.
        Platforms::Sandbox { url, fresh } => (
            Hosts::sandbox(url.clone()),
            Some(url.clone()),
            if *fresh { Opening::Afresh } else { Opening::Resume },
        ),
    };
    // Each demo's sandbox has its own app and tokens: two demos side by side (the end-to-end
    // tests) must not share keychain entries.
    let service = match sandbox {
        Some(_) => format!("switchboard-demo:{}", folder.display()),
        None => "switchboard".to_owned(),
    };
    let engine = Engine::open(
        EngineConfig { opening, ..EngineConfig::new(folder.join("cache.sqlite3"), hosts, agent_name()) },
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
