//! Store tests on real SQLite files, one module per module of `src/`.

mod messages;
mod outbox;
mod sessions;

use jiff::Timestamp;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::{ChannelRecord, IncomingMessage, NewChannel, Store};

#[derive(Debug)]
pub struct Fixture {
    pub store: Store,
    pub channel: ChannelRecord,
    _dir: tempfile::TempDir,
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("cache.sqlite3"))
        .await
        .expect("opens");
    let channel = store
        .connect_channel(NewChannel {
            platform: Platform::Messenger,
            external_id: "1001",
            name: "Demo Bikes",
        })
        .await
        .expect("channel");
    Fixture {
        store,
        channel,
        _dir: dir,
    }
}

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + seconds).expect("valid time")
}

pub fn inbound(mid: &str, psid: &str, text: &str, seconds: i64) -> IncomingMessage {
    IncomingMessage {
        platform_message_id: mid.into(),
        contact_platform_id: psid.into(),
        contact_name: Some(format!("Customer {psid}")),
        thread_id: Some(format!("t_{psid}")),
        direction: Direction::Inbound,
        author: Author::Customer,
        body: text.into(),
        created_at: at(seconds),
    }
}

pub fn outbound(mid: &str, psid: &str, text: &str, seconds: i64) -> IncomingMessage {
    IncomingMessage {
        direction: Direction::Outbound,
        author: Author::Agent,
        contact_name: None,
        ..inbound(mid, psid, text, seconds)
    }
}
