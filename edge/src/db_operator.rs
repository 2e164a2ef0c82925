//! D1 queries of Operator API keys (migrations/0010_operator.sql).

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiResult;

/// A key as admins see it: never the key itself.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ApiKey {
    pub id: String,
    pub site_id: String,
    pub name: String,
    pub webhook_url: String,
    pub created_at: f64,
    pub revoked_at: Option<f64>,
}

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

pub async fn create(db: &D1Database, key: &ApiKey, key_hash: &str) -> ApiResult<()> {
    db.prepare(
        "INSERT INTO api_keys (id, site_id, name, key_hash, webhook_url, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(&[
        text(&key.id),
        text(&key.site_id),
        text(&key.name),
        text(key_hash),
        text(&key.webhook_url),
        JsValue::from_f64(key.created_at),
    ])?
    .run()
    .await?;
    Ok(())
}

pub async fn list(db: &D1Database, site_id: &str) -> ApiResult<Vec<ApiKey>> {
    Ok(db
        .prepare(
            "SELECT id, site_id, name, webhook_url, created_at, revoked_at FROM api_keys
             WHERE site_id = ?1 ORDER BY created_at",
        )
        .bind(&[text(site_id)])?
        .all()
        .await?
        .results()?)
}

/// Revokes a key of this site; false if there is no such (unrevoked) key.
pub async fn revoke(db: &D1Database, site_id: &str, id: &str, now: i64) -> ApiResult<bool> {
    let result = db
        .prepare(
            "UPDATE api_keys SET revoked_at = ?3
             WHERE site_id = ?1 AND id = ?2 AND revoked_at IS NULL",
        )
        .bind(&[text(site_id), text(id), JsValue::from_f64(now as f64)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// The live key with this hash.
pub async fn by_hash(db: &D1Database, key_hash: &str) -> ApiResult<Option<ApiKey>> {
    Ok(db
        .prepare(
            "SELECT id, site_id, name, webhook_url, created_at, revoked_at FROM api_keys
             WHERE key_hash = ?1 AND revoked_at IS NULL",
        )
        .bind(&[text(key_hash)])?
        .first(None)
        .await?)
}
