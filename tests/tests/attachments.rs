//! Files in chats against `wrangler dev` (R2 simulated on disk): both ways and on internal
//! notes, checked on their bytes, served so that no browser runs them, reachable only by the
//! conversation's visitor and the site's agents, and gone with the conversation's data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::attachment::{AttachmentPolicy, Family};
use baton_core::protocol::{AgentCommand, ServerFrame};
use baton_core::{EventKind, FileRef, SiteSettings};
use baton_tests::api::call;
use baton_tests::edge::{fast_settings, TestSite};
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};
use reqwest::Method;
use serde_json::{json, Value};

/// The smallest valid PNG: magic number and IHDR, then bytes.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn settings() -> SiteSettings {
    SiteSettings {
        // Nobody is missed while the test works.
        time_to_accept_ms: 120_000,
        ..fast_settings()
    }
}

/// A visitor handed over to Ann, who accepted: a live chat.
async fn live_chat(edge: &Edge, site: &TestSite) -> (VisitorSocket, AgentSocket) {
    let visitor = VisitorSocket::waiting(edge, site).await;
    let mut ann =
        AgentSocket::connect(edge, site, &site.agents[0], &visitor.conversation_id, 0).await;
    ann.send(AgentCommand::Accept).await;
    ann.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    (visitor, ann)
}

struct Sent {
    status: u16,
    body: Value,
}

impl Sent {
    fn file(&self) -> FileRef {
        assert_eq!(self.status, 201, "{}", self.body);
        serde_json::from_value(self.body["file"].clone()).unwrap()
    }
}

async fn send(edge: &Edge, url: &str, token: Option<&str>, kind: &str, bytes: &[u8]) -> Sent {
    let mut request = edge
        .http
        .post(format!("{}{url}", edge.base))
        .header("content-type", kind)
        .body(bytes.to_vec());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Sent { status, body }
}

async fn visitor_sends(
    edge: &Edge,
    visitor: &VisitorSocket,
    name: &str,
    kind: &str,
    bytes: &[u8],
) -> Sent {
    let url = format!(
        "/api/v1/conversations/{}/attachments?token={}&name={name}",
        visitor.conversation_id, visitor.token
    );
    send(edge, &url, None, kind, bytes).await
}

async fn agent_sends(
    edge: &Edge,
    site: &TestSite,
    token: &str,
    id: &str,
    query: &str,
    kind: &str,
    bytes: &[u8],
) -> Sent {
    let url = format!(
        "/api/v1/sites/{}/conversations/{id}/attachments?{query}",
        site.id
    );
    send(edge, &url, Some(token), kind, bytes).await
}

