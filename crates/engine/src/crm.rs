//! The transcript-to-CRM hook: when an interaction ends, its transcript goes as JSON to the
//! admin's HTTPS address, signed with HMAC-SHA256 under a secret kept in the keychain
//! (`X-Switchboard-Signature: sha256=<hex>` over the exact body). Deliveries wait in a durable
//! queue in the cache and are retried with backoff; nothing here ever blocks the desk. Each
//! carries `X-Switchboard-Delivery: <interaction id>`, the same on every retry, for the receiver
//! to ignore a repeat (delivery is at least once: an answer lost on the way means sending again).
//!
//! In a team, the desktop holding a channel's lease sends its interactions' transcripts.

use crate::{Engine, EngineError};
use hmac::{Hmac, KeyInit, Mac};
use jiff::SignedDuration;
use secrecy::ExposeSecret;
use serde::Serialize;
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;
use switchboard_core::Secret;
use switchboard_store::{CrmHook, CrmStatus};

const SECRET_ENTRY: &str = "crm-hook-secret";
const LOOK_EVERY: Duration = Duration::from_secs(2);
/// Attempts before a delivery is given up (backoff 2 s doubling to an hour: about a day).
const ATTEMPTS: i64 = 30;

/// What the settings screen shows; the secret only once, when the hook is set.
#[derive(Debug, Clone, Serialize)]
pub struct CrmHookStatus {
    pub url: Option<String>,
    #[serde(flatten)]
    pub deliveries: CrmStatus,
    /// The signing secret, shown once to hand to the receiver.
    pub secret: Option<String>,
}

/// `sha256=<hex>` of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!("sha256={}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Only HTTPS, or plain HTTP to this computer (a local bridge, a test receiver).
fn check_url(url: &str) -> Result<url::Url, EngineError> {
    let parsed =
        url::Url::parse(url.trim()).map_err(|e| EngineError::Refused(format!("Not an address: {e}.")))?;
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(EngineError::Refused(
            "The CRM hook's address must be https:// (or http:// on this computer).".into(),
        )),
    }
}

impl Engine {
    pub async fn crm_hook_status(&self) -> Result<CrmHookStatus, EngineError> {
        Ok(CrmHookStatus {
            url: self.store.crm_hook().await?.map(|h| h.url),
            deliveries: self.store.crm_status().await?,
            secret: None,
        })
    }

    /// Sets the hook's address (a new signing secret each time, shown once), or removes it.
    pub async fn crm_hook_set(&self, url: Option<&str>) -> Result<CrmHookStatus, EngineError> {
        self.require("admin", "set the CRM hook")?;
        let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
            self.store.crm_hook_set(None).await?;
            self.keychain.delete(SECRET_ENTRY).await?;
            return self.crm_hook_status().await;
        };
        let url = check_url(url)?;
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| EngineError::Refused(format!("No randomness for a secret: {e}")))?;
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.keychain.set(SECRET_ENTRY, Secret::from(secret.clone())).await?;
        let hook = CrmHook { url: url.to_string(), since: self.clock.now() };
        self.store.crm_hook_set(Some(&hook)).await?;
        Ok(CrmHookStatus { secret: Some(secret), ..self.crm_hook_status().await? })
    }

    /// Queues what ended and delivers what is due; answers how many were delivered.
    pub async fn crm_deliver(&self, client: &reqwest::Client) -> Result<usize, EngineError> {
        let Some(hook) = self.store.crm_hook().await? else { return Ok(0) };
        let Some(secret) = self.keychain.get(SECRET_ENTRY).await? else { return Ok(0) };
        let now = self.clock.now();
        let channels = self.team_link().map(|link| link.leased_channels());
        self.store.crm_enqueue(hook.since, channels.as_deref(), now).await?;
        let mut delivered = 0;
        for (interaction_id, attempts) in self.store.crm_due(now, 20).await? {
            let transcript = match self.store.transcript(interaction_id).await {
                Ok(t) => t,
                Err(error) => {
                    self.store.crm_failed(interaction_id, &error.to_string(), None).await?;
                    continue;
                }
            };
            let body = serde_json::to_vec(&transcript).unwrap_or_default();
            let sent = client
                .post(&hook.url)
                .header("Content-Type", "application/json")
                .header("X-Switchboard-Signature", signature(secret.expose_secret(), &body))
                .header("X-Switchboard-Delivery", interaction_id.to_string())
                .body(body)
                .send()
                .await;
            let outcome = match sent {
                Ok(answer) if answer.status().is_success() => Ok(()),
                Ok(answer) => Err(format!("the receiver answered {}", answer.status())),
                Err(error) => Err(format!("the receiver did not answer: {error}")),
            };
            match outcome {
                Ok(()) => {
                    self.store.crm_delivered(interaction_id, self.clock.now()).await?;
                    delivered += 1;
                }
                Err(error) => {
                    let attempts = attempts + 1;
                    let wait = SignedDuration::from_secs((1i64 << attempts.min(11)).min(3_600));
                    let next = (attempts < ATTEMPTS).then(|| self.clock.now() + wait);
                    tracing::warn!(interaction_id, attempts, %error, "a transcript did not reach the CRM hook");
                    self.store.crm_failed(interaction_id, &error, next).await?;
                }
            }
        }
        Ok(delivered)
    }
}

/// Delivers in the background, every few seconds.
pub(crate) async fn run(engine: Arc<Engine>) {
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client for the CRM hook");
            return;
        }
    };
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        if let Err(error) = engine.crm_deliver(&client).await {
            tracing::warn!(%error, "the CRM hook's deliveries failed; the next look retries");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_exact_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn only_https_or_this_computer() {
        assert!(check_url("https://crm.example.com/hooks/switchboard").is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(check_url("http://crm.example.com/hook").is_err());
        assert!(check_url("ftp://crm.example.com").is_err());
        assert!(check_url("not a url").is_err());
    }
}
