//! The two sources the chaos check compares, each read independently of the other: D1 with
//! `wrangler d1 execute` (not through the edge), and each conversation's own history and the
//! site's live lists from their Durable Objects.

use std::collections::BTreeMap;

use baton_core::ConversationSummary;
use baton_core::Event;
use serde::Deserialize;

use crate::edge::{Edge, TestSite};

#[derive(Deserialize)]
struct D1Answer {
    results: Vec<serde_json::Value>,
}

/// Runs one read-only query against the local D1 with wrangler (not through the edge).
pub fn d1(state: &str, sql: &str) -> Result<Vec<serde_json::Value>, String> {
    let wrangler = std::env::var("WRANGLER_BIN").unwrap_or_else(|_| "wrangler".into());
    let output = std::process::Command::new(wrangler)
        .current_dir(crate::edge::repo_root().join("edge"))
        .env("CI", "true")
        .args([
            "d1",
            "execute",
            "DB",
            "--local",
            "--persist-to",
            state,
            "--json",
        ])
        .args(["--command", sql])
        .output()
        .map_err(|e| format!("wrangler d1 execute: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).to_string());
    }
    let answers: Vec<D1Answer> =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("d1 output: {e}"))?;
    Ok(answers.into_iter().flat_map(|a| a.results).collect())
}

/// A conversation as its Durable Object tells it.
#[derive(Deserialize)]
pub struct History {
    pub summary: ConversationSummary,
    pub events: Vec<Event>,
}

/// The conversation as the site's first agent reads it (`None`: unreadable).
pub async fn history(edge: &Edge, site: &TestSite, id: &str) -> Option<History> {
    let response = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/conversations/{id}",
            edge.base, site.id
        ))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .ok()?;
    response.json().await.ok()
}

/// The site's live lists (Active and Monitor) as an agent's dashboard receives them on connect.
pub(super) async fn live_lists(
    edge: &Edge,
    site: &TestSite,
) -> BTreeMap<String, ConversationSummary> {
    let url = format!("{}/api/v1/sites/{}/ws", edge.ws_base(), site.id);
    let Ok(mut conn) = crate::clients::Conn::open(&url, Some(&site.agents[0].token)).await else {
        return BTreeMap::new();
    };
    let rows = match conn
        .wait_for("snapshot", |f| {
            matches!(f, baton_core::protocol::ServerFrame::Snapshot { .. })
        })
        .await
    {
        baton_core::protocol::ServerFrame::Snapshot { conversations, .. } => conversations,
        _ => Vec::new(),
    };
    rows.into_iter().map(|row| (row.id.clone(), row)).collect()
}
