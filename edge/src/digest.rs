//! The email digest (migration 0013): each agent turns it on or off per site, and the scheduled
//! run (a cron trigger; `wrangler dev --test-scheduled` exposes it at `/__scheduled`) emails
//! every agent whose digest is due what the site missed since their last one. The rules — when
//! it is due, what concerns whom, the email itself — are `baton_core::digest`.
//!
//! Each row records how far its last digest reached. A run moves that mark with a
//! compare-and-set before sending (two overlapping runs never send the same digest twice) and
//! moves it back if the send fails, so the next run tries again.

use std::collections::BTreeMap;

use baton_core::digest::{self, DigestItem, Recipient};
use baton_core::{ConversationSummary, SiteSettings};
use serde::{Deserialize, Serialize};
use worker::{D1Database, Env, Request, Response};

use crate::auth::require_agent;
use crate::db::{number, text};
use crate::error::{ApiError, ApiResult};
use crate::util::{json_body, json_response, now};

/// One site of the agent, as Settings → Notifications shows it.
#[derive(Serialize, Clone, Debug)]
pub struct DigestSite {
    pub site_id: String,
    pub site_name: String,
    pub enabled: bool,
    /// How often it goes out (the site's `digest_every_ms`).
    pub every_ms: i64,
}

/// `GET /api/v1/digest`: the agent's sites, each with its digest on or off.
pub async fn list(req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    json_response(&sites_of(&db, &session.agent.id).await?, 200)
}

/// `{"sites": {"<site id>": true|false, …}}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Toggle {
    sites: BTreeMap<String, bool>,
}

/// `PATCH /api/v1/digest`: turns the digest on or off for the named sites. Turning it on
/// starts from now: what happened before is not mailed.
pub async fn toggle(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let body: Toggle = json_body(&mut req).await?;
    if body.sites.is_empty() {
        return Err(ApiError::bad_request("sites: name at least one site"));
    }
    for site in body.sites.keys() {
        session.membership(site)?;
    }
    let origin = req.url()?.origin().ascii_serialization();
    let mut statements = Vec::new();
    for (site, on) in &body.sites {
        let statement = if *on {
            db.prepare(
                "INSERT INTO email_digests (agent_id, site_id, covered_until, origin)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (agent_id, site_id) DO UPDATE SET origin = ?4",
            )
            .bind(&[
                text(&session.agent.id),
                text(site),
                number(now()),
                text(&origin),
            ])?
        } else {
            db.prepare("DELETE FROM email_digests WHERE agent_id = ?1 AND site_id = ?2")
                .bind(&[text(&session.agent.id), text(site)])?
        };
        statements.push(statement);
    }
    db.batch(statements).await?;
    json_response(&sites_of(&db, &session.agent.id).await?, 200)
}

async fn sites_of(db: &D1Database, agent_id: &str) -> ApiResult<Vec<DigestSite>> {
    #[derive(Deserialize)]
    struct Row {
        site_id: String,
        site_name: String,
        settings: String,
        enabled: f64,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT m.site_id, s.name AS site_name, s.settings,
                    EXISTS (SELECT 1 FROM email_digests d
                            WHERE d.agent_id = m.agent_id AND d.site_id = m.site_id) AS enabled
             FROM memberships m JOIN sites s ON s.id = m.site_id
             WHERE m.agent_id = ?1 ORDER BY s.name",
        )
        .bind(&[text(agent_id)])?
        .all()
        .await?
        .results()?;
    rows.into_iter()
        .map(|row| {
            let settings: SiteSettings = serde_json::from_str(&row.settings)?;
            Ok(DigestSite {
                site_id: row.site_id,
                site_name: row.site_name,
                enabled: row.enabled > 0.0,
                every_ms: settings.digest_every_ms,
            })
        })
        .collect()
}

/// What one scheduled run did, for the log.
#[derive(Debug, Default)]
pub struct RunReport {
    pub sent: u32,
    pub nothing_new: u32,
    pub failed: u32,
}

#[derive(Deserialize)]
struct DueRow {
    agent_id: String,
    site_id: String,
    covered_until: f64,
    origin: String,
    email: String,
    name: String,
    site_name: String,
    settings: String,
    groups: String,
}

