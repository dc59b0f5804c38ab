//! One poller per channel: reads what changed since the stored watermark and records it.
//!
//! The watermark is the `updated_time` of the newest conversation seen. Each poll reads
//! conversations newest first until it reaches one not updated since, so that after a sleep
//! or a long pause the next poll catches up fully.

use crate::{Engine, EngineError, Event, keychain};
use jiff::Timestamp;
use std::sync::Arc;
use switchboard_core::{Author, Direction, Secret};
use switchboard_platforms::ErrorKind;
use switchboard_platforms::graph::{Conversation, GraphMessage, NESTED_MESSAGES};
use switchboard_store::{ChannelRecord, IncomingMessage};

const PAGE_SIZE: u32 = 25;
/// Messenger's Conversations API allows 2 calls a second per page: a poll that reads several
/// pages spaces them out.
const PAGE_SPACING: std::time::Duration = std::time::Duration::from_millis(500);

pub(crate) async fn run(engine: Arc<Engine>, channel: ChannelRecord) {
    poll_until_stopped(&engine, &channel).await;
    engine.poller_stopped(channel.id);
}

async fn poll_until_stopped(engine: &Arc<Engine>, channel: &ChannelRecord) {
    let key = keychain::channel_key(channel.platform, &channel.external_id);
    let token = match engine.keychain.get(&key).await {
        Ok(Some(token)) => token,
        Ok(None) => {
            tracing::error!(channel = channel.id, "no token in the keychain; not polling");
            return;
        }
        Err(error) => {
            tracing::error!(%error, channel = channel.id, "cannot read the channel's token");
            return;
        }
    };
    let mut interval = tokio::time::interval(engine.config.poll_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match poll_once(engine, channel, &token).await {
            Ok(()) => {}
            Err(EngineError::Platform(error)) if error.kind() == ErrorKind::TokenUnusable => {
                // Connecting the channel again (reauthorization) starts a new poller.
                engine.channel_expired(channel, &error.to_string()).await;
                return;
            }
            Err(error) => tracing::warn!(%error, channel = channel.id, "poll failed; retrying"),
        }
    }
}

async fn poll_once(engine: &Engine, channel: &ChannelRecord, token: &Secret) -> Result<(), EngineError> {
    let watermark =
        engine.store.sync_cursor(channel.id).await?.and_then(|cursor| cursor.parse::<Timestamp>().ok());
    let mut newest = watermark;
    let mut batch = Vec::new();
    let mut after: Option<String> = None;
    'pages: loop {
        let page =
            engine.graph.conversations(&channel.external_id, token, after.as_deref(), PAGE_SIZE).await?;
        for conversation in &page.data {
            // Equal times are read again: Graph times have one-second precision, and the
            // store ignores messages it already has.
            if watermark.is_some_and(|mark| conversation.updated_time < mark) {
                break 'pages;
            }
            newest = newest.max(Some(conversation.updated_time));
            let mut messages = conversation.messages.as_ref().map(|m| m.data.clone()).unwrap_or_default();
            // The nested field gives only the newest 25: a busy thread (or a first backfill)
            // is read back through the messages edge until the watermark.
            let full = messages.len() >= NESTED_MESSAGES;
            let oldest_is_new =
                messages.last().is_some_and(|m| watermark.is_none_or(|mark| m.created_time >= mark));
            if full && oldest_is_new {
                messages = whole_thread(engine, &conversation.id, token, watermark).await?;
            }
            batch.extend(incoming(&channel.external_id, conversation, &messages));
        }
        after = page
            .paging
            .filter(|paging| paging.next.is_some())
            .and_then(|paging| paging.cursors)
            .and_then(|cursors| cursors.after);
        if after.is_none() {
            break;
        }
        tokio::time::sleep(PAGE_SPACING).await;
    }
    // Graph lists newest first; record oldest first so that sessions read in order. The sort
    // is stable, so messages within one second keep the platform's order.
    let mut seen = std::collections::HashSet::new();
    batch.retain(|m: &IncomingMessage| seen.insert(m.platform_message_id.clone()));
    batch.reverse();
    batch.sort_by_key(|message| message.created_at);
    let recorded = engine.store.record_messages(channel.id, channel.platform, &batch).await?;
    if let Some(newest) = newest.filter(|n| Some(*n) != watermark) {
        engine.store.set_sync_cursor(channel.id, &newest.to_string()).await?;
    }
    for message in recorded.new_messages.iter().cloned() {
        engine.publish(Event::MessageChanged { message });
    }
    for session_id in recorded.sessions {
        engine.publish_session(session_id).await;
    }
    let inbound: Vec<_> =
        recorded.new_messages.iter().filter(|m| m.direction == Direction::Inbound).cloned().collect();
    engine.notify_new(channel.platform.label(), &inbound).await;
    Ok(())
}

/// A thread's messages, newest first, back to the watermark (or all of them).
async fn whole_thread(
    engine: &Engine,
    conversation_id: &str,
    token: &Secret,
    watermark: Option<Timestamp>,
) -> Result<Vec<GraphMessage>, EngineError> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        tokio::time::sleep(PAGE_SPACING).await;
        let page = engine.graph.thread_messages(conversation_id, token, after.as_deref()).await?;
        let reached = page.data.last().is_some_and(|m| watermark.is_some_and(|mark| m.created_time < mark));
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
            })
        })
        .collect()
}
