//! Facebook Login's server side for a desktop app: the code exchanged for a user token (with the
//! PKCE verifier), the long-lived exchange, and what the token gives: the pages (with their
//! tasks and tokens) and the permissions granted or declined.

use crate::error::PlatformError;
use crate::graph::GraphApi;
use serde::Deserialize;
use switchboard_core::Secret;
use switchboard_core::secret::ExposeSecret;

/// A Meta app: its id, and its secret (from the keychain).
#[derive(Debug, Clone)]
pub struct FacebookApp {
    pub id: String,
    pub secret: Secret,
}

impl FacebookApp {
    /// The app's own token (`{app-id}|{app-secret}`), as `debug_token` takes it.
    pub fn token(&self) -> Secret {
        Secret::from(format!("{}|{}", self.id, self.secret.expose_secret()))
    }

    /// Reads what `token` wrote (the keychain's form); `None` when it is not a pair.
    pub fn from_token(token: &Secret) -> Option<Self> {
        let (id, secret) = token.expose_secret().split_once('|')?;
        (!id.is_empty() && !secret.is_empty())
            .then(|| Self { id: id.to_owned(), secret: Secret::from(secret.to_owned()) })
    }
}

#[derive(Debug, Deserialize)]
pub struct UserToken {
    pub access_token: Secret,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// A page the user gave the app, with what they may do on it and its token.
#[derive(Debug, Clone, Deserialize)]
pub struct PageAccount {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub tasks: Vec<String>,
    pub access_token: Secret,
}

impl PageAccount {
    /// Only a person with the MESSAGING task may read and answer the page's conversations.
    pub fn can_message(&self) -> bool {
        self.tasks.iter().any(|task| task == "MESSAGING")
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Permission {
    pub permission: String,
    pub status: String,
}

#[derive(Debug, Deserialize)]
struct List<T> {
    data: Vec<T>,
}

impl GraphApi {
    /// Exchanges the dialog's code for a short-lived user token (`GET /oauth/access_token`).
    pub async fn exchange_code(
        &self,
        app: &FacebookApp,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
    ) -> Result<UserToken, PlatformError> {
        let query = [
            ("client_id", app.id.as_str()),
            ("client_secret", app.secret.expose_secret()),
            ("redirect_uri", redirect_uri),
            ("code", code),
            ("code_verifier", verifier),
        ];
        self.get("oauth/access_token", &query, None).await
    }

    /// A short-lived user token for a long-lived one (about 60 days).
    pub async fn long_lived(&self, app: &FacebookApp, short: &Secret) -> Result<UserToken, PlatformError> {
        let query = [
            ("grant_type", "fb_exchange_token"),
            ("client_id", app.id.as_str()),
            ("client_secret", app.secret.expose_secret()),
            ("fb_exchange_token", short.expose_secret()),
        ];
        self.get("oauth/access_token", &query, None).await
    }

    /// The pages the user gave the app (`/me/accounts`), with tasks and page tokens.
    pub async fn accounts(&self, user: &Secret) -> Result<Vec<PageAccount>, PlatformError> {
        let list: List<PageAccount> =
            self.get("me/accounts", &[("fields", "id,name,tasks,access_token")], Some(user)).await?;
        Ok(list.data)
    }

    /// Each permission the user answered (`/me/permissions`), granted or declined.
    pub async fn permissions(&self, user: &Secret) -> Result<Vec<Permission>, PlatformError> {
        let list: List<Permission> = self.get("me/permissions", &[], Some(user)).await?;
        Ok(list.data)
    }
}
