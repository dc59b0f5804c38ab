//! What the admin sees of each channel's life besides its state: when it last synced, and when
//! its token or its data access ends. Kept in memory: it is re-learnt at every start.

use crate::{Engine, Event};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::HashMap;

/// A channel's sync and token times.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ChannelHealth {
    pub channel_id: i64,
    pub last_sync: Option<Timestamp>,
    pub token_expires_at: Option<Timestamp>,
    pub data_access_expires_at: Option<Timestamp>,
}

/// How often a channel's last sync is announced: a poll a second need not be.
const SYNC_ANNOUNCE: SignedDuration = SignedDuration::from_secs(30);

#[derive(Debug, Default)]
pub(crate) struct Statuses {
    health: HashMap<i64, ChannelHealth>,
    announced: HashMap<i64, Timestamp>,
}

impl Statuses {
    fn of(&mut self, channel_id: i64) -> &mut ChannelHealth {
        self.health.entry(channel_id).or_insert_with(|| ChannelHealth { channel_id, ..Default::default() })
    }
}

impl Engine {
    /// Every channel's sync and token times known so far.
    pub fn channel_health(&self) -> Vec<ChannelHealth> {
        let statuses = self.statuses.lock().unwrap_or_else(|p| p.into_inner());
        statuses.health.values().cloned().collect()
    }

    /// A poll pass finished: the channel is in sync now.
    pub(crate) fn synced(&self, channel_id: i64) {
        let now = self.clock.now();
        let health = {
            let mut statuses = self.statuses.lock().unwrap_or_else(|p| p.into_inner());
            let entry = statuses.of(channel_id);
            entry.last_sync = Some(now);
            let health = entry.clone();
            let due =
                statuses.announced.get(&channel_id).is_none_or(|at| now.duration_since(*at) >= SYNC_ANNOUNCE);
            if !due {
                return;
            }
            statuses.announced.insert(channel_id, now);
            health
        };
        self.publish(Event::ChannelHealth { health });
    }

    /// The platform told when the channel's token and data access end.
    pub(crate) fn token_times(
        &self,
        channel_id: i64,
        token: Option<Timestamp>,
        data_access: Option<Timestamp>,
    ) {
        let health = {
            let mut statuses = self.statuses.lock().unwrap_or_else(|p| p.into_inner());
            let entry = statuses.of(channel_id);
            entry.token_expires_at = token;
            entry.data_access_expires_at = data_access;
            entry.clone()
        };
        self.publish(Event::ChannelHealth { health });
    }
}
