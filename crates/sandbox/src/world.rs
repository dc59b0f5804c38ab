//! The sandbox's state: pages, customers, their conversations and what the pages sent.

use crate::script::Script;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct PageSpec {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub id: String,
    pub name: String,
    pub access_token: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Customer {
    pub psid: String,
    pub page_id: String,
    pub first_name: String,
    pub last_name: String,
}

impl Customer {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub id: String,
    pub created: Timestamp,
    pub from_page: bool,
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    pub id: String,
    pub page_id: String,
    pub psid: String,
    /// Oldest first.
    pub messages: Vec<Message>,
}

impl Conversation {
    pub fn updated(&self) -> Timestamp {
        self.messages.last().map(|m| m.created).unwrap_or_default()
    }

    pub fn last_customer_message(&self) -> Option<Timestamp> {
        self.messages.iter().rev().find(|m| !m.from_page).map(|m| m.created)
    }
}

/// One message a page sent through the Send API, as recorded for tests and the control API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentMessage {
    pub page_id: String,
    pub recipient_id: String,
    pub message_id: String,
    pub text: String,
    pub messaging_type: String,
    pub tag: Option<String>,
    pub sent_at: Timestamp,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub pages: Vec<Page>,
    pub customers: Vec<Customer>,
    pub conversations: Vec<Conversation>,
    pub sent: Vec<SentMessage>,
    next_id: u64,
}

impl State {
    pub fn page_by_token(&self, token: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.access_token == token)
    }

    pub fn customer(&self, psid: &str) -> Option<&Customer> {
        self.customers.iter().find(|c| c.psid == psid)
    }

    pub fn conversation_mut(&mut self, page_id: &str, psid: &str) -> &mut Conversation {
        let index = match self.conversations.iter().position(|c| c.page_id == page_id && c.psid == psid) {
            Some(index) => index,
            None => {
                let id = format!("t_{}", self.next_id());
                self.conversations.push(Conversation {
                    id,
                    page_id: page_id.into(),
                    psid: psid.into(),
                    messages: Vec::new(),
                });
                self.conversations.len() - 1
            }
        };
        &mut self.conversations[index]
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A message id shaped like Messenger's (`m_…`), unique in this sandbox.
    pub fn next_message_id(&mut self) -> String {
        format!("m_{:016x}{:08}", random_u64(), self.next_id())
    }
}

#[derive(Debug)]
pub(crate) struct World {
    state: Mutex<State>,
    pub base_url: String,
}

impl World {
    pub fn new(script: &Script, base_url: String) -> Self {
        let mut state = State::default();
        for page in &script.pages {
            state.pages.push(Page {
                id: page.id.clone(),
                name: page.name.clone(),
                access_token: format!("EAAsandbox{:016x}{:016x}", random_u64(), random_u64()),
            });
        }
        for persona in &script.personas {
            state.customers.push(Customer {
                psid: persona.psid.clone(),
                page_id: persona.page.clone(),
                first_name: persona.first_name.clone(),
                last_name: persona.last_name.clone(),
            });
        }
        Self { state: Mutex::new(state), base_url }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: keep serving.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The sandbox's clock. Clock control (moving time) comes with the full sandbox.
    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    pub fn sent(&self) -> Vec<SentMessage> {
        self.lock().sent.clone()
    }

    pub fn customer_writes(&self, psid: &str, text: &str) -> Result<String, String> {
        let now = self.now();
        let mut state = self.lock();
        let page_id = state
            .customer(psid)
            .map(|c| c.page_id.clone())
            .ok_or_else(|| format!("no customer with PSID {psid}"))?;
        let id = state.next_message_id();
        state.conversation_mut(&page_id, psid).messages.push(Message {
            id: id.clone(),
            created: now,
            from_page: false,
            text: text.into(),
        });
        Ok(id)
    }
}

fn random_u64() -> u64 {
    // RandomState is seeded from the OS: enough for tokens that only need to be unguessable
    // within one test run.
    RandomState::new().build_hasher().finish()
}
