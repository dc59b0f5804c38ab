//! Settings → Channels: the admin's commands to connect, reauthorize and disconnect channels.
//! Secrets arrive here once, go to the engine (and so to the keychain), and never come back.

use crate::error::CommandError;
use std::sync::Arc;
use switchboard_core::{Platform, Secret};
use switchboard_engine::login::{LoginPurpose, PageChoice};
use switchboard_engine::{Engine, TwilioNumber};
use switchboard_platforms::TwilioCredentials;
use switchboard_store::ChannelRecord;
use tauri::{AppHandle, State};

/// Every channel, and what is known of its last sync and token times.
#[derive(Debug, serde::Serialize)]
pub struct ChannelList {
    channels: Vec<ChannelRecord>,
    health: Vec<switchboard_engine::status::ChannelHealth>,
}

#[tauri::command]
pub async fn channel_list(engine: State<'_, Arc<Engine>>) -> Result<ChannelList, CommandError> {
    Ok(ChannelList { channels: engine.channels().await?, health: engine.channel_health() })
}

/// The Meta app's id and secret (the secret goes to the keychain).
#[tauri::command]
pub async fn facebook_app_set(
    engine: State<'_, Arc<Engine>>,
    app_id: String,
    app_secret: String,
) -> Result<(), CommandError> {
    Ok(engine.set_facebook_app(&app_id, &Secret::from(app_secret)).await?)
}

/// Opens Facebook's login dialog in the popup; the outcome arrives as `login_finished`.
#[tauri::command]
pub async fn facebook_login(
    app: AppHandle,
    engine: State<'_, Arc<Engine>>,
    purpose: LoginPurpose,
) -> Result<(), CommandError> {
    let dialog = engine.facebook_login_start(purpose).await?;
    crate::login_window::open(&app, engine.inner().clone(), dialog).map_err(CommandError::shell)
}

/// Connects (or renews) the chosen pages of the last login.
#[tauri::command]
pub async fn facebook_connect_pages(
    engine: State<'_, Arc<Engine>>,
    page_ids: Vec<String>,
) -> Result<Vec<ChannelRecord>, CommandError> {
    Ok(engine.facebook_connect_pages(&page_ids).await?)
}

#[tauri::command]
pub async fn channel_disconnect(
    engine: State<'_, Arc<Engine>>,
    channel_id: i64,
) -> Result<ChannelRecord, CommandError> {
    Ok(engine.channel_disconnect(channel_id).await?)
}

/// The account's numbers; a real call, so wrong credentials are refused here.
#[tauri::command]
pub async fn twilio_numbers(
    engine: State<'_, Arc<Engine>>,
    account_sid: String,
    auth_token: String,
) -> Result<Vec<TwilioNumber>, CommandError> {
    let credentials = TwilioCredentials {
        account_sid: account_sid.trim().to_owned(),
        auth_token: Secret::from(auth_token),
    };
    Ok(engine.twilio_numbers(credentials).await?)
}

/// Connects a number for SMS, and for WhatsApp too when asked.
#[tauri::command]
pub async fn twilio_connect(
    engine: State<'_, Arc<Engine>>,
    account_sid: String,
    auth_token: String,
    number: String,
    whatsapp: bool,
) -> Result<Vec<ChannelRecord>, CommandError> {
    let credentials = TwilioCredentials {
        account_sid: account_sid.trim().to_owned(),
        auth_token: Secret::from(auth_token),
    };
    let mut channels = vec![engine.connect_twilio_number(Platform::Sms, &number, credentials.clone()).await?];
    if whatsapp {
        channels.push(engine.connect_twilio_number(Platform::Whatsapp, &number, credentials).await?);
    }
    Ok(channels)
}

/// What the login popup ended with, sent to the main window.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoginFinished {
    Pages {
        pages: Vec<PageChoice>,
        declined: Vec<switchboard_engine::login::DeclinedPermission>,
    },
    Failed {
        error: CommandError,
    },
    /// The admin closed the popup.
    Closed,
}
