//! Switchboard's domain: the words of DESIGN.md as types, and the rules over them.
//!
//! Pure: no I/O, and no clock — every rule that depends on time takes `now` as an argument.

pub mod alerts;
pub mod attachment;
pub mod canned;
pub mod channel;
pub mod interaction;
pub mod link;
pub mod message;
pub mod metrics;
pub mod note;
pub mod phone;
pub mod reply;
pub mod reports;
pub mod retention;
pub mod routing;
pub mod secret;
pub mod sms;
pub mod template;
pub mod window;

#[cfg(test)]
mod fuzz;

pub use attachment::{Attachment, AttachmentError, AttachmentKind};
pub use canned::{CannedError, CannedResponse, Variables};
pub use channel::{ChannelState, Platform};
pub use interaction::{EndReason, Interaction, InteractionState, MenuPosition};
pub use link::{DeepLink, Link, LinkError};
pub use message::{Author, DeliveryState, Direction};
pub use note::{NoteError, NoteText};
pub use phone::{PhoneError, PhoneNumber};
pub use reply::{ReplyError, ReplyText};
pub use secret::Secret;
pub use window::{
    MessagingWindow, UpdateTag, WindowError, WindowState, Writer, agent_text_tag, messaging_window,
};
