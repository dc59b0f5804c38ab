//! SMS and WhatsApp through Twilio: the number's messages in both directions, newest first,
//! down to the pass's starting time.
//!
//! Twilio filters by the day a message was sent (`DateSent>=`), so each poll asks from the
//! cursor's day and stops at the cursor; the store ignores what it already has.

use super::{Pass, read};
use crate::{Engine, EngineError};
use jiff::Timestamp;
use switchboard_core::attachment::name_for;
use switchboard_core::{AttachmentKind, Author, Direction, Platform};
use switchboard_platforms::TwilioApi;
use switchboard_platforms::twilio::{Media, Message, MessageDirection, MessageStatus};
use switchboard_store::{ChannelRecord, IncomingAttachment, IncomingMessage};

/// Twilio's largest page.
const PAGE_SIZE: u32 = 1_000;

/// The address Twilio uses for a number on a platform: `+E164` or `whatsapp:+E164`.
pub(crate) fn address(platform: Platform, number: &str) -> String {
    match platform {
        Platform::Whatsapp => format!("whatsapp:{number}"),
        Platform::Sms | Platform::Messenger => number.to_owned(),
    }
}

/// Reads and records the number's messages since `pass.since`; returns the newest time seen.
pub(super) async fn poll(
    engine: &Engine,
    channel: &ChannelRecord,
    api: &TwilioApi,
    pass: &mut Pass,
) -> Result<Option<Timestamp>, EngineError> {
    let ours = address(channel.platform, &channel.external_id);
    let day = pass.since.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    let mut newest = None;
    // One batch for the whole pass: a session's messages come from both lists and several
    // pages, and the store orders messages of the same second by the batch's order.
    let mut batch = Vec::new();
    // What customers sent to the number, then what the number sent (from Switchboard or from
    // elsewhere, e.g. Twilio's console): both are the sessions' history.
    for side in ["To", "From"] {
        let filters = [(side, ours.as_str()), ("DateSent>", day.as_str())];
        let mut page = read(|| api.messages(&filters, PAGE_SIZE)).await?;
        loop {
            let fresh: Vec<&Message> =
                page.messages.iter().filter(|m| created(m).is_some_and(|at| at >= pass.since)).collect();
            let done = fresh.len() < page.messages.len();
            newest = newest.max(fresh.iter().filter_map(|m| created(m)).max());
            let reached = fresh.iter().filter_map(|m| created(m)).min();
            pass.progress(engine, channel, fresh.len(), reached);
            // Each poll reads the cursor's own second again: messages stored already keep the
            // files they were recorded with.
            let with_media: Vec<String> =
                fresh.iter().filter(|m| has_media(m)).filter_map(|m| m.sid.clone()).collect();
            let known = engine.store.known_messages(channel.id, &with_media).await?;
            for message in fresh {
                let Some(mut incoming) = incoming(channel.platform, message) else { continue };
                if has_media(message) && !known.contains(&incoming.platform_message_id) {
                    // The list gives only how many files; their types and addresses are a
                    // Media list away. A failure fails the pass, which is read again.
                    let sid = incoming.platform_message_id.clone();
                    let media = read(|| api.media(&sid)).await?;
                    incoming.attachments = media.iter().map(file).collect();
                }
                batch.push(incoming);
            }
            match page.next_page_uri.as_deref() {
                Some(next) if !done => page = read(|| api.next_page(next)).await?,
                _ => break,
            }
        }
    }
    pass.record(engine, channel, batch).await?;
    Ok(newest)
}

fn has_media(message: &Message) -> bool {
    message.num_media.as_deref().and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n > 0)
}

/// A Media resource as the store takes it; Twilio gives files no names, so the name is the
/// media's SID with the type's usual extension.
fn file(media: &Media) -> IncomingAttachment {
    IncomingAttachment {
        kind: AttachmentKind::of_media_type(&media.content_type),
        file_name: name_for(&media.sid, &media.content_type),
        media_type: media.content_type.clone(),
        size_bytes: None,
        url: media.uri.clone(),
    }
}

fn created(message: &Message) -> Option<Timestamp> {
    message.date_created.or(message.date_sent)
}

/// A Twilio message as the store takes it; `None` for what is not (yet) a message in the
/// conversation: an inbound one still arriving, an outbound one that never went out.
fn incoming(platform: Platform, message: &Message) -> Option<IncomingMessage> {
    let inbound = message.direction == MessageDirection::Inbound;
    let skip = if inbound {
        matches!(message.status, MessageStatus::Receiving)
    } else {
        matches!(message.status, MessageStatus::Failed | MessageStatus::Undelivered | MessageStatus::Canceled)
    };
    if skip {
        return None;
    }
    let customer = if inbound { message.from.as_deref()? } else { message.to.as_deref()? };
    let customer = match platform {
        Platform::Whatsapp => customer.strip_prefix("whatsapp:")?,
        Platform::Sms | Platform::Messenger => customer,
    };
    Some(IncomingMessage {
        platform_message_id: message.sid.clone()?,
        contact_platform_id: customer.to_owned(),
        contact_name: None,
        thread_id: None,
        direction: if inbound { Direction::Inbound } else { Direction::Outbound },
        author: if inbound { Author::Customer } else { Author::Agent },
        body: message.body.clone().unwrap_or_default(),
        created_at: created(message)?,
        attachments: Vec::new(),
    })
}
