//! What the agent desk asks of the engine besides replying: the filtered list, reading,
//! drafts, storing and deleting sessions, details, search, canned responses, and starting a
//! conversation with a number.

use crate::{Engine, EngineError, Event, MAX_PAGE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use switchboard_core::{CannedResponse, NoteText, PhoneNumber, Platform, Variables, template};
use switchboard_platforms::twilio::Template;
use switchboard_store::{
    CannedRecord, Category, ChannelRecord, ListCursor, MessageRecord, Note, SearchHit, SearchQuery,
    SessionFilter, SessionPage, SessionState, SessionSummary, TemplateRef,
};

/// Whose sessions the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    All,
    /// Sessions whose latest interaction is the signed-in agent's.
    Mine,
    /// Sessions whose latest interaction is in one of the agent's queues.
    MyQueues,
}

/// The list's filters, as the desk sets them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListFilter {
    pub state: Option<SessionState>,
    pub channel_id: Option<i64>,
    #[serde(default)]
    pub scope: Scope,
    /// Contact name or number, or internal reference.
    pub text: Option<String>,
    /// One queue's sessions.
    pub queue_id: Option<i64>,
}

/// What the details panel shows besides the list entry.
#[derive(Debug, Clone, Serialize)]
pub struct SessionDetails {
    pub session: SessionSummary,
    pub notes: Vec<Note>,
    pub categories: Vec<Category>,
    /// Every category the admin keeps, to choose from.
    pub all_categories: Vec<Category>,
}

/// Someone to write to first, by SMS or WhatsApp.
#[derive(Debug, Clone, Deserialize)]
pub struct Outbound {
    pub channel_id: i64,
    pub number: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub text: String,
}

impl Engine {
    pub async fn session_list(
        &self,
        filter: &ListFilter,
        after: Option<ListCursor>,
        limit: u32,
    ) -> Result<SessionPage, EngineError> {
        let (agent, queues) = match filter.scope {
            Scope::All => (None, None),
            Scope::Mine => (Some(self.config.agent.clone()), None),
            Scope::MyQueues => (None, Some(self.store.agent_queues(&self.config.agent).await?)),
        };
        let queues = match filter.queue_id {
            Some(queue) => Some(vec![queue]),
            None => queues,
        };
        let text = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let filter =
            SessionFilter { state: filter.state, channel_id: filter.channel_id, agent, queues, text };
        Ok(self.store.session_list(&filter, after, limit.clamp(1, MAX_PAGE)).await?)
    }

    /// The queues the signed-in agent works (for "My queues").
    pub async fn my_queues(&self) -> Result<Vec<i64>, EngineError> {
        Ok(self.store.agent_queues(&self.config.agent).await?)
    }

    /// The agent has the session on screen and has seen all of it.
    pub async fn session_read(&self, session_id: i64) -> Result<(), EngineError> {
        if self.store.mark_read(session_id).await? {
            self.publish_session(session_id).await;
        }
        Ok(())
    }

    /// Keeps what the agent typed, so that it survives switching sessions and restarts.
    pub async fn draft_save(&self, session_id: i64, bubbles: &[String]) -> Result<(), EngineError> {
        Ok(self.store.set_draft(session_id, bubbles, self.clock.now()).await?)
    }

