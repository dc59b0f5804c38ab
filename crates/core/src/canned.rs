//! Canned responses: ready answers an agent picks, with `{variables}` filled in from the
//! session. Up to 5 bubbles of under 2,000 characters each (PLATFORMS.md), sent in order.

use serde::Serialize;

pub const MAX_BUBBLES: usize = 5;
/// Each bubble must be under this many characters.
pub const BUBBLE_LIMIT: usize = 2_000;
pub const TITLE_LIMIT: usize = 80;

/// The variables a canned response may use, as `{name}`.
pub const VARIABLES: &[&str] = &["first_name", "last_name", "contact_name", "agent_name", "channel_name"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CannedResponse {
    pub title: String,
    pub bubbles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CannedError {
    #[error("A canned response needs a title.")]
    NoTitle,
    #[error("A title may have at most {TITLE_LIMIT} characters.")]
    TitleTooLong,
    #[error("A canned response needs at least one bubble of text.")]
    NoBubbles,
    #[error("A canned response may have at most {MAX_BUBBLES} bubbles; this one has {count}.")]
    TooManyBubbles { count: usize },
    #[error("Bubble {number} has {length} characters; each must be under {BUBBLE_LIMIT}.")]
    BubbleTooLong { number: usize, length: usize },
    #[error("Bubble {number} uses {{{name}}}, which is not a variable; use {}.", variable_list())]
    UnknownVariable { number: usize, name: String },
}

fn variable_list() -> String {
    VARIABLES.iter().map(|v| format!("{{{v}}}")).collect::<Vec<_>>().join(", ")
}

/// What the variables stand for in one session.
#[derive(Debug, Clone, Default)]
pub struct Variables<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    /// The name the list shows (set by hand, or the platform's, or the number).
    pub contact_name: &'a str,
    pub agent_name: &'a str,
    pub channel_name: &'a str,
}

impl CannedResponse {
    /// Checks a canned response as an admin saves it. Blank bubbles are dropped.
    pub fn parse(title: &str, bubbles: &[String]) -> Result<Self, CannedError> {
        let title = title.trim();
        if title.is_empty() {
            return Err(CannedError::NoTitle);
        }
        if title.chars().count() > TITLE_LIMIT {
            return Err(CannedError::TitleTooLong);
        }
        let bubbles: Vec<String> =
            bubbles.iter().map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()).collect();
        if bubbles.is_empty() {
            return Err(CannedError::NoBubbles);
        }
        if bubbles.len() > MAX_BUBBLES {
            return Err(CannedError::TooManyBubbles { count: bubbles.len() });
        }
        for (i, bubble) in bubbles.iter().enumerate() {
            let length = bubble.chars().count();
            if length >= BUBBLE_LIMIT {
                return Err(CannedError::BubbleTooLong { number: i + 1, length });
            }
            if let Some(name) = placeholders(bubble).find(|name| !VARIABLES.contains(name)) {
                return Err(CannedError::UnknownVariable { number: i + 1, name: name.to_owned() });
            }
        }
        Ok(Self { title: title.to_owned(), bubbles })
    }

    /// The bubbles with the session's values in place of the variables. A first name nobody
    /// knows is the first word of the contact's name, unless that is a number; a value still
    /// unknown leaves no gap ("Hi {first_name}," → "Hi,").
    pub fn expand(&self, values: &Variables<'_>) -> Vec<String> {
        self.bubbles.iter().map(|bubble| fill(bubble, values)).collect()
    }
}

/// A text using a `{name}` that is not a variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{{{name}}} is not a variable; use {}.", variable_list())]
pub struct UnknownVariable {
    pub name: String,
}

/// Checks that a text (an automated text, a bubble) uses only known variables.
pub fn check_variables(text: &str) -> Result<(), UnknownVariable> {
    match placeholders(text).find(|name| !VARIABLES.contains(name)) {
        Some(name) => Err(UnknownVariable { name: name.to_owned() }),
        None => Ok(()),
    }
}