/// Sends every digest that is due at `now`.
pub async fn run(env: &Env, now: i64) -> ApiResult<RunReport> {
    let db = env.d1("DB")?;
    // The membership join: an agent removed from a site gets no more of its digests.
    let rows: Vec<DueRow> = db
        .prepare(
            "SELECT d.agent_id, d.site_id, d.covered_until, d.origin, a.email, a.name,
                    s.name AS site_name, s.settings, m.groups
             FROM email_digests d
             JOIN agents a ON a.id = d.agent_id
             JOIN sites s ON s.id = d.site_id
             JOIN memberships m ON m.agent_id = d.agent_id AND m.site_id = d.site_id",
        )
        .all()
        .await?
        .results()?;
    let mut report = RunReport::default();
    for row in rows {
        let settings: SiteSettings = serde_json::from_str(&row.settings)?;
        let covered_until = row.covered_until as i64;
        if !digest::due(covered_until, settings.digest_every_ms, now) {
            continue;
        }
        let items = items_since(&db, &row.site_id, covered_until, now).await?;
        let recipient = Recipient {
            name: row.name.clone(),
            email: row.email.clone(),
            groups: serde_json::from_str(&row.groups).unwrap_or_default(),
        };
        let app_url = format!("{}/app/", public_origin(env, &row.origin));
        let email = digest::compose(
            &row.site_id,
            &row.site_name,
            &recipient,
            &items,
            &app_url,
            covered_until,
            now,
        );
        if !advance(&db, &row, covered_until, now).await? {
            continue; // another run took it
        }
        let Some(email) = email else {
            report.nothing_new += 1;
            continue;
        };
        let key = format!("digest:{}:{}:{now}", row.agent_id, row.site_id);
        if let Err(error) = crate::email::send(env, &email, &key).await {
            worker::console_error!("digest for {} failed: {}", row.agent_id, error.message);
            advance(&db, &row, now, covered_until).await?;
            report.failed += 1;
        } else {
            report.sent += 1;
        }
    }
    Ok(report)
}

/// Moves the row's mark from `from` to `to`; false if it was no longer at `from`.
async fn advance(db: &D1Database, row: &DueRow, from: i64, to: i64) -> ApiResult<bool> {
    let result = db
        .prepare(
            "UPDATE email_digests SET covered_until = ?4
             WHERE agent_id = ?1 AND site_id = ?2 AND covered_until = ?3",
        )
        .bind(&[
            text(&row.agent_id),
            text(&row.site_id),
            number(from),
            number(to),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Links go to `PUBLIC_URL` when the deploy sets it, else where the agent turned it on.
fn public_origin(env: &Env, stored: &str) -> String {
    crate::onboarding::configured_origin(env)
        .unwrap_or_else(|| stored.trim_end_matches('/').to_string())
}

/// The site's missed chats with activity and its tickets left in `(after, until]`. A missed
/// chat whose visitor wrote again since the last digest is listed again, with their newest words.
async fn items_since(
    db: &D1Database,
    site_id: &str,
    after: i64,
    until: i64,
) -> ApiResult<Vec<DigestItem>> {
    #[derive(Deserialize)]
    struct Missed {
        summary: String,
        updated_at: f64,
    }
    #[derive(Deserialize)]
    struct Ticket {
        conversation_id: String,
        name: String,
        email: String,
        message: String,
        created_at: f64,
    }
    let bounds = [text(site_id), number(after), number(until)];
    let missed: Vec<Missed> = db
        .prepare(
            "SELECT summary, updated_at FROM conversation_index
             WHERE site_id = ?1 AND phase = 'missed' AND updated_at > ?2 AND updated_at <= ?3
             ORDER BY updated_at LIMIT 500",
        )
        .bind(&bounds)?
        .all()
        .await?
        .results()?;
    let tickets: Vec<Ticket> = db
        .prepare(
            "SELECT conversation_id, name, email, message, created_at FROM tickets
             WHERE site_id = ?1 AND created_at > ?2 AND created_at <= ?3
             ORDER BY created_at LIMIT 500",
        )
        .bind(&bounds)?
        .all()
        .await?
        .results()?;
    let mut items = Vec::with_capacity(missed.len() + tickets.len());
    for row in missed {
        let summary: ConversationSummary = serde_json::from_str(&row.summary)?;
        items.push(DigestItem::MissedChat {
            conversation_id: summary.id,
            visitor_name: summary.visitor.name,
            visitor_email: summary.visitor.email,
            last_message: summary.last_message,
            group: summary.group,
            at: row.updated_at as i64,
        });
    }
    items.extend(tickets.into_iter().map(|t| DigestItem::Ticket {
        conversation_id: t.conversation_id,
        name: t.name,
        email: t.email,
        message: t.message,
        at: t.created_at as i64,
    }));
    Ok(items)
}
