//! The loopback push service (`tests/push/push-service.mjs`, Node): it makes subscriptions the
//! way a browser does, receives the edge's push requests and checks them with independent
//! implementations (npm `jose` for the VAPID JWT, npm `http_ece` to decrypt). This is the Rust
//! side: start it, make subscriptions, register them as an agent's devices, read what arrived.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::api::call;
use crate::edge::{repo_root, Edge, TestAgent};

pub struct PushService {
    pub base: String,
    http: reqwest::Client,
    _child: Child,
}

#[derive(Deserialize, Clone, Debug)]
pub struct Subscription {
    pub id: String,
    pub endpoint: String,
    pub keys: Value,
}

/// One push request as the service received and checked it.
#[derive(Deserialize, Clone, Debug)]
pub struct Received {
    pub subscription: String,
    /// When it arrived (epoch ms, the service's clock: the same machine's).
    pub at: i64,
    pub ttl: Option<String>,
    pub urgency: Option<String>,
    pub topic: Option<String>,
    pub status: u16,
    /// What the independent checks found wrong (empty: signature, audience, expiry and
    /// decryption all fine).
    pub errors: Vec<String>,
    #[serde(default)]
    pub vapid_key: Option<String>,
    #[serde(default)]
    pub payload: Option<Value>,
}

impl Received {
    pub fn kind(&self) -> &str {
        self.payload
            .as_ref()
            .and_then(|p| p["kind"].as_str())
            .unwrap_or("")
    }
}

impl PushService {
    pub async fn start() -> Self {
        let mut child = Command::new("node")
            .arg(repo_root().join("tests/push/push-service.mjs"))
            .current_dir(repo_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the push service: {e}"));
        let Some(stdout) = child.stdout.take() else {
            panic!("push service without stdout");
        };
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let read = reader.read_line(&mut line);
        tokio::time::timeout(Duration::from_secs(20), read)
            .await
            .unwrap_or_else(|_| panic!("the push service did not start"))
            .unwrap_or_else(|e| panic!("push service: {e}"));
        let port: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("push service said {line:?}: {e}"));
        Self {
            base: format!("http://127.0.0.1:{}", port["port"]),
            http: crate::edge::http_client(),
            _child: child,
        }
    }

    /// A new browser subscription (its private key stays in the service).
    pub async fn subscribe(&self) -> Subscription {
        self.http
            .post(format!("{}/subscriptions", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("subscribe: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("subscribe body: {e}"))
    }

    /// Pushes to `id` are answered with `status` from now on.
    pub async fn answer_with(&self, id: &str, status: u16) {
        self.http
            .post(format!("{}/subscriptions/{id}/status", self.base))
            .json(&json!({ "status": status }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("status: {e}"));
    }

    /// Every push received so far, once at least `count` have arrived (or `limit` passed).
    pub async fn received(&self, count: usize, limit: Duration) -> Vec<Received> {
        self.http
            .get(format!(
                "{}/received?count={count}&timeout_ms={}",
                self.base,
                limit.as_millis()
            ))
            .timeout(limit + Duration::from_secs(5))
            .send()
            .await
            .unwrap_or_else(|e| panic!("received: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("received body: {e}"))
    }

    /// Waits for `count` pushes; fails the test if fewer arrive within 20 s.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let all = self.received(count, Duration::from_secs(20)).await;
        assert!(
            all.len() >= count,
            "expected {count} pushes, got {}: {all:#?}",
            all.len()
        );
        all
    }
}

/// Registers `subscription` as one of `agent`'s devices through the route the dashboard uses.
pub async fn register(edge: &Edge, agent: &TestAgent, subscription: &Subscription) -> Value {
    let (status, device) = call(
        edge,
        reqwest::Method::POST,
        "/api/v1/push/devices",
        &agent.token,
        Some(json!({
            "endpoint": subscription.endpoint,
            "keys": subscription.keys,
            "expirationTime": null,
            "label": format!("Test browser of {}", agent.name),
        })),
    )
    .await;
    assert_eq!(status, 201, "register: {device}");
    device
}

pub async fn devices(edge: &Edge, agent: &TestAgent) -> Vec<Value> {
    let (status, list) = call(
        edge,
        reqwest::Method::GET,
        "/api/v1/push/devices",
        &agent.token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    list.as_array().cloned().unwrap_or_default()
}
