use switchboard_core::attachment::MAX_ATTACHMENT_BYTES;
use switchboard_core::{Attachment, AttachmentKind};
use switchboard_platforms::{ErrorKind, GraphApi, MessagingType};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "pages": [{ "id": "1201", "name": "Velo Bikes" }],
  "personas": [{ "psid": "7201", "page": "1201", "first_name": "Ana", "last_name": "Lima" }]
}"#;

#[tokio::test]
async fn an_attachment_is_uploaded_sent_and_a_too_large_one_refused_by_code() {
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let base: url::Url = sandbox.base_url().parse().unwrap();
    let demo = switchboard_platforms::demo::demo_page(&base).await.unwrap();
    let api = GraphApi::new(base.clone());
    sandbox.customer_writes("7201", "Can you send a photo of the bike?").unwrap();

    let photo = Attachment::parse("bike.png", 68).unwrap();
    let id = api.upload_attachment("1201", &demo.access_token, &photo, vec![0x89; 68]).await.unwrap();
    let sent = api
        .send_attachment(
            "1201",
            &demo.access_token,
            "7201",
            AttachmentKind::Image,
            &id,
            &MessagingType::Response,
        )
        .await
        .unwrap();
    assert_eq!(sent.recipient_id, "7201");
    // The page's thread now ends with the image, as Messenger shows it.
    let thread: serde_json::Value = reqwest::Client::new()
        .get(format!("{base}v23.0/1201/conversations"))
        .query(&[("platform", "messenger"), ("user_id", "7201"), ("fields", "messages{id,attachments}")])
        .bearer_auth(switchboard_core::secret::ExposeSecret::expose_secret(&demo.access_token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let newest = &thread["data"][0]["messages"]["data"][0];
    assert_eq!(newest["id"], sent.message_id.as_str());
    assert_eq!(newest["attachments"]["data"][0]["name"], "bike.png", "{thread}");

    // Past 25 MB the platform refuses the upload by code (100/2018109), a request error.
    let huge = Attachment {
        file_name: "ride.mp4".into(),
        kind: AttachmentKind::Video,
        size_bytes: MAX_ATTACHMENT_BYTES + 1,
        media_type: "video/mp4",
    };
    let refused = api
        .upload_attachment("1201", &demo.access_token, &huge, vec![0; (MAX_ATTACHMENT_BYTES + 1) as usize])
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::BadRequest, "{refused}");
    assert!(refused.to_string().contains("2018109"), "{refused}");
}

#[tokio::test]
async fn a_customer_s_photo_is_read_with_its_message_and_downloaded_without_the_token() {
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let base: url::Url = sandbox.base_url().parse().unwrap();
    let demo = switchboard_platforms::demo::demo_page(&base).await.unwrap();
    let api = GraphApi::new(base.clone());
    sandbox.customer_sends_file("7201", "the pedal", "bike.png").unwrap();
    let thread = api.conversation_with("1201", &demo.access_token, "7201").await.unwrap().unwrap();
    let message = &thread.messages.unwrap().data[0];
    assert_eq!(message.message, "the pedal");
    let photo = &message.attachments()[0];
    assert_eq!((photo.name.as_deref(), photo.media_type()), (Some("bike.png"), "image/png"));
    let file = api.download(photo.url().unwrap()).await.unwrap();
    assert_eq!(file.media_type.as_deref(), Some("image/png"));
    assert_eq!(&file.bytes[1..4], b"PNG");
    assert_eq!(photo.size, Some(file.bytes.len() as u64));
}
