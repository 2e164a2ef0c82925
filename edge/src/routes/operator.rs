//! The Operator API: an outside bot platform, authenticated by one of the site's API keys, hands
//! a conversation over to Baton's agents with its last messages, relays the visitor's messages,
//! and may close a handoff nobody accepted yet. Agents' events go back to it by signed webhook
//! (the conversation's outbox). Admins create, list and revoke the keys; a key is shown once.

use baton_core::{HistoryMessage, OperatorLink, VisitorProfile};
use serde::{Deserialize, Serialize};
use worker::{Env, Method, Request, Response};

use super::valid_conversation_id;
use crate::auth::require_agent;
use crate::db;
use crate::db_operator::{self, ApiKey};
use crate::error::{ApiError, ApiResult};
use crate::util::{internal_request, json_body, json_response, now, random_hex, sha256_hex};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    name: String,
    webhook_url: String,
}

#[derive(Serialize)]
struct CreatedKey {
    #[serde(flatten)]
    key: ApiKey,
    /// Shown once; only its hash is kept.
    secret: String,
}

fn webhook_url_ok(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 2_000
        && !url.contains(char::is_whitespace)
}

pub async fn create_key(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.admin_of(site_id)?;
    let body: NewKey = json_body(&mut req).await?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request("name: 1 to 64 characters"));
    }
    if !webhook_url_ok(&body.webhook_url) {
        return Err(ApiError::bad_request("webhook_url: an http(s) URL"));
    }
    let secret = format!("bk_{}", random_hex(24)?);
    let key = ApiKey {
        id: random_hex(8)?,
        site_id: site_id.to_string(),
        name: name.to_string(),
        webhook_url: body.webhook_url,
        created_at: now() as f64,
        revoked_at: None,
    };
    db_operator::create(&db, &key, &sha256_hex(&secret)).await?;
    json_response(&CreatedKey { key, secret }, 201)
}

pub async fn list_keys(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.admin_of(site_id)?;
    json_response(&db_operator::list(&db, site_id).await?, 200)
}

pub async fn revoke_key(req: Request, env: &Env, site_id: &str, id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.admin_of(site_id)?;
    if !db_operator::revoke(&db, site_id, id, now()).await? {
        return Err(ApiError::not_found("API key"));
    }
    json_response(&serde_json::json!({ "ok": true }), 200)
}

/// The live API key presented as `Authorization: Bearer bk_…`.
async fn platform_key(req: &Request, env: &Env) -> ApiResult<ApiKey> {
    let presented = req
        .headers()
        .get("authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_string))
        .filter(|k| k.starts_with("bk_"))
        .ok_or_else(|| {
            ApiError::new(
                401,
                baton_core::ErrorCode::Unauthorized,
                "an API key is required",
            )
        })?;
    db_operator::by_hash(&env.d1("DB")?, &sha256_hex(&presented))
        .await?
        .ok_or_else(|| {
            ApiError::new(
                401,
                baton_core::ErrorCode::Unauthorized,
                "unknown or revoked API key",
            )
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Visitor {
    name: String,
    email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewHandoff {
    visitor: Visitor,
    /// The platform's id of this conversation, echoed in every webhook.
    external_id: String,
    #[serde(default)]
    history: Vec<HistoryMessage>,
}

/// What the conversation's object receives to start a platform handoff.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorInit {
    pub id: String,
    pub site_id: String,
    pub settings: baton_core::SiteSettings,
    pub visitor: VisitorProfile,
    pub link: OperatorLink,
    pub history: Vec<HistoryMessage>,
}

/// A relayed visitor message or a close, for the conversation's object; `site_id` and
/// `key_id` are the caller's, checked against the conversation's link.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorCall {
    pub site_id: String,
    pub key_id: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
}

pub async fn create_handoff(mut req: Request, env: &Env) -> ApiResult<Response> {
    let key = platform_key(&req, env).await?;
    let body: NewHandoff = json_body(&mut req).await?;
    let external_id = body.external_id.trim();
    if external_id.is_empty() || external_id.len() > 200 || external_id.contains(char::is_control) {
        return Err(ApiError::bad_request("external_id: 1 to 200 characters"));
    }
    let site = db::site(&env.d1("DB")?, &key.site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    let id = random_hex(16)?;
    let init = OperatorInit {
        id: id.clone(),
        site_id: site.id,
        settings: site.settings,
        visitor: VisitorProfile {
            name: Some(body.visitor.name),
            email: Some(body.visitor.email),
            ..VisitorProfile::default()
        },
        link: OperatorLink {
            channel: key.name.clone(),
            webhook_url: key.webhook_url.clone(),
            external_id: external_id.to_string(),
            key_id: key.id.clone(),
        },
        history: body.history,
    };
    let stub = env.durable_object("CONVERSATION")?.get_by_name(&id)?;
    let inner = internal_request(Method::Post, "/operator/init", Some(&init), &[])?;
    let response = stub.fetch_with_request(inner).await?;
    if response.status_code() != 201 {
        return Ok(response);
    }
    json_response(&serde_json::json!({ "conversation_id": id }), 201)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformMessage {
    text: String,
    #[serde(default)]
    client_id: Option<String>,
}

pub async fn relay(mut req: Request, env: &Env, id: &str, what: &str) -> ApiResult<Response> {
    let key = platform_key(&req, env).await?;
    if !valid_conversation_id(id) {
        return Err(ApiError::not_found("conversation"));
    }
    let mut call = OperatorCall {
        site_id: key.site_id,
        key_id: key.id,
        text: None,
        client_id: None,
    };
    let path = if what == "message" {
        let body: PlatformMessage = json_body(&mut req).await?;
        call.text = Some(body.text);
        call.client_id = body.client_id;
        "/operator/message"
    } else {
        "/operator/close"
    };
    let stub = env.durable_object("CONVERSATION")?.get_by_name(id)?;
    Ok(stub
        .fetch_with_request(internal_request(Method::Post, path, Some(&call), &[])?)
        .await?)
}
