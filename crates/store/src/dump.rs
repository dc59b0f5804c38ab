//! Every value the cache holds, decrypted, as bytes: what a scan for secrets must read (the
//! file itself is encrypted, so a scan of its bytes could never find one).

use crate::{Store, StoreError};
use sqlx::Row;

impl Store {
    /// Every value of every table (FTS shadow tables included), each as its bytes, in no
    /// particular order.
    pub async fn dump_values(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut values = Vec::new();
        for table in tables {
            let columns: Vec<String> =
                sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA table_info(\"{table}\")")))
                    .fetch_all(&self.pool)
                    .await?
                    .iter()
                    .map(|row| row.get::<String, _>("name"))
                    .collect();
            for column in columns {
                // Names come from the schema itself, quoted as identifiers.
                let sql = format!("SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\"");
                let rows: Vec<Option<Vec<u8>>> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
                values.extend(rows.into_iter().flatten());
            }
        }
        Ok(values)
    }
}
