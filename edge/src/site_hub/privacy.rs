//! The site's part of the visitor's data (core::privacy): dropping an erased conversation from
//! the live lists and every agent's slots, finding live rows by the visitor's email, and the
//! retention sweep on this object's alarm.
//!
//! Why the site's alarm and not each conversation's: a conversation keeps the settings it
//! started with, so its own alarm could not follow a retention setting changed later, and an
//! idle conversation's object would have to wake once per conversation. The site's alarm runs
//! one indexed query per sweep for all of them; erasing is idempotent, so a sweep that fires
//! twice or dies halfway only repeats work.

use baton_core::protocol::ServerFrame;
use baton_core::ConversationSummary;
use serde::{Deserialize, Serialize};
use worker::SqlStorageValue;

use super::{send, SiteHub};
use crate::error::ApiResult;
use crate::util::now;

#[derive(Serialize, Deserialize)]
pub struct Erased {
    pub conversation_id: String,
}

#[derive(Serialize, Deserialize)]
pub struct ErasedAnswer {
    pub rows: u32,
}

#[derive(Serialize, Deserialize)]
pub struct FindByEmail {
    pub email: String,
}

#[derive(Serialize, Deserialize)]
pub struct Found {
    pub ids: Vec<String>,
}

/// Asks the site to sweep soon (retention was switched on or changed).
#[derive(Serialize, Deserialize)]
pub struct ArmRetention {
    pub site_id: String,
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

#[derive(Deserialize)]
struct SummaryRow {
    summary: String,
}

/// The first sweep after the setting changes runs this soon.
const FIRST_SWEEP_MS: i64 = 1_000;

impl SiteHub {
    /// Forgets the conversation's row and every agent's hold on it, and tells agents' lists.
    pub(super) fn erased(&self, erased: &Erased) -> ApiResult<u32> {
        let id = erased.conversation_id.as_str();
        let holds = self
            .sql()
            .exec(
                "DELETE FROM holdings WHERE conversation_id = ?",
                vec![id.into()],
            )?
            .rows_written();
        let rows = self
            .sql()
            .exec("DELETE FROM conversations WHERE id = ?", vec![id.into()])?
            .rows_written();
        let frame = ServerFrame::ConversationErased {
            conversation_id: id.to_string(),
        };
        for (ws, _) in self.agent_sockets() {
            send(&ws, &frame);
        }
        Ok((rows + holds) as u32)
    }

    pub(super) fn find_by_email(&self, find: &FindByEmail) -> ApiResult<Found> {
        let rows: Vec<IdRow> = self
            .sql()
            .exec(
                "SELECT id FROM conversations WHERE lower(json_extract(summary, '$.visitor.email')) = ?",
                vec![find.email.to_lowercase().into()],
            )?
            .to_array()?;
        Ok(Found {
            ids: rows.into_iter().map(|r| r.id).collect(),
        })
    }

    pub(super) async fn arm_retention(&self, arm: &ArmRetention) -> ApiResult<()> {
        self.sql().exec(
            "CREATE TABLE IF NOT EXISTS retention (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
            None,
        )?;
        self.sql().exec(
            "INSERT INTO retention (k, v) VALUES ('site_id', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            vec![arm.site_id.as_str().into()],
        )?;
        self.state.storage().set_alarm(FIRST_SWEEP_MS).await?;
        Ok(())
    }

    /// Ended rows older than `cutoff` (bot conversations live only here until they end).
    fn quiet_rows(&self, cutoff: i64) -> ApiResult<Vec<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .sql()
            .exec(
                "SELECT summary FROM conversations WHERE phase NOT IN ('waiting', 'live')
                 AND updated_at < ? ORDER BY updated_at LIMIT 200",
                vec![SqlStorageValue::try_from_i64(cutoff)?],
            )?
            .to_array()?;
        Ok(rows
            .iter()
            .filter_map(|row| serde_json::from_str(&row.summary).ok())
            .collect())
    }

    /// One retention sweep; re-arms the alarm while retention is on.
    pub(super) async fn sweep(&self) -> ApiResult<()> {
        let site_id: Option<String> = self
            .sql()
            .exec("SELECT v AS id FROM retention WHERE k = 'site_id'", None)
            .and_then(|c| c.to_array::<IdRow>())
            .ok()
            .and_then(|rows| rows.into_iter().next().map(|r| r.id));
        let Some(site_id) = site_id else {
            return Ok(());
        };
        let now = now();
        // Everything older than the shortest allowed setting is a candidate; core decides.
        let hub_rows = self.quiet_rows(now)?;
        let next = crate::privacy::retention::sweep(&self.env, &site_id, hub_rows, now).await?;
        for id in &next.erased {
            // The conversation's object told us already, unless it was gone: forget it anyway.
            self.erased(&Erased {
                conversation_id: id.clone(),
            })?;
        }
        let oldest_here = self.quiet_rows(now)?.iter().map(|s| s.updated_at).min();
        let oldest = [oldest_here, next.oldest_indexed]
            .into_iter()
            .flatten()
            .min();
        if let Some(due) =
            baton_core::privacy::next_sweep(next.retention_ms, oldest, next.full_batch, now)
        {
            self.state.storage().set_alarm((due - now).max(0)).await?;
        }
        Ok(())
    }
}