/// A text with the session's values in place of its variables; see [`CannedResponse::expand`].
pub fn fill(text: &str, values: &Variables<'_>) -> String {
    let looks_like_a_name = !values.contact_name.chars().any(|c| c.is_ascii_digit());
    let first_word = values.contact_name.split_whitespace().next().filter(|_| looks_like_a_name);
    let value = |name: &str| -> &str {
        match name {
            "first_name" => values.first_name.or(first_word).unwrap_or(""),
            "last_name" => values.last_name.unwrap_or(""),
            "contact_name" => values.contact_name,
            "agent_name" => values.agent_name,
            "channel_name" => values.channel_name,
            _ => "",
        }
    };
    tidy(&substitute(text, value))
}

/// The `{name}` placeholders in a text: a brace, letters and underscores, a brace. Anything
/// else in braces is text.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|after| {
        let name = after.split_once('}')?.0;
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')).then_some(name)
    })
}

fn substitute<'a>(text: &str, value: impl Fn(&str) -> &'a str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.split_once('}') {
            Some((name, tail)) if VARIABLES.contains(&name) => {
                out.push_str(value(name));
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Spaces left by an empty value: doubled, or before punctuation.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, ',' | '.' | '!' | '?' | ';' | ':') && out.ends_with(' ') {
            out.pop();
        }
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(bubbles: &[&str]) -> Result<CannedResponse, CannedError> {
        CannedResponse::parse("Greeting", &bubbles.iter().map(|b| (*b).to_owned()).collect::<Vec<_>>())
    }

    fn values<'a>(first: Option<&'a str>, contact: &'a str) -> Variables<'a> {
        Variables {
            first_name: first,
            last_name: None,
            contact_name: contact,
            agent_name: "Maria",
            channel_name: "Demo Bikes",
        }
    }

    #[test]
    fn variables_are_filled_from_the_session() {
        let canned =
            response(&["Hi {first_name}, I'm {agent_name} from {channel_name}.", "How can I help?"]).unwrap();
        assert_eq!(
            canned.expand(&values(Some("Ana"), "Ana Lima")),
            ["Hi Ana, I'm Maria from Demo Bikes.", "How can I help?"]
        );
        // No first name by hand: the platform's name gives one; a number gives none.
        assert_eq!(canned.expand(&values(None, "Jo Smith"))[0], "Hi Jo, I'm Maria from Demo Bikes.");
        assert_eq!(canned.expand(&values(None, "+15551234567"))[0], "Hi, I'm Maria from Demo Bikes.");
    }

    #[test]
    fn braces_that_are_not_variables_stay_text() {
        let canned = response(&["Use code {A1} or {  } — {first_name}"]).unwrap();
        assert_eq!(canned.expand(&values(Some("Ana"), "Ana")), ["Use code {A1} or { } — Ana"]);
    }

    #[test]
    fn mistakes_are_refused_with_what_to_do() {
        assert_eq!(
            response(&["Hi {frist_name}"]).unwrap_err().to_string(),
            "Bubble 1 uses {frist_name}, which is not a variable; use {first_name}, {last_name}, {contact_name}, {agent_name}, {channel_name}."
        );
        assert_eq!(
            response(&["a", "b", "c", "d", "e", "f"]).unwrap_err(),
            CannedError::TooManyBubbles { count: 6 }
        );
        assert_eq!(response(&["  ", ""]).unwrap_err(), CannedError::NoBubbles);
        let long = "x".repeat(BUBBLE_LIMIT);
        assert_eq!(
            response(&["ok", &long]).unwrap_err(),
            CannedError::BubbleTooLong { number: 2, length: 2_000 }
        );
        assert!(response(&[&"x".repeat(BUBBLE_LIMIT - 1)]).is_ok(), "1,999 characters is under 2,000");
        assert_eq!(CannedResponse::parse(" ", &["x".into()]).unwrap_err(), CannedError::NoTitle);
    }
}
