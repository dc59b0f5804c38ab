//! Credentials in the operating system's keychain (service `switchboard`, one entry per
//! channel). Nothing else in Switchboard stores a secret.

use keyring_core::{Entry, Error as KeyringError};
use switchboard_core::Platform;
use switchboard_core::Secret;
use switchboard_core::secret::ExposeSecret;

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    #[error("the system keychain is not available: {0}")]
    Unavailable(String),
    #[error("the system keychain refused access: {0}")]
    Refused(String),
    #[error("the system keychain failed: {0}")]
    Failed(String),
}

impl From<KeyringError> for KeychainError {
    fn from(error: KeyringError) -> Self {
        match error {
            KeyringError::NoDefaultStore | KeyringError::NoStorageAccess(_) => {
                KeychainError::Refused(error.to_string())
            }
            other => KeychainError::Failed(other.to_string()),
        }
    }
}

/// The keychain entries of one application (`switchboard`, or a test's own name).
#[derive(Debug, Clone)]
pub struct Keychain {
    service: String,
}

/// The entry name of a channel's token: `messenger:104857600000001`.
pub fn channel_key(platform: Platform, external_id: &str) -> String {
    format!("{}:{external_id}", platform.as_str())
}

impl Keychain {
    /// Chooses the OS credential store explicitly at start-up, rather than letting the first
    /// use pick one: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
    pub fn use_os_store() -> Result<(), KeychainError> {
        #[cfg(target_os = "linux")]
        let store = zbus_secret_service_keyring_store::Store::new()
            .map_err(|e| KeychainError::Unavailable(e.to_string()))?;
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new()
            .map_err(|e| KeychainError::Unavailable(e.to_string()))?;
        #[cfg(target_os = "windows")]
        let store = windows_native_keyring_store::Store::new()
            .map_err(|e| KeychainError::Unavailable(e.to_string()))?;
        keyring_core::set_default_store(store);
        Ok(())
    }

    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    pub async fn set(&self, key: &str, secret: Secret) -> Result<(), KeychainError> {
        self.blocking(key, move |entry| entry.set_password(secret.expose_secret())).await
    }

    /// The secret under `key`, or `None` when there is no such entry.
    pub async fn get(&self, key: &str) -> Result<Option<Secret>, KeychainError> {
        self.blocking(key, |entry| match entry.get_password() {
            Ok(password) => Ok(Some(Secret::from(password))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(error) => Err(error),
        })
        .await
    }

    /// Deletes the entry; deleting a missing entry is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), KeychainError> {
        self.blocking(key, |entry| match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(error) => Err(error),
        })
        .await
    }

    /// The OS stores are synchronous (D-Bus round trips on Linux): keep them off the runtime.
    async fn blocking<T: Send + 'static>(
        &self,
        key: &str,
        operation: impl FnOnce(Entry) -> Result<T, KeyringError> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let (service, key) = (self.service.clone(), key.to_owned());
        tokio::task::spawn_blocking(move || operation(Entry::new(&service, &key)?))
            .await
            .map_err(|e| KeychainError::Failed(e.to_string()))?
            .map_err(KeychainError::from)
    }
}
