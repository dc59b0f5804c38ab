//! What the app talks to, from its arguments and environment.
//!
//! - default: the real platforms (`https://graph.facebook.com`, `https://api.twilio.com`);
//! - `SWITCHBOARD_SANDBOX_URL=http://127.0.0.1:PORT`: demo and training mode against a sandbox
//!   that is already running (the end-to-end tests start their own);
//! - `SWITCHBOARD_GRAPH_URL`, `SWITCHBOARD_TWILIO_URL`…: other API hosts;
//!   `SWITCHBOARD_DATA_DIR`: another data folder.
//!
//! The sandbox itself is not in this binary: `switchboard-demo` (crates/demo) embeds it.

use std::path::PathBuf;
use switchboard_engine::Hosts;
use url::Url;

#[derive(Debug, Clone)]
pub enum Platforms {
    Live {
        hosts: Box<Hosts>,
    },
    /// A sandbox: `fresh` when it was started with the app (its old cache means nothing then).
    Sandbox {
        url: Url,
        fresh: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub platforms: Platforms,
    pub data_dir: Option<PathBuf>,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        if std::env::args().skip(1).any(|arg| arg == "--demo") {
            return Err("the demo is its own program, which carries the sandbox: run `switchboard-demo` \
                 (`make run` in the source tree), or point this app at a running sandbox with \
                 SWITCHBOARD_SANDBOX_URL"
                .into());
        }
        let url = |name: &str| -> Result<Option<Url>, String> {
            std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .map(|value| value.parse().map_err(|e| format!("{name}={value:?} is not a URL: {e}")))
                .transpose()
        };
        let platforms = match url("SWITCHBOARD_SANDBOX_URL")? {
            Some(url) => Platforms::Sandbox { url, fresh: false },
            None => {
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
        Ok(Self { platforms, data_dir: data_dir() })
    }

    /// The demo: a sandbox started with the app, and a cache that starts empty with it.
    pub fn demo(sandbox: Url) -> Self {
        Self { platforms: Platforms::Sandbox { url: sandbox, fresh: true }, data_dir: data_dir() }
    }

    pub fn is_demo(&self) -> bool {
        matches!(self.platforms, Platforms::Sandbox { .. })
    }
}

fn data_dir() -> Option<PathBuf> {
    std::env::var_os("SWITCHBOARD_DATA_DIR").map(PathBuf::from)
}
