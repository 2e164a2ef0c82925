//! The outbox table of a conversation's SQLite: one row per undelivered effect, with the
//! schedule the core keeps ([`baton_core::outbox::Pending`]) and the payload the delivery sends.
//! Rows are written in the same synchronous stretch as the state row, so they commit together.

use baton_core::outbox::{DeliveryKind, Pending};
use baton_core::Millis;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

pub struct OutboxStore {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct Row {
    key: String,
    kind: String,
    attempts: f64,
    created_at: f64,
    due: f64,
}

#[derive(Deserialize)]
struct PayloadRow {
    payload: String,
}

fn int(value: i64) -> worker::Result<SqlStorageValue> {
    SqlStorageValue::try_from_i64(value)
}

impl OutboxStore {
    pub fn new(sql: SqlStorage) -> Self {
        Self { sql }
    }

    pub fn migrate(&self) -> worker::Result<()> {
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS outbox (key TEXT PRIMARY KEY, kind TEXT NOT NULL,
             payload TEXT NOT NULL, attempts INTEGER NOT NULL, created_at INTEGER NOT NULL,
             due INTEGER NOT NULL, last_error TEXT)",
            None,
        )?;
        Ok(())
    }

    /// Every undelivered entry (payloads stay in SQLite until a delivery reads them).
    pub fn pending(&self) -> worker::Result<Vec<Pending>> {
        let rows: Vec<Row> = self
            .sql
            .exec(
                "SELECT key, kind, attempts, created_at, due FROM outbox",
                None,
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(Pending {
                    kind: DeliveryKind::parse(&row.kind)?,
                    key: row.key,
                    attempts: row.attempts as u32,
                    created_at: row.created_at as Millis,
                    due: row.due as Millis,
                })
            })
            .collect())
    }

    /// Writes (or replaces: a newer index row supersedes an older one) an entry.
    pub fn put(&self, entry: &Pending, payload: &str) -> worker::Result<()> {
        self.sql.exec(
            "INSERT OR REPLACE INTO outbox (key, kind, payload, attempts, created_at, due)
             VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                entry.key.as_str().into(),
                entry.kind.as_str().into(),
                payload.into(),
                int(i64::from(entry.attempts))?,
                int(entry.created_at)?,
                int(entry.due)?,
            ],
        )?;
        Ok(())
    }

    pub fn payload(&self, key: &str) -> worker::Result<Option<String>> {
        let rows: Vec<PayloadRow> = self
            .sql
            .exec("SELECT payload FROM outbox WHERE key = ?", vec![key.into()])?
            .to_array()?;
        Ok(rows.into_iter().next().map(|row| row.payload))
    }

    pub fn failed(&self, key: &str, attempts: u32, due: Millis, error: &str) -> worker::Result<()> {
        self.sql.exec(
            "UPDATE outbox SET attempts = ?, due = ?, last_error = ? WHERE key = ?",
            vec![
                int(i64::from(attempts))?,
                int(due)?,
                error.into(),
                key.into(),
            ],
        )?;
        Ok(())
    }

    pub fn remove(&self, key: &str) -> worker::Result<()> {
        self.sql
            .exec("DELETE FROM outbox WHERE key = ?", vec![key.into()])?;
        Ok(())
    }
}
