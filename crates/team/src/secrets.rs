//! Platform tokens in the team's database, sealed with the team key: XChaCha20-Poly1305 with a
//! random nonce, the channel's id as associated data (a sealed token moved to another channel's
//! row does not open). The key lives in the keychains of the desktops allowed to poll and never
//! reaches the server; an agent's login may not even read the sealed values.

use crate::{Team, TeamError};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use switchboard_core::secret::{ExposeSecret, Secret};

const NONCE: usize = 24;
/// What the team's key check seals: opening it proves a key is the team's.
const CHECK: &[u8] = b"switchboard team key";

/// The team key (32 bytes).
pub struct TeamKey(chacha20poly1305::Key);

impl std::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TeamKey(…)")
    }
}

impl TeamKey {
    pub fn generate() -> Result<Self, TeamError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| TeamError::Refused(format!("no randomness: {e}")))?;
        Ok(Self(key.into()))
    }

    /// The key as the keychain keeps it.
    pub fn to_secret(&self) -> Secret {
        Secret::from(base64::engine::general_purpose::STANDARD.encode(self.0))
    }

    pub fn from_secret(secret: &Secret) -> Result<Self, TeamError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(secret.expose_secret())
            .map_err(|_| TeamError::Refused("the team key in the keychain is damaged".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| TeamError::Refused("the team key in the keychain is damaged".into()))?;
        Ok(Self(key.into()))
    }

    fn seal(&self, context: &[u8], plain: &[u8]) -> Result<Vec<u8>, TeamError> {
        let mut nonce = [0u8; NONCE];
        getrandom::fill(&mut nonce).map_err(|e| TeamError::Refused(format!("no randomness: {e}")))?;
        let sealed = XChaCha20Poly1305::new(&self.0)
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: context })
            .map_err(|_| TeamError::Refused("cannot seal a credential".into()))?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, TeamError> {
        let wrong =
            || TeamError::Refused("This desktop's team key does not open the team's credentials.".into());
        if sealed.len() < NONCE {
            return Err(wrong());
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| wrong())?;
        XChaCha20Poly1305::new(&self.0)
            .decrypt(&XNonce::from(nonce), Payload { msg: body, aad: context })
            .map_err(|_| wrong())
    }
}

fn channel_context(channel_id: i64) -> Vec<u8> {
    format!("channel:{channel_id}").into_bytes()
}

impl Team {
    /// Makes `key` the team's (when the team is created): stores what proves a key is it.
    pub async fn team_key_install(&self, key: &TeamKey) -> Result<(), TeamError> {
        let check = key.seal(b"check", CHECK)?;
        sqlx::query!(
            "INSERT INTO team_key (id, check_value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
            check
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether the team has a key yet (a team made before keys had none).
    pub async fn team_key_exists(&self) -> Result<bool, TeamError> {
        Ok(sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM team_key) AS "exists!""#)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The channels whose credentials the team does not keep yet.
    pub async fn channels_without_secret(&self) -> Result<Vec<i64>, TeamError> {
        Ok(sqlx::query_scalar!(
            "SELECT id FROM channels c WHERE NOT EXISTS (SELECT 1 FROM channel_secrets s WHERE s.channel_id = c.id)
             ORDER BY id"
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether `key` is the team's.
    pub async fn team_key_matches(&self, key: &TeamKey) -> Result<bool, TeamError> {
        let check = sqlx::query_scalar!("SELECT check_value FROM team_key WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(check.is_some_and(|c| key.open(b"check", &c).is_ok_and(|plain| plain == CHECK)))
    }

    /// Stores a channel's credentials, sealed with the team key.
    pub async fn channel_secret_set(
        &self,
        channel_id: i64,
        key: &TeamKey,
        secret: &Secret,
    ) -> Result<(), TeamError> {
        let sealed = key.seal(&channel_context(channel_id), secret.expose_secret().as_bytes())?;
        sqlx::query!(
            "INSERT INTO channel_secrets (channel_id, sealed) VALUES ($1, $2)
             ON CONFLICT (channel_id) DO UPDATE SET sealed = excluded.sealed",
            channel_id,
            sealed,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A channel's credentials from the team, opened with the team key (`None`: none stored).
    pub async fn channel_secret(&self, channel_id: i64, key: &TeamKey) -> Result<Option<Secret>, TeamError> {
        let sealed =
            sqlx::query_scalar!("SELECT sealed FROM channel_secrets WHERE channel_id = $1", channel_id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(sealed) = sealed else { return Ok(None) };
        let plain = key.open(&channel_context(channel_id), &sealed)?;
        let text = String::from_utf8(plain)
            .map_err(|_| TeamError::Corrupt { what: "a sealed credential".into() })?;
        Ok(Some(Secret::from(text)))
    }

    /// Replaces the team key: every credential is opened with `old` and sealed with `new`, and
    /// the key check replaced, in one transaction. Answers how many credentials were resealed.
    pub async fn team_key_rotate(&self, old: &TeamKey, new: &TeamKey) -> Result<u64, TeamError> {
        let mut tx = self.pool.begin().await?;
        let check = sqlx::query_scalar!("SELECT check_value FROM team_key WHERE id = 1 FOR UPDATE")
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(TeamError::NotFound { what: "team key" })?;
        if old.open(b"check", &check).ok().as_deref() != Some(CHECK) {
            return Err(TeamError::Refused(
                "This desktop's team key is not the team's: it cannot rotate it.".into(),
            ));
        }
        let rows = sqlx::query!("SELECT channel_id, sealed FROM channel_secrets FOR UPDATE")
            .fetch_all(&mut *tx)
            .await?;
        for row in &rows {
            let context = channel_context(row.channel_id);
            let resealed = new.seal(&context, &old.open(&context, &row.sealed)?)?;
            sqlx::query!(
                "UPDATE channel_secrets SET sealed = $2 WHERE channel_id = $1",
                row.channel_id,
                resealed
            )
            .execute(&mut *tx)
            .await?;
        }
        let check = new.seal(b"check", CHECK)?;
        sqlx::query!("UPDATE team_key SET check_value = $1 WHERE id = 1", check).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}
