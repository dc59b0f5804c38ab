//! The sandbox's state: pages, customers, their conversations and what the pages sent.

use crate::script::{Persona, Script};
use jiff::SignedDuration;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct PageSpec {
    pub id: String,
    pub name: String,
    /// What the signed-in user may do on the page; MESSAGING (or MODERATE) is needed to read
    /// and answer messages.
    #[serde(default = "PageSpec::all_tasks")]
    pub tasks: Vec<String>,
}

impl PageSpec {
    fn all_tasks() -> Vec<String> {
        ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE", "MESSAGING"]
            .map(String::from)
            .to_vec()
    }
}

/// A Facebook user who can sign in on the login dialog; by default the demo admin, who
/// manages every page.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct UserSpec {
    pub id: String,
    pub name: String,
    /// Pages this person has already given the app (as if they had logged in once).
    #[serde(default)]
    pub pages: Vec<String>,
}

/// A Twilio phone number of the sandbox's account; `whatsapp` makes it a WhatsApp sender too.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct NumberSpec {
    pub number: String,
    pub name: String,
    #[serde(default)]
    pub whatsapp: bool,
}

/// A WhatsApp template (Twilio Content API), with `{{1}}`-style variables.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TemplateSpec {
    pub sid: String,
    pub body: String,
    /// The friendly name; the sid when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether WhatsApp approved it (`approval_requests.status`); approved unless said otherwise.
    #[serde(default = "approved")]
    pub approved: bool,
}

fn approved() -> bool {
    true
}

#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub id: String,
    pub name: String,
    pub access_token: String,
    /// Set when the token was revoked or expired: the Graph error subcode it now answers with.
    pub revoked: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub name: String,
    /// Permission → `granted` or `declined`, as last answered on the dialog.
    pub permissions: Vec<(String, String)>,
    /// The pages the user chose to give the app.
    pub pages: Vec<String>,
    /// Data access lapses 90 days after the user last logged in to the app.
    pub data_access_expires_at: Timestamp,
}

/// A login code: single use, bound to the redirect URI and the PKCE challenge.
#[derive(Debug, Clone)]
pub(crate) struct LoginCode {
    pub code: String,
    pub user_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct UserToken {
    pub token: String,
    pub user_id: String,
    pub expires_at: Timestamp,
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
    pub attachments: Vec<Attachment>,
}

/// A file in a message: an image, audio, video or other file, at a URL. Files the sandbox holds
/// (uploads, what customers send) are served at that URL with their bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: String,
    pub kind: String,
    pub url: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
    #[serde(skip)]
    pub bytes: Arc<[u8]>,
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
    /// The file sent, if the message was one.
    pub attachment: Option<Attachment>,
    pub sent_at: Timestamp,
}

#[derive(Debug, Clone)]
pub(crate) struct TwilioNumber {
    pub sid: String,
    pub number: String,
    pub name: String,
    pub whatsapp: bool,
    pub created: Timestamp,
}

