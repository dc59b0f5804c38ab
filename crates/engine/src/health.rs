//! Token health: each channel's credentials are checked with the platform at start and every
//! few hours, besides every poll. An unusable token expires the channel at once; Facebook
//! data access ending within a week warns the admins while there is time to reauthorize.

use crate::{Engine, EngineError, Event, Notice, keychain};
use jiff::SignedDuration;
use std::collections::HashSet;
use std::sync::Arc;
use switchboard_core::{ChannelState, Platform};
use switchboard_platforms::ErrorKind;
use switchboard_store::ChannelRecord;

/// The keychain entry of the Facebook app's token (`{app-id}|{app-secret}`), which
/// `debug_token` needs.
pub(crate) const FACEBOOK_APP_ENTRY: &str = "facebook-app";
/// How long before Facebook data access ends the admins are warned.
const DATA_ACCESS_WARNING: SignedDuration = SignedDuration::from_hours(7 * 24);

pub(crate) async fn run(engine: Arc<Engine>) {
    let mut interval = tokio::time::interval(engine.config.health_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A warning is raised once per channel while the app runs, not at every check.
    let mut warned = HashSet::new();
    loop {
        interval.tick().await;
        let channels = match engine.store.channels().await {
            Ok(channels) => channels,
            Err(error) => {
                tracing::warn!(%error, "cannot list the channels to check");
                continue;
            }
        };
        for channel in channels.iter().filter(|c| c.state == ChannelState::Connected) {
            match check(&engine, channel).await {
                Ok(Some(warning)) if warned.insert(channel.id) => warn(&engine, channel, warning).await,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, channel = channel.id, "cannot check the channel's token")
                }
            }
        }
    }
}

/// Checks one channel; expires it if its token is unusable. Returns a warning for the admins.
async fn check(engine: &Engine, channel: &ChannelRecord) -> Result<Option<String>, EngineError> {
    let Some(secret) =
        engine.keychain.get(&keychain::channel_key(channel.platform, &channel.external_id)).await?
    else {
        return Ok(None);
    };
    match channel.platform {
        Platform::Messenger => {
            let Some(app) = engine.facebook_app().await? else {
                tracing::debug!("no Facebook app credentials: tokens are checked by the polls only");
                return Ok(None);
            };
            // A 190 here is about the app's own token, not the page's: it is an error, not an
            // expired channel.
            let info = engine.graph.debug_token(&app.token(), &secret).await?;
            if let Some(problem) = info.problem() {
                if problem.kind() == ErrorKind::TokenUnusable {
                    engine.channel_expired(channel, &problem.to_string()).await;
                }
                return Ok(None);
            }
            let token_expires =
                (info.expires_at > 0).then(|| jiff::Timestamp::from_second(info.expires_at).ok()).flatten();
            engine.token_times(channel.id, token_expires, info.data_access_expires());
            let now = engine.clock.now();
            Ok(info.data_access_expires().filter(|ends| ends.duration_since(now) < DATA_ACCESS_WARNING).map(
                |ends| {
                    let date = ends.to_zoned(jiff::tz::TimeZone::system()).strftime("%A %-d %B");
                    format!(
                        "Facebook data access for \"{}\" ends on {date}. An admin must reauthorize it in Settings → Channels before then, or Switchboard stops reading and answering it.",
                        channel.name
                    )
                },
            ))
        }
        Platform::Sms | Platform::Whatsapp => match engine.twilio(&secret)?.numbers().await {
            Err(error) if error.kind() == ErrorKind::TokenUnusable => {
                engine.channel_expired(channel, &error.to_string()).await;
                Ok(None)
            }
            Err(error) => Err(error.into()),
            Ok(_) => Ok(None),
        },
    }
}

async fn warn(engine: &Engine, channel: &ChannelRecord, warning: String) {
    tracing::warn!(channel = channel.id, warning, "channel needs attention");
    engine.publish(Event::ChannelWarning { channel_id: channel.id, warning: warning.clone() });
    let notice = Notice { summary: format!("Reauthorize soon: {}", channel.name), body: warning };
    if let Err(error) = engine.notifier.show(notice).await {
        tracing::warn!(%error, "cannot raise a notification");
    }
}
