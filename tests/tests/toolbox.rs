//! The agent's toolbox against `wrangler dev`: the handoff summary an agent gets with a chat
//! (why, what the bot answered and could not, earlier conversations by email), suggested
//! answers and knowledge-base search, and canned replies (site and personal, who may write
//! them, bad input refused with nothing stored, usage counts).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::{EventKind, FaqEntry, SiteSettings};
use baton_tests::api::call;
use baton_tests::edge::{fast_settings, unique, TestSite};
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};
use reqwest::Method;
use serde_json::{json, Value};

fn kayak_settings() -> SiteSettings {
    let entry = |qs: &[&str], a: &str| FaqEntry {
        questions: qs.iter().map(|q| (*q).to_string()).collect(),
        answer: a.to_string(),
    };
    SiteSettings {
        knowledge_base: vec![
            entry(
                &["Do you rent kayaks?", "kayak rental", "can I hire a kayak"],
                "Yes, single and double kayaks from 25 EUR a day.",
            ),
            entry(
                &[
                    "Where do we meet?",
                    "meeting point",
                    "where does the tour start",
                ],
                "At the boathouse on Harbour Road 4.",
            ),
            entry(
                &["Can I cancel my booking?", "refund", "cancellation policy"],
                "Free cancellation up to 48 hours before the tour.",
            ),
        ],
        ..fast_settings()
    }
}