/// A Message resource as Twilio keeps it; its status is derived from the clock when read.
#[derive(Debug, Clone)]
pub(crate) struct TwilioMessage {
    pub sid: String,
    /// `+E164` or `whatsapp:+E164`.
    pub from: String,
    pub to: String,
    pub body: String,
    pub inbound: bool,
    pub created: Timestamp,
    pub num_media: usize,
    /// What a customer's message carried (files the sandbox serves), as Media resources.
    pub media: Vec<TwilioMedia>,
    /// Set when delivery will fail (e.g. 63016 outside WhatsApp's window).
    pub fails_with: Option<(u32, &'static str)>,
}

/// A Media resource of a Twilio message: its own SID and the file it is.
#[derive(Debug, Clone)]
pub(crate) struct TwilioMedia {
    pub sid: String,
    pub file: Attachment,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub app_id: String,
    pub app_secret: String,
    pub users: Vec<User>,
    pub codes: Vec<LoginCode>,
    pub user_tokens: Vec<UserToken>,
    pub page_tasks: Vec<(String, Vec<String>)>,
    pub faults: Vec<crate::faults::FaultRule>,
    /// Every request to a platform endpoint, answered or refused: a test can check that the
    /// app did not even try (a refusal records nothing else).
    pub requests: std::collections::BTreeMap<crate::faults::Endpoint, u64>,
    /// How many faults fired, per endpoint and kind: a test can check its faults happened.
    pub faults_fired:
        std::collections::BTreeMap<crate::faults::Endpoint, std::collections::BTreeMap<String, u64>>,
    /// Files uploaded through `message_attachments` and files customers sent.
    pub files: Vec<Attachment>,
    /// A deterministic source for probabilistic faults, so runs can be repeated.
    pub fault_dice: u64,
    /// Conversations API calls per page in the last second, for its rate limit.
    pub recent_reads: Vec<(String, std::time::Instant)>,
    /// Every Conversations API read that was answered, for the benchmarks' call counts.
    pub reads: u64,
    pub pages: Vec<Page>,
    pub customers: Vec<Customer>,
    pub conversations: Vec<Conversation>,
    pub sent: Vec<SentMessage>,
    pub account_sid: String,
    pub auth_token: String,
    pub numbers: Vec<TwilioNumber>,
    pub templates: Vec<TemplateSpec>,
    pub sms: Vec<TwilioMessage>,
    /// (customer address, our number) pairs where the customer sent STOP and not START since.
    pub opted_out: Vec<(String, String)>,
    next_id: u64,
}

impl State {
    pub fn from_script(script: &Script) -> Self {
        let mut state = State {
            account_sid: format!("AC{:016x}{:016x}", random_u64(), random_u64()),
            auth_token: format!("{:016x}{:016x}", random_u64(), random_u64()),
            app_id: format!("{}", 100_000_000_000_000 + random_u64() % 900_000_000_000_000),
            app_secret: format!("{:016x}{:016x}", random_u64(), random_u64()),
            templates: script.templates.clone(),
            ..State::default()
        };
        for page in &script.pages {
            state.add_page(page);
        }
        script.numbers.iter().for_each(|number| state.add_number(number));
        script.personas.iter().for_each(|persona| state.add_customer(persona));
        let users = if script.users.is_empty() {
            vec![UserSpec { id: "100000000000001".into(), name: "Demo Admin".into(), pages: Vec::new() }]
        } else {
            script.users.clone()
        };
        users.iter().for_each(|user| state.add_user(user));
        state
    }

    /// A page with a fresh page token; returns the token.
    pub fn add_page(&mut self, page: &PageSpec) -> String {
        let access_token = self.next_secret("EAAsandbox");
        self.pages.retain(|p| p.id != page.id);
        self.pages.push(Page {
            id: page.id.clone(),
            name: page.name.clone(),
            access_token: access_token.clone(),
            revoked: None,
        });
        self.page_tasks.retain(|(id, _)| *id != page.id);
        self.page_tasks.push((page.id.clone(), page.tasks.clone()));
        access_token
    }

    pub fn add_number(&mut self, number: &NumberSpec) {
        #[allow(clippy::disallowed_methods)] // the number's creation date
        let created = Timestamp::now();
        let sid = self.next_sid("PN");
        self.numbers.retain(|n| n.number != number.number);
        self.numbers.push(TwilioNumber {
            sid,
            number: number.number.clone(),
            name: number.name.clone(),
            whatsapp: number.whatsapp,
            created,
        });
    }

    pub fn add_customer(&mut self, persona: &Persona) {
        let psid = persona.address();
        self.customers.retain(|c| c.psid != psid);
        self.customers.push(Customer {
            psid,
            page_id: persona.channel().to_owned(),
            first_name: persona.first_name.clone(),
            last_name: persona.last_name.clone(),
        });
    }

