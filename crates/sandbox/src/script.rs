//! Scripted customers: personas who write to a page on a timetable.

use crate::world::{PageSpec, World};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// The pages and personas a sandbox starts with.
#[derive(Debug, Clone, Deserialize)]
pub struct Script {
    pub pages: Vec<PageSpec>,
    #[serde(default)]
    pub personas: Vec<Persona>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Persona {
    pub psid: String,
    /// The id of the page this persona writes to.
    pub page: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub messages: Vec<ScriptedMessage>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScriptedMessage {
    /// Seconds after the previous message (or the start) before this one is written.
    pub after_seconds: f64,
    pub text: String,
}

impl Script {
    /// The demo that `make run` opens: a bike shop's page and customers writing in.
    pub fn demo() -> Self {
        serde_json::from_str(include_str!("../scripts/demo.json")).expect("the bundled demo script is valid")
    }

    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }
}

pub(crate) fn run(script: &Script, world: Arc<World>) -> Vec<JoinHandle<()>> {
    script
        .personas
        .iter()
        .filter(|persona| !persona.messages.is_empty())
        .map(|persona| {
            let persona = persona.clone();
            let world = world.clone();
            tokio::spawn(async move {
                for message in &persona.messages {
                    tokio::time::sleep(Duration::from_secs_f64(message.after_seconds.max(0.0))).await;
                    if let Err(error) = world.customer_writes(&persona.psid, &message.text) {
                        tracing::warn!(%error, "scripted customer could not write");
                    }
                }
            })
        })
        .collect()
}