struct Fetched {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Fetched {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

async fn fetch(edge: &Edge, url: &str, token: Option<&str>) -> Fetched {
    let mut request = edge.http.get(format!("{}{url}", edge.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    Fetched {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        bytes: response
            .bytes()
            .await
            .map(|b| b.to_vec())
            .unwrap_or_default(),
    }
}

fn visitor_url(visitor: &VisitorSocket, file: &str, token: &str) -> String {
    format!(
        "/api/v1/conversations/{}/attachments/{file}?token={token}",
        visitor.conversation_id
    )
}

fn agent_url(site: &TestSite, id: &str, file: &str) -> String {
    format!(
        "/api/v1/sites/{}/conversations/{id}/attachments/{file}",
        site.id
    )
}

fn attachment_ids(events: &[baton_core::Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Attachment { file, .. } => Some(file.id.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn files_go_both_ways_and_a_notes_file_stays_with_the_agents() {
    let edge = Edge::shared();
    let site = edge.create_site(settings(), 2).await;
    let _ann_site = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let (mut visitor, mut ann) = live_chat(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let (ann_token, bob_token) = (&site.agents[0].token, &site.agents[1].token);

    // The visitor pastes a screenshot: Ann sees it as an image and may fetch it.
    let png = visitor_sends(&edge, &visitor, "screenshot.png", "image/png", PNG)
        .await
        .file();
    assert!(png.inline && png.mime == "image/png" && png.size == PNG.len() as u64);
    let seen = ann
        .conn
        .wait_event("the visitor's file", |k| {
            matches!(k, EventKind::Attachment { agent: None, file, internal: false } if file.id == png.id)
        })
        .await;
    assert!(seen.seq > 0);
    let got = fetch(&edge, &agent_url(&site, &id, &png.id), Some(ann_token)).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.bytes, PNG);
    assert_eq!(got.header("content-type"), "image/png");
    assert!(got.header("content-disposition").starts_with("inline;"));
    assert_eq!(got.header("x-content-type-options"), "nosniff");
    assert!(got.header("content-security-policy").contains("sandbox"));

    // Ann sends a PDF: the visitor gets it as a download.
    let pdf = agent_sends(
        &edge,
        &site,
        ann_token,
        &id,
        "name=bill.pdf",
        "application/pdf",
        PDF,
    )
    .await
    .file();
    visitor
        .conn
        .wait_event("the agent's file", |k| {
            matches!(k, EventKind::Attachment { agent: Some(a), file, .. } if file.id == pdf.id && a.id == site.agents[0].id)
        })
        .await;
    let got = fetch(&edge, &visitor_url(&visitor, &pdf.id, &visitor.token), None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.bytes, PDF);
    assert!(got.header("content-disposition").starts_with("attachment;"));
    assert!(got.header("content-disposition").contains("bill.pdf"));

    // Bob, not holding the chat, cannot send to the visitor; his note's file is for agents.
    let refused = agent_sends(
        &edge,
        &site,
        bob_token,
        &id,
        "name=x.pdf",
        "application/pdf",
        PDF,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let note = agent_sends(
        &edge,
        &site,
        bob_token,
        &id,
        "name=notes.txt&internal=true",
        "text/plain",
        b"visitor seems to be on the old plan",
    )
    .await
    .file();
    ann.conn
        .wait_event("the note's file", |k| {
            matches!(k, EventKind::Attachment { internal: true, file, .. } if file.id == note.id)
        })
        .await;
    assert_eq!(
        fetch(&edge, &agent_url(&site, &id, &note.id), Some(ann_token))
            .await
            .status,
        200
    );
    assert_eq!(
        fetch(
            &edge,
            &visitor_url(&visitor, &note.id, &visitor.token),
            None
        )
        .await
        .status,
        404,
        "a note's file is not the visitor's"
    );
    // The visitor's history and socket never carried it.
    visitor.say("thanks!").await;
    visitor
        .conn
        .wait_event(
            "own message",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "thanks!"),
        )
        .await;
    assert_eq!(
        attachment_ids(&visitor.conn.events()),
        [png.id.clone(), pdf.id.clone()]
    );
    let history = format!("/api/v1/conversations/{id}/events?token={}", visitor.token);
    let events: Vec<baton_core::Event> =
        serde_json::from_slice(&fetch(&edge, &history, None).await.bytes).unwrap();
    assert_eq!(attachment_ids(&events), [png.id.clone(), pdf.id.clone()]);

    // An erase takes the files with it.
    let erase = format!("/api/v1/sites/{}/privacy/erase", site.id);
    let (status, record) = call(
        &edge,
        Method::POST,
        &erase,
        ann_token,
        Some(json!({ "conversation": id })),
    )
    .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["counts"]["attachments"], 3, "{record}");
    assert_ne!(
        fetch(&edge, &agent_url(&site, &id, &png.id), Some(ann_token))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn bad_files_and_wrong_callers_are_refused_and_nothing_is_stored() {
    let edge = Edge::shared();
    let site = edge
        .create_site(
            SiteSettings {
                attachments: AttachmentPolicy {
                    max_bytes: 2_048,
                    allowed: vec![Family::Image, Family::Text],
                },
                ..settings()
            },
            1,
        )
        .await;
    let other = edge.create_site(settings(), 1).await;
    let _ann_site = SiteSocket::connect(&edge, &site, &site.agents[0]).await;

    // In a bot conversation there is nobody to read a file.
    let bot_only = VisitorSocket::start(&edge, &site).await;
    let sent = visitor_sends(&edge, &bot_only, "a.png", "image/png", PNG).await;
    assert_eq!(sent.status, 409, "{}", sent.body);

    let (visitor, _ann) = live_chat(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let mut oversize = PNG.to_vec();
    oversize.resize(3_000, 0);
    let mut polyglot = PNG.to_vec();
    polyglot.extend_from_slice(b"<script>alert(1)</script>");
    let html = b"<html><body><script>alert(1)</script></body></html>";
    let refusals: [(&str, &str, &[u8], u16); 6] = [
        ("big.png", "image/png", &oversize, 413),
        ("bill.pdf", "application/pdf", PDF, 415),
        ("cat.png", "image/png", html, 415),
        ("cat.png", "image/png", &polyglot, 415),
        ("page.html", "text/html", html, 415),
        ("", "image/png", PNG, 400),
    ];
    for (name, kind, bytes, want) in refusals {
        let sent = visitor_sends(&edge, &visitor, name, kind, bytes).await;
        assert_eq!(sent.status, want, "{name}: {}", sent.body);
        assert!(
            sent.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            sent.body
        );
    }
    // The right file passes, once.
    let good = visitor_sends(&edge, &visitor, "cat.png", "image/png", PNG)
        .await
        .file();

    // Wrong callers: no token, another conversation's token, another site's agent.
    let own = visitor_url(&visitor, &good.id, &visitor.token);
    assert_eq!(fetch(&edge, &own, None).await.status, 200);
    assert_eq!(
        fetch(&edge, &visitor_url(&visitor, &good.id, ""), None)
            .await
            .status,
        401
    );
    let foreign = visitor_url(&visitor, &good.id, &bot_only.token);
    assert_eq!(fetch(&edge, &foreign, None).await.status, 401);
    let stranger = &other.agents[0].token;
    assert_eq!(
        fetch(&edge, &agent_url(&site, &id, &good.id), Some(stranger))
            .await
            .status,
        403
    );
    let upload = agent_sends(&edge, &site, stranger, &id, "name=a.png", "image/png", PNG).await;
    assert_eq!(upload.status, 403);
    // Through the other site's path the conversation is not found.
    assert_eq!(
        fetch(&edge, &agent_url(&other, &id, &good.id), Some(stranger))
            .await
            .status,
        404
    );
    assert_eq!(
        fetch(
            &edge,
            &visitor_url(&visitor, "0123abcd", &visitor.token),
            None
        )
        .await
        .status,
        404
    );

    // Only the accepted file was stored: the history has one, and the erase deletes one.
    let state = call(
        &edge,
        Method::GET,
        &format!("/api/v1/sites/{}/conversations/{id}", site.id),
        &site.agents[0].token,
        None,
    )
    .await
    .1;
    let events: Vec<baton_core::Event> = serde_json::from_value(state["events"].clone()).unwrap();
    assert_eq!(attachment_ids(&events), [good.id]);
    let erase = format!("/api/v1/sites/{}/privacy/erase", site.id);
    let (status, record) = call(
        &edge,
        Method::POST,
        &erase,
        &site.agents[0].token,
        Some(json!({ "conversation": id })),
    )
    .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["counts"]["attachments"], 1, "{record}");
}
