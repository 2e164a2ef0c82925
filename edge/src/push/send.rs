//! One push request (RFC 8030 §5): the payload encrypted for the device (RFC 8291 aes128gcm,
//! by `web-push-native`), signed with VAPID, with TTL, Urgency and Topic.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use baton_core::push::{endpoint_origin, PushDraft, PushOutcome};
use baton_core::{ErrorCode, Millis};
use futures_util::future::{select, Either};
use worker::{js_sys, Delay, Fetch, Headers, Method, Request, RequestInit};

use super::vapid::Vapid;
use crate::error::{ApiError, ApiResult};

/// A push service that has not answered by then counts as failed (retried).
const PUSH_TIMEOUT_MS: u64 = 10_000;

/// What the browser's `PushSubscription` gave us.
#[derive(Clone, Debug)]
pub struct Target {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// The subscription's keys, checked: a P-256 point and a 16-byte secret.
pub fn parse_keys(p256dh: &str, auth: &str) -> Option<(p256::PublicKey, web_push_native::Auth)> {
    let point = URL_SAFE_NO_PAD.decode(p256dh.trim_end_matches('=')).ok()?;
    let public = p256::PublicKey::from_sec1_bytes(&point).ok()?;
    let secret = URL_SAFE_NO_PAD.decode(auth.trim_end_matches('=')).ok()?;
    (secret.len() == 16).then(|| (public, web_push_native::Auth::clone_from_slice(&secret)))
}

pub async fn send(
    vapid: &Vapid,
    target: &Target,
    body: &[u8],
    draft: &PushDraft,
    allow_loopback: bool,
    now: Millis,
) -> ApiResult<PushOutcome> {
    // A subscription that is not (or no longer) acceptable is as good as gone.
    let Some(aud) = endpoint_origin(&target.endpoint, allow_loopback) else {
        return Ok(PushOutcome::Gone);
    };
    let Some((public, auth)) = parse_keys(&target.p256dh, &target.auth) else {
        return Ok(PushOutcome::Gone);
    };
    let encrypted = web_push_native::encrypt(body.to_vec(), &public, &auth)
        .map_err(|e| failure(format!("push encryption failed: {e}")))?;
    let headers = Headers::new();
    headers.set("content-type", "application/octet-stream")?;
    headers.set("content-encoding", "aes128gcm")?;
    headers.set("ttl", &draft.ttl_s.to_string())?;
    headers.set("urgency", draft.urgency.as_str())?;
    headers.set("topic", &draft.topic())?;
    headers.set("authorization", &vapid.authorization(&aud, now))?;
    let mut init = RequestInit::new();
    let bytes = js_sys::Uint8Array::from(encrypted.as_slice());
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(bytes.into()));
    let request = Request::new_with_init(&target.endpoint, &init)?;
    let call = Box::pin(async move { Fetch::Request(request).send().await });
    let deadline = Box::pin(Delay::from(Duration::from_millis(PUSH_TIMEOUT_MS)));
    let response = match select(call, deadline).await {
        Either::Left((response, _)) => response?,
        Either::Right(_) => return Err(failure("push service timed out")),
    };
    Ok(PushOutcome::of_status(response.status_code()))
}

pub fn failure(message: impl Into<String>) -> ApiError {
    ApiError::new(502, ErrorCode::Internal, message)
}
