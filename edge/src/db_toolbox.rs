//! D1 queries of the agent's toolbox: a visitor's earlier conversations (for the handoff
//! summary) and canned replies. Every query is scoped by `site_id`, and personal replies by
//! their owner, so a route that checked membership cannot reach another site's or agent's rows.

use baton_core::toolbox::{CannedReply, EarlierConversation};
use baton_core::ConversationSummary;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiResult;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn nullable(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// The indexed conversations (Missed, Archived, Live) of the visitor with `email` on the site.
pub async fn earlier_conversations(
    db: &D1Database,
    site_id: &str,
    email: &str,
) -> ApiResult<Vec<EarlierConversation>> {
    #[derive(Deserialize)]
    struct Row {
        summary: String,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT summary FROM conversation_index
             WHERE site_id = ?1 AND lower(json_extract(summary, '$.visitor.email')) = lower(?2)
             ORDER BY updated_at DESC LIMIT 20",
        )
        .bind(&[text(site_id), text(email)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .iter()
        .filter_map(|row| serde_json::from_str::<ConversationSummary>(&row.summary).ok())
        .map(|summary| EarlierConversation::from_summary(&summary))
        .collect())
}

#[derive(Deserialize)]
struct CannedRow {
    id: String,
    owner_id: Option<String>,
    shortcut: String,
    text: String,
    uses: f64,
}

impl CannedRow {
    fn reply(self) -> CannedReply {
        CannedReply {
            id: self.id,
            shortcut: self.shortcut,
            text: self.text,
            personal: self.owner_id.is_some(),
            uses: self.uses as u32,
        }
    }
}

/// The site's replies and `agent_id`'s personal ones.
pub async fn canned_replies(
    db: &D1Database,
    site_id: &str,
    agent_id: &str,
) -> ApiResult<Vec<CannedReply>> {
    let rows: Vec<CannedRow> = db
        .prepare(
            "SELECT id, owner_id, shortcut, text, uses FROM canned_replies
             WHERE site_id = ?1 AND (owner_id IS NULL OR owner_id = ?2)
             ORDER BY shortcut, owner_id IS NOT NULL",
        )
        .bind(&[text(site_id), text(agent_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(CannedRow::reply).collect())
}

/// One reply the agent may see, with its owner (`None`: the site's).
pub async fn canned_reply(
    db: &D1Database,
    site_id: &str,
    agent_id: &str,
    id: &str,
) -> ApiResult<Option<(CannedReply, Option<String>)>> {
    let row: Option<CannedRow> = db
        .prepare(
            "SELECT id, owner_id, shortcut, text, uses FROM canned_replies
             WHERE site_id = ?1 AND id = ?2 AND (owner_id IS NULL OR owner_id = ?3)",
        )
        .bind(&[text(site_id), text(id), text(agent_id)])?
        .first(None)
        .await?;
    Ok(row.map(|row| {
        let owner = row.owner_id.clone();
        (row.reply(), owner)
    }))
}

pub async fn count_canned(db: &D1Database, site_id: &str) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Row {
        n: f64,
    }
    let row: Option<Row> = db
        .prepare("SELECT count(*) AS n FROM canned_replies WHERE site_id = ?1")
        .bind(&[text(site_id)])?
        .first(None)
        .await?;
    Ok(row.map_or(0, |r| r.n as u32))
}

/// Inserts a reply; false when its owner already has that shortcut on the site.
pub async fn insert_canned(
    db: &D1Database,
    site_id: &str,
    owner_id: Option<&str>,
    reply: &CannedReply,
    now: i64,
) -> ApiResult<bool> {
    let result = db
        .prepare(
            "INSERT INTO canned_replies (id, site_id, owner_id, shortcut, text, uses, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6)
             ON CONFLICT DO NOTHING",
        )
        .bind(&[
            text(&reply.id),
            text(site_id),
            nullable(owner_id),
            text(&reply.shortcut),
            text(&reply.text),
            number(now),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Rewrites shortcut and text; false when the new shortcut collides with another reply.
pub async fn update_canned(
    db: &D1Database,
    site_id: &str,
    reply: &CannedReply,
    now: i64,
) -> ApiResult<bool> {
    let result = db
        .prepare(
            "UPDATE OR IGNORE canned_replies SET shortcut = ?3, text = ?4, updated_at = ?5
             WHERE site_id = ?1 AND id = ?2",
        )
        .bind(&[
            text(site_id),
            text(&reply.id),
            text(&reply.shortcut),
            text(&reply.text),
            number(now),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

pub async fn delete_canned(db: &D1Database, site_id: &str, id: &str) -> ApiResult<()> {
    db.prepare("DELETE FROM canned_replies WHERE site_id = ?1 AND id = ?2")
        .bind(&[text(site_id), text(id)])?
        .run()
        .await?;
    Ok(())
}

/// Counts one insertion into a composer.
pub async fn count_canned_use(db: &D1Database, site_id: &str, id: &str) -> ApiResult<()> {
    db.prepare("UPDATE canned_replies SET uses = uses + 1 WHERE site_id = ?1 AND id = ?2")
        .bind(&[text(site_id), text(id)])?
        .run()
        .await?;
    Ok(())
}
