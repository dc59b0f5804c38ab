//! What the app talks to, from its arguments and environment.
//!
//! - default: the real platforms (`https://graph.facebook.com`);
//! - `--demo`: an embedded sandbox with a connected demo page and scripted customers;
//! - `SWITCHBOARD_SANDBOX_URL=http://127.0.0.1:PORT`: demo mode against a sandbox that is
//!   already running (the end-to-end tests start their own);
//! - `SWITCHBOARD_GRAPH_URL`: another Graph API host; `SWITCHBOARD_DATA_DIR`: another data folder.

use std::path::PathBuf;
use url::Url;

const GRAPH_HOST: &str = "https://graph.facebook.com";

#[derive(Debug, Clone)]
pub enum Platforms {
    Live { graph: Url },
    EmbeddedSandbox,
    Sandbox(Url),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub platforms: Platforms,
    pub data_dir: Option<PathBuf>,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let demo = std::env::args().skip(1).any(|arg| arg == "--demo");
        let url = |name: &str| -> Result<Option<Url>, String> {
            std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .map(|value| value.parse().map_err(|e| format!("{name}={value:?} is not a URL: {e}")))
                .transpose()
        };
        let platforms = match (url("SWITCHBOARD_SANDBOX_URL")?, demo) {
            (Some(sandbox), _) => Platforms::Sandbox(sandbox),
            (None, true) => Platforms::EmbeddedSandbox,
            (None, false) => Platforms::Live {
                graph: url("SWITCHBOARD_GRAPH_URL")?
                    .unwrap_or_else(|| GRAPH_HOST.parse().expect("a valid constant URL")),
            },
        };
        let data_dir = std::env::var_os("SWITCHBOARD_DATA_DIR").map(PathBuf::from);
        Ok(Self { platforms, data_dir })
    }

    pub fn is_demo(&self) -> bool {
        !matches!(self.platforms, Platforms::Live { .. })
    }
}
