//! Fuzz targets (`make fuzz`, not `make test`) for what core reads from outside: phone numbers,
//! reply text, canned-response and template variables, deep links. A million inputs each by
//! default (`FUZZ_CASES`); a target passes when nothing panics and each answer keeps its promise.

use crate::canned::{CannedResponse, Variables, fill};
use crate::{DeepLink, Link, PhoneNumber, Platform, ReplyText, template};
use proptest::prelude::*;
use std::collections::BTreeMap;
use switchboard_fuzzing::run;

/// Text with the characters parsers trip on: braces, pluses, digits, spaces, any Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,64}",
        "[0-9+ ()\\-]{0,24}",
        "[{}a-z_0-9 ]{0,40}",
        "(switchboard|https?|mailto|tel)://.{0,40}"
    ]
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_phone_numbers() {
    run("phone numbers", text(), |input| {
        if let Ok(number) = PhoneNumber::parse(&input) {
            let e164 = number.as_str().to_owned();
            prop_assert!(e164.starts_with('+') && e164[1..].chars().all(|c| c.is_ascii_digit()), "{e164}");
            prop_assert_eq!(
                PhoneNumber::parse(&e164).map(|n| n.as_str().to_owned()).ok(),
                Some(e164.clone())
            );
        }
        Ok(())
    });
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_reply_text() {
    run(
        "reply text",
        (prop::sample::select(vec![Platform::Messenger, Platform::Sms, Platform::Whatsapp]), text()),
        |(platform, input)| {
            let _ = ReplyText::parse(platform, &input);
            Ok(())
        },
    );
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_canned_and_template_variables() {
    run("canned-response and template variables", (text(), text(), text()), |(body, first, value)| {
        let values = Variables {
            first_name: Some(&first),
            last_name: None,
            contact_name: &first,
            agent_name: "ana",
            channel_name: &value,
        };
        let _ = fill(&body, &values);
        if let Ok(canned) = CannedResponse::parse("Fuzz", std::slice::from_ref(&body)) {
            let _ = canned.expand(&values);
        }
        let names = template::variables(&body);
        let filled: BTreeMap<String, String> = names.iter().map(|n| (n.clone(), value.clone())).collect();
        let _ = template::fill(&body, &filled);
        // A blank value counts as missing (the agent must type something); any other fills.
        let missing = template::missing(&body, &filled);
        prop_assert_eq!(missing.is_empty(), names.is_empty() || !value.trim().is_empty(), "{:?}", missing);
        Ok(())
    });
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_links() {
    run("links and deep links", text(), |input| {
        let _ = Link::parse(&input);
        let _ = DeepLink::parse(&input);
        Ok(())
    });
}

#[test]
#[ignore = "make fuzz"]
fn fuzz_media_addresses() {
    let path = prop_oneof!["/[0-9]{0,22}", "/[-+0-9/?#%. a-z]{0,24}", ".{0,32}"];
    run("media:// request paths", path, |input| {
        if let Some(id) = crate::attachment::media_id(&input) {
            // One file, one address: only `/{id}` itself names it.
            prop_assert!(id > 0);
            prop_assert_eq!(input, format!("/{id}"));
        }
        Ok(())
    });
}
