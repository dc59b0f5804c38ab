//! Connecting Facebook pages: the login dialog's URL with `state` and PKCE (the `oauth2`
//! crate), the redirect checked against that state, the code exchanged for a long-lived user
//! token, and the pages it gives, kept in memory until the admin picks which to connect.
//! Nothing of it reaches the cache: page tokens go to the keychain when a page is connected.

use crate::{Engine, EngineError, health};
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use switchboard_core::Secret;
use switchboard_platforms::graph::GRAPH_VERSION;
use switchboard_platforms::{FacebookApp, PageAccount};
use switchboard_store::ChannelRecord;
use url::Url;

/// Where a desktop app's login ends: the shell watches the popup for this address.
pub const DESKTOP_REDIRECT: &str = "https://www.facebook.com/connect/login_success.html";
/// What Switchboard asks for: list the pages, read and answer their conversations.
pub const SCOPES: [&str; 4] =
    ["pages_show_list", "pages_messaging", "pages_manage_metadata", "pages_read_engagement"];

/// Why the dialog is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginPurpose {
    Connect,
    /// Ask again for permissions the admin declined.
    Rerequest,
    /// Renew expired (or soon-expiring) connections.
    Reauthorize,
}

/// The dialog to open in the popup.
#[derive(Debug, Clone, Serialize)]
pub struct LoginDialog {
    pub url: String,
    pub redirect: &'static str,
}

/// A page the login gave, as the picker shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageChoice {
    pub id: String,
    pub name: String,
    /// Why it cannot be connected, if it cannot.
    pub unavailable: Option<String>,
    /// Already a channel here: connecting again renews its token.
    pub connected: bool,
}

/// What a finished login found.
#[derive(Debug, Clone, Serialize)]
pub struct LoginOutcome {
    pub pages: Vec<PageChoice>,
    /// Permissions the admin declined, each with what Switchboard cannot do without it.
    pub declined: Vec<DeclinedPermission>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DeclinedPermission {
    pub permission: String,
    pub consequence: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("Enter the Facebook app's App ID and App Secret in Settings → Channels first.")]
    NoApp,
    #[error(
        "This sign-in did not come from a login Switchboard started (its state does not match). Nothing was stored; start again."
    )]
    ForgedState,
    #[error("Facebook login was cancelled. Nothing was connected.")]
    Cancelled,
    #[error("Facebook did not return a sign-in code{0}. Nothing was stored; start again.")]
    NoCode(String),
    #[error("\"{0}\" was not among the pages of the last sign-in; sign in again.")]
    UnknownPage(String),
    #[error("\"{name}\" cannot be connected: {reason}")]
    PageUnavailable { name: String, reason: String },
}

/// Logins started and not finished, by state; and the pages of finished ones, by page id.
#[derive(Debug, Default)]
pub(crate) struct Logins {
    pending: HashMap<String, (PkceCodeVerifier, LoginPurpose)>,
    pages: HashMap<String, PageAccount>,
    /// Pages the last login showed but cannot connect: name and reason.
    refused: HashMap<String, (String, String)>,
}

