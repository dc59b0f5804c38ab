//! Clients for the messaging platforms. Each speaks the platform's real protocol; only the
//! base URL differs between the real hosts and the sandbox.

pub mod demo;
pub mod error;
pub mod graph;
pub mod login;
pub mod media;
pub mod twilio;

#[cfg(test)]
mod fuzz;

pub use error::{ErrorKind, PlatformError};
pub use graph::{GraphApi, MessagingType};
pub use login::{FacebookApp, PageAccount};
pub use media::Download;
pub use twilio::{TwilioApi, TwilioCredentials};
