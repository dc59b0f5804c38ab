//! What agents add to a session: the contact's name, an internal reference, notes and
//! categories; and the contact's SMS opt-out.

use crate::{Store, StoreError, from_millis, to_millis};
use jiff::Timestamp;
use serde::Serialize;
use switchboard_core::NoteText;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: i64,
    pub session_id: i64,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

impl Store {
    /// Names the session's contact by hand; empty parts clear the name set by hand.
    pub async fn set_contact_name(
        &self,
        session_id: i64,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> Result<(), StoreError> {
        let clean = |part: Option<&str>| part.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        let (first, last) = (clean(first_name), clean(last_name));
        let done = sqlx::query!(
            "UPDATE contacts SET first_name = ?, last_name = ?
             WHERE id = (SELECT contact_id FROM sessions WHERE id = ?)",
            first,
            last,
            session_id,
        )
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "session" });
        }
        Ok(())
    }

    pub async fn set_internal_reference(
        &self,
        session_id: i64,
        reference: Option<&str>,
    ) -> Result<(), StoreError> {
        let reference = reference.map(str::trim).filter(|r| !r.is_empty());
        let done =
            sqlx::query!("UPDATE sessions SET internal_reference = ? WHERE id = ?", reference, session_id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "session" });
        }
        Ok(())
    }

    /// Records an SMS contact's STOP (true) or START (false).
    pub async fn set_opted_out(&self, session_id: i64, opted_out: bool) -> Result<(), StoreError> {
        sqlx::query!(
            "UPDATE contacts SET opted_out = ? WHERE id = (SELECT contact_id FROM sessions WHERE id = ?)",
            opted_out,
            session_id,
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn add_note(
        &self,
        session_id: i64,
        author: &str,
        text: &NoteText,
        now: Timestamp,
    ) -> Result<Note, StoreError> {
        let (body, at) = (text.as_str(), to_millis(now));
        let row = sqlx::query!(
            r#"INSERT INTO notes (session_id, author, body, created_at)
               SELECT id, ?, ?, ? FROM sessions WHERE id = ?
               RETURNING id AS "id!", session_id, author, body, created_at"#,
            author,
            body,
            at,
            session_id,
        )
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { what: "session" })?;
        Ok(Note {
            id: row.id,
            session_id: row.session_id,
            author: row.author,
            body: row.body,
            created_at: from_millis(row.created_at)?,
        })
    }

    /// A session's notes, oldest first.
    pub async fn notes(&self, session_id: i64) -> Result<Vec<Note>, StoreError> {
        let rows = sqlx::query!(
            "SELECT id, session_id, author, body, created_at FROM notes WHERE session_id = ?
             ORDER BY created_at, id",
            session_id,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Note {
                    id: row.id,
                    session_id: row.session_id,
                    author: row.author,
                    body: row.body,
                    created_at: from_millis(row.created_at)?,
                })
            })
            .collect()
    }

    /// Adds a category to the list the admin keeps (idempotent).
    pub async fn create_category(&self, name: &str) -> Result<Category, StoreError> {
        let name = name.trim();
        let row = sqlx::query!(
            r#"INSERT INTO categories (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name
               RETURNING id AS "id!", name"#,
            name,
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Category { id: row.id, name: row.name })
    }

    pub async fn categories(&self) -> Result<Vec<Category>, StoreError> {
        Ok(sqlx::query_as!(Category, "SELECT id, name FROM categories ORDER BY name")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Replaces a session's categories.
    pub async fn set_session_categories(
        &self,
        session_id: i64,
        category_ids: &[i64],
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query!("DELETE FROM session_categories WHERE session_id = ?", session_id)
            .execute(&mut *tx)
            .await?;
        for category_id in category_ids {
            sqlx::query!(
                "INSERT INTO session_categories (session_id, category_id) VALUES (?, ?)",
                session_id,
                category_id,
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn session_categories(&self, session_id: i64) -> Result<Vec<Category>, StoreError> {
        Ok(sqlx::query_as!(
            Category,
            "SELECT c.id, c.name FROM categories c
             JOIN session_categories sc ON sc.category_id = c.id
             WHERE sc.session_id = ? ORDER BY c.name",
            session_id,
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