impl Engine {
    /// Keeps the Facebook app's id and secret (for login and `debug_token`) in the keychain.
    pub async fn set_facebook_app(&self, app_id: &str, app_secret: &Secret) -> Result<(), EngineError> {
        use switchboard_core::secret::ExposeSecret;
        let app_id = app_id.trim();
        if app_id.is_empty() || !app_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(EngineError::Credentials(
                "The App ID is the app's number, from developers.facebook.com.".into(),
            ));
        }
        if app_secret.expose_secret().trim().is_empty() {
            return Err(EngineError::Credentials("The App Secret is empty.".into()));
        }
        let app = FacebookApp { id: app_id.to_owned(), secret: app_secret.clone() };
        Ok(self.keychain.set(health::FACEBOOK_APP_ENTRY, app.token()).await?)
    }

    pub(crate) async fn facebook_app(&self) -> Result<Option<FacebookApp>, EngineError> {
        Ok(self.keychain.get(health::FACEBOOK_APP_ENTRY).await?.as_ref().and_then(FacebookApp::from_token))
    }

    /// The login dialog to open, with a fresh state and PKCE challenge.
    pub async fn facebook_login_start(&self, purpose: LoginPurpose) -> Result<LoginDialog, EngineError> {
        let app = self.facebook_app().await?.ok_or(LoginError::NoApp)?;
        let mut dialog = self.config.hosts.login.clone();
        dialog.set_path(&format!("/{GRAPH_VERSION}/dialog/oauth"));
        let client = BasicClient::new(ClientId::new(app.id))
            .set_auth_uri(AuthUrl::from_url(dialog))
            .set_redirect_uri(RedirectUrl::new(DESKTOP_REDIRECT.to_owned()).expect("a valid constant URL"));
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(SCOPES.iter().map(|scope| Scope::new((*scope).to_owned())))
            .set_pkce_challenge(challenge);
        match purpose {
            LoginPurpose::Connect => {}
            LoginPurpose::Rerequest => request = request.add_extra_param("auth_type", "rerequest"),
            LoginPurpose::Reauthorize => request = request.add_extra_param("auth_type", "reauthorize"),
        }
        let (url, state) = request.url();
        self.logins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pending
            .insert(state.secret().clone(), (verifier, purpose));
        Ok(LoginDialog { url: url.to_string(), redirect: DESKTOP_REDIRECT })
    }

    /// Finishes a login from the address the popup was sent back to: checks the state, trades
    /// the code for a long-lived token and lists its pages and declined permissions.
    pub async fn facebook_login_finish(&self, redirected_to: &str) -> Result<LoginOutcome, EngineError> {
        let url = Url::parse(redirected_to).map_err(|_| LoginError::NoCode(String::new()))?;
        // Facebook answers in the query (or, for some flows, the fragment).
        let mut answer: HashMap<String, String> = url.query_pairs().into_owned().collect();
        if let Some(fragment) = url.fragment() {
            answer.extend(url::form_urlencoded::parse(fragment.as_bytes()).into_owned());
        }
        let state = answer.get("state").cloned().unwrap_or_default();
        let verifier = self.logins.lock().unwrap_or_else(|p| p.into_inner()).pending.remove(&state);
        let Some((verifier, purpose)) = verifier else {
            return Err(LoginError::ForgedState.into());
        };
        if answer.contains_key("error") {
            return Err(LoginError::Cancelled.into());
        }
        let code = answer.get("code").ok_or_else(|| LoginError::NoCode(String::new()))?;
        let app = self.facebook_app().await?.ok_or(LoginError::NoApp)?;
        let short = self.graph.exchange_code(&app, DESKTOP_REDIRECT, code, verifier.secret()).await?;
        let long = self.graph.long_lived(&app, &short.access_token).await?;
        let accounts = self.graph.accounts(&long.access_token).await?;
        let permissions = self.graph.permissions(&long.access_token).await?;
        let connected: Vec<ChannelRecord> = self.store.channels().await?;
        let pages: Vec<PageChoice> = accounts
            .iter()
            .map(|page| {
                let connected = connected.iter().any(|c| {
                    c.platform == switchboard_core::Platform::Messenger
                        && c.external_id == page.id
                        && c.state == switchboard_core::ChannelState::Connected
                });
                let unavailable = if !page.can_message() {
                    Some("your role on this page does not include messaging (the MESSAGING task); a page admin can give it in the page's settings.".to_owned())
                } else if connected && purpose == LoginPurpose::Connect {
                    Some("it is already connected here; use Reauthorize on it to renew its connection.".to_owned())
                } else {
                    None
                };
                PageChoice { id: page.id.clone(), name: page.name.clone(), unavailable, connected }
            })
            .collect();
        let declined = permissions
            .iter()
            .filter(|p| p.status == "declined")
            .map(|p| DeclinedPermission {
                permission: p.permission.clone(),
                consequence: consequence(&p.permission),
            })
            .collect();
        // Only what the picker offers can be connected.
        let offered = |id: &String| pages.iter().any(|p| &p.id == id && p.unavailable.is_none());
        let mut logins = self.logins.lock().unwrap_or_else(|p| p.into_inner());
        logins.pages = accounts
            .into_iter()
            .filter(|page| offered(&page.id))
            .map(|page| (page.id.clone(), page))
            .collect();
        logins.refused = pages
            .iter()
            .filter_map(|p| Some((p.id.clone(), (p.name.clone(), p.unavailable.clone()?))))
            .collect();
        Ok(LoginOutcome { pages, declined })
    }

    /// Connects the chosen pages of the last login (or renews their tokens): each page token
    /// goes to the keychain; polling starts (or resumes from its cursor).
    pub async fn facebook_connect_pages(
        self: &Arc<Self>,
        page_ids: &[String],
    ) -> Result<Vec<ChannelRecord>, EngineError> {
        let chosen: Vec<PageAccount> = {
            let logins = self.logins.lock().unwrap_or_else(|p| p.into_inner());
            page_ids
                .iter()
                .map(|id| match (logins.pages.get(id), logins.refused.get(id)) {
                    (Some(page), _) => Ok(page.clone()),
                    (None, Some((name, reason))) => {
                        Err(LoginError::PageUnavailable { name: name.clone(), reason: reason.clone() })
                    }
                    (None, None) => Err(LoginError::UnknownPage(id.clone())),
                })
                .collect::<Result<_, _>>()?
        };
        let mut channels = Vec::new();
        for page in chosen {
            channels
                .push(self.connect_messenger_page(&page.id, &page.name, page.access_token.clone()).await?);
        }
        let mut logins = self.logins.lock().unwrap_or_else(|p| p.into_inner());
        logins.pages.retain(|id, _| !page_ids.contains(id));
        Ok(channels)
    }
}

/// What Switchboard cannot do without a permission, in the admin's words.
fn consequence(permission: &str) -> &'static str {
    match permission {
        "pages_messaging" => "Switchboard cannot read or answer the pages' messages.",
        "pages_show_list" => "Switchboard cannot list the pages you manage.",
        "pages_manage_metadata" => "Switchboard cannot keep the pages' connection set up.",
        "pages_read_engagement" => "Switchboard cannot read the pages' conversations and names.",
        _ => "Switchboard may not work fully without it.",
    }
}
