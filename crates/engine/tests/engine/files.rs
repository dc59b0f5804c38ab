//! Files both ways: what customers send (Messenger's CDN, Twilio's media behind Basic auth) is
//! downloaded into the encrypted cache and announced; what an agent attaches is checked (type,
//! 25 MB, platform, window), kept with the reply before sending, and sent once.

use crate::{Options, eventually, require_desktop, running};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::{AttachmentKind, DeliveryState, Platform};
use switchboard_engine::{Engine, Event, ListFilter};
use switchboard_sandbox::{Sandbox, Script};
use switchboard_store::{AttachmentState, MessageRecord, SessionSummary};

const OUR_NUMBER: &str = "+14155550100";

fn script() -> Script {
    let script = json!({
        "pages": [{"id": "3401", "name": "Files Page"}],
        "numbers": [{"number": OUR_NUMBER, "name": "Shop line", "whatsapp": true}],
        "personas": [{"psid": "7401", "page": "3401", "first_name": "Ana", "last_name": "Lima"},
                     {"phone": "+14155550144", "number": OUR_NUMBER, "first_name": "Tom", "last_name": "Reyes"}],
    });
    Script::from_json(&script.to_string()).unwrap()
}

async fn session(engine: &Engine, platform: Platform) -> Option<SessionSummary> {
    let page = engine.session_list(&ListFilter::default(), None, 50).await.unwrap();
    page.sessions.into_iter().find(|s| s.platform == platform)
}

/// The session's newest message that carries a file, if any.
async fn newest_file(engine: &Engine, platform: Platform) -> Option<MessageRecord> {
    let session = session(engine, platform).await?;
    let messages = engine.session_messages(session.id, None, 10).await.unwrap();
    messages.into_iter().rev().find(|m| !m.attachments.is_empty())
}

/// The session's newest message once its file is downloaded (or given up).
async fn settled_file(engine: &Arc<Engine>, platform: Platform) -> MessageRecord {
    eventually("the file is downloaded", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            newest_file(&engine, platform)
                .await
                .is_some_and(|m| m.attachments[0].state != AttachmentState::Fetching)
        }
    })
    .await;
    newest_file(engine, platform).await.expect("the file's message")
}

#[tokio::test]
async fn customers_files_are_downloaded_into_the_cache_and_shown_as_images_or_files() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    let mut running = running(sandbox, "files-in", Options { quiet: true, ..Options::default() }).await;
    running.sandbox.customer_sends_file("7401", "the pedal", "bike.png").unwrap();
    running.sandbox.customer_sends_file("+14155550144", "", "receipt.pdf").unwrap();
    let engine = running.engine.clone();

    let photo = settled_file(&engine, Platform::Messenger).await;
    assert_eq!(photo.body, "the pedal");
    let file = &photo.attachments[0];
    assert_eq!((file.kind, file.file_name.as_str()), (AttachmentKind::Image, "bike.png"));
    assert_eq!((file.state.clone(), file.inline), (AttachmentState::Ready, true));
    let content = engine.attachment_content(file.id).await.unwrap();
    assert_eq!((content.media_type.as_str(), &content.bytes[1..4]), ("image/png", &b"PNG"[..]));
    assert_eq!(file.size_bytes, Some(content.bytes.len() as u64));

    let receipt = settled_file(&engine, Platform::Sms).await;
    let pdf = &receipt.attachments[0];
    assert_eq!(
        (pdf.kind, pdf.inline, pdf.state.clone()),
        (AttachmentKind::File, false, AttachmentState::Ready)
    );
    assert!(pdf.file_name.starts_with("ME") && pdf.file_name.ends_with(".pdf"), "{}", pdf.file_name);
    assert!(engine.attachment_content(pdf.id).await.unwrap().bytes.starts_with(b"%PDF-"));

    // The windows heard of the download: the message again, now with its file ready.
    let mut announced = false;
    while let Ok(event) = running.events.try_recv() {
        if let Event::MessageChanged { message } = event
            && message.id == photo.id
            && message.attachments.first().is_some_and(|a| a.state == AttachmentState::Ready)
        {
            announced = true;
        }
    }
    assert!(announced, "the downloaded file is announced");
}

#[tokio::test]
async fn an_agent_s_file_is_checked_kept_and_sent_once_and_refused_where_it_cannot_go() {
    require_desktop();
    let sandbox = Sandbox::start(script()).await.unwrap();
    let running = running(sandbox, "files-out", Options { quiet: true, ..Options::default() }).await;
    running.sandbox.customer_writes("7401", "Can you send the invoice?").unwrap();
    running.sandbox.customer_writes("+14155550144", "And to me?").unwrap();
    let engine = running.engine.clone();
    let base = running.sandbox.base_url();
    eventually("both sessions are stored", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            session(&engine, Platform::Messenger).await.is_some()
                && session(&engine, Platform::Sms).await.is_some()
        }
    })
    .await;
    let messenger = session(&engine, Platform::Messenger).await.unwrap();
    let sms = session(&engine, Platform::Sms).await.unwrap();

    let invoice = b"%PDF-1.4 invoice 4471".to_vec();
    let pending = engine.session_send_attachment(messenger.id, "invoice.pdf", invoice.clone()).await.unwrap();
    assert_eq!(pending.delivery, DeliveryState::Pending, "kept before anything is sent");
    assert_eq!(pending.attachments[0].state, AttachmentState::Ready);
    eventually("the file is sent", Duration::from_secs(10), || {
        let engine = engine.clone();
        async move {
            let messages = engine.session_messages(messenger.id, None, 10).await.unwrap();
            messages.iter().any(|m| m.id == pending.id && m.delivery == DeliveryState::Sent)
        }
    })
    .await;
    let sent: Vec<Value> = reqwest::get(format!("{base}/_sandbox/sent")).await.unwrap().json().await.unwrap();
    let files: Vec<&Value> = sent.iter().filter(|m| !m["attachment"].is_null()).collect();
    assert_eq!(files.len(), 1, "sent once: {sent:?}");
    assert_eq!(files[0]["attachment"]["name"], "invoice.pdf");
    assert_eq!(files[0]["attachment"]["size"], invoice.len());
    assert_eq!(files[0]["attachment"]["content_type"], "application/pdf");

    let refusals = [
        (messenger.id, "setup.exe", 10, "cannot be sent"),
        (messenger.id, "ride.mp4", 25 * 1024 * 1024 + 1, "at most 25 MB"),
        (sms.id, "invoice.pdf", 10, "public web address"),
    ];
    for (session_id, name, size, reason) in refusals {
        let error = engine.attachment_check(session_id, name, size).await.unwrap_err();
        assert!(error.to_string().contains(reason), "{name}: {error}");
    }
    let error = engine.session_send_attachment(sms.id, "invoice.pdf", invoice).await.unwrap_err();
    assert!(error.to_string().contains("public web address"), "{error}");
    let sms_messages = engine.session_messages(sms.id, None, 10).await.unwrap();
    assert!(sms_messages.iter().all(|m| m.attachments.is_empty()), "a refused file is not kept");
}
