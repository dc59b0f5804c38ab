//! The team's members: invitations (a login made by an admin, handed over as a one-time code),
//! sign-in with a password of the member's own, removal, and the audit admins read. What a
//! member may do is the team's group roles granted to their login; the database enforces it
//! (migration 0009).

use crate::{Team, TeamError};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The roles a member may hold (a person may hold several).
pub const ROLES: [&str; 4] = ["agent", "supervisor", "admin", "poller"];

/// An admin's invitation: the member's name (also their sign-in name), roles and queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub name: String,
    pub roles: Vec<String>,
    pub queues: Vec<i64>,
}

/// What an invited member is handed: the team's address for their login and a temporary
/// password, as one code to paste into "Join a team" — and, for a member who will poll (an
/// admin or a poller), the team key that opens the platforms' credentials.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// `postgres://login@host:port/database` (no password).
    pub address: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_key: Option<String>,
}

impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invitation").field("address", &self.address).finish_non_exhaustive()
    }
}

const CODE_PREFIX: &str = "SWB1-";

impl Invitation {
    /// The code to hand over.
    pub fn code(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{CODE_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads a code; a clear error for anything else pasted.
    pub fn from_code(code: &str) -> Result<Self, TeamError> {
        let refused =
            || TeamError::Refused("This is not an invitation code: ask your admin for a new one.".into());
        let body = code.trim().strip_prefix(CODE_PREFIX).ok_or_else(refused)?;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(body).map_err(|_| refused())?;
        let invitation: Self = serde_json::from_slice(&json).map_err(|_| refused())?;
        url::Url::parse(&invitation.address).map_err(|_| refused())?;
        Ok(invitation)
    }

    /// The address with `password`, to connect with.
    pub fn address_with(&self, password: &str) -> Result<String, TeamError> {
        with_password(&self.address, password)
    }
}

/// `address` with its password set to `password`.
pub fn with_password(address: &str, password: &str) -> Result<String, TeamError> {
    let mut url = url::Url::parse(address).map_err(|e| TeamError::Address(e.to_string()))?;
    url.set_password(Some(password)).map_err(|()| TeamError::Address("it cannot carry a password".into()))?;
    Ok(url.to_string())
}

/// A new random password (a temporary one, or a desktop's own when the member picks none).
pub fn new_password() -> Result<String, TeamError> {
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| TeamError::Refused(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The signed-in member as the team knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Me {
    pub name: String,
    pub roles: Vec<String>,
}

/// One line of the audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: Option<serde_json::Value>,
}

/// A member's password as the server keeps it (SCRAM-SHA-256): made here, so the password
/// itself never travels to the server or its logs.
fn verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

impl Team {
    /// Invites a member (admins only; the database refuses anyone else): makes their login with
    /// a temporary password and answers the invitation to hand over.
    pub async fn member_invite(&self, invite: &Invite) -> Result<Invitation, TeamError> {
        let password = new_password()?;
        sqlx::query!(
            "SELECT team_invite($1, $1, $2, $3, $4)",
            invite.name,
            verifier(&password),
            &invite.roles,
            &invite.queues,
        )
        .execute(&self.pool)
        .await?;
        let mut address = url::Url::parse(&self.url).map_err(|e| TeamError::Address(e.to_string()))?;
        address.set_password(None).ok();
        address.set_username(&invite.name).map_err(|()| TeamError::Address("no user name".into()))?;
        Ok(Invitation { address: address.to_string(), password, team_key: None })
    }

    /// Removes a member (admins only): their login stops working at once.
    pub async fn member_remove(&self, name: &str) -> Result<(), TeamError> {
        sqlx::query!("SELECT team_remove($1)", name).execute(&self.pool).await?;
        Ok(())
    }

    /// Replaces the signed-in login's password (the temporary one, on first sign-in).
    pub async fn password_set(&self, password: &str) -> Result<(), TeamError> {
        // A verifier is base64 and `$`/`:` only; quoted all the same.
        let statement =
            format!("ALTER ROLE CURRENT_USER PASSWORD '{}'", verifier(password).replace('\'', "''"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&self.pool).await?;
        Ok(())
    }

    /// The signed-in member, if their login is a member's.
    pub async fn me(&self) -> Result<Option<Me>, TeamError> {
        let row = sqlx::query!("SELECT name, roles FROM members WHERE login = session_user AND NOT removed")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| Me { name: r.name, roles: r.roles }))
    }

    /// The team's roles the signed-in login holds (the owner holds them all).
    pub async fn my_roles(&self) -> Result<Vec<String>, TeamError> {
        let held = sqlx::query!(
            r#"SELECT team_is('agent') AS "agent!", team_is('supervisor') AS "supervisor!",
                      team_is('admin') AS "admin!", team_is('poller') AS "poller!""#
        )
        .fetch_one(&self.pool)
        .await?;
        let flags = [held.agent, held.supervisor, held.admin, held.poller];
        Ok(ROLES.iter().zip(flags).filter(|(_, held)| *held).map(|(role, _)| (*role).to_owned()).collect())
    }

    /// Makes the signed-in login (the team's owner, creating the team) the member of its name,
    /// holding every role, with the queues `previous` (this desktop's agent in solo mode) had.
    pub async fn owner_join(&self, previous: &str, now_ms: i64) -> Result<String, TeamError> {
        let mut tx = self.pool.begin().await?;
        let name = sqlx::query_scalar!(
            r#"INSERT INTO members (name, login, roles, presence, presence_since)
               VALUES (session_user, session_user, ARRAY['agent', 'supervisor', 'admin', 'poller'], 'offline', $1)
               ON CONFLICT (name) DO UPDATE SET login = excluded.login, roles = excluded.roles
               RETURNING name"#,
            now_ms,
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO queue_members (queue_id, member) SELECT queue_id, $2 FROM queue_members WHERE member = $1
             ON CONFLICT DO NOTHING",
            previous,
            name,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(name)
    }

    /// The newest audit entries (admins only).
    pub async fn audit(&self, limit: i64) -> Result<Vec<AuditEntry>, TeamError> {
        let rows = sqlx::query!(
            r#"SELECT id, (extract(epoch FROM at) * 1000)::bigint AS "at!", actor, action, detail
               FROM audit ORDER BY id DESC LIMIT $1"#,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry { id: r.id, at: r.at, actor: r.actor, action: r.action, detail: r.detail })
            .collect())
    }
}
