//! Fixed-window counters in D1 for the limits of [`baton_core::limits`]. One atomic upsert per
//! counted event, so parallel requests are all counted.

use baton_core::limits::Limit;
use baton_core::ErrorCode;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Request};

use crate::error::{ApiError, ApiResult};
use crate::util::now;

#[derive(Deserialize)]
struct Count {
    count: f64,
}

/// Counts one event under `key` and answers the new count in the current window.
pub async fn count(db: &D1Database, key: &str, limit: Limit) -> ApiResult<u32> {
    let window = limit.window_start(now());
    let row: Option<Count> = db
        .prepare(
            "INSERT INTO rate_counters (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT(key) DO UPDATE SET
               count = CASE WHEN window_start = ?2 THEN count + 1 ELSE 1 END,
               window_start = ?2
             RETURNING count",
        )
        .bind(&[JsValue::from_str(key), JsValue::from_f64(window as f64)])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.count as u32).unwrap_or(1))
}

/// The count under `key` in the current window, without counting.
pub async fn peek(db: &D1Database, key: &str, limit: Limit) -> ApiResult<u32> {
    let window = limit.window_start(now());
    let row: Option<Count> = db
        .prepare("SELECT count FROM rate_counters WHERE key = ?1 AND window_start = ?2")
        .bind(&[JsValue::from_str(key), JsValue::from_f64(window as f64)])?
        .first(None)
        .await?;
    Ok(row.map(|r| r.count as u32).unwrap_or(0))
}

pub async fn reset(db: &D1Database, key: &str) -> ApiResult<()> {
    db.prepare("DELETE FROM rate_counters WHERE key = ?1")
        .bind(&[JsValue::from_str(key)])?
        .run()
        .await?;
    Ok(())
}

/// 429 with `Retry-After` when `count` is past `limit`.
pub fn check(count: u32, limit: Limit, what: &str) -> ApiResult<()> {
    match limit.retry_after(count, now()) {
        None => Ok(()),
        Some(seconds) => Err(ApiError::new(
            429,
            ErrorCode::RateLimited,
            format!("too many {what}; try again in {seconds} s"),
        )
        .retry_after(seconds)),
    }
}

/// The client's address as Cloudflare reports it (`CF-Connecting-IP`, set by the edge
/// network; locally, by `wrangler dev`).
pub fn client_key(req: &Request) -> String {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".into())
}
