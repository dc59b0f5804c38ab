//! The cache's encryption key: 32 random bytes, kept in the OS keychain as hex.

use crate::StoreError;
use switchboard_core::Secret;
use switchboard_core::secret::ExposeSecret;

/// A SQLCipher raw key. Redacted in `Debug`, never serialized (it is a `Secret`).
#[derive(Debug)]
pub struct CacheKey(Secret);

impl CacheKey {
    /// A fresh key from the OS's random source, for a cache opened the first time.
    pub fn generate() -> Result<Self, StoreError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Key(format!("no random source: {e}")))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        bytes.fill(0);
        Ok(Self(Secret::from(hex)))
    }

    /// A key read back from the keychain.
    pub fn from_secret(secret: Secret) -> Result<Self, StoreError> {
        let hex = secret.expose_secret();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::Key("the stored cache key is not 64 hex digits".into()));
        }
        Ok(Self(secret))
    }

    /// The key as the keychain keeps it.
    pub fn to_secret(&self) -> Secret {
        Secret::from(self.0.expose_secret().to_owned())
    }

    /// `PRAGMA key`'s value for a raw 256-bit key: no key derivation, so opening stays fast.
    pub(crate) fn pragma_value(&self) -> String {
        format!("\"x'{}'\"", self.0.expose_secret())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_distinct_hex_and_round_trip() {
        let a = CacheKey::generate().unwrap();
        let b = CacheKey::generate().unwrap();
        assert_ne!(a.to_secret().expose_secret(), b.to_secret().expose_secret());
        let again = CacheKey::from_secret(a.to_secret()).unwrap();
        assert_eq!(again.pragma_value(), a.pragma_value());
        assert!(!format!("{a:?}").contains(&a.to_secret().expose_secret()[..8]), "Debug is redacted");
        assert!(CacheKey::from_secret(Secret::from("not hex")).is_err());
    }
}
