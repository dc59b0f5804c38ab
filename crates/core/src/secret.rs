//! Credentials as a type: redacted in `Debug`, never serializable, zeroized on drop.
//!
//! Only the keychain module and the platform clients call `expose_secret`.

pub use secrecy::ExposeSecret;

/// A token, password or key. `secrecy` gives us exactly the guarantees DESIGN.md asks for.
pub type Secret = secrecy::SecretString;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_contains_the_secret() {
        let secret = Secret::from("EAAG-page-token");
        let printed = format!("{secret:?}");
        assert!(!printed.contains("EAAG"), "Debug leaked the secret: {printed}");
        assert_eq!(secret.expose_secret(), "EAAG-page-token");
    }
}
