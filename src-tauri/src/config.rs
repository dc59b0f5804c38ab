//! What the app talks to, from its arguments and environment.
//!
//! - default: the real platforms (`https://graph.facebook.com`, `https://api.twilio.com`);
//! - `--demo`: an embedded sandbox with a connected demo page and scripted customers;
//! - `SWITCHBOARD_SANDBOX_URL=http://127.0.0.1:PORT`: demo mode against a sandbox that is
//!   already running (the end-to-end tests start their own);
//! - `SWITCHBOARD_GRAPH_URL`, `SWITCHBOARD_TWILIO_URL`: other API hosts;
//!   `SWITCHBOARD_DATA_DIR`: another data folder.

use std::path::PathBuf;
use switchboard_engine::Hosts;
use url::Url;

#[derive(Debug, Clone)]
pub enum Platforms {
    Live { hosts: Box<Hosts> },
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
            (None, false) => {
                let live = Hosts::live();
                Platforms::Live {
                    hosts: Box::new(Hosts {
                        graph: url("SWITCHBOARD_GRAPH_URL")?.unwrap_or(live.graph),
                        twilio: url("SWITCHBOARD_TWILIO_URL")?.unwrap_or(live.twilio),
                        twilio_content: url("SWITCHBOARD_TWILIO_CONTENT_URL")?.unwrap_or(live.twilio_content),
                        login: url("SWITCHBOARD_LOGIN_URL")?.unwrap_or(live.login),
                    }),
                }
            }
        };
        let data_dir = std::env::var_os("SWITCHBOARD_DATA_DIR").map(PathBuf::from);
        Ok(Self { platforms, data_dir })
    }

    pub fn is_demo(&self) -> bool {
        !matches!(self.platforms, Platforms::Live { .. })
    }
}
