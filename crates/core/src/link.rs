//! Links: what a link in a customer's message may open, and what a `switchboard://` address asks.
//!
//! Message text is split into text and links by the UI for display only; what is opened is
//! decided here. Only the web, e-mail and the telephone are ever handed to the system: never
//! `javascript:`, `file:`, `data:` or another program's custom scheme.

use std::fmt;
use url::Url;

/// The longest link the system is asked to open (beyond it, no browser or mail client copes).
pub const MAX_LINK: usize = 8_192;

/// An address the system may open, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link(Url);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is empty")]
    Empty,
    #[error("the link is {0} characters long; the most Switchboard opens is {MAX_LINK}")]
    TooLong(usize),
    #[error("this is not a link Switchboard can open: {0}")]
    NotAnAddress(String),
    #[error("Switchboard opens only web (http, https), e-mail (mailto) and telephone (tel) links, not {0}:")]
    Scheme(String),
    #[error("the link has no host to go to")]
    NoHost,
}

impl Link {
    pub fn parse(text: &str) -> Result<Self, LinkError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LinkError::Empty);
        }
        let length = text.chars().count();
        if length > MAX_LINK {
            return Err(LinkError::TooLong(length));
        }
        let url = Url::parse(text).map_err(|error| LinkError::NotAnAddress(error.to_string()))?;
        match url.scheme() {
            "http" | "https" => {
                // Url has turned a look-alike host into its punycode (xn--) form already, so what
                // the system opens is what the agent saw on hover.
                if url.host_str().is_none_or(str::is_empty) {
                    return Err(LinkError::NoHost);
                }
            }
            "mailto" | "tel" => {
                if url.path().is_empty() {
                    return Err(LinkError::Empty);
                }
            }
            other => return Err(LinkError::Scheme(other.to_owned())),
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// What a `switchboard://` address given to the app (a second launch, the OS) asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeepLink {
    /// `switchboard://session/42`: open that session.
    Session(i64),
}

impl DeepLink {
    pub const SCHEME: &'static str = "switchboard";

    /// The first deep link among a launch's arguments, if any.
    pub fn from_args<S: AsRef<str>>(args: &[S]) -> Option<Self> {
        args.iter().find_map(|arg| Self::parse(arg.as_ref()))
    }

    pub fn parse(text: &str) -> Option<Self> {
        let url = Url::parse(text).ok()?;
        if url.scheme() != Self::SCHEME {
            return None;
        }
        // `switchboard://session/42`: the host is the noun, the path its id.
        match (url.host_str(), url.path().trim_matches('/')) {
            (Some("session"), id) => id.parse().ok().filter(|id| *id > 0).map(DeepLink::Session),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mail_and_telephone_links_open() {
        for ok in [
            "https://velo.example/track?id=1",
            "http://a.example",
            "mailto:help@velo.example",
            "tel:+15551234567",
        ] {
            assert_eq!(Link::parse(ok).map(|l| l.to_string().starts_with(&ok[..4])), Ok(true), "{ok} opens");
        }
    }

    #[test]
    fn hostile_links_are_refused_with_the_reason() {
        for (bad, why) in [
            ("javascript:alert(1)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            ("file:///etc/passwd", "file"),
            ("data:text/html,<script>alert(1)</script>", "data"),
            ("slack://open", "slack"),
            ("switchboard://session/1", "switchboard"),
        ] {
            let error = Link::parse(bad).expect_err(bad);
            assert!(error.to_string().contains(why), "{bad} is refused naming its scheme: {error}");
        }
        assert_eq!(Link::parse("  "), Err(LinkError::Empty));
        assert!(matches!(Link::parse("not a link"), Err(LinkError::NotAnAddress(_))));
        let long = format!("https://velo.example/{}", "a".repeat(MAX_LINK));
        assert!(matches!(Link::parse(&long), Err(LinkError::TooLong(_))));
    }

    #[test]
    fn a_look_alike_host_opens_as_what_it_is() {
        // Cyrillic "а" in "pаypal": the system is given the punycode host, not the disguise.
        let link = Link::parse("https://p\u{0430}ypal.com/login").expect("a valid IDN");
        assert!(link.as_str().contains("xn--"), "the host is shown as punycode: {link}");
    }

    #[test]
    fn a_5000_character_link_still_opens() {
        let long = format!("https://velo.example/{}", "a".repeat(5_000));
        assert_eq!(Link::parse(&long).map(|l| l.as_str().len()), Ok(long.len()));
    }

    #[test]
    fn deep_links_name_a_session() {
        assert_eq!(DeepLink::parse("switchboard://session/42"), Some(DeepLink::Session(42)));
        assert_eq!(DeepLink::parse("switchboard://session/42/"), Some(DeepLink::Session(42)));
        assert_eq!(DeepLink::parse("switchboard://session/x"), None);
        assert_eq!(DeepLink::parse("switchboard://session/-1"), None);
        assert_eq!(DeepLink::parse("https://session/42"), None);
        let args = ["/usr/bin/switchboard", "--flag", "switchboard://session/7"];
        assert_eq!(DeepLink::from_args(&args), Some(DeepLink::Session(7)));
    }
}
