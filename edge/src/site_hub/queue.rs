//! The queue as visitors see it: after every change to the live rows, each waiting chat whose
//! place moved (by [`baton_core::queue`]) is told, through its conversation's object, which
//! sends it to the visitor's sockets. The site keeps how long accepted chats waited (28 days)
//! for the estimate.

use baton_core::queue::{self, AcceptSample, QueuePlace};
use baton_core::{ConversationSummary, Millis};
use serde::{Deserialize, Serialize};
use worker::SqlStorageValue;

use super::SiteHub;
use crate::error::ApiResult;
use crate::site_client::Ack;
use crate::util::call_json;

/// A place sent to a conversation; `rev` orders them, as two pushes may overtake each other.
#[derive(Serialize, Deserialize)]
pub struct PlaceUpdate {
    pub rev: i64,
    pub place: QueuePlace,
}

/// The queue before a change, to tell who moved afterwards (`None`: the change cannot move
/// anyone, [`queue::change_moves_places`]).
pub(super) struct Before {
    places: Option<std::collections::BTreeMap<String, QueuePlace>>,
    pub(super) previous: Option<ConversationSummary>,
}

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

#[derive(Deserialize)]
struct SampleRow {
    at: i64,
    waited_ms: i64,
}

#[derive(Deserialize)]
struct RevRow {
    rev: i64,
}

impl SiteHub {
    pub(super) fn migrate_queue(&self) -> worker::Result<()> {
        for statement in [
            "CREATE TABLE IF NOT EXISTS accept_samples (at INTEGER NOT NULL, waited_ms INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS queue_rev (id INTEGER PRIMARY KEY CHECK (id = 1), rev INTEGER NOT NULL)",
        ] {
            self.sql().exec(statement, None)?;
        }
        Ok(())
    }

    fn waiting_rows(&self) -> ApiResult<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT summary FROM conversations WHERE phase = 'waiting'",
                None,
            )?
            .to_array()?;
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str(&row.summary).ok())
            .collect())
    }

    fn samples(&self) -> ApiResult<Vec<AcceptSample>> {
        let rows: Vec<SampleRow> = self
            .sql()
            .exec("SELECT at, waited_ms FROM accept_samples", None)?
            .to_array()?;
        Ok(rows
            .into_iter()
            .map(|row| AcceptSample {
                at: row.at,
                waited_ms: row.waited_ms,
            })
            .collect())
    }

    /// The queue as it stands (if `next` can move it), and the changed conversation's row
    /// before the change.
    pub(super) fn queue_before(
        &self,
        next: &ConversationSummary,
        now: Millis,
    ) -> ApiResult<Before> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT summary FROM conversations WHERE id = ?",
                vec![next.id.as_str().into()],
            )?
            .to_array()?;
        let previous: Option<ConversationSummary> = rows
            .first()
            .and_then(|row| serde_json::from_str(&row.summary).ok());
        let places = if queue::change_moves_places(previous.as_ref(), next) {
            Some(queue::places(&self.waiting_rows()?, &self.samples()?, now))
        } else {
            None
        };
        Ok(Before { places, previous })
    }

    /// Records the accept (if the change was one), then tells every chat whose place moved.
    pub(super) async fn queue_after(
        &self,
        before: Before,
        next: &ConversationSummary,
        now: Millis,
    ) -> ApiResult<()> {
        let Some(places_before) = before.places else {
            return Ok(());
        };
        if let Some(sample) = queue::accept_sample(before.previous.as_ref(), next, now) {
            self.sql().exec(
                "INSERT INTO accept_samples (at, waited_ms) VALUES (?, ?)",
                vec![
                    SqlStorageValue::try_from_i64(sample.at)?,
                    SqlStorageValue::try_from_i64(sample.waited_ms)?,
                ],
            )?;
            self.sql().exec(
                "DELETE FROM accept_samples WHERE at < ?",
                vec![SqlStorageValue::try_from_i64(now - queue::HISTORY_MS)?],
            )?;
        }
        let after = queue::places(&self.waiting_rows()?, &self.samples()?, now);
        let changed = queue::changed(&places_before, &after);
        if changed.is_empty() {
            return Ok(());
        }
        let rev: Vec<RevRow> = self
            .sql()
            .exec(
                "INSERT INTO queue_rev (id, rev) VALUES (1, 1)
                 ON CONFLICT(id) DO UPDATE SET rev = rev + 1 RETURNING rev",
                None,
            )?
            .to_array()?;
        let rev = rev.first().map(|r| r.rev).unwrap_or(1);
        let namespace = self.env.durable_object("CONVERSATION")?;
        let calls = changed.into_iter().map(|(id, place)| {
            let namespace = &namespace;
            async move {
                let stub = namespace.get_by_name(&id)?;
                let update = PlaceUpdate { rev, place };
                let _: (u16, Ack) =
                    call_json(&stub, worker::Method::Post, "/queue", Some(&update)).await?;
                ApiResult::Ok(())
            }
        });
        for outcome in futures_util::future::join_all(calls).await {
            if let Err(error) = outcome {
                worker::console_error!("queue place not sent: {}", error.message);
            }
        }
        Ok(())
    }
}
