//! Notes agents leave on a session.

use serde::Serialize;

pub const NOTE_LIMIT: usize = 4_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteError {
    #[error("The note is empty.")]
    Empty,
    #[error("A note may have at most {limit} characters; this one has {length}.")]
    TooLong { limit: usize, length: usize },
}

impl NoteText {
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(NoteError::Empty);
        }
        let length = text.chars().count();
        if length > NOTE_LIMIT {
            return Err(NoteError::TooLong { limit: NOTE_LIMIT, length });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(NoteText::parse("  called back  ").unwrap().as_str(), "called back");
        assert_eq!(NoteText::parse(" "), Err(NoteError::Empty));
        assert_eq!(
            NoteText::parse(&"n".repeat(NOTE_LIMIT + 1)),
            Err(NoteError::TooLong { limit: NOTE_LIMIT, length: NOTE_LIMIT + 1 })
        );
    }
}
