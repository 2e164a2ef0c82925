//! D1 side of the unanswered questions (core::unanswered, migrations/0014_unanswered.sql): the
//! outbox's idempotent insert, the open rows a site's admins see, marking a group handled, and
//! the rows of a conversation for the visitor's export and erase. Every query is scoped by
//! `site_id`.

use baton_core::unanswered::{Recorded, Unanswered};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiResult;

/// Open rows grouped per request at most (the newest): the screen is about what visitors ask
/// now, and the grouping runs on every load.
pub const OPEN_ROWS: usize = 2_000;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

/// Stores a recorded question once: a delivery repeated after a crash or a lost answer finds
/// its key and changes nothing (a handled row stays handled).
pub async fn insert(db: &D1Database, question: &Unanswered) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO unanswered_questions (key, site_id, conversation_id, seq, text, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO NOTHING",
    )
    .bind(&[
        text(&question.key()),
        text(&question.site_id),
        text(&question.conversation_id),
        number(question.seq as i64),
        text(&question.text),
        number(question.at),
    ])?
    .run()
    .await?;
    Ok(())
}

/// The site's open questions, newest first (at most [`OPEN_ROWS`]).
pub async fn open(db: &D1Database, site_id: &str) -> ApiResult<Vec<Recorded>> {
    #[derive(Deserialize)]
    struct Row {
        key: String,
        conversation_id: String,
        text: String,
        at: f64,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT key, conversation_id, text, at FROM unanswered_questions
             WHERE site_id = ?1 AND status = 'open' ORDER BY at DESC LIMIT ?2",
        )
        .bind(&[text(site_id), number(OPEN_ROWS as i64)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| Recorded {
            key: r.key,
            conversation_id: r.conversation_id,
            text: r.text,
            at: r.at as i64,
        })
        .collect())
}

/// How a group was handled.
#[derive(Clone, Copy)]
pub enum Handled {
    Resolved,
    Dismissed,
}

/// Marks these open rows of the site handled; answers how many changed.
pub async fn mark(
    db: &D1Database,
    site_id: &str,
    keys: &[String],
    how: Handled,
    at: i64,
) -> ApiResult<u32> {
    let status = match how {
        Handled::Resolved => "resolved",
        Handled::Dismissed => "dismissed",
    };
    let result = db
        .prepare(
            "UPDATE unanswered_questions SET status = ?3, handled_at = ?4
             WHERE site_id = ?1 AND status = 'open' AND key IN (SELECT value FROM json_each(?2))",
        )
        .bind(&[
            text(site_id),
            text(&serde_json::to_string(keys)?),
            text(status),
            number(at),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u32)
}

/// Every row of these conversations of the site (handled ones too: still the visitor's text).
pub async fn of_conversations(
    db: &D1Database,
    site_id: &str,
    conversation_ids: &[String],
) -> ApiResult<Vec<Unanswered>> {
    #[derive(Deserialize)]
    struct Row {
        conversation_id: String,
        seq: f64,
        text: String,
        at: f64,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT conversation_id, seq, text, at FROM unanswered_questions
             WHERE site_id = ?1 AND conversation_id IN (SELECT value FROM json_each(?2))
             ORDER BY at LIMIT 5000",
        )
        .bind(&[
            text(site_id),
            text(&serde_json::to_string(conversation_ids)?),
        ])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| Unanswered {
            site_id: site_id.to_string(),
            conversation_id: r.conversation_id,
            seq: r.seq as u64,
            text: r.text,
            at: r.at as i64,
        })
        .collect())
}

/// Deletes the rows of one conversation of the site (its erase); answers how many went.
pub async fn forget_conversation(db: &D1Database, site_id: &str, id: &str) -> ApiResult<u32> {
    let result = db
        .prepare("DELETE FROM unanswered_questions WHERE site_id = ?1 AND conversation_id = ?2")
        .bind(&[text(site_id), text(id)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u32)
}
