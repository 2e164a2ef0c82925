//! D1: sites and settings, agents and memberships, sessions, tickets, and the Missed/Archived
//! index. Every query is here, so the schema (migrations/) and its use stay side by side.

use baton_core::{ConversationSummary, SiteSettings};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiResult;

pub use baton_core::api::{Membership, Role, Ticket};

pub struct Site {
    pub id: String,
    pub name: String,
    pub settings: SiteSettings,
}

#[derive(Deserialize)]
struct SiteRow {
    id: String,
    name: String,
    settings: String,
}

#[derive(Deserialize, Clone)]
pub struct AgentRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
}

#[derive(Deserialize)]
struct MembershipRow {
    site_id: String,
    site_name: String,
    role: String,
    groups: String,
    max_chats: f64,
}

/// A D1 text parameter (shared by every module that queries D1).
pub(crate) fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

/// A D1 integer parameter (D1 binds JavaScript numbers).
pub(crate) fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

pub async fn site(db: &D1Database, site_id: &str) -> ApiResult<Option<Site>> {
    let row: Option<SiteRow> = db
        .prepare("SELECT id, name, settings FROM sites WHERE id = ?1")
        .bind(&[text(site_id)])?
        .first(None)
        .await?;
    Ok(match row {
        Some(row) => Some(Site {
            settings: serde_json::from_str(&row.settings)?,
            id: row.id,
            name: row.name,
        }),
        None => None,
    })
}