async fn state_of(edge: &Edge, site: &TestSite, id: &str) -> Value {
    let path = format!("/api/v1/sites/{}/conversations/{id}", site.id);
    let (status, body) = call(edge, Method::GET, &path, &site.agents[0].token, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// A visitor who gave `email` asks for a person; Ann accepts and archives the chat.
async fn earlier_chat(edge: &Edge, site: &TestSite, email: &str) -> String {
    let known = json!({ "name": "Vera", "email": email });
    let started = baton_tests::clients::start_conversation(edge, &site.id, known).await;
    let mut visitor =
        VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let id = started.conversation_id;
    let mut ann = AgentSocket::connect(edge, site, &site.agents[0], &id, 0).await;
    ann.send(AgentCommand::Accept).await;
    ann.conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    ann.send(AgentCommand::LeaveAndArchive).await;
    ann.conn
        .wait_event("archived", |k| matches!(k, EventKind::Archived { .. }))
        .await;
    id
}

#[tokio::test]
async fn the_agent_gets_a_summary_of_what_the_bot_did() {
    let edge = Edge::shared();
    let site = edge.create_site(kayak_settings(), 2).await;
    let _ann_site = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let email = format!("{}@example.com", unique("vera"));
    let before = earlier_chat(&edge, &site, &email).await;

    let mut visitor = VisitorSocket::start(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let answers = [
        ("Do you rent kayaks?", "single and double"),
        ("where is the meeting point?", "Harbour Road"),
        ("Is the lake warm enough for swimming in October?", ""),
    ];
    for (question, answer) in answers {
        visitor.say(question).await;
        visitor
            .conn
            .wait_event(question, |k| {
                matches!(k, EventKind::BotMessage { text, offer_human, .. }
                    if (answer.is_empty() && *offer_human) || (!answer.is_empty() && text.contains(answer)))
            })
            .await;
    }
    let none = state_of(&edge, &site, &id).await;
    assert_eq!(none["handoff"], Value::Null, "no summary before a handoff");

    visitor.say("can I talk to a person?").await;
    visitor
        .conn
        .wait_event("contact form", |k| *k == EventKind::ContactRequested)
        .await;
    visitor
        .send(VisitorCommand::Contact {
            name: "Vera".into(),
            email: email.to_uppercase(),
        })
        .await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;

    let state = state_of(&edge, &site, &id).await;
    let summary = &state["handoff"];
    assert_eq!(summary["reason"], "asked_for_person");
    let questions: Vec<(String, String, String)> = summary["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let text = q["text"].as_str().unwrap_or_default().to_string();
            let outcome = q["outcome"].as_str().unwrap_or_default().to_string();
            let entry = q["entry"].as_str().unwrap_or_default().to_string();
            (text, outcome, entry)
        })
        .collect();
    let q = |t: &str, o: &str, e: &str| (t.to_string(), o.to_string(), e.to_string());
    assert_eq!(
        questions,
        [
            q("Do you rent kayaks?", "answered", "Do you rent kayaks?"),
            q(
                "where is the meeting point?",
                "answered",
                "Where do we meet?"
            ),
            q(
                "Is the lake warm enough for swimming in October?",
                "unanswered",
                ""
            ),
        ]
    );
    assert_eq!(summary["pages"], json!(["https://shop.example/pricing"]));
    assert_eq!(summary["language"], "en");
    assert!(summary["waited_ms"].as_i64().is_some_and(|w| w >= 0));
    let earlier = summary["earlier"].as_array().unwrap();
    assert_eq!(
        earlier.len(),
        1,
        "the earlier chat by the same email: {earlier:?}"
    );
    assert_eq!(earlier[0]["id"], before.as_str());
    assert_eq!(earlier[0]["phase"], "archived");

    // The visitor's side never carries it.
    let events = edge
        .http
        .get(format!(
            "{}/api/v1/conversations/{id}/events?token={}",
            edge.base, visitor.token
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!events.contains("asked_for_person") && !events.contains("handoff"));
}

#[tokio::test]
async fn suggestions_come_from_the_knowledge_base() {
    let edge = Edge::shared();
    let site = edge.create_site(kayak_settings(), 1).await;
    let token = &site.agents[0].token;
    let path = |q: &str| format!("/api/v1/sites/{}/suggestions?q={q}", site.id);
    let (status, found) = call(
        &edge,
        Method::GET,
        &path("I%20want%20a%20refund"),
        token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(found[0]["title"], "Can I cancel my booking?");
    assert!(found[0]["answer"].as_str().unwrap().contains("48 hours"));
    assert!(found.as_array().unwrap().len() <= 3);
    let (_, none) = call(&edge, Method::GET, &path("zebra%20xylophone"), token, None).await;
    assert_eq!(none, json!([]));
    let (status, _) = call(
        &edge,
        Method::GET,
        &format!("{}&limit=0", path("kayak")),
        token,
        None,
    )
    .await;
    assert_eq!(status, 400);
    let long = "a".repeat(2_001);
    let (status, _) = call(&edge, Method::GET, &path(&long), token, None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn canned_replies_site_and_personal() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let other = edge.create_site(fast_settings(), 1).await;
    let (admin, agent) = (&site.agents[0].token, &site.agents[1].token);
    let base = format!("/api/v1/sites/{}/canned-replies", site.id);

    // A plain agent may not add the site's replies, but may add their own.
    let site_reply =
        json!({ "shortcut": "/Hello", "text": "Hi {visitor.name}, {agent.name} here." });
    let (status, _) = call(&edge, Method::POST, &base, agent, Some(site_reply.clone())).await;
    assert_eq!(status, 403);
    let (status, hello) = call(&edge, Method::POST, &base, admin, Some(site_reply.clone())).await;
    assert_eq!(status, 201, "{hello}");
    assert_eq!(hello["shortcut"], "hello");
    assert_eq!(hello["personal"], false);
    let (status, _) = call(&edge, Method::POST, &base, admin, Some(site_reply)).await;
    assert_eq!(status, 409, "one /hello per site");
    let mine = json!({ "shortcut": "hello", "text": "Hey, Bob here!", "personal": true });
    let (status, bobs) = call(&edge, Method::POST, &base, agent, Some(mine)).await;
    assert_eq!(status, 201, "a personal /hello next to the site's");

    // Bad input: refused, nothing stored.
    for bad in [
        json!({ "shortcut": "two words", "text": "x" }),
        json!({ "shortcut": "ok", "text": "  " }),
        json!({ "shortcut": "ok", "text": "Hi {visitor.nmae}" }),
        json!({ "shortcut": "ok", "text": "x", "owner": "someone" }),
        json!({ "shortcut": "ok", "text": "x".repeat(4_001) }),
    ] {
        let (status, body) = call(&edge, Method::POST, &base, admin, Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad} → {body}");
    }

    // Each sees the site's and their own; nobody else's.
    let (_, for_admin) = call(&edge, Method::GET, &base, admin, None).await;
    assert_eq!(for_admin.as_array().unwrap().len(), 1);
    let (_, for_agent) = call(&edge, Method::GET, &base, agent, None).await;
    assert_eq!(for_agent.as_array().unwrap().len(), 2);
    let bob_path = format!("{base}/{}", bobs["id"].as_str().unwrap());
    let hello_path = format!("{base}/{}", hello["id"].as_str().unwrap());
    let (status, _) = call(&edge, Method::DELETE, &bob_path, admin, None).await;
    assert_eq!(
        status, 404,
        "an admin cannot see another agent's personal reply"
    );
    let change = json!({ "text": "Hello {visitor.name}!" });
    let (status, _) = call(
        &edge,
        Method::PATCH,
        &hello_path,
        agent,
        Some(change.clone()),
    )
    .await;
    assert_eq!(status, 403, "the site's replies are the admins'");
    let (status, changed) = call(&edge, Method::PATCH, &hello_path, admin, Some(change)).await;
    assert_eq!(
        (status, changed["text"].as_str()),
        (200, Some("Hello {visitor.name}!"))
    );
    let (status, _) = call(&edge, Method::PATCH, &hello_path, admin, Some(json!({}))).await;
    assert_eq!(status, 400);

    // Usage counts, by anyone who can see it; another site's agent cannot reach it at all.
    for expected in 1..=2 {
        let (status, used) = call(
            &edge,
            Method::POST,
            &format!("{hello_path}/use"),
            agent,
            None,
        )
        .await;
        assert_eq!((status, used["uses"].as_u64()), (200, Some(expected)));
    }
    let stranger = &other.agents[0].token;
    let (status, _) = call(&edge, Method::GET, &base, stranger, None).await;
    assert_eq!(status, 403);
    let other_base = format!("/api/v1/sites/{}/canned-replies", other.id);
    let (status, _) = call(
        &edge,
        Method::POST,
        &format!("{other_base}/{}/use", hello["id"].as_str().unwrap()),
        stranger,
        None,
    )
    .await;
    assert_eq!(status, 404, "ids are scoped by site");
    let (_, listed) = call(&edge, Method::GET, &base, agent, None).await;
    let hello_now = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == hello["id"])
        .cloned()
        .unwrap();
    assert_eq!(hello_now["uses"], 2);

    let (status, _) = call(&edge, Method::DELETE, &bob_path, agent, None).await;
    assert_eq!(status, 200);
    let (_, after) = call(&edge, Method::GET, &base, agent, None).await;
    assert_eq!(after.as_array().unwrap().len(), 1);
}
