//! Demo mode: connects the sandbox's demo page, numbers and Facebook app without the login
//! dialog. Only ever called against the sandbox.

use crate::{Engine, EngineError};
use std::sync::Arc;
use switchboard_core::Platform;
use switchboard_platforms::TwilioCredentials;
use url::Url;

impl Engine {
    /// Connects the sandbox's demo page and its numbers (SMS, and WhatsApp where a number has it).
    pub async fn connect_sandbox_demo(self: &Arc<Self>, sandbox: &Url) -> Result<(), EngineError> {
        let demo = switchboard_platforms::demo::demo_page(sandbox).await?;
        self.set_facebook_app(&demo.app.id, &demo.app.secret).await?;
        self.connect_messenger_page(&demo.page_id, &demo.page_name, demo.access_token).await?;
        let credentials =
            TwilioCredentials { account_sid: demo.twilio.account_sid, auth_token: demo.twilio.auth_token };
        for number in &demo.twilio.numbers {
            self.connect_twilio_number(Platform::Sms, &number.number, credentials.clone()).await?;
            if number.whatsapp {
                self.connect_twilio_number(Platform::Whatsapp, &number.number, credentials.clone()).await?;
            }
        }
        tracing::info!(page = %demo.page_name, numbers = demo.twilio.numbers.len(), "demo channels connected");
        Ok(())
    }
}
