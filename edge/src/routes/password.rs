//! Changing one's password: it ends every other session of the account and closes every socket
//! of the account on every site (the device that changed it keeps its session and reconnects).

use baton_core::limits::LOGIN_PER_ACCOUNT;
use baton_core::ErrorCode;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{Env, Request, Response};

use crate::auth::{self, require_agent};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::rate;
use crate::site_client::SiteClient;
use crate::site_hub::access::Revoke;
use crate::util::{json_body, json_response, sha256_hex};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /api/v1/auth/password` `{"current", "new"}`.
pub async fn change(mut req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let change: PasswordChange = json_body(&mut req).await?;
    if !(8..=1024).contains(&change.new.len()) {
        return Err(ApiError::bad_request(
            "the new password needs 8 to 1024 characters",
        ));
    }
    // A stolen session must not become a way to guess the password at speed.
    let account = format!(
        "login-account:{}",
        sha256_hex(&session.email.to_lowercase())
    );
    let attempts = rate::count(&db, &account, LOGIN_PER_ACCOUNT).await?;
    rate::check(
        attempts,
        LOGIN_PER_ACCOUNT,
        "password attempts for this account",
    )?;
    let row = db::agent_by_id(&db, &session.agent.id)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if !auth::verify_password(&change.current, &row.password_hash).await? {
        return Err(ApiError::new(
            403,
            ErrorCode::Forbidden,
            "the current password is wrong",
        ));
    }
    rate::reset(&db, &account).await?;
    let hash = auth::hash_password(&change.new).await?;
    db.batch(vec![
        db.prepare("UPDATE agents SET password_hash = ?1 WHERE id = ?2")
            .bind(&[JsValue::from_str(&hash), JsValue::from_str(&row.id)])?,
        db.prepare("DELETE FROM sessions WHERE agent_id = ?1 AND token_hash != ?2")
            .bind(&[
                JsValue::from_str(&row.id),
                JsValue::from_str(&session.token_hash),
            ])?,
    ])
    .await?;
    for membership in &session.memberships {
        let revoke = Revoke {
            agent_id: row.id.clone(),
            session: None,
            reason: "password changed".into(),
            removed: false,
        };
        SiteClient::new(env, &membership.site_id)?
            .revoke(&revoke)
            .await?;
    }
    // The ended sessions' push devices go with them.
    db.prepare("DELETE FROM push_devices WHERE agent_id = ?1 AND session_hash != ?2")
        .bind(&[
            JsValue::from_str(&row.id),
            JsValue::from_str(&session.token_hash),
        ])?
        .run()
        .await?;
    let sites: Vec<String> = session
        .memberships
        .iter()
        .map(|m| m.site_id.clone())
        .collect();
    crate::push::refresh_reach(env, &db, &row.id, &sites).await?;
    json_response(&serde_json::json!({ "ok": true }), 200)
}
