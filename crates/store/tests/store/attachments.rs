use crate::{fixture, inbound};
use switchboard_core::{Attachment, AttachmentKind};
use switchboard_store::{AttachmentState, IncomingAttachment, IncomingMessage};

fn with_photo(mid: &str, seconds: i64) -> IncomingMessage {
    IncomingMessage {
        attachments: vec![IncomingAttachment {
            kind: AttachmentKind::Image,
            file_name: "pedal.png".into(),
            media_type: "image/png".into(),
            size_bytes: None,
            url: format!("https://cdn.example/{mid}.png"),
        }],
        ..inbound(mid, "p1", "the pedal", seconds)
    }
}

#[tokio::test]
async fn a_customer_s_file_is_recorded_once_downloaded_into_the_cache_and_shown_with_its_message() {
    let f = fixture().await;
    let recorded = f.record(&[with_photo("m1", 0)]).await;
    assert_eq!(recorded.new_messages[0].attachments[0].state, AttachmentState::Fetching);
    f.record(&[with_photo("m1", 0)]).await;
    let pending = f.store.pending_downloads(f.channel.id, 10).await.unwrap();
    assert_eq!(pending.len(), 1, "reading the same message again records its file once");
    assert_eq!(pending[0].url, "https://cdn.example/m1.png");

    let photo = b"\x89PNG secret-photo-bytes";
    let message = f.store.attachment_downloaded(pending[0].attachment_id, None, photo).await.unwrap();
    let file = &message.attachments[0];
    assert_eq!((file.state.clone(), file.inline, file.size_bytes), (AttachmentState::Ready, true, Some(23)));
    assert_eq!(
        file.media_type.as_deref(),
        Some("image/png"),
        "the message's type stays when the host gives none"
    );
    assert!(f.store.pending_downloads(f.channel.id, 10).await.unwrap().is_empty());
    let content = f.store.attachment_content(file.id).await.unwrap();
    assert_eq!(content.bytes, photo);
    let history = f.store.session_messages(message.session_id, None, 10).await.unwrap();
    assert_eq!(history[0].attachments, message.attachments);

    // Kept inside the encrypted cache, never in the clear.
    f.store.close().await;
    let raw = std::fs::read(f.dir.path().join("cache.sqlite3")).unwrap();
    assert!(!raw.windows(12).any(|w| w == b"secret-photo"), "the file's bytes are encrypted");
}

#[tokio::test]
async fn a_file_that_cannot_be_had_is_given_up_with_the_reason() {
    let f = fixture().await;
    f.record(&[with_photo("m1", 0), with_photo("m2", 1)]).await;
    let pending = f.store.pending_downloads(f.channel.id, 10).await.unwrap();
    let gone = f
        .store
        .attachment_failed(pending[0].attachment_id, "Cannot be downloaded: gone", true)
        .await
        .unwrap();
    let gone = gone.expect("a permanent failure settles the file at once");
    assert_eq!(
        gone.attachments[0].state,
        AttachmentState::Unavailable { reason: "Cannot be downloaded: gone".into() }
    );
    // A passing failure is tried again, up to five times.
    for attempt in 1..=5 {
        let settled = f.store.attachment_failed(pending[1].attachment_id, "timed out", false).await.unwrap();
        assert_eq!(settled.is_some(), attempt == 5, "attempt {attempt}");
    }
    assert!(f.store.pending_downloads(f.channel.id, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_agent_s_file_is_a_pending_reply_with_its_content_and_the_draft_stays() {
    let f = fixture().await;
    let recorded = f.record(&[inbound("m1", "p1", "send the invoice", 0)]).await;
    let session = recorded.new_messages[0].session_id;
    f.store.set_draft(session, &["still typing".to_owned()], crate::at(1)).await.unwrap();
    let invoice = Attachment::parse("invoice.pdf", 9).unwrap();
    let message = f
        .store
        .enqueue_attachment(session, &invoice, b"%PDF-1.4\n", None, Some("maria"), crate::at(5), None)
        .await
        .unwrap();
    assert_eq!(message.attachments[0].file_name, "invoice.pdf");
    assert!(!message.attachments[0].inline, "a PDF is a chip");
    let item = f.claim().await.unwrap();
    assert_eq!((item.message_id, item.attachment_id), (message.id, Some(message.attachments[0].id)));
    let summary = f.store.session_summary(session).await.unwrap();
    assert_eq!(summary.draft, Some(vec!["still typing".to_owned()]), "sending a file keeps the typed draft");
    let sent = f.store.mark_sent(message.id, "m_out").await.unwrap();
    assert_eq!(sent.attachments, message.attachments, "a settled reply keeps its file");
}
