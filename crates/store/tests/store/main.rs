//! Store tests on real (encrypted) SQLite files, one module per module of `src/`.

mod attachments;
mod desk;
mod details;
mod encryption;
mod messages;
mod outbox;
mod retention;
mod routing;
mod search;
mod sessions;

use jiff::Timestamp;
use switchboard_core::{Author, Direction, Platform};
use switchboard_store::{CacheKey, ChannelRecord, IncomingMessage, NewChannel, SessionFilter, Store};

#[derive(Debug)]
pub struct Fixture {
    pub store: Store,
    pub channel: ChannelRecord,
    pub dir: tempfile::TempDir,
}

pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = CacheKey::generate().expect("a random key");
    let store = Store::open(&dir.path().join("cache.sqlite3"), &key).await.expect("opens");
    let channel = store
        .connect_channel(NewChannel {
            platform: Platform::Messenger,
            external_id: "1001",
            name: "Demo Bikes",
        })
        .await
        .expect("channel");
    Fixture { store, channel, dir }
}

impl Fixture {
    pub async fn record(&self, batch: &[IncomingMessage]) -> switchboard_store::RecordedBatch {
        self.store
            .record_messages(self.channel.id, Platform::Messenger, batch)
            .await
            .expect("the batch is recorded")
    }

    /// Claims the next reply to send, as a worker of the outbox does.
    pub async fn claim(&self) -> Option<switchboard_store::OutboxItem> {
        self.store
            .claim_next("test-worker", at(100_000), std::time::Duration::from_secs(60))
            .await
            .expect("the outbox reads")
    }

    /// The whole list's contact ids, in list order.
    pub async fn list_order(&self) -> Vec<String> {
        let page =
            self.store.session_list(&SessionFilter::default(), None, 1_000).await.expect("the list reads");
        page.sessions.into_iter().map(|s| s.contact_platform_id).collect()
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
        attachments: Vec::new(),
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
