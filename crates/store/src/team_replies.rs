//! Team mode's replies on this desktop: written here first (so nothing typed is lost, online or
//! not) with a negative local id and the client id this desktop gave them, then pushed to the
//! team; the team's copy replaces each when it comes back through the change log.

use crate::{MessageRecord, Store, StoreError, TemplateRef, from_millis};
use jiff::Timestamp;
use switchboard_core::ReplyText;

/// A reply written here and not yet in the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpushedReply {
    pub client_id: String,
    pub session_id: i64,
    pub body: String,
    pub tag: Option<String>,
    pub created_at: Timestamp,
    /// A WhatsApp template reply's template.
    pub template: Option<TemplateRef>,
    /// A file reply's file (its content: `Store::attachment_content`).
    pub attachment_id: Option<i64>,
}

impl Store {
    /// Writes an agent's bubbles as pending replies waiting to be pushed, in order, in one
    /// transaction (clearing the draft). `client_ids` go with the texts, one each.
    pub async fn enqueue_team_replies(
        &self,
        session_id: i64,
        texts: &[(String, ReplyText)],
        tag: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let bubbles: Vec<(Option<&str>, &ReplyText)> =
            texts.iter().map(|(client_id, text)| (Some(client_id.as_str()), text)).collect();
        self.enqueue_bubbles(session_id, &bubbles, tag, agent, now).await
    }

    /// Replies written here that the team does not have yet, oldest first.
    pub async fn unpushed_replies(&self) -> Result<Vec<UnpushedReply>, StoreError> {
        sqlx::query!(
            r#"SELECT m.client_id AS "client_id!", m.session_id, m.body, m.tag, m.created_at, m.template_sid,
                      m.template_variables, (SELECT a.id FROM attachments a WHERE a.message_id = m.id) AS attachment_id
               FROM messages m WHERE m.id < 0 AND m.client_id IS NOT NULL ORDER BY m.id DESC"#
        )
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            Ok(UnpushedReply {
                client_id: r.client_id,
                session_id: r.session_id,
                body: r.body,
                tag: r.tag,
                created_at: from_millis(r.created_at)?,
                template: r.template_sid.map(|content_sid| TemplateRef {
                    content_sid,
                    variables: r.template_variables.unwrap_or_else(|| "{}".into()),
                }),
                attachment_id: r.attachment_id,
            })
        })
        .collect()
    }
}

/// A member of the team as Settings → Team lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamMember {
    pub name: String,
    /// Their roles (in solo mode, or for a member from before sign-in: every role).
    pub roles: Vec<String>,
    pub removed: bool,
    pub presence: String,
    pub queues: Vec<i64>,
}

impl Store {
    /// The team's members, as the replica has them, by name.
    pub async fn team_members(&self) -> Result<Vec<TeamMember>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT m.name AS "name!", m.roles, m.removed, m.presence,
                      (SELECT json_group_array(queue_id) FROM queue_members q WHERE q.member = m.name) AS "queues!: String"
               FROM members m ORDER BY m.removed, m.name"#
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let corrupt = |e: serde_json::Error| StoreError::Corrupt { what: e.to_string() };
                let roles = match r.roles {
                    Some(roles) => serde_json::from_str(&roles).map_err(corrupt)?,
                    None => ["agent", "supervisor", "admin"].map(str::to_owned).to_vec(),
                };
                Ok(TeamMember {
                    name: r.name,
                    roles,
                    removed: r.removed != 0,
                    presence: r.presence,
                    queues: serde_json::from_str(&r.queues).map_err(corrupt)?,
                })
            })
            .collect()
    }
}
