//! The email digest against `wrangler dev`: an agent turns it on for a site; a chat nobody
//! accepted and a left message follow; the scheduled run (wrangler's `/__scheduled`, which runs
//! the worker's cron handler) emails that agent one digest listing both, with links into the
//! dashboard — and nobody who left it off. The next digest lists only what is new.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::{EventKind, SiteSettings};
use baton_tests::api::call;
use baton_tests::clients::start_conversation;
use baton_tests::edge::{fast_settings, unique};
use baton_tests::mail::{sent_mail, SentMail};
use baton_tests::{Edge, SiteSocket, TestSite, VisitorSocket};
use reqwest::Method;
use serde_json::{json, Value};

const EVERY_MS: i64 = 1_500;

fn settings() -> SiteSettings {
    SiteSettings {
        digest_every_ms: EVERY_MS,
        ..fast_settings()
    }
}

/// Runs the cron handler (as Cloudflare would every 15 minutes) until a digest for `to`
/// arrives that was not among `seen`; returns it. Runs before it is due send nothing.
async fn next_digest(edge: &Edge, to: &str, seen: usize) -> SentMail {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let status = edge
            .http
            .get(format!("{}/__scheduled", edge.base))
            .query(&[("cron", "*/15 * * * *")])
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "scheduled run: {status}");
        let mine = digests_to(to);
        if mine.len() > seen {
            assert_eq!(mine.len(), seen + 1, "one digest per run: {mine:?}");
            return mine.into_iter().last().unwrap();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no digest for {to} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn digests_to(to: &str) -> Vec<SentMail> {
    sent_mail()
        .unwrap()
        .into_iter()
        .filter(|m| m.to == [to.to_owned()])
        .collect()
}

async fn digest_setting(edge: &Edge, site: &TestSite, agent: usize, body: Option<Value>) -> Value {
    let method = if body.is_some() {
        Method::PATCH
    } else {
        Method::GET
    };
    let token = &site.agents[agent].token;
    let (status, answer) = call(edge, method, "/api/v1/digest", token, body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

/// A chat that waits for the online agent and is missed (3 s ladder); answers its id.
async fn missed_chat(edge: &Edge, site: &TestSite, name: &str) -> (String, VisitorSocket) {
    let started = start_conversation(
        edge,
        &site.id,
        json!({ "name": name, "email": format!("{}@visitor.example", unique("v")) }),
    )
    .await;
    let mut visitor =
        VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
    visitor
        .send(VisitorCommand::Message {
            text: "Can I bring my <b>dog</b> on the tour?".into(),
            client_id: Some(unique("m")),
        })
        .await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("missed", |k| matches!(k, EventKind::Missed { .. }))
        .await;
    (started.conversation_id, visitor)
}

async fn leave_message(visitor: &mut VisitorSocket, name: &str, message: &str) {
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: name.into(),
            email: format!("{}@visitor.example", unique("t")),
            message: message.into(),
        })
        .await;
    visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;
}

#[tokio::test]
async fn a_digest_lists_what_was_missed_once_and_only_for_agents_who_turned_it_on() {
    let edge = Edge::shared();
    let site = edge.create_site(settings(), 2).await;
    let (ann, bob) = (&site.agents[0], &site.agents[1]);

    // Off by default; Ann turns it on, Bob leaves it off.
    let before = digest_setting(&edge, &site, 0, None).await;
    assert_eq!(before[0]["site_id"], json!(site.id));
    assert_eq!(before[0]["enabled"], json!(false));
    assert_eq!(before[0]["every_ms"], json!(EVERY_MS));
    let site_name = before[0]["site_name"].as_str().unwrap().to_owned();
    let on = digest_setting(
        &edge,
        &site,
        0,
        Some(json!({ "sites": { &site.id: true } })),
    )
    .await;
    assert_eq!(on[0]["enabled"], json!(true));
    assert_eq!(
        digest_setting(&edge, &site, 1, None).await[0]["enabled"],
        json!(false)
    );

    // A chat nobody accepted in time, then its visitor leaves a message.
    let _online = SiteSocket::connect(&edge, &site, ann).await;
    let (chat, mut visitor) = missed_chat(&edge, &site, "Vera").await;
    leave_message(&mut visitor, "Vera", "Please call me back about the dog.").await;

    let digest = next_digest(&edge, &ann.email, 0).await;
    assert_eq!(
        digest.subject,
        format!("{site_name}: 1 missed chat and 1 new ticket")
    );
    assert!(digest.text.starts_with("Hello Agent 1,"), "{}", digest.text);
    assert!(
        digest.text.contains("Missed chat: Vera <"),
        "{}",
        digest.text
    );
    assert!(digest.text.contains("Ticket: Vera <"), "{}", digest.text);
    assert!(digest.text.contains("Please call me back about the dog."));
    let link = format!("{}/app/#/{}/missed/{chat}", edge.base, site.id);
    assert!(digest.text.contains(&link), "{link} in {}", digest.text);
    let html = digest.html.clone().unwrap();
    assert!(!html.contains("<b>dog</b>"), "visitor text escaped: {html}");
    assert!(digest_to_nobody_else(&bob.email));

    // The next digest holds only what is new: a second missed chat.
    let (second, _visitor) = missed_chat(&edge, &site, "Walt").await;
    let next = next_digest(&edge, &ann.email, 1).await;
    assert_eq!(next.subject, format!("{site_name}: 1 missed chat"));
    assert!(
        next.text.contains(&format!("/missed/{second}")),
        "{}",
        next.text
    );
    assert!(
        !next.text.contains(&chat),
        "already reported: {}",
        next.text
    );
    assert!(!next.text.contains("Ticket:"), "{}", next.text);
    assert!(digest_to_nobody_else(&bob.email));

    // Turned off: it stays off (the row is gone, so no run can send one).
    let off = digest_setting(
        &edge,
        &site,
        0,
        Some(json!({ "sites": { &site.id: false } })),
    )
    .await;
    assert_eq!(off[0]["enabled"], json!(false));
}

fn digest_to_nobody_else(email: &str) -> bool {
    digests_to(email).is_empty()
}

#[tokio::test]
async fn bad_digest_settings_are_refused_and_change_nothing() {
    let edge = Edge::shared();
    let site = edge.create_site(settings(), 1).await;
    let other = edge.create_site(settings(), 1).await;
    let token = &site.agents[0].token;
    for (body, status) in [
        (json!({ "sites": {} }), 400),
        (json!({ "sites": { &site.id: true }, "extra": 1 }), 400),
        (json!({ "sites": { &site.id: "yes" } }), 400),
        (json!({ "sites": { &other.id: true } }), 403),
        (json!({ "sites": { &site.id: true, &other.id: true } }), 403),
    ] {
        let (got, answer) = call(
            &edge,
            Method::PATCH,
            "/api/v1/digest",
            token,
            Some(body.clone()),
        )
        .await;
        assert_eq!(got, status, "{body} → {answer}");
        assert!(answer["message"].is_string(), "a clear error: {answer}");
    }
    let (got, _) = call(&edge, Method::GET, "/api/v1/digest", "not-a-session", None).await;
    assert_eq!(got, 401);
    let now = digest_setting(&edge, &site, 0, None).await;
    assert_eq!(
        now.as_array().unwrap().len(),
        1,
        "only the agent's own sites: {now}"
    );
    assert_eq!(
        now[0]["enabled"],
        json!(false),
        "nothing was turned on: {now}"
    );

    // The period is a site setting with bounds.
    let path = format!("/api/v1/sites/{}/settings", site.id);
    for bad in [0, 999, 8 * 24 * 3_600_000_i64] {
        let (got, answer) = call(
            &edge,
            Method::PATCH,
            &path,
            token,
            Some(json!({ "digest_every_ms": bad })),
        )
        .await;
        assert_eq!(got, 400, "{bad} → {answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains("digest_every_ms"),
            "{answer}"
        );
    }
}
