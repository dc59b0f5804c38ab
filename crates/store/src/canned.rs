//! Canned responses, as admins keep them.

use crate::{Store, StoreError};
use serde::Serialize;
use switchboard_core::CannedResponse;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CannedRecord {
    pub id: i64,
    pub title: String,
    pub bubbles: Vec<String>,
}

impl Store {
    /// Every canned response, by title.
    pub async fn canned_responses(&self) -> Result<Vec<CannedRecord>, StoreError> {
        let rows = sqlx::query!("SELECT id, title, bubbles FROM canned_responses ORDER BY title")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(CannedRecord {
                    id: r.id,
                    title: r.title,
                    bubbles: crate::sessions::parse_bubbles(&r.bubbles)?,
                })
            })
            .collect()
    }

    /// Adds a canned response, or replaces the one with `id`. Titles are unique (ignoring case).
    pub async fn save_canned(
        &self,
        id: Option<i64>,
        response: &CannedResponse,
    ) -> Result<CannedRecord, StoreError> {
        let bubbles = serde_json::to_string(&response.bubbles)
            .map_err(|e| StoreError::Corrupt { what: e.to_string() })?;
        let title = response.title.as_str();
        let taken =
            sqlx::query_scalar!("SELECT id FROM canned_responses WHERE title = ? AND id IS NOT ?", title, id)
                .fetch_optional(&self.pool)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict {
                what: format!("A canned response is already called \"{title}\"."),
            });
        }
        let id =
            match id {
                Some(id) => {
                    let done = sqlx::query!(
                        "UPDATE canned_responses SET title = ?, bubbles = ? WHERE id = ?",
                        title,
                        bubbles,
                        id
                    )
                    .execute(&self.pool)
                    .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound { what: "canned response" });
                    }
                    id
                }
                None => sqlx::query_scalar!(
                    r#"INSERT INTO canned_responses (title, bubbles) VALUES (?, ?) RETURNING id AS "id!""#,
                    title,
                    bubbles
                )
                .fetch_one(&self.pool)
                .await?,
            };
        Ok(CannedRecord { id, title: response.title.clone(), bubbles: response.bubbles.clone() })
    }

    pub async fn delete_canned(&self, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query!("DELETE FROM canned_responses WHERE id = ?", id).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "canned response" });
        }
        Ok(())
    }

    pub async fn canned(&self, id: i64) -> Result<CannedRecord, StoreError> {
        let row = sqlx::query!("SELECT id, title, bubbles FROM canned_responses WHERE id = ?", id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { what: "canned response" })?;
        Ok(CannedRecord {
            id: row.id,
            title: row.title,
            bubbles: crate::sessions::parse_bubbles(&row.bubbles)?,
        })
    }
}
