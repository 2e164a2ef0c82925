//! Agent API calls the security tests share: a JSON call with a bearer token, a sign-in from a
//! given client address, a second session of an agent, and the fixed windows of a limit.

use std::time::{Duration, Instant};

use baton_core::api::SignedIn;
use serde_json::{json, Value};

use crate::clients::visitor_address;
use crate::edge::{Edge, TestAgent};

pub const PASSWORD: &str = "correct horse battery";

pub async fn call(
    edge: &Edge,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = edge
        .http
        .request(method, format!("{}{path}", edge.base))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Signs in from `address` and answers (status, body, elapsed).
pub async fn login(
    edge: &Edge,
    address: &str,
    email: &str,
    password: &str,
) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = edge
        .http
        .post(format!("{}/api/v1/auth/login", edge.base))
        .header("cf-connecting-ip", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, elapsed)
}

/// A second session of the same agent, as signing in on another device gives.
pub async fn new_session(edge: &Edge, agent: &TestAgent) -> TestAgent {
    let (status, body, _) = login(edge, &visitor_address(), &agent.email, PASSWORD).await;
    assert_eq!(status, 200, "login: {body}");
    let signed_in: SignedIn =
        serde_json::from_value(body).unwrap_or_else(|e| panic!("login answer: {e}"));
    TestAgent {
        token: signed_in.token,
        ..agent.clone()
    }
}

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Which fixed window of `limit` the wall clock is in (the edge counts in the same windows).
pub fn window_of(limit: baton_core::limits::Limit) -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64 / limit.window_ms)
        .unwrap_or(0)
}
