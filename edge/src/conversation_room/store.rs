//! The conversation's own SQLite: its state as one JSON row, its events by sequence number.

use baton_core::{Conversation, Event, Seq};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

pub struct Store {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct ValueRow {
    v: String,
}

#[derive(Deserialize)]
struct BodyRow {
    body: String,
}

impl Store {
    pub fn new(sql: SqlStorage) -> Self {
        Self { sql }
    }

    /// Creates the tables; cheap and idempotent, run when the object starts.
    pub fn migrate(&self) -> worker::Result<()> {
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
            None,
        )?;
        self.sql.exec(
            "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,
             visible INTEGER NOT NULL, body TEXT NOT NULL)",
            None,
        )?;
        Ok(())
    }

    pub fn get(&self, key: &str) -> worker::Result<Option<String>> {
        let rows: Vec<ValueRow> = self
            .sql
            .exec("SELECT v FROM meta WHERE k = ?", vec![key.into()])?
            .to_array()?;
        Ok(rows.into_iter().next().map(|r| r.v))
    }

    pub fn put(&self, key: &str, value: &str) -> worker::Result<()> {
        self.sql.exec(
            "INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            vec![key.into(), value.into()],
        )?;
        Ok(())
    }

    /// The settings snapshot is stored once, apart from the state that changes with every
    /// message, so a message does not rewrite the whole knowledge base. The state row is a
    /// checkpoint: the events stored after it are replayed (`baton_core`'s `replay` module).
    /// Returns the conversation and the sequence its stored row had reached.
    pub fn load(&self) -> worker::Result<Option<(Conversation, Seq)>> {
        let (Some(state), Some(settings)) = (self.get("conversation")?, self.get("settings")?)
        else {
            return Ok(None);
        };
        // States written before the settings left the row still carry a copy: ignored.
        let mut row: Conversation = serde_json::from_str(&state)?;
        row.settings = std::sync::Arc::new(serde_json::from_str(&settings)?);
        let row_seq = row.last_seq;
        let since = self.events_after(row_seq, false)?;
        Ok(Some((row.restore(&since), row_seq)))
    }

    /// Stores the settings snapshot a new conversation keeps for its whole life.
    pub fn init(&self, conversation: &Conversation) -> worker::Result<()> {
        self.put("settings", &serde_json::to_string(&*conversation.settings)?)
    }

    /// Writes the new events, and the state row when `write_row` (a commit whose events alone
    /// do not restore the state, see [`Store::load`]). The row never carries the settings
    /// (`#[serde(skip)]`): [`Store::load`] puts the stored snapshot back. All are synchronous
    /// writes within one event of the object, so they commit together and before any reply
    /// leaves (output gate). Returns each event's stored JSON, which is also its frame's payload.
    pub fn save(
        &self,
        conversation: &Conversation,
        events: &[&Event],
        write_row: bool,
    ) -> worker::Result<Vec<String>> {
        let mut bodies = Vec::with_capacity(events.len());
        for event in events {
            let body = serde_json::to_string(event)?;
            self.sql.exec(
                "INSERT OR REPLACE INTO events (seq, at, visible, body) VALUES (?, ?, ?, ?)",
                vec![
                    SqlStorageValue::try_from_i64(event.seq as i64)?,
                    SqlStorageValue::try_from_i64(event.at)?,
                    // 0/1: a bound bool would be stored as the text "true"/"false".
                    i64::from(event.kind.visible_to_visitor()).into(),
                    body.as_str().into(),
                ],
            )?;
            bodies.push(body);
        }
        if write_row {
            self.put("conversation", &serde_json::to_string(conversation)?)?;
        }
        Ok(bodies)
    }

    /// Events after `after`, oldest first; only visitor-visible ones for the visitor.
    pub fn events_after(&self, after: Seq, visitor_only: bool) -> worker::Result<Vec<Event>> {
        let query = if visitor_only {
            "SELECT body FROM events WHERE seq > ? AND visible = 1 ORDER BY seq"
        } else {
            "SELECT body FROM events WHERE seq > ? ORDER BY seq"
        };
        let rows: Vec<BodyRow> = self
            .sql
            .exec(query, vec![SqlStorageValue::try_from_i64(after as i64)?])?
            .to_array()?;
        rows.iter()
            .map(|row| serde_json::from_str(&row.body).map_err(worker::Error::from))
            .collect()
    }
}
