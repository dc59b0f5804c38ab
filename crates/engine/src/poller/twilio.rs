//! SMS and WhatsApp through Twilio: the number's messages in both directions, newest first,
//! down to the pass's starting time.
//!
//! Twilio filters by the day a message was sent (`DateSent>=`), so each poll asks from the
//! cursor's day and stops at the cursor; the store ignores what it already has.

use super::{Pass, read};
use crate::{Engine, EngineError};
use jiff::Timestamp;
use switchboard_core::{Author, Direction, Platform};
use switchboard_platforms::TwilioApi;
use switchboard_platforms::twilio::{Message, MessageDirection, MessageStatus};
use switchboard_store::{ChannelRecord, IncomingMessage};

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
            batch.extend(fresh.into_iter().filter_map(|m| incoming(channel.platform, m)));
            match page.next_page_uri.as_deref() {
                Some(next) if !done => page = read(|| api.next_page(next)).await?,
                _ => break,
            }
        }
    }
    pass.record(engine, channel, batch).await?;
    Ok(newest)
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
    })
}