    pub fn add_user(&mut self, user: &UserSpec) {
        #[allow(clippy::disallowed_methods)] // data access counts from creation until a login
        let now = Timestamp::now();
        self.users.retain(|u| u.id != user.id);
        self.users.push(User {
            id: user.id.clone(),
            name: user.name.clone(),
            permissions: Vec::new(),
            pages: user.pages.clone(),
            data_access_expires_at: now + SignedDuration::from_hours(90 * 24),
        });
    }

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

    /// An opaque token or code.
    pub fn next_secret(&mut self, prefix: &str) -> String {
        format!("{prefix}{:016x}{:016x}{:04x}", random_u64(), random_u64(), self.next_id())
    }

    pub fn user_by_token(&self, token: &str) -> Option<(&UserToken, &User)> {
        let token = self.user_tokens.iter().find(|t| t.token == token)?;
        Some((token, self.users.iter().find(|u| u.id == token.user_id)?))
    }

    pub fn tasks(&self, page_id: &str) -> Vec<String> {
        self.page_tasks.iter().find(|(id, _)| id == page_id).map(|(_, t)| t.clone()).unwrap_or_default()
    }

    /// A Twilio SID: two letters and 32 hex digits, unique in this sandbox.
    pub fn next_sid(&mut self, prefix: &str) -> String {
        format!("{prefix}{:016x}{:016x}", random_u64(), self.next_id())
    }
}

#[derive(Debug)]
pub(crate) struct World {
    state: Mutex<State>,
    pub base_url: String,
    /// How far the sandbox's clock runs ahead of the real one, in milliseconds.
    clock_offset_ms: AtomicI64,
    script: Script,
}

impl World {
    pub fn new(script: &Script, base_url: String) -> Self {
        Self {
            state: Mutex::new(State::from_script(script)),
            base_url,
            clock_offset_ms: AtomicI64::new(0),
            script: script.clone(),
        }
    }

