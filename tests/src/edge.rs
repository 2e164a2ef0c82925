//! The edge under test: where it runs, and how to create isolated sites on it.

use std::process::Stdio;
use std::time::{Duration, Instant};

use baton_core::SiteSettings;
use serde::Deserialize;
use serde_json::json;
use tokio::process::{Child, Command};

/// A running edge: the shared one started by `scripts/test.sh`, or one spawned by a test.
pub struct Edge {
    pub base: String,
    pub bootstrap_token: String,
    pub http: reqwest::Client,
    child: Option<Child>,
}

#[derive(Deserialize, Clone, Debug)]
pub struct TestAgent {
    pub id: String,
    pub email: String,
    pub name: String,
    pub token: String,
}

#[derive(Clone, Debug)]
pub struct TestSite {
    pub id: String,
    pub agents: Vec<TestAgent>,
}

#[derive(Deserialize)]
struct Bootstrapped {
    agents: Vec<TestAgent>,
}

pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{:x}-{}",
        nanos % 0xffff_ffff_ffff,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Settings whose ladder runs in seconds.
pub fn fast_settings() -> SiteSettings {
    SiteSettings {
        wait_notice_ms: 1_000,
        leave_message_offer_ms: 1_000,
        time_to_accept_ms: 3_000,
        contact_details: "Call us on +47 555 0100".into(),
        groups: vec!["sales".into(), "support".into()],
        knowledge_base: vec![baton_core::FaqEntry {
            questions: vec!["What are your opening hours?".into()],
            answer: "We are open from 9 to 17.".into(),
        }],
        ..SiteSettings::default()
    }
}

impl Edge {
    /// The edge `scripts/test.sh` started (`BATON_EDGE_URL`, `BATON_BOOTSTRAP_TOKEN`).
    pub fn shared() -> Self {
        let base =
            std::env::var("BATON_EDGE_URL").unwrap_or_else(|_| "http://127.0.0.1:8787".into());
        let bootstrap_token = std::env::var("BATON_BOOTSTRAP_TOKEN").unwrap_or_default();
        Self {
            base,
            bootstrap_token,
            http: http_client(),
            child: None,
        }
    }

    /// A client of an edge someone else runs.
    pub fn at(base: &str, bootstrap_token: &str) -> Self {
        Self {
            base: base.to_string(),
            bootstrap_token: bootstrap_token.to_string(),
            http: http_client(),
            child: None,
        }
    }

    /// Starts a dedicated `wrangler dev` on `port` with its own state directory (the bundle
    /// must be built already). Stopped by [`Edge::stop`] or when dropped.
    pub async fn spawn(port: u16, persist_dir: &str) -> Self {
        let root = repo_root();
        let token = std::env::var("BATON_BOOTSTRAP_TOKEN").unwrap_or_default();
        let child = Command::new("bash")
            .arg(root.join("scripts/edge-dev.sh"))
            .arg(port.to_string())
            .arg(persist_dir)
            .env("BATON_PREBUILT", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start wrangler dev: {e}"));
        let edge = Self {
            base: format!("http://127.0.0.1:{port}"),
            bootstrap_token: token,
            http: http_client(),
            child: Some(child),
        };
        edge.wait_ready(Duration::from_secs(90)).await;
        edge
    }

    pub async fn wait_ready(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let ok = self
                .http
                .get(format!("{}/api/v1/health", self.base))
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "edge at {} not ready in {limit:?}",
                self.base
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Kills the whole process group (wrangler and its workerd), and waits for it.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                kill_group(pid);
            }
            let _ = child.wait().await;
        }
    }

    /// The spawned wrangler's pid, which is also its process group (`None` for the shared edge).
    pub fn group(&self) -> Option<u32> {
        self.child.as_ref().and_then(|child| child.id())
    }

    pub fn ws_base(&self) -> String {
        self.base.replacen("http", "ws", 1)
    }

    /// Creates a fresh site with `agents` agents named "Agent 1".. (first one admin).
    pub async fn create_site(&self, settings: SiteSettings, agents: usize) -> TestSite {
        self.create_site_with(settings, agents, json!({})).await
    }

    /// Like [`Edge::create_site`], merging `agent_extra` into every agent (groups, max_chats).
    pub async fn create_site_with(
        &self,
        settings: SiteSettings,
        agents: usize,
        agent_extra: serde_json::Value,
    ) -> TestSite {
        let id = unique("site");
        let agent_list: Vec<serde_json::Value> = (0..agents)
            .map(|i| {
                let mut agent = json!({
                    "email": format!("agent{}@{id}.example.com", i + 1),
                    "name": format!("Agent {}", i + 1),
                    "password": "correct horse battery",
                    "role": if i == 0 { "admin" } else { "agent" },
                });
                if let (Some(target), Some(extra)) =
                    (agent.as_object_mut(), agent_extra.as_object())
                {
                    target.extend(extra.clone());
                }
                agent
            })
            .collect();
        let response = self
            .http
            .post(format!("{}/api/v1/bootstrap", self.base))
            .bearer_auth(&self.bootstrap_token)
            .json(&json!({ "site": { "id": id, "name": "Test site", "settings": settings }, "agents": agent_list }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("bootstrap request failed: {e}"));
        assert_eq!(
            response.status(),
            200,
            "bootstrap: {:?}",
            response.text().await
        );
        let created: Bootstrapped = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("bootstrap body: {e}"));
        TestSite {
            id,
            agents: created.agents,
        }
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        if let Some(pid) = self.child.as_ref().and_then(|child| child.id()) {
            kill_group(pid);
        }
    }
}

/// Kills the process group led by `pid` (spawned with its own group). The `--` matters: without
/// it `kill -KILL -PID` may read the group as an option, and a mistaken `-1` kills everything.
fn kill_group(pid: u32) {
    if pid > 1 {
        let _ = std::process::Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pid}")])
            .status();
    }
}

/// A port nobody uses right now, for a dedicated edge, below the kernel's ephemeral range
/// (32768 and up on Linux): such an edge is restarted on the same port, and a port from that
/// range can meanwhile become the local end of any outgoing connection (the suite's clients,
/// workerd's own), which made the restart's bind fail (CI: "edge not ready in 90s").
pub fn free_port() -> u16 {
    const LOW: u16 = 20_000;
    const SPAN: u16 = 12_000;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default()
        ^ std::process::id().wrapping_mul(7919);
    let start = (seed % u32::from(SPAN)) as u16;
    (0..SPAN)
        .map(|i| LOW + (start + i) % SPAN)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .unwrap_or(8799)
}

/// Every request has a deadline, so a stuck edge fails a test instead of hanging the run.
/// No connection is reused: workerd (like the Node servers standing in for push services)
/// closes a keep-alive connection 5 s after its last response, and when its event loop lags (a saturated bench
/// level) that timer can fire before it reads a request sent well inside the 5 s. The request
/// then fails with "connection reset" or "incomplete message" though the edge never saw it.
/// A browser retries such a request; a fresh loopback connection per request avoids it.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_default()
}

pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default()
}
