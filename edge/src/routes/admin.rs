//! Admin routes: site settings, and the bootstrap that creates a site with its first agents
//! (used by the demo command, the tests, and once after a deploy), guarded by a secret.

use baton_core::{validate, ErrorCode, SiteSettings};
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
    json_response(&site.settings, 200)
}

/// Takes effect for the next conversation; running ones keep the settings they started with.
pub async fn put_settings(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.admin_of(site_id)?;
    let settings: SiteSettings = json_body(&mut req).await?;
    check_settings(&settings)?;
    db::save_settings(&db, site_id, &settings).await?;
    json_response(&settings, 200)
}

fn check_settings(settings: &SiteSettings) -> ApiResult<()> {
    let timings = [
        settings.wait_notice_ms,
        settings.leave_message_offer_ms,
        settings.time_to_accept_ms,
    ];
    if timings.iter().any(|t| !(0..=24 * 3_600_000).contains(t))
        || settings.time_to_accept_ms < 1_000
    {
        return Err(ApiError::bad_request(
            "ladder timings must be between 1 s and 24 h",
        ));
    }
    if !(256..=65_536).contains(&settings.max_message_bytes) {
        return Err(ApiError::bad_request(
            "max_message_bytes must be between 256 and 65536",
        ));
    }
    let hook = &settings.ticket_webhook_url;
    let is_url = hook.starts_with("https://") || hook.starts_with("http://");
    if !hook.is_empty() && !is_url {
        return Err(ApiError::bad_request(
            "ticket_webhook_url must be an http(s) URL",
        ));
    }
    if settings.max_chats_per_agent == 0 {
        return Err(ApiError::bad_request(
            "max_chats_per_agent must be at least 1",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct NewSite {
    id: String,
    name: String,
    #[serde(default)]
    settings: SiteSettings,
}

#[derive(Deserialize)]
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

/// Creates or updates a site and its agents. Requires `Authorization: Bearer $BOOTSTRAP_TOKEN`
/// (a secret; without it set, bootstrap is off). Answers with a session token per agent.
pub async fn bootstrap(mut req: Request, env: &Env) -> ApiResult<Response> {
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
    let body: Bootstrap = json_body(&mut req).await?;
    let site_id_ok = !body.site.id.is_empty()
        && body.site.id.len() <= 64
        && body
            .site
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !site_id_ok {
        return Err(ApiError::bad_request("site id: 1-64 of a-z, 0-9, - and _"));
    }
    check_settings(&body.site.settings)?;
    let db = env.d1("DB")?;
    let site = Site {
        id: body.site.id,
        name: validate::name(&body.site.name)?,
        settings: body.site.settings,
    };
    db::upsert_site(&db, &site, now()).await?;
    let mut created = Vec::new();
    for new in body.agents {
        let email = validate::email(&new.email)?.to_lowercase();
        let name = validate::name(&new.name)?;
        if new.password.len() < 8 {
            return Err(ApiError::bad_request(
                "passwords have at least 8 characters",
            ));
        }
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
