//! Phone numbers in E.164, parsed and validated by libphonenumber's rules (the `phonenumber`
//! crate), never by hand.

use serde::Serialize;
use std::fmt;

/// A valid phone number, kept in E.164 (`+14155550123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PhoneError {
    #[error("\"{input}\" is not a phone number. Write it with its country code, like +44 20 7946 0958.")]
    Unreadable { input: String },
    #[error("\"{input}\" is not a valid number in its country.")]
    Invalid { input: String },
}

impl PhoneNumber {
    /// Parses a number written with its country code (`+44 20 7946 0958`, `+1 (415) 555-0123`).
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let unreadable = || PhoneError::Unreadable { input: input.to_owned() };
        if !input.trim_start().starts_with('+') {
            return Err(unreadable());
        }
        let number = phonenumber::parse(None, input).map_err(|_| unreadable())?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid { input: input.to_owned() });
        }
        Ok(Self(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_written_any_way_become_e164() {
        assert_eq!(PhoneNumber::parse("+44 20 7946 0958").unwrap().as_str(), "+442079460958");
        assert_eq!(PhoneNumber::parse("+1 (415) 555-2671").unwrap().as_str(), "+14155552671");
    }

    #[test]
    fn wrong_numbers_are_refused_with_a_reason() {
        assert!(matches!(PhoneNumber::parse("hello"), Err(PhoneError::Unreadable { .. })));
        assert!(matches!(PhoneNumber::parse("020 7946 0958"), Err(PhoneError::Unreadable { .. })));
        assert!(matches!(PhoneNumber::parse("+44 20 7946"), Err(PhoneError::Invalid { .. })));
    }
}
