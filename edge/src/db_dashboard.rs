//! D1 queries of the dashboard's routes: a site's agents (admin management) and the per-
//! conversation facts behind the statistics. Every query is scoped by `site_id`, so a route that
//! checked the caller's membership of that site cannot reach another site's rows.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiResult;

use baton_core::api::Role;
pub use baton_core::api::SiteAgent;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn optional(value: Option<i64>) -> JsValue {
    value.map_or(JsValue::NULL, number)
}

#[derive(Deserialize)]
struct SiteAgentRow {
    id: String,
    email: String,
    name: String,
    role: String,
    groups: String,
    max_chats: f64,
}

impl From<SiteAgentRow> for SiteAgent {
    fn from(row: SiteAgentRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            name: row.name,
            role: Role::from_stored(&row.role),
            groups: serde_json::from_str(&row.groups).unwrap_or_default(),
            max_chats: row.max_chats as u32,
        }
    }
}

const AGENT_COLUMNS: &str =
    "a.id, a.email, a.name, m.role, m.groups, m.max_chats FROM memberships m JOIN agents a ON a.id = m.agent_id";

pub async fn site_agents(db: &D1Database, site_id: &str) -> ApiResult<Vec<SiteAgent>> {
    let rows: Vec<SiteAgentRow> = db
        .prepare(format!(
            "SELECT {AGENT_COLUMNS} WHERE m.site_id = ?1 ORDER BY a.name COLLATE NOCASE, a.email"
        ))
        .bind(&[text(site_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(SiteAgent::from).collect())
}

pub async fn site_agent(
    db: &D1Database,
    site_id: &str,
    agent_id: &str,
) -> ApiResult<Option<SiteAgent>> {
    let row: Option<SiteAgentRow> = db
        .prepare(format!(
            "SELECT {AGENT_COLUMNS} WHERE m.site_id = ?1 AND m.agent_id = ?2"
        ))
        .bind(&[text(site_id), text(agent_id)])?
        .first(None)
        .await?;
    Ok(row.map(SiteAgent::from))
}

pub async fn admin_count(db: &D1Database, site_id: &str) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Row {
        n: f64,
    }
    let row: Option<Row> = db
        .prepare("SELECT COUNT(*) AS n FROM memberships WHERE site_id = ?1 AND role = 'admin'")
        .bind(&[text(site_id)])?
        .first(None)
        .await?;
    Ok(row.map_or(0, |r| r.n as u32))
}

/// Removes the agent from this site only; their account and other sites stay.
pub async fn remove_membership(db: &D1Database, site_id: &str, agent_id: &str) -> ApiResult<bool> {
    let result = db
        .prepare("DELETE FROM memberships WHERE site_id = ?1 AND agent_id = ?2")
        .bind(&[text(site_id), text(agent_id)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// What happened in one conversation, for the statistics (see `migrations/0002_dashboard.sql`).
pub use baton_core::stats::Facts;

#[derive(Deserialize)]
struct FactsRow {
    id: String,
    started_at: f64,
    handoff_at: Option<f64>,
    queued_at: Option<f64>,
    accepted_at: Option<f64>,
    missed: f64,
    #[serde(default)]
    rating: Option<f64>,
}

/// An indexed conversation whose facts are missing or older than its index entry.
#[derive(Deserialize)]
pub struct Stale {
    pub id: String,
    pub updated_at: f64,
    pub source_seq: f64,
    pub summary: String,
}

const STALE: &str = "FROM conversation_index i LEFT JOIN conversation_facts f ON f.id = i.id
     WHERE i.site_id = ?1 AND (f.id IS NULL
       OR (f.source_seq, f.source_updated_at) < (i.source_seq, i.updated_at))
     AND json_extract(i.summary, '$.started_at') >= ?2 AND json_extract(i.summary, '$.started_at') < ?3";

pub async fn stale_facts(
    db: &D1Database,
    site_id: &str,
    from: i64,
    to: i64,
    limit: u32,
) -> ApiResult<Vec<Stale>> {
    Ok(db
        .prepare(format!(
            "SELECT i.id, i.updated_at, i.source_seq, i.summary {STALE} ORDER BY i.updated_at DESC LIMIT ?4"
        ))
        .bind(&[
            text(site_id),
            number(from),
            number(to),
            number(i64::from(limit)),
        ])?
        .all()
        .await?
        .results()?)
}

pub async fn stale_count(db: &D1Database, site_id: &str, from: i64, to: i64) -> ApiResult<u32> {
    #[derive(Deserialize)]
    struct Row {
        n: f64,
    }
    let row: Option<Row> = db
        .prepare(format!("SELECT COUNT(*) AS n {STALE}"))
        .bind(&[text(site_id), number(from), number(to)])?
        .first(None)
        .await?;
    Ok(row.map_or(0, |r| r.n as u32))
}

/// Writes a conversation's facts unless newer ones are there: newer by the conversation's event
/// sequence (`source_seq`), then by time (rows from before 0017 have sequence 0).
pub async fn save_facts(
    db: &D1Database,
    site_id: &str,
    facts: &Facts,
    source_updated_at: i64,
    source_seq: u64,
) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO conversation_facts (id, site_id, started_at, handoff_at, queued_at, accepted_at, missed, source_updated_at, rating, source_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(id) DO UPDATE SET started_at = excluded.started_at, handoff_at = excluded.handoff_at,
         queued_at = excluded.queued_at, accepted_at = excluded.accepted_at, missed = excluded.missed,
         source_updated_at = excluded.source_updated_at, rating = excluded.rating,
         source_seq = excluded.source_seq
         WHERE (excluded.source_seq, excluded.source_updated_at)
            >= (conversation_facts.source_seq, conversation_facts.source_updated_at)",
    )
    .bind(&[
        text(&facts.id),
        text(site_id),
        number(facts.started_at),
        optional(facts.handoff_at),
        optional(facts.queued_at),
        optional(facts.accepted_at),
        number(i64::from(facts.missed)),
        number(source_updated_at),
        optional(facts.rating.map(i64::from)),
        number(source_seq as i64),
    ])?
    .run()
    .await?;
    Ok(())
}

/// The facts of conversations started in `[from, to)`, oldest first (bounded).
pub async fn facts(db: &D1Database, site_id: &str, from: i64, to: i64) -> ApiResult<Vec<Facts>> {
    let rows: Vec<FactsRow> = db
        .prepare(
            "SELECT id, started_at, handoff_at, queued_at, accepted_at, missed, rating FROM conversation_facts
             WHERE site_id = ?1 AND started_at >= ?2 AND started_at < ?3 ORDER BY started_at LIMIT 20000",
        )
        .bind(&[text(site_id), number(from), number(to)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| Facts {
            id: r.id,
            started_at: r.started_at as i64,
            handoff_at: r.handoff_at.map(|v| v as i64),
            queued_at: r.queued_at.map(|v| v as i64),
            accepted_at: r.accepted_at.map(|v| v as i64),
            missed: r.missed != 0.0,
            rating: r.rating.map(|v| v as u8),
        })
        .collect())
}

/// Whether this site's index holds conversations that never reached a person (only then does
/// the handoff rate have a true denominator).
pub async fn has_bot_only(db: &D1Database, site_id: &str) -> ApiResult<bool> {
    let row: Option<serde_json::Value> = db
        .prepare(
            "SELECT 1 AS one FROM conversation_facts WHERE site_id = ?1 AND handoff_at IS NULL LIMIT 1",
        )
        .bind(&[text(site_id)])?
        .first(None)
        .await?;
    Ok(row.is_some())
}

pub use baton_core::outbox::DeliveryFailure;

#[derive(Deserialize)]
struct DeliveryFailureRow {
    key: String,
    site_id: String,
    conversation_id: String,
    kind: String,
    attempts: f64,
    last_error: String,
    first_failed_at: f64,
    last_failed_at: f64,
    next_attempt_at: Option<f64>,
}

pub async fn record_delivery_failure(db: &D1Database, failure: &DeliveryFailure) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO delivery_failures (key, site_id, conversation_id, kind, attempts, last_error,
         first_failed_at, last_failed_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(key) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error,
         last_failed_at = excluded.last_failed_at, next_attempt_at = excluded.next_attempt_at",
    )
    .bind(&[
        text(&failure.key),
        text(&failure.site_id),
        text(&failure.conversation_id),
        text(&failure.kind),
        number(i64::from(failure.attempts)),
        text(&failure.last_error),
        number(failure.first_failed_at),
        number(failure.last_failed_at),
        optional(failure.next_attempt_at),
    ])?
    .run()
    .await?;
    Ok(())
}

/// The delivery finally arrived: it is no longer a failure.
pub async fn clear_delivery_failure(db: &D1Database, key: &str) -> ApiResult<()> {
    db.prepare("DELETE FROM delivery_failures WHERE key = ?1")
        .bind(&[text(key)])?
        .run()
        .await?;
    Ok(())
}

/// This site's failed deliveries, most recent first (bounded).
pub async fn delivery_failures(db: &D1Database, site_id: &str) -> ApiResult<Vec<DeliveryFailure>> {
    let rows: Vec<DeliveryFailureRow> = db
        .prepare(
            "SELECT key, site_id, conversation_id, kind, attempts, last_error, first_failed_at,
             last_failed_at, next_attempt_at FROM delivery_failures WHERE site_id = ?1
             ORDER BY last_failed_at DESC LIMIT 100",
        )
        .bind(&[text(site_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| DeliveryFailure {
            key: r.key,
            site_id: r.site_id,
            conversation_id: r.conversation_id,
            kind: r.kind,
            attempts: r.attempts as u32,
            last_error: r.last_error,
            first_failed_at: r.first_failed_at as i64,
            last_failed_at: r.last_failed_at as i64,
            next_attempt_at: r.next_attempt_at.map(|v| v as i64),
        })
        .collect())
}
