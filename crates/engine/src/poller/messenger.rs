//! Messenger: the page's conversations, newest first, down to the pass's starting time.
//!
//! The cursor is the `updated_time` of the newest conversation seen. Each poll reads
//! conversations until it reaches one not updated since; a conversation's messages are
//! recorded with its page of the listing.

use super::{Pass, read};
use crate::{Engine, EngineError};
use jiff::Timestamp;
use switchboard_core::attachment::name_for;
use switchboard_core::{AttachmentKind, Author, Direction, Secret};
use switchboard_platforms::graph::{Conversation, GraphAttachment, GraphMessage, NESTED_MESSAGES};
use switchboard_store::{ChannelRecord, IncomingAttachment, IncomingMessage};

/// Conversations per read: 25 for a routine poll (small answers), 100 (Graph's most) for a
/// backfill, which the 2 calls/s limit otherwise makes 4 times longer.
const PAGE_SIZE: u32 = 25;
const BACKFILL_PAGE_SIZE: u32 = 100;
/// Messenger's Conversations API allows 2 calls a second per page: a poll that reads several
/// pages spaces them out.
const PAGE_SPACING: std::time::Duration = std::time::Duration::from_millis(500);

/// Reads and records what changed since `pass.since`; returns the newest update seen.
pub(super) async fn poll(
    engine: &Engine,
    channel: &ChannelRecord,
    token: &Secret,
    pass: &mut Pass,
) -> Result<Option<Timestamp>, EngineError> {
    let since = pass.since;
    let page_size = if pass.is_backfill() { BACKFILL_PAGE_SIZE } else { PAGE_SIZE };
    let mut newest = None;
    let mut after: Option<String> = None;
    loop {
        let page =
            read(|| engine.graph.conversations(&channel.external_id, token, after.as_deref(), page_size))
                .await?;
        let mut batch = Vec::new();
        let mut reached = None;
        let mut done = false;
        for conversation in &page.data {
            // Equal times are read again: Graph times have one-second precision, and the
            // store ignores messages it already has.
            if conversation.updated_time < since {
                done = true;
                break;
            }
            newest = newest.max(Some(conversation.updated_time));
            reached = Some(conversation.updated_time);
            let messages = conversation.messages.as_ref().map(|m| m.data.clone()).unwrap_or_default();
            // The nested field gives only the newest 25: a busy thread (or a backfill) is read
            // back through the messages edge to the pass's starting time. That read took a call
            // of its own, so its messages are recorded at once: the desk fills as it goes.
            let full = messages.len() >= NESTED_MESSAGES;
            if full && messages.last().is_some_and(|m| m.created_time >= since) {
                let thread = whole_thread(engine, &conversation.id, token, since).await?;
                let thread = incoming(&channel.external_id, conversation, &thread);
                pass.progress(engine, channel, thread.len(), Some(conversation.updated_time));
                pass.record(engine, channel, thread).await?;
                continue;
            }
            batch.extend(incoming(&channel.external_id, conversation, &messages));
        }
        pass.progress(engine, channel, batch.len(), reached);
        pass.record(engine, channel, batch).await?;
        after = page
            .paging
            .filter(|paging| paging.next.is_some())
            .and_then(|paging| paging.cursors)
            .and_then(|cursors| cursors.after);
        if done || after.is_none() {
            return Ok(newest);
        }
        tokio::time::sleep(PAGE_SPACING).await;
    }
}

/// A thread's messages, newest first, back to `since`.
async fn whole_thread(
    engine: &Engine,
    conversation_id: &str,
    token: &Secret,
    since: Timestamp,
) -> Result<Vec<GraphMessage>, EngineError> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        tokio::time::sleep(PAGE_SPACING).await;
        let page = read(|| engine.graph.thread_messages(conversation_id, token, after.as_deref())).await?;
        let reached = page.data.last().is_some_and(|m| m.created_time < since);
        all.extend(page.data);
        after = page.paging.filter(|p| p.next.is_some()).and_then(|p| p.cursors).and_then(|c| c.after);
        if reached || after.is_none() {
            return Ok(all);
        }
    }
}

/// The messages of one conversation as the store takes them. The page's own messages are
/// outbound (sent from Switchboard or from the page's inbox), never inbound.
fn incoming(page_id: &str, conversation: &Conversation, messages: &[GraphMessage]) -> Vec<IncomingMessage> {
    let customer = conversation
        .participants
        .as_ref()
        .and_then(|people| people.data.iter().find(|person| person.id != page_id))
        .cloned();
    messages
        .iter()
        .filter_map(|message| {
            let from_page = message.from.id == page_id;
            let contact_id = if from_page {
                let to = message.to.as_ref()?.data.first()?;
                to.id.clone()
            } else {
                message.from.id.clone()
            };
            let contact_name = customer
                .as_ref()
                .filter(|c| c.id == contact_id)
                .and_then(|c| c.name.clone())
                .filter(|name| !name.is_empty());
            Some(IncomingMessage {
                platform_message_id: message.id.clone(),
                contact_platform_id: contact_id,
                contact_name,
                thread_id: Some(conversation.id.clone()),
                direction: if from_page { Direction::Outbound } else { Direction::Inbound },
                author: if from_page { Author::Agent } else { Author::Customer },
                body: message.message.clone(),
                created_at: message.created_time,
                attachments: message.attachments().iter().filter_map(file).collect(),
            })
        })
        .collect()
}

/// A file of a message as the store takes it (its content is downloaded later); `None` when the
/// platform gave no URL for it.
fn file(attachment: &GraphAttachment) -> Option<IncomingAttachment> {
    let media_type = attachment.media_type().to_owned();
    Some(IncomingAttachment {
        kind: AttachmentKind::of_media_type(&media_type),
        file_name: attachment.name.clone().unwrap_or_else(|| name_for(&attachment.id, &media_type)),
        size_bytes: attachment.size.filter(|size| *size > 0),
        url: attachment.url()?.to_owned(),
        media_type,
    })
}
