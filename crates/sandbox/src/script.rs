//! Scripted customers: personas who write to a page on a timetable.

use crate::world::{NumberSpec, PageSpec, TemplateSpec, UserSpec, World};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// The pages and personas a sandbox starts with.
#[derive(Debug, Clone, Deserialize)]
pub struct Script {
    #[serde(default)]
    pub pages: Vec<PageSpec>,
    /// Who can sign in on the login dialog (a demo admin when empty).
    #[serde(default)]
    pub users: Vec<UserSpec>,
    /// The Twilio account's numbers (SMS, and WhatsApp where enabled).
    #[serde(default)]
    pub numbers: Vec<NumberSpec>,
    #[serde(default)]
    pub templates: Vec<TemplateSpec>,
    #[serde(default)]
    pub personas: Vec<Persona>,
}

/// A scripted customer: on Messenger (`psid` writing to `page`), or by SMS or WhatsApp (`phone`
/// writing to our `number`; `whatsapp: true` for WhatsApp).
#[derive(Debug, Clone, Deserialize)]
pub struct Persona {
    #[serde(default)]
    pub psid: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub whatsapp: bool,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub messages: Vec<ScriptedMessage>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScriptedMessage {
    /// Seconds after the previous message (or the start, or the reply waited for) before this
    /// one is written.
    #[serde(default)]
    pub after_seconds: f64,
    /// Wait until the business has answered since the customer's last message first.
    #[serde(default)]
    pub after_reply: bool,
    #[serde(default)]
    pub text: String,
    /// A file the customer sends (one of the sandbox's samples: `bike.png`, `receipt.pdf`),
    /// with or without text.
    #[serde(default, alias = "image")]
    pub attachment: Option<String>,
}

impl Persona {
    /// The customer's address: a PSID, `+E164`, or `whatsapp:+E164`.
    pub fn address(&self) -> String {
        match (&self.psid, &self.phone) {
            (Some(psid), _) => psid.clone(),
            (None, Some(phone)) if self.whatsapp => format!("whatsapp:{phone}"),
            (None, Some(phone)) => phone.clone(),
            (None, None) => String::new(),
        }
    }

    /// The page id or Twilio number the customer writes to.
    pub fn channel(&self) -> &str {
        self.page.as_deref().or(self.number.as_deref()).unwrap_or_default()
    }
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
                let address = persona.address();
                for message in &persona.messages {
                    if message.after_reply {
                        while !world.answered(&address) {
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    }
                    tokio::time::sleep(Duration::from_secs_f64(message.after_seconds.max(0.0))).await;
                    let file = message.attachment.as_deref();
                    if let Err(error) = world.customer_sends(&address, &message.text, file) {
                        tracing::warn!(%error, "scripted customer could not write");
                    }
                }
            })
        })
        .collect()
}
