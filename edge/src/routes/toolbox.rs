//! The agent's toolbox routes: the handoff summary's earlier conversations, suggested answers
//! and knowledge-base search, and canned replies. Agents of the site only; site-wide canned
//! replies are written by its admins, personal ones by their owner alone.

use baton_core::toolbox::{self, canned, CannedReply};
use baton_core::ErrorCode;
use serde::Deserialize;
use worker::{Env, Request, Response};

use crate::auth::require_agent;
use crate::db::{self, Role};
use crate::db_toolbox;
use crate::error::{ApiError, ApiResult};
use crate::util::{json_body, json_response, now, query_param, random_hex};

/// Longest query of the suggestions route, in bytes.
const QUERY_MAX: usize = 2_000;

/// Adds the visitor's earlier conversations (by email, from the site's index) to the handoff
/// summary of a conversation's state, as the conversation's object returned it.
pub async fn with_earlier(
    env: &Env,
    site_id: &str,
    conversation_id: &str,
    mut response: Response,
) -> ApiResult<Response> {
    if response.status_code() != 200 {
        return Ok(response);
    }
    let mut state: serde_json::Value = response.json().await?;
    let email = state["summary"]["visitor"]["email"]
        .as_str()
        .map(str::to_string);
    if let (Some(email), Some(handoff)) = (email, state.get("handoff").cloned()) {
        if let Ok(summary) = serde_json::from_value::<toolbox::HandoffSummary>(handoff) {
            let rows = db_toolbox::earlier_conversations(&env.d1("DB")?, site_id, &email).await?;
            state["handoff"] = serde_json::to_value(summary.with_earlier(conversation_id, rows))?;
        }
    }
    json_response(&state, 200)
}

/// `GET …/suggestions?q=TEXT`: the knowledge base's best answers for a visitor's message, or
/// a search from the agent's KB box (same retrieval).
pub async fn suggestions(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    let q = query_param(&req, "q")?.unwrap_or_default();
    if q.len() > QUERY_MAX {
        return Err(ApiError::bad_request(format!(
            "q is longer than {QUERY_MAX} bytes"
        )));
    }
    let limit = match query_param(&req, "limit")? {
        None => toolbox::suggest::SUGGESTIONS_SHOWN,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=20).contains(n))
            .ok_or_else(|| ApiError::bad_request("limit is 1 to 20"))?,
    };
    let site = db::site(&db, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    let found = toolbox::suggest(&site.settings.knowledge_base, &q, limit);
    json_response(&found, 200)
}

pub async fn list_canned(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    let replies = db_toolbox::canned_replies(&db, site_id, &session.agent.id).await?;
    json_response(&replies, 200)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCanned {
    shortcut: String,
    text: String,
    /// The agent's own; otherwise the site's (admins only).
    #[serde(default)]
    personal: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CannedChange {
    shortcut: Option<String>,
    text: Option<String>,
}

fn refused(error: canned::CannedError) -> ApiError {
    ApiError::bad_request(error.to_string())
}

fn taken(shortcut: &str) -> ApiError {
    ApiError::new(
        409,
        ErrorCode::NotAllowed,
        format!("/{shortcut} already exists"),
    )
}

pub async fn create_canned(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let membership = session.membership(site_id)?;
    let body: NewCanned = json_body(&mut req).await?;
    if !body.personal && membership.role != Role::Admin {
        return Err(ApiError::forbidden(
            "only an admin of this site can add the site's canned replies",
        ));
    }
    let reply = CannedReply {
        id: random_hex(16)?,
        shortcut: canned::shortcut(&body.shortcut).map_err(refused)?,
        text: canned::text(&body.text).map_err(refused)?,
        personal: body.personal,
        uses: 0,
    };
    if db_toolbox::count_canned(&db, site_id).await? as usize >= canned::PER_SITE_MAX {
        return Err(ApiError::bad_request(format!(
            "a site holds at most {} canned replies",
            canned::PER_SITE_MAX
        )));
    }
    let owner = body.personal.then_some(session.agent.id.as_str());
    if !db_toolbox::insert_canned(&db, site_id, owner, &reply, now()).await? {
        return Err(taken(&reply.shortcut));
    }
    json_response(&reply, 201)
}

/// The reply `id` if the caller may change it: their own, or the site's when they are admin.
async fn writable(
    db: &worker::D1Database,
    session: &crate::auth::AgentSession,
    site_id: &str,
    id: &str,
) -> ApiResult<CannedReply> {
    let membership = session.membership(site_id)?;
    let (reply, owner) = db_toolbox::canned_reply(db, site_id, &session.agent.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("canned reply"))?;
    if owner.is_none() && membership.role != Role::Admin {
        return Err(ApiError::forbidden(
            "only an admin of this site can change the site's canned replies",
        ));
    }
    Ok(reply)
}

pub async fn update_canned(
    mut req: Request,
    env: &Env,
    site_id: &str,
    id: &str,
) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let mut reply = writable(&db, &session, site_id, id).await?;
    let change: CannedChange = json_body(&mut req).await?;
    if change.shortcut.is_none() && change.text.is_none() {
        return Err(ApiError::bad_request("give shortcut, text or both"));
    }
    if let Some(shortcut) = &change.shortcut {
        reply.shortcut = canned::shortcut(shortcut).map_err(refused)?;
    }
    if let Some(text) = &change.text {
        reply.text = canned::text(text).map_err(refused)?;
    }
    if !db_toolbox::update_canned(&db, site_id, &reply, now()).await? {
        return Err(taken(&reply.shortcut));
    }
    json_response(&reply, 200)
}

pub async fn delete_canned(
    req: Request,
    env: &Env,
    site_id: &str,
    id: &str,
) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    writable(&db, &session, site_id, id).await?;
    db_toolbox::delete_canned(&db, site_id, id).await?;
    json_response(&serde_json::json!({ "ok": true }), 200)
}

/// `POST …/canned-replies/{id}/use`: the agent inserted it into a composer (any reply they
/// can see; counting is not changing it).
pub async fn use_canned(req: Request, env: &Env, site_id: &str, id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    let (reply, _) = db_toolbox::canned_reply(&db, site_id, &session.agent.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("canned reply"))?;
    db_toolbox::count_canned_use(&db, site_id, &reply.id).await?;
    json_response(&serde_json::json!({ "uses": reply.uses + 1 }), 200)
}
