//! Messages: their direction, author and delivery state.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// Who wrote a message. Messages the page sent from elsewhere (the platform's own inbox)
/// are outbound with author `Agent`: a person wrote them, just not in Switchboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Agent,
    System,
}

/// Where an outbound message is on its way to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Written to the outbox; not yet accepted by the platform.
    Pending,
    Sent,
    Delivered,
    Read,
    Failed,
}

macro_rules! storage_names {
    ($ty:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The stable name used in storage.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }

            pub fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

storage_names!(Direction { Inbound => "inbound", Outbound => "outbound" });
storage_names!(Author { Customer => "customer", Agent => "agent", System => "system" });
storage_names!(DeliveryState {
    Pending => "pending",
    Sent => "sent",
    Delivered => "delivered",
    Read => "read",
    Failed => "failed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_names_match_the_serde_names() {
        // The UI sees serde's names and the store keeps as_str's: they must be one vocabulary.
        for state in [
            DeliveryState::Pending,
            DeliveryState::Sent,
            DeliveryState::Delivered,
            DeliveryState::Read,
            DeliveryState::Failed,
        ] {
            let json = serde_json::to_string(&state).expect("serializes");
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(DeliveryState::parse(state.as_str()), Some(state));
        }
        assert_eq!(Direction::parse("sideways"), None);
        assert_eq!(Author::parse("agent"), Some(Author::Agent));
    }
}
