//! One poller per channel across the team: a lease on the server's clock, with a fencing token
//! that grows each time the lease changes hands.

use crate::{Team, TeamError};
use std::time::Duration;

/// A held lease: `token` goes with every write the holder makes for the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub channel_id: i64,
    pub holder: String,
    pub token: i64,
}

fn millis(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX)
}

impl Team {
    /// Takes the channel's lease if it is free or has expired (on the server's clock), with a new
    /// token. `None` while another holder's lease runs.
    pub async fn lease_take(
        &self,
        channel_id: i64,
        holder: &str,
        ttl: Duration,
    ) -> Result<Option<Lease>, TeamError> {
        let ttl = millis(ttl);
        let token = sqlx::query_scalar!(
            r#"INSERT INTO leases (channel_id, holder, token, expires_at)
               VALUES ($1, $2, 1, clock_timestamp() + $3::bigint * interval '1 millisecond')
               ON CONFLICT (channel_id) DO UPDATE
                 SET holder = excluded.holder, token = leases.token + 1, expires_at = excluded.expires_at
                 WHERE leases.expires_at < clock_timestamp()
               RETURNING token"#,
            channel_id,
            holder,
            ttl,
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(token.map(|token| Lease { channel_id, holder: holder.to_owned(), token }))
    }

    /// Extends a held lease; `false` means it was lost (expired and taken, or never ours): the
    /// holder must stop polling and sending at once.
    pub async fn lease_renew(&self, lease: &Lease, ttl: Duration) -> Result<bool, TeamError> {
        let ttl = millis(ttl);
        let done = sqlx::query!(
            "UPDATE leases SET expires_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
             WHERE channel_id = $1 AND token = $2 AND expires_at >= clock_timestamp()",
            lease.channel_id,
            lease.token,
            ttl,
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease up (a clean stop), so another poller need not wait for the TTL.
    pub async fn lease_release(&self, lease: &Lease) -> Result<(), TeamError> {
        sqlx::query!(
            "UPDATE leases SET expires_at = clock_timestamp() - interval '1 millisecond'
             WHERE channel_id = $1 AND token = $2",
            lease.channel_id,
            lease.token,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how far the channel has been read — a fenced write: refused when `lease` is no
    /// longer the channel's (a resumed zombie), so it never moves the cursor back.
    pub async fn sync_cursor_set(&self, lease: &Lease, cursor: &str) -> Result<(), TeamError> {
        let done = sqlx::query!(
            "INSERT INTO sync_cursors (channel_id, cursor)
             SELECT $1, $3 WHERE EXISTS (SELECT 1 FROM leases WHERE channel_id = $1 AND token = $2)
             ON CONFLICT (channel_id) DO UPDATE SET cursor = excluded.cursor",
            lease.channel_id,
            lease.token,
            cursor,
        )
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(TeamError::StaleLease { channel_id: lease.channel_id });
        }
        Ok(())
    }

    pub async fn sync_cursor(&self, channel_id: i64) -> Result<Option<String>, TeamError> {
        Ok(sqlx::query_scalar!("SELECT cursor FROM sync_cursors WHERE channel_id = $1", channel_id)
            .fetch_optional(&self.pool)
            .await?)
    }
}