    /// Back to the script's initial state (new tokens and credentials, nothing sent).
    pub fn reset(&self) {
        *self.lock() = State::from_script(&self.script);
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: keep serving.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The sandbox's clock: real time plus however far it was moved. Messaging windows and
    /// message statuses follow it.
    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> Timestamp {
        Timestamp::now() + SignedDuration::from_millis(self.clock_offset_ms.load(Ordering::SeqCst))
    }

    /// The fault to inject into this request, if a rule says so (and uses it up).
    pub fn take_fault(&self, endpoint: crate::faults::Endpoint) -> Option<crate::faults::Fault> {
        let mut state = self.lock();
        let fault = choose_fault(&mut state, endpoint)?;
        *state.faults_fired.entry(endpoint).or_default().entry(fault.kind().to_owned()).or_default() += 1;
        Some(fault)
    }

    /// Moves the clock forward (never back: platforms' times only grow).
    pub fn advance_clock(&self, by: SignedDuration) -> Timestamp {
        let millis = by.as_millis().max(0) as i64;
        self.clock_offset_ms.fetch_add(millis, Ordering::SeqCst);
        self.now()
    }

    pub fn sent(&self) -> Vec<SentMessage> {
        self.lock().sent.clone()
    }

    /// A customer writes: on Messenger to the page, or by SMS/WhatsApp to a Twilio number.
    pub fn customer_writes(&self, id: &str, text: &str) -> Result<String, String> {
        self.customer_sends(id, text, None)
    }

    /// A customer writes text, sends one of the sandbox's sample files (by name), or both.
    pub fn customer_sends(&self, id: &str, text: &str, file: Option<&str>) -> Result<String, String> {
        self.customer_sent(id, text, file, SignedDuration::ZERO)
    }

    /// As `customer_sends`, but the message is dated `ago` before now: a conversation that
    /// started earlier (a closed messaging window) without moving the clock.
    pub fn customer_sent(
        &self,
        id: &str,
        text: &str,
        file: Option<&str>,
        ago: SignedDuration,
    ) -> Result<String, String> {
        let now = self.now() - ago.abs();
        let mut state = self.lock();
        let customer = state.customer(id).cloned().ok_or_else(|| format!("no customer {id}"))?;
        let file = match file {
            Some(name) => Some(self.keep_sample(&mut state, name)?),
            None => None,
        };
        if let Some(number) = state.numbers.iter().find(|n| n.number == customer.page_id).cloned() {
            return Ok(crate::twilio::receive(&mut state, &customer, &number, text, file, now));
        }
        let id = state.next_message_id();
        let messages = &mut state.conversation_mut(&customer.page_id, &customer.psid).messages;
        // Oldest first, even for a message dated in the past.
        let at = messages.partition_point(|m| m.created <= now);
        messages.insert(
            at,
            Message {
                id: id.clone(),
                created: now,
                from_page: false,
                text: text.into(),
                attachments: file.into_iter().collect(),
            },
        );
        Ok(id)
    }

    /// A file the sandbox keeps and serves, made from a bundled sample.
    fn keep_sample(&self, state: &mut State, name: &str) -> Result<Attachment, String> {
        let sample = crate::samples::sample(name)
            .ok_or_else(|| format!("no sample file {name}; the sandbox has {}", crate::samples::names()))?;
        let id = state.next_secret("");
        let file = Attachment {
            url: format!("{}/_sandbox/files/{id}", self.base_url),
            id,
            kind: if sample.content_type.starts_with("image/") { "image" } else { "file" }.into(),
            name: sample.name.into(),
            size: sample.bytes.len() as u64,
            content_type: sample.content_type.into(),
            bytes: Arc::from(sample.bytes),
        };
        state.files.push(file.clone());
        Ok(file)
    }

    /// Whether the business answered this customer since the customer's last message.
    pub fn answered(&self, id: &str) -> bool {
        let state = self.lock();
        let on_messenger = state
            .conversations
            .iter()
            .filter(|c| c.psid == id)
            .any(|c| c.messages.last().is_some_and(|m| m.from_page));
        let by_twilio =
            state.sms.iter().rev().find(|m| m.from == id || m.to == id).is_some_and(|m| !m.inbound);
        on_messenger || by_twilio
    }
}

fn random_u64() -> u64 {
    // RandomState is seeded from the OS: enough for tokens that only need to be unguessable
    // within one test run.
    RandomState::new().build_hasher().finish()
}

/// The first rule for this endpoint that fires (and uses it up); a probability that does not
/// fire leaves the next rule its chance.
fn choose_fault(state: &mut State, endpoint: crate::faults::Endpoint) -> Option<crate::faults::Fault> {
    use crate::faults::Endpoint;
    let applies =
        |rule: &crate::faults::FaultRule| rule.endpoint == endpoint || rule.endpoint == Endpoint::Any;
    // Rules still letting requests through count this one and sit it out.
    let mut waiting = vec![false; state.faults.len()];
    for (index, rule) in state.faults.iter_mut().enumerate() {
        if let Some(left) = rule.after.filter(|left| *left > 0)
            && applies(rule)
        {
            rule.after = Some(left - 1);
            waiting[index] = true;
        }
    }
    for (index, sits_out) in waiting.into_iter().enumerate() {
        let rule = state.faults[index].clone();
        if !applies(&rule) || sits_out {
            continue;
        }
        match (rule.count, rule.probability) {
            (Some(left), _) => {
                if left <= 1 {
                    state.faults.remove(index);
                } else {
                    state.faults[index].count = Some(left - 1);
                }
                return Some(rule.fault);
            }
            (None, Some(probability)) => {
                state.fault_dice = state
                    .fault_dice
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let roll = (state.fault_dice >> 11) as f64 / (1u64 << 53) as f64;
                if roll < probability {
                    return Some(rule.fault);
                }
            }
            (None, None) => return Some(rule.fault),
        }
    }
    None
}
