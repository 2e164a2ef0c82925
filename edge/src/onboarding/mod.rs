//! Self-service onboarding on the platform: the effective sign-up mode, pending sign-ups,
//! one-time invitation links and the emails that carry them. The rules are in
//! `baton_core::onboarding`; this module stores and sends.

pub mod links;
pub mod mail;

use baton_core::onboarding::SignupMode;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Env, Request};

use crate::error::{ApiError, ApiResult};

/// The operator's override (set with the bootstrap token) wins over the `SIGNUP` deploy var;
/// both unset means off.
pub async fn mode(env: &Env, db: &D1Database) -> ApiResult<SignupMode> {
    #[derive(Deserialize)]
    struct Row {
        value: String,
    }
    let row: Option<Row> = db
        .prepare("SELECT value FROM operator_settings WHERE key = 'signup'")
        .first(None)
        .await?;
    let var = env.var("SIGNUP").ok().map(|v| v.to_string());
    Ok(SignupMode::parse(row.map(|r| r.value).or(var).as_deref()))
}

pub async fn set_mode(db: &D1Database, mode: Option<SignupMode>) -> ApiResult<()> {
    match mode {
        Some(mode) => {
            let value = serde_json::to_value(mode)?;
            db.prepare(
                "INSERT INTO operator_settings (key, value) VALUES ('signup', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )
            .bind(&[JsValue::from_str(value.as_str().unwrap_or("off"))])?
            .run()
            .await?;
        }
        None => {
            db.prepare("DELETE FROM operator_settings WHERE key = 'signup'")
                .run()
                .await?;
        }
    }
    Ok(())
}

/// Sign-up routes do not exist when sign-up is off.
pub async fn require_signup(env: &Env, db: &D1Database) -> ApiResult<SignupMode> {
    match mode(env, db).await? {
        SignupMode::Off => Err(ApiError::not_found("route")),
        mode => Ok(mode),
    }
}

/// The edge's own origin, for links in emails (`PUBLIC_URL` when set, else the request's).
pub fn public_origin(req: &Request, env: &Env) -> ApiResult<String> {
    match configured_origin(env) {
        Some(origin) => Ok(origin),
        None => Ok(req.url()?.origin().ascii_serialization()),
    }
}

/// `PUBLIC_URL` without its trailing slash, when the deploy sets it.
pub fn configured_origin(env: &Env) -> Option<String> {
    let url = env.var("PUBLIC_URL").ok()?.to_string();
    (!url.is_empty()).then(|| url.trim_end_matches('/').to_string())
}
