use switchboard_core::Secret;
use switchboard_platforms::twilio::{MessageDirection, MessageStatus};
use switchboard_platforms::{ErrorKind, TwilioApi};
use switchboard_sandbox::{Sandbox, Script};

const SCRIPT: &str = r#"{
  "numbers": [{ "number": "+14155550100", "name": "Velo SMS" }],
  "personas": [{ "phone": "+14155550111", "number": "+14155550100", "first_name": "Tomás", "last_name": "Reyes" }]
}"#;

#[tokio::test]
async fn the_client_sends_lists_and_pages_against_the_sandbox() {
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let (sid, token) = sandbox.twilio_credentials();
    let api = TwilioApi::new(sandbox.base_url().parse().unwrap(), sid, Secret::from(token));

    let numbers = api.numbers().await.unwrap();
    assert_eq!(numbers.incoming_phone_numbers[0].phone_number.as_deref(), Some("+14155550100"));

    sandbox.customer_writes("+14155550111", "Do you repair e-bikes?").unwrap();
    let sent = api.send("+14155550100", "+14155550111", "We do!").await.unwrap();
    assert_eq!((sent.status, sent.direction), (MessageStatus::Queued, MessageDirection::OutboundApi));
    for i in 0..3 {
        api.send("+14155550100", "+14155550111", &format!("more {i}")).await.unwrap();
    }
    let mut page = api.messages(&[("To", "+14155550111")], 2).await.unwrap();
    let mut bodies = Vec::new();
    loop {
        bodies.extend(page.messages.iter().filter_map(|m| m.body.clone()));
        match page.next_page_uri.clone() {
            Some(next) => page = api.next_page(&next).await.unwrap(),
            None => break,
        }
    }
    assert_eq!(bodies.len(), 4, "all four outbound messages, across pages: {bodies:?}");
    let inbound = api.messages(&[("From", "+14155550111")], 50).await.unwrap();
    assert_eq!(inbound.messages[0].body.as_deref(), Some("Do you repair e-bikes?"));
    assert!(inbound.messages[0].date_sent.is_some(), "RFC 2822 dates parse");
}

#[tokio::test]
async fn wrong_credentials_and_opt_outs_are_classified() {
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let (sid, token) = sandbox.twilio_credentials();
    let wrong = TwilioApi::new(sandbox.base_url().parse().unwrap(), sid.clone(), Secret::from("nope"));
    let error = wrong.numbers().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenUnusable, "20003: {error}");

    let api = TwilioApi::new(sandbox.base_url().parse().unwrap(), sid, Secret::from(token));
    sandbox.customer_writes("+14155550111", "STOP").unwrap();
    let error = api.send("+14155550100", "+14155550111", "hello?").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RecipientUnavailable, "21610: {error}");
    assert!(error.to_string().contains("21610"), "the code is in the message for logs: {error}");
}

#[tokio::test]
async fn a_customer_s_file_is_listed_as_media_and_downloaded_with_the_account_s_credentials() {
    let sandbox = Sandbox::start(Script::from_json(SCRIPT).unwrap()).await.unwrap();
    let (sid, token) = sandbox.twilio_credentials();
    let api = TwilioApi::new(sandbox.base_url().parse().unwrap(), sid, Secret::from(token));
    let message_sid = sandbox.customer_sends_file("+14155550111", "", "receipt.pdf").unwrap();
    let message = api.message(&message_sid).await.unwrap();
    assert_eq!(message.num_media.as_deref(), Some("1"));
    let media = api.media(&message_sid).await.unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].content_type, "application/pdf");
    let file = api.download(&media[0].uri).await.unwrap();
    assert!(file.bytes.starts_with(b"%PDF-"), "the PDF itself");
    let wrong = TwilioApi::new(
        sandbox.base_url().parse().unwrap(),
        sandbox.twilio_credentials().0,
        Secret::from("wrong".to_owned()),
    );
    assert_eq!(wrong.download(&media[0].uri).await.unwrap_err().kind(), ErrorKind::BadRequest);
}