    /// Stores a session away (ending its interaction) or reopens it.
    pub async fn session_set_state(
        &self,
        session_id: i64,
        state: SessionState,
    ) -> Result<SessionSummary, EngineError> {
        match self.team() {
            // The team's session; the replica has it before the desk reads it back.
            Some(team) => {
                team.session_set_state(session_id, state.as_str(), &self.config.agent, self.clock.now())
                    .await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.set_session_state(session_id, state, self.clock.now()).await?,
        }
        let session = self.store.session_summary(session_id).await?;
        self.publish(Event::SessionChanged { session: Box::new(session.clone()) });
        self.publish_awaiting().await;
        Ok(session)
    }

    /// Deletes a session with its history (the desk asked the agent to confirm).
    pub async fn session_delete(&self, session_id: i64) -> Result<(), EngineError> {
        self.require("admin", "delete a conversation")?;
        match self.team() {
            // For the whole team (the database checks the role again and audits it); this
            // replica, like every other, removes it from the change log.
            Some(team) => {
                team.session_delete(session_id).await?;
                self.team_caught_up(team).await?;
            }
            None => self.store.delete_session(session_id).await?,
        }
        self.publish(Event::SessionDeleted { session_id });
        self.publish_awaiting().await;
        Ok(())
    }

    pub async fn session_details(&self, session_id: i64) -> Result<SessionDetails, EngineError> {
        Ok(SessionDetails {
            session: self.store.session_summary(session_id).await?,
            notes: self.store.notes(session_id).await?,
            categories: self.store.session_categories(session_id).await?,
            all_categories: self.store.categories().await?,
        })
    }

    /// Names the contact by hand and sets the internal reference.
    pub async fn session_set_contact(
        &self,
        session_id: i64,
        first_name: Option<&str>,
        last_name: Option<&str>,
        internal_reference: Option<&str>,
    ) -> Result<SessionSummary, EngineError> {
        for (what, value) in
            [("first name", first_name), ("last name", last_name), ("reference", internal_reference)]
        {
            if value.is_some_and(|v| v.chars().count() > 100) {
                return Err(EngineError::Refused(format!("The {what} may have at most 100 characters.")));
            }
        }
        match self.team() {
            Some(team) => {
                team.session_set_contact(session_id, first_name, last_name, internal_reference).await?;
                self.team_caught_up(team).await?;
            }
            None => {
                self.store.set_contact_name(session_id, first_name, last_name).await?;
                self.store.set_internal_reference(session_id, internal_reference).await?;
            }
        }
        let session = self.store.session_summary(session_id).await?;
        self.publish(Event::SessionChanged { session: Box::new(session.clone()) });
        Ok(session)
    }

    pub async fn session_set_categories(
        &self,
        session_id: i64,
        category_ids: &[i64],
    ) -> Result<(), EngineError> {
        Ok(self.store.set_session_categories(session_id, category_ids).await?)
    }

    /// Adds a category to the list agents choose from.
    pub async fn category_create(&self, name: &str) -> Result<Category, EngineError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(EngineError::Refused("A category needs a name of at most 60 characters.".into()));
        }
        Ok(self.store.create_category(name).await?)
    }

    pub async fn note_add(&self, session_id: i64, text: &str) -> Result<Note, EngineError> {
        let text = NoteText::parse(text)?;
        Ok(self.store.add_note(session_id, &self.config.agent, &text, self.clock.now()).await?)
    }

    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, EngineError> {
        Ok(self.store.search(query).await?)
    }

    pub async fn canned_list(&self) -> Result<Vec<CannedRecord>, EngineError> {
        Ok(self.store.canned_responses().await?)
    }

    pub async fn canned_save(
        &self,
        id: Option<i64>,
        title: &str,
        bubbles: &[String],
    ) -> Result<CannedRecord, EngineError> {
        let response = CannedResponse::parse(title, bubbles)?;
        Ok(self.store.save_canned(id, &response).await?)
    }

    pub async fn canned_delete(&self, id: i64) -> Result<(), EngineError> {
        Ok(self.store.delete_canned(id).await?)
    }

    /// A canned response's bubbles with this session's values filled in, for the composer.
    pub async fn canned_expand(&self, session_id: i64, canned_id: i64) -> Result<Vec<String>, EngineError> {
        let canned = self.store.canned(canned_id).await?;
        let session = self.store.session_summary(session_id).await?;
        let response = CannedResponse { title: canned.title, bubbles: canned.bubbles };
        Ok(response.expand(&Variables {
            first_name: session.first_name.as_deref(),
            last_name: session.last_name.as_deref(),
            contact_name: &session.contact_name,
            agent_name: &self.config.agent,
            channel_name: &session.channel_name,
        }))
    }

    /// Writes first to a number by SMS, or by WhatsApp to someone who wrote before; the text
    /// goes through the outbox like any reply. Answers the session, to open it.
    pub async fn outbound_start(&self, outbound: &Outbound) -> Result<SessionSummary, EngineError> {
        let channel = self.channel(outbound.channel_id).await?;
        if channel.state == switchboard_core::ChannelState::Disconnected {
            return Err(EngineError::Refused(format!(
                "{} is disconnected: connect it again to write.",
                channel.name
            )));
        }
        let number = PhoneNumber::parse(&outbound.number)?;
        match channel.platform {
            Platform::Sms => {}
            Platform::Whatsapp => {
                if !self.store.has_written(Platform::Whatsapp, number.as_str()).await? {
                    return Err(EngineError::Refused(format!(
                        "{} has never written to this WhatsApp number. WhatsApp lets a business write \
                         first only to people who contacted it before, and then only with an approved \
                         template; send an SMS instead.",
                        number.as_str()
                    )));
                }
            }
            Platform::Messenger => {
                return Err(EngineError::Refused(
                    "Messenger lets a page answer people, never write to them first.".into(),
                ));
            }
        }
        // Checked before anything is stored, so that a refused text leaves no empty session.
        switchboard_core::ReplyText::parse(channel.platform, &outbound.text)?;
        let (first, last) = (outbound.first_name.as_deref(), outbound.last_name.as_deref());
        let now = self.clock.now();
        let session_id = match self.team() {
            // The team's session (its id is the replicas'), in the replica before the reply.
            Some(team) => {
                let id = team
                    .session_open(channel.id, channel.platform, number.as_str(), first, last, now)
                    .await?;
                self.team_caught_up(team).await?;
                id
            }
            None => {
                self.store
                    .open_session(channel.id, channel.platform, number.as_str(), first, last, now)
                    .await?
            }
        };
        self.session_send(session_id, std::slice::from_ref(&outbound.text), None).await?;
        Ok(self.store.session_summary(session_id).await?)
    }

    /// The approved WhatsApp templates of a WhatsApp session's account.
    pub async fn whatsapp_templates(&self, session_id: i64) -> Result<Vec<Template>, EngineError> {
        let session = self.store.session_summary(session_id).await?;
        if session.platform != Platform::Whatsapp {
            return Err(EngineError::Refused("Templates are for WhatsApp sessions.".into()));
        }
        let channel = self.channel(session.channel_id).await?;
        let key = crate::keychain::channel_key(channel.platform, &channel.external_id);
        match (self.keychain.get(&key).await?, self.team()) {
            (Some(_), _) => self.templates_read(&channel).await,
            // An agent's desktop holds no credentials: the team keeps what the poller read.
            (None, Some(team)) => {
                let list = team.templates(channel.id).await?.ok_or_else(|| {
                    EngineError::Refused(format!(
                        "{}'s approved templates are not known yet: the desktop that polls the number lists them.",
                        channel.name
                    ))
                })?;
                serde_json::from_value(list)
                    .map_err(|e| EngineError::Refused(format!("unreadable templates: {e}")))
            }
            (None, None) => Err(EngineError::Refused(format!(
                "{} is not connected: connect it again to send.",
                channel.name
            ))),
        }
    }

    /// Reads a WhatsApp number's approved templates from Twilio with this desktop's credentials;
    /// a poller in a team keeps them in the team's database for desktops without credentials.
    pub(crate) async fn templates_read(&self, channel: &ChannelRecord) -> Result<Vec<Template>, EngineError> {
        let key = crate::keychain::channel_key(channel.platform, &channel.external_id);
        let secret = self.keychain.get(&key).await?.ok_or_else(|| {
            EngineError::Refused(format!("{} is not connected: connect it again to send.", channel.name))
        })?;
        let templates = self.twilio(&secret)?.templates(&self.config.hosts.twilio_content).await?;
        if let Some(link) = self.team_link()
            && link.holds("poller") == Some(true)
        {
            let list = serde_json::to_value(&templates).map_err(|e| EngineError::Refused(e.to_string()))?;
            if let Err(error) = link.team.templates_set(channel.id, &list).await {
                tracing::warn!(%error, channel = channel.id, "cannot keep the templates in the team");
            }
        }
        Ok(templates)
    }

    /// Sends an approved WhatsApp template with its variables (allowed outside the 24-hour
    /// window). Every variable needs a value; the conversation shows the text as sent.
    pub async fn session_send_template(
        &self,
        session_id: i64,
        content_sid: &str,
        variables: &BTreeMap<String, String>,
    ) -> Result<MessageRecord, EngineError> {
        let templates = self.whatsapp_templates(session_id).await?;
        let template = templates.iter().find(|t| t.sid == content_sid).ok_or_else(|| {
            EngineError::Refused("This template is not (or no longer) approved for WhatsApp.".into())
        })?;
        let missing = template::missing(&template.body, variables);
        if !missing.is_empty() {
            let names = missing.iter().map(|v| format!("{{{{{v}}}}}")).collect::<Vec<_>>().join(", ");
            return Err(EngineError::Refused(format!("Fill in {names} before sending the template.")));
        }
        let used: BTreeMap<&String, &String> =
            variables.iter().filter(|(name, _)| template.variables.contains(name)).collect();
        let reference = TemplateRef {
            content_sid: template.sid.clone(),
            variables: serde_json::to_string(&used).map_err(|e| EngineError::Refused(e.to_string()))?,
        };
        let body = template::fill(&template.body, variables);
        let message = self
            .store
            .enqueue_template(
                session_id,
                &body,
                &reference,
                Some(&self.config.agent),
                self.clock.now(),
                self.team_client_id().as_deref(),
            )
            .await?;
        self.push_wake.notify_one();
        self.publish(Event::MessageChanged { message: message.clone() });
        self.publish_session(session_id).await;
        self.publish_awaiting().await;
        self.outbox_wake.notify_one();
        Ok(message)
    }
}
