//! Small platform adapters: clock, randomness, hashing, JSON bodies, internal DO requests.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use worker::{Headers, Method, Request, RequestInit, Response, Stub};

use crate::error::{ApiError, ApiResult};
use baton_core::{ErrorCode, Millis};

/// Wall-clock epoch milliseconds; the only place the edge reads the clock.
pub fn now() -> Millis {
    worker::Date::now().as_millis() as Millis
}

/// `bytes` random bytes from the platform CSPRNG, hex-encoded.
pub fn random_hex(bytes: usize) -> ApiResult<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf)
        .map_err(|e| ApiError::from(worker::Error::RustError(e.to_string())))?;
    Ok(hex(&buf))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Largest JSON body the API reads.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// Reads a JSON body, with clear errors for oversize and malformed input.
pub async fn json_body<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let text = req.text().await?;
    if text.len() > MAX_BODY_BYTES {
        return Err(ApiError::new(
            413,
            ErrorCode::TooLarge,
            "request body too large",
        ));
    }
    serde_json::from_str(&text).map_err(ApiError::from)
}

pub fn json_response<T: Serialize>(value: &T, status: u16) -> ApiResult<Response> {
    Ok(Response::from_json(value)?.with_status(status))
}

/// Calls a Durable Object with a JSON body over an internal URL.
pub async fn call_json<B: Serialize, R: DeserializeOwned>(
    stub: &Stub,
    method: Method,
    path: &str,
    body: Option<&B>,
) -> ApiResult<(u16, R)> {
    let mut response = stub
        .fetch_with_request(internal_request(method, path, body, &[])?)
        .await?;
    let status = response.status_code();
    let value: R = response.json().await?;
    Ok((status, value))
}

/// Builds a request for a Durable Object's internal API.
pub fn internal_request<B: Serialize>(
    method: Method,
    path: &str,
    body: Option<&B>,
    headers: &[(&str, &str)],
) -> ApiResult<Request> {
    let header_map = Headers::new();
    header_map.set("content-type", "application/json")?;
    for (name, value) in headers {
        header_map.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(method).with_headers(header_map);
    if let Some(body) = body {
        init.with_body(Some(serde_json::to_string(body)?.into()));
    }
    Ok(Request::new_with_init(
        &format!("https://internal{path}"),
        &init,
    )?)
}

pub fn query_param(req: &Request, name: &str) -> ApiResult<Option<String>> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned()))
}

/// Keep-alive pings are answered by the runtime itself, without waking a hibernating object.
pub fn answer_pings(state: &worker::State) {
    use worker::worker_sys::WebSocketRequestResponsePair;
    match WebSocketRequestResponsePair::new(r#"{"type":"ping"}"#, r#"{"type":"pong"}"#) {
        Ok(pair) => state.set_websocket_auto_response(&pair),
        Err(_) => worker::console_error!("could not set the ping auto-response"),
    }
}

/// The operator's allow-list of LLM endpoints (`LLM_ALLOWED_URLS`, a var or a secret).
pub fn llm_policy(env: &worker::Env) -> baton_core::settings_update::LlmPolicy {
    let list = env
        .secret("LLM_ALLOWED_URLS")
        .map(|s| s.to_string())
        .or_else(|_| env.var("LLM_ALLOWED_URLS").map(|v| v.to_string()))
        .unwrap_or_default();
    baton_core::settings_update::LlmPolicy::parse(&list)
}
