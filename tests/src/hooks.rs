//! A loopback webhook receiver: a plain HTTP/1.1 server on 127.0.0.1 that records every request
//! (headers and body), answers some of them with 500 on purpose, and deduplicates deliveries by
//! their idempotency key, as the API docs ask a receiver to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
    /// What the receiver answered.
    pub status: u16,
}

/// Which requests fail.
#[derive(Clone, Copy, Debug)]
pub enum FailurePolicy {
    /// The first `n` requests get 500, the rest 204.
    FirstN(u32),
    /// Each request gets 500 with this probability (per mille), from a seeded generator, after
    /// `delay_ms` (a slow receiver keeps deliveries in flight longer, where a crash hurts).
    Random {
        per_mille: u32,
        seed: u64,
        delay_ms: u64,
    },
}

struct Inner {
    policy: FailurePolicy,
    served: u32,
    rng: u64,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct WebhookReceiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl WebhookReceiver {
    pub async fn start(policy: FailurePolicy) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("cannot bind the webhook receiver: {e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let seed = match policy {
            FailurePolicy::Random { seed, .. } => seed,
            FailurePolicy::FirstN(_) => 1,
        };
        let inner = Arc::new(Mutex::new(Inner {
            policy,
            served: 0,
            rng: seed.max(1),
            received: Vec::new(),
        }));
        let shared = inner.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = shared.clone();
                tokio::spawn(async move { serve(socket, shared).await });
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hooks/tickets"),
            inner,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner
            .lock()
            .map(|inner| inner.received.clone())
            .unwrap_or_default()
    }

    /// Accepted deliveries (2xx) by idempotency key, with how many times each was accepted.
    pub fn accepted(&self) -> HashMap<String, u32> {
        let mut keys = HashMap::new();
        for request in self.received().into_iter().filter(|r| r.status < 300) {
            let key = request
                .headers
                .get("baton-idempotency-key")
                .cloned()
                .unwrap_or_default();
            *keys.entry(key).or_insert(0) += 1;
        }
        keys
    }

    /// Waits until `done` holds for what was received, or panics after `limit`.
    pub async fn wait_until(
        &self,
        limit: Duration,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + limit;
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        loop {
            if done(&self.received()) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "webhook receiver: {what} not within {limit:?}; got {:?}",
                self.received()
                    .iter()
                    .map(|r| (r.status, r.headers.get("baton-idempotency-key").cloned()))
                    .collect::<Vec<_>>()
            );
            tick.tick().await;
        }
    }
}

/// Decides this request's answer.
fn answer(inner: &mut Inner) -> u16 {
    inner.served += 1;
    let fail = match inner.policy {
        FailurePolicy::FirstN(n) => inner.served <= n,
        FailurePolicy::Random { per_mille, .. } => {
            // xorshift64: deterministic for a seed, no dependency.
            let mut x = inner.rng;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            inner.rng = x;
            (x % 1000) < u64::from(per_mille)
        }
    };
    if fail {
        500
    } else {
        204
    }
}

async fn serve(mut socket: TcpStream, inner: Arc<Mutex<Inner>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, content_length) = loop {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_string();
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            break (end + 4, length);
        }
    };
    while buffer.len() < head_end + content_length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let body = String::from_utf8_lossy(&buffer[head_end..head_end + content_length]).to_string();
    let mut lines = head.lines();
    let path = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or_default()
        .to_string();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let delay = match inner.lock().map(|i| i.policy) {
        Ok(FailurePolicy::Random { delay_ms, .. }) => delay_ms,
        _ => 0,
    };
    tokio::time::sleep(Duration::from_millis(delay)).await;
    let status = match inner.lock() {
        Ok(mut inner) => {
            let status = answer(&mut inner);
            inner.received.push(Received {
                path,
                headers,
                body,
                status,
            });
            status
        }
        Err(_) => 500,
    };
    let reason = if status == 204 {
        "No Content"
    } else {
        "Internal Server Error"
    };
    let response =
        format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let _ = socket.write_all(response.as_bytes()).await;
    let _ = socket.shutdown().await;
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Checks a `baton-signature` header the way docs/API.md tells a receiver to, with this crate's
/// own HMAC: `t=<secs>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub fn signature_valid(secret: &str, header: &str, body: &str) -> bool {
    let parts: HashMap<&str, &str> = header
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let (Some(t), Some(v1)) = (parts.get("t"), parts.get("v1")) else {
        return false;
    };
    let message = format!("{t}.{body}");
    crate::hmac_sha256_hex(secret.as_bytes(), message.as_bytes()) == *v1
}
