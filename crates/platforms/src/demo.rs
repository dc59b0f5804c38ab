//! Demo mode's bootstrap: the sandbox hands out its demo page, Twilio account and Facebook
//! app so that `make run` opens a connected inbox without the login dialog. Only ever called
//! against the sandbox.

use crate::error::PlatformError;
use serde::Deserialize;
use switchboard_core::Secret;
use url::Url;

#[derive(Debug, Deserialize)]
pub struct DemoPage {
    pub page_id: String,
    pub page_name: String,
    pub access_token: Secret,
    pub twilio: DemoTwilio,
    pub app: DemoApp,
}

#[derive(Debug, Deserialize)]
pub struct DemoTwilio {
    pub account_sid: String,
    pub auth_token: Secret,
    pub numbers: Vec<DemoNumber>,
}

#[derive(Debug, Deserialize)]
pub struct DemoNumber {
    pub number: String,
    pub whatsapp: bool,
}

#[derive(Debug, Deserialize)]
pub struct DemoApp {
    pub id: String,
    pub secret: Secret,
}

pub async fn demo_page(sandbox: &Url) -> Result<DemoPage, PlatformError> {
    let url = sandbox.join("/_sandbox/demo").expect("a fixed path joins");
    let transport = |e| PlatformError::transport("the sandbox", e);
    reqwest::get(url)
        .await
        .map_err(transport)?
        .error_for_status()
        .map_err(transport)?
        .json()
        .await
        .map_err(transport)
}
