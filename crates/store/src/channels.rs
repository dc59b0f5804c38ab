use crate::{Store, StoreError, parse_name};
use switchboard_core::{ChannelState, Platform};

#[derive(Debug, Clone)]
pub struct NewChannel<'a> {
    pub platform: Platform,
    pub external_id: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChannelRecord {
    pub id: i64,
    pub platform: Platform,
    pub external_id: String,
    pub name: String,
    pub state: ChannelState,
}

struct ChannelRow {
    id: i64,
    platform: String,
    external_id: String,
    name: String,
    state: String,
}

impl TryFrom<ChannelRow> for ChannelRecord {
    type Error = StoreError;

    fn try_from(row: ChannelRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.id,
            platform: parse_name("platform", &row.platform, Platform::parse)?,
            external_id: row.external_id,
            name: row.name,
            state: parse_name("channel state", &row.state, ChannelState::parse)?,
        })
    }
}

impl Store {
    /// Records a connected channel, or reconnects a known one (its history stays).
    pub async fn connect_channel(&self, channel: NewChannel<'_>) -> Result<ChannelRecord, StoreError> {
        let platform = channel.platform.as_str();
        let row = sqlx::query_as!(
            ChannelRow,
            r#"INSERT INTO channels (platform, external_id, name, state) VALUES (?, ?, ?, 'connected')
               ON CONFLICT (platform, external_id) DO UPDATE SET name = excluded.name, state = 'connected'
               RETURNING id AS "id!", platform, external_id, name, state"#,
            platform,
            channel.external_id,
            channel.name,
        )
        .fetch_one(&self.pool)
        .await?;
        row.try_into()
    }

    pub async fn set_channel_state(&self, channel_id: i64, state: ChannelState) -> Result<(), StoreError> {
        let state = state.as_str();
        let done = sqlx::query!("UPDATE channels SET state = ? WHERE id = ?", state, channel_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "channel" });
        }
        Ok(())
    }

    pub async fn channels(&self) -> Result<Vec<ChannelRecord>, StoreError> {
        let rows = sqlx::query_as!(
            ChannelRow,
            "SELECT id, platform, external_id, name, state FROM channels ORDER BY id"
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    pub async fn sync_cursor(&self, channel_id: i64) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar!("SELECT cursor FROM sync_cursors WHERE channel_id = ?", channel_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn set_sync_cursor(&self, channel_id: i64, cursor: &str) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO sync_cursors (channel_id, cursor) VALUES (?, ?)
             ON CONFLICT (channel_id) DO UPDATE SET cursor = excluded.cursor",
            channel_id,
            cursor,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
