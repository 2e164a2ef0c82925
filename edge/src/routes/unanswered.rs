//! The questions the bot could not answer, for a site's admins (core::unanswered): the open ones
//! grouped, and an admin's answer to a group, which changes the knowledge base through the same
//! validation and store as a settings save, or dismisses it. Admins of the site only.

use baton_core::unanswered::{self, DismissRequest, Resolution, ResolveRequest, UnansweredError};
use baton_core::ErrorCode;
use worker::{Env, Request, Response};

use crate::auth::require_agent;
use crate::db::{self, Site};
use crate::db_unanswered::{self as dbu, Handled};
use crate::error::{ApiError, ApiResult};
use crate::util::{json_body, json_response, now};

fn refused(error: UnansweredError) -> ApiError {
    match error {
        UnansweredError::NotFound => ApiError::new(404, ErrorCode::NotFound, error.to_string()),
        other => ApiError::bad_request(other.to_string()),
    }
}

async fn admin_site(
    req: &Request,
    env: &Env,
    site_id: &str,
) -> ApiResult<(worker::D1Database, Site)> {
    let db = env.d1("DB")?;
    let session = require_agent(req, &db).await?;
    session.admin_of(site_id)?;
    let site = db::site(&db, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    Ok((db, site))
}

/// `GET …/unanswered`: the open questions, near-duplicates grouped, newest first.
pub async fn list(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let (db, site) = admin_site(&req, env, site_id).await?;
    let groups = unanswered::group(&dbu::open(&db, &site.id).await?);
    json_response(&serde_json::json!({ "groups": groups }), 200)
}

/// `POST …/unanswered/resolve`: `{question, entry}` adds the question to that entry,
/// `{question, answer, new_entry: true}` starts an entry. The knowledge base is validated and
/// stored as a settings save does it (so the next conversation's bot answers it), then the
/// question's group is marked resolved.
pub async fn resolve(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let (db, site) = admin_site(&req, env, site_id).await?;
    let body: ResolveRequest = json_body(&mut req).await?;
    let resolution = body.resolution().map_err(refused)?;
    let policy = crate::util::llm_policy(env);
    let settings = unanswered::resolve(&site.settings, &resolution, &policy).map_err(refused)?;
    let groups = unanswered::group(&dbu::open(&db, &site.id).await?);
    let keys = unanswered::group_of(&body.question, &groups)
        .map(|g| g.keys.clone())
        .unwrap_or_default();
    super::admin::store_settings(env, &db, &site, &settings).await?;
    let resolved = dbu::mark(&db, &site.id, &keys, Handled::Resolved, now()).await?;
    let entry = match resolution {
        Resolution::Phrasing { entry, .. } => entry,
        Resolution::NewEntry { .. } => settings.knowledge_base.len().saturating_sub(1),
    };
    json_response(
        &serde_json::json!({
            "resolved": resolved,
            "entry": entry,
            "knowledge_base": settings.knowledge_base,
        }),
        200,
    )
}

/// `POST …/unanswered/dismiss` `{question}`: the question's group leaves the list unchanged
/// in the knowledge base (not a question for the bot).
pub async fn dismiss(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let (db, site) = admin_site(&req, env, site_id).await?;
    let body: DismissRequest = json_body(&mut req).await?;
    if body.question.trim().is_empty() {
        return Err(refused(UnansweredError::EmptyQuestion));
    }
    let groups = unanswered::group(&dbu::open(&db, &site.id).await?);
    let group = unanswered::group_of(&body.question, &groups)
        .ok_or_else(|| refused(UnansweredError::NotFound))?;
    let dismissed = dbu::mark(&db, &site.id, &group.keys, Handled::Dismissed, now()).await?;
    json_response(&serde_json::json!({ "dismissed": dismissed }), 200)
}
