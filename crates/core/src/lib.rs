//! Switchboard's domain: the words of DESIGN.md as types, and the rules over them.
//!
//! Pure: no I/O, and no clock — every rule that depends on time takes `now` as an argument.

pub mod channel;
pub mod message;
pub mod reply;
pub mod secret;

pub use channel::{ChannelState, Platform};
pub use message::{Author, DeliveryState, Direction};
pub use reply::{ReplyError, ReplyText};
pub use secret::Secret;
