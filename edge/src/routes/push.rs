//! An agent's Web Push devices: the VAPID public key the dashboard subscribes with, and this
//! agent's devices (subscribe, list, per-site on/off, remove). Keys and endpoints go in, never
//! out. Every change tells the sites' objects whether the agent is reachable by push there.

use std::collections::BTreeMap;

use baton_core::api::PushKey;
use baton_core::ErrorCode;
use serde::Deserialize;
use worker::{Env, Request, Response};

use crate::auth::require_agent;
use crate::error::{ApiError, ApiResult};
use crate::push::{self, send, store, vapid::Vapid};
use crate::util::{json_body, json_response, now, random_hex};

/// `{"public_key": "<base64url>"}`, or `null` when push is not configured on this edge.
pub async fn key(env: &Env) -> ApiResult<Response> {
    let public_key = Vapid::from_env(env)?.map(|v| v.public_key().to_string());
    json_response(&PushKey { public_key }, 200)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    p256dh: String,
    auth: String,
}

/// `PushSubscription.toJSON()` plus a label (`expirationTime` is accepted and ignored).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Subscribe {
    endpoint: String,
    keys: Keys,
    #[serde(default, rename = "expirationTime")]
    _expiration_time: Option<f64>,
    #[serde(default)]
    label: Option<String>,
}

pub async fn subscribe(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let body: Subscribe = json_body(&mut req).await?;
    if Vapid::from_env(env)?.is_none() {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            "Web Push is not configured on this server",
        ));
    }
    if baton_core::push::endpoint_origin(&body.endpoint, push::allow_loopback(env)).is_none() {
        return Err(ApiError::bad_request(
            "endpoint: not a push service this server sends to",
        ));
    }
    if send::parse_keys(&body.keys.p256dh, &body.keys.auth).is_none() {
        return Err(ApiError::bad_request(
            "keys: p256dh must be a P-256 point and auth 16 bytes, base64url",
        ));
    }
    let label: String = body
        .label
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let label = if label.is_empty() {
        "Browser".to_string()
    } else {
        label
    };
    let sites: Vec<String> = session
        .memberships
        .iter()
        .map(|m| m.site_id.clone())
        .collect();
    let id = random_hex(16)?;
    let changed = store::upsert(
        &db,
        &store::NewDevice {
            id: &id,
            agent_id: &session.agent.id,
            session_hash: &session.token_hash,
            endpoint: &body.endpoint,
            p256dh: &body.keys.p256dh,
            auth: &body.keys.auth,
            label: &label,
            sites: &sites,
            now: now(),
        },
    )
    .await?;
    for agent in changed {
        let agent_sites = store::sites_of_agent(&db, &agent).await?;
        push::refresh_reach(env, &db, &agent, &agent_sites).await?;
    }
    let device = store::devices_of(&db, &session.agent.id, &session.token_hash)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| ApiError::not_found("device"))?;
    json_response(&device, 201)
}

pub async fn list(req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let devices = store::devices_of(&db, &session.agent.id, &session.token_hash).await?;
    json_response(&devices, 200)
}

/// `{"sites": {"<site id>": true|false, …}}`: push this device for those sites or not.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Toggle {
    sites: BTreeMap<String, bool>,
}

pub async fn toggle(mut req: Request, env: &Env, device_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let body: Toggle = json_body(&mut req).await?;
    if body.sites.is_empty() {
        return Err(ApiError::bad_request("sites: name at least one site"));
    }
    for site in body.sites.keys() {
        session.membership(site)?;
    }
    if !store::owns(&db, &session.agent.id, device_id).await? {
        return Err(ApiError::not_found("device"));
    }
    let changes: Vec<(String, bool)> = body.sites.into_iter().collect();
    store::set_sites(&db, device_id, &changes).await?;
    let sites: Vec<String> = changes.into_iter().map(|(site, _)| site).collect();
    push::refresh_reach(env, &db, &session.agent.id, &sites).await?;
    let device = store::devices_of(&db, &session.agent.id, &session.token_hash)
        .await?
        .into_iter()
        .find(|d| d.id == device_id)
        .ok_or_else(|| ApiError::not_found("device"))?;
    json_response(&device, 200)
}

pub async fn remove(req: Request, env: &Env, device_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    if !store::owns(&db, &session.agent.id, device_id).await? {
        return Err(ApiError::not_found("device"));
    }
    store::delete(&db, &[device_id.to_string()]).await?;
    let sites: Vec<String> = session
        .memberships
        .iter()
        .map(|m| m.site_id.clone())
        .collect();
    push::refresh_reach(env, &db, &session.agent.id, &sites).await?;
    json_response(&serde_json::json!({ "ok": true }), 200)
}