pub async fn upsert_site(db: &D1Database, site: &Site, now: i64) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO sites (id, name, settings, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, settings = excluded.settings",
    )
    .bind(&[
        text(&site.id),
        text(&site.name),
        text(&serde_json::to_string(&site.settings)?),
        number(now),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn save_settings(
    db: &D1Database,
    site_id: &str,
    settings: &SiteSettings,
) -> ApiResult<()> {
    db.prepare("UPDATE sites SET settings = ?2 WHERE id = ?1")
        .bind(&[text(site_id), text(&serde_json::to_string(settings)?)])?
        .run()
        .await?;
    Ok(())
}

pub async fn agent_by_email(db: &D1Database, email: &str) -> ApiResult<Option<AgentRow>> {
    Ok(db
        .prepare("SELECT id, email, name, password_hash FROM agents WHERE email = ?1")
        .bind(&[text(&email.to_lowercase())])?
        .first(None)
        .await?)
}

pub async fn agent_by_id(db: &D1Database, agent_id: &str) -> ApiResult<Option<AgentRow>> {
    Ok(db
        .prepare("SELECT id, email, name, password_hash FROM agents WHERE id = ?1")
        .bind(&[text(agent_id)])?
        .first(None)
        .await?)
}

pub async fn insert_agent(db: &D1Database, agent: &AgentRow, now: i64) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO agents (id, email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash",
    )
    .bind(&[
        text(&agent.id),
        text(&agent.email.to_lowercase()),
        text(&agent.name),
        text(&agent.password_hash),
        number(now),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn upsert_membership(
    db: &D1Database,
    agent_id: &str,
    site_id: &str,
    role: &Role,
    groups: &[String],
    max_chats: u32,
) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO memberships (agent_id, site_id, role, groups, max_chats) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(agent_id, site_id) DO UPDATE SET role = excluded.role, groups = excluded.groups,
         max_chats = excluded.max_chats",
    )
    .bind(&[
        text(agent_id),
        text(site_id),
        text(role.as_str()),
        text(&serde_json::to_string(groups)?),
        number(i64::from(max_chats)),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn memberships(db: &D1Database, agent_id: &str) -> ApiResult<Vec<Membership>> {
    let rows: Vec<MembershipRow> = db
        .prepare(
            "SELECT m.site_id, s.name AS site_name, m.role, m.groups, m.max_chats
             FROM memberships m JOIN sites s ON s.id = m.site_id WHERE m.agent_id = ?1
             ORDER BY s.name",
        )
        .bind(&[text(agent_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|row| Membership {
            site_id: row.site_id,
            site_name: row.site_name,
            role: Role::from_stored(&row.role),
            groups: serde_json::from_str(&row.groups).unwrap_or_default(),
            max_chats: row.max_chats as u32,
        })
        .collect())
}

pub async fn insert_session(
    db: &D1Database,
    token_hash: &str,
    agent_id: &str,
    now: i64,
    expires_at: i64,
) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .bind(&[text(token_hash), text(agent_id), number(now), number(expires_at)])?
    .run()
    .await?;
    Ok(())
}

/// The agent id of a live session.
pub async fn session_agent(
    db: &D1Database,
    token_hash: &str,
    now: i64,
) -> ApiResult<Option<String>> {
    #[derive(Deserialize)]
    struct Row {
        agent_id: String,
    }
    let row: Option<Row> = db
        .prepare("SELECT agent_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2")
        .bind(&[text(token_hash), number(now)])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.agent_id))
}

pub async fn delete_session(db: &D1Database, token_hash: &str) -> ApiResult<()> {
    db.prepare("DELETE FROM sessions WHERE token_hash = ?1")
        .bind(&[text(token_hash)])?
        .run()
        .await?;
    Ok(())
}

pub async fn insert_ticket(db: &D1Database, ticket: &Ticket) -> ApiResult<()> {
    db.prepare(
        "INSERT OR IGNORE INTO tickets (id, site_id, conversation_id, name, email, message, transcript, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8)",
    )
    .bind(&[
        text(&ticket.id),
        text(&ticket.site_id),
        text(&ticket.conversation_id),
        text(&ticket.name),
        text(&ticket.email),
        text(&ticket.message),
        text(&ticket.transcript),
        JsValue::from_f64(ticket.created_at),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn tickets(db: &D1Database, site_id: &str, status: &str) -> ApiResult<Vec<Ticket>> {
    Ok(db
        .prepare(
            "SELECT id, site_id, conversation_id, name, email, message, transcript, status, created_at
             FROM tickets WHERE site_id = ?1 AND status = ?2 ORDER BY created_at DESC LIMIT 200",
        )
        .bind(&[text(site_id), text(status)])?
        .all()
        .await?
        .results()?)
}

/// Closes a ticket of this site; false if there is none.
pub async fn close_ticket(
    db: &D1Database,
    site_id: &str,
    ticket_id: &str,
    now: i64,
) -> ApiResult<bool> {
    let result = db
        .prepare(
            "UPDATE tickets SET status = 'closed', closed_at = ?3 WHERE site_id = ?1 AND id = ?2",
        )
        .bind(&[text(site_id), text(ticket_id), number(now)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Writes a conversation's index row unless a newer one is there: newer by the conversation's
/// event sequence (`source_seq`), then by time (rows from before 0017 have sequence 0).
pub async fn index_conversation(
    db: &D1Database,
    summary: &ConversationSummary,
    source_seq: u64,
) -> ApiResult<()> {
    let phase = serde_json::to_value(summary.phase)?;
    db.prepare(
        "INSERT INTO conversation_index (id, site_id, phase, summary, updated_at, source_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET phase = excluded.phase, summary = excluded.summary,
         updated_at = excluded.updated_at, source_seq = excluded.source_seq
         WHERE (excluded.source_seq, excluded.updated_at)
            >= (conversation_index.source_seq, conversation_index.updated_at)",
    )
    .bind(&[
        text(&summary.id),
        text(&summary.site_id),
        text(phase.as_str().unwrap_or("bot")),
        text(&serde_json::to_string(summary)?),
        number(summary.updated_at),
        number(source_seq as i64),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn indexed_conversations(
    db: &D1Database,
    site_id: &str,
    phase: &str,
) -> ApiResult<Vec<ConversationSummary>> {
    #[derive(Deserialize)]
    struct Row {
        summary: String,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT summary FROM conversation_index WHERE site_id = ?1 AND phase = ?2
             ORDER BY updated_at DESC LIMIT 200",
        )
        .bind(&[text(site_id), text(phase)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|row| serde_json::from_str(&row.summary).ok())
        .collect())
}
