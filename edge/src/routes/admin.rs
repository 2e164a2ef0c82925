//! Admin routes: site settings, and the bootstrap that creates a site with its first agents
//! (used by the demo command, the tests, and once after a deploy), guarded by a secret.

use baton_core::settings_update::{self, SettingsError, UpdateMode};
use baton_core::{validate, ErrorCode};
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

use crate::auth::{self, require_agent};
use crate::db::{self, AgentRow, Role, Site};
use crate::error::{ApiError, ApiResult};
use crate::util::{constant_time_eq, json_body, json_response, now, random_hex};

pub async fn get_settings(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    let site = db::site(&db, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    // Secrets are write-only, for admins too: only whether each is set.
    json_response(&settings_update::redacted(&site.settings), 200)
}

/// `PUT` replaces every setting (secrets left out are kept), `PATCH` only the ones given.
/// Takes effect for the next conversation; running ones keep the settings they started with.
pub async fn write_settings(
    mut req: Request,
    env: &Env,
    site_id: &str,
    mode: UpdateMode,
) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.admin_of(site_id)?;
    let body: serde_json::Value = json_body(&mut req).await?;
    let site = db::site(&db, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    let settings =
        settings_update::update(&site.settings, &body, mode, &crate::util::llm_policy(env))
            .map_err(settings_error)?;
    store_settings(env, &db, &site, &settings).await?;
    json_response(&settings_update::redacted(&settings), 200)
}

/// Stores a site's validated new settings and does what a change needs (a retention sweep
/// armed). Every settings change goes through here: the knowledge base then reaches each new
/// conversation, which takes its snapshot of the settings when it starts.
pub(crate) async fn store_settings(
    env: &Env,
    db: &worker::D1Database,
    site: &Site,
    settings: &baton_core::SiteSettings,
) -> ApiResult<()> {
    db::save_settings(db, &site.id, settings).await?;
    if settings.retention_ms > 0 && settings.retention_ms != site.settings.retention_ms {
        crate::site_client::SiteClient::new(env, &site.id)?
            .arm_retention(&site.id)
            .await?;
    }
    Ok(())
}

pub(crate) fn settings_error(error: SettingsError) -> ApiError {
    ApiError::bad_request(error.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSite {
    id: String,
    name: String,
    #[serde(default = "empty_object")]
    settings: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::json!({})
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAgent {
    email: String,
    name: String,
    password: String,
    role: Role,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    max_chats: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Bootstrap {
    site: NewSite,
    #[serde(default)]
    agents: Vec<NewAgent>,
}

#[derive(Serialize)]
struct CreatedAgent {
    id: String,
    email: String,
    name: String,
    token: String,
}

/// The operator's routes require `Authorization: Bearer $BOOTSTRAP_TOKEN` (a secret; without
/// it set, they are off).
pub fn require_operator(req: &Request, env: &Env) -> ApiResult<()> {
    let expected = env
        .secret("BOOTSTRAP_TOKEN")
        .map(|s| s.to_string())
        .or_else(|_| env.var("BOOTSTRAP_TOKEN").map(|v| v.to_string()))
        .map_err(|_| {
            ApiError::forbidden("bootstrap is disabled: set the BOOTSTRAP_TOKEN secret")
        })?;
    let presented = req
        .headers()
        .get("authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_string))
        .unwrap_or_default();
    if expected.len() < 16 || !constant_time_eq(&presented, &expected) {
        return Err(ApiError::new(
            401,
            ErrorCode::Unauthorized,
            "wrong bootstrap token",
        ));
    }
    Ok(())
}

/// Creates or updates a site and its agents. Requires `Authorization: Bearer $BOOTSTRAP_TOKEN`
/// (a secret; without it set, bootstrap is off). Answers with a session token per agent.
pub async fn bootstrap(mut req: Request, env: &Env) -> ApiResult<Response> {
    require_operator(&req, env)?;
    let body: Bootstrap = json_body(&mut req).await?;
    baton_core::onboarding::site_id(&body.site.id)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let settings = settings_update::initial(&body.site.settings, &crate::util::llm_policy(env))
        .map_err(settings_error)?;
    let db = env.d1("DB")?;
    let site = Site {
        id: body.site.id,
        name: validate::name(&body.site.name)?,
        settings,
    };
    db::upsert_site(&db, &site, now()).await?;
    let mut created = Vec::new();
    for new in body.agents {
        let email = validate::email(&new.email)?.to_lowercase();
        let name = validate::name(&new.name)?;
        baton_core::onboarding::password(&new.password)
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let id = match db::agent_by_email(&db, &email).await? {
            Some(existing) => existing.id,
            None => random_hex(12)?,
        };
        let row = AgentRow {
            id: id.clone(),
            email: email.clone(),
            name: name.clone(),
            password_hash: auth::hash_password(&new.password).await?,
        };
        db::insert_agent(&db, &row, now()).await?;
        let max_chats = new.max_chats.unwrap_or(site.settings.max_chats_per_agent);
        db::upsert_membership(&db, &id, &site.id, &new.role, &new.groups, max_chats).await?;
        let token = auth::start_session(&db, &id).await?;
        created.push(CreatedAgent {
            id,
            email,
            name,
            token,
        });
    }
    json_response(
        &serde_json::json!({ "site_id": site.id, "agents": created }),
        200,
    )
}
