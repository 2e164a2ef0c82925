//! Unanswered questions against `wrangler dev`: what the bot missed is recorded once per message
//! (through the conversation's outbox into D1), near-duplicates are grouped for the site's
//! admins, and an admin's answer (a phrasing of an entry, or a new entry) reaches the next
//! visitor's bot; dismissing removes a group; bad input changes nothing; only the site's admins
//! get in.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::VisitorCommand;
use baton_core::{EventKind, FaqEntry, SiteSettings};
use baton_tests::api::call;
use baton_tests::edge::{fast_settings, TestSite};
use baton_tests::{Edge, VisitorSocket};
use reqwest::Method;
use serde_json::{json, Value};

fn settings() -> SiteSettings {
    let mut settings = fast_settings();
    settings.not_understood_limit = 0; // the bot keeps answering: no handoff in the way
    settings.knowledge_base = vec![
        FaqEntry {
            questions: vec!["What are your opening hours?".into()],
            answer: "We are open from 9 to 17.".into(),
        },
        FaqEntry {
            questions: vec!["Is there parking?".into()],
            answer: "Free parking right by the lake.".into(),
        },
    ];
    settings
}

fn path(site: &TestSite, tail: &str) -> String {
    format!("/api/v1/sites/{}/unanswered{tail}", site.id)
}

async fn groups(edge: &Edge, site: &TestSite) -> Vec<Value> {
    let (status, body) = call(
        edge,
        Method::GET,
        &path(site, ""),
        &site.agents[0].token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["groups"].as_array().cloned().unwrap_or_default()
}

/// Waits until the list shows a group titled like `title` asked `count` times (the outbox
/// writes the rows after the bot's answer).
async fn group_asked(edge: &Edge, site: &TestSite, title: &str, count: u64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        let all = groups(edge, site).await;
        let found = all.iter().find(|g| {
            let titled = g["title"].as_str() == Some(title)
                || g["wordings"]
                    .as_array()
                    .is_some_and(|w| w.iter().any(|w| w == title));
            titled && g["count"].as_u64() >= Some(count)
        });
        if let Some(group) = found {
            return group.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no group {title:?} ×{count}: {all:?}"
        );
    }
}

/// A new visitor asks `text`; answers the conversation and the bot's reply.
async fn ask(edge: &Edge, site: &TestSite, text: &str) -> (String, String) {
    let mut visitor = VisitorSocket::start(edge, site).await;
    visitor.say(text).await;
    // After the greeting: the answer follows the visitor's message.
    visitor
        .conn
        .wait_event("the question", |k| {
            matches!(k, EventKind::VisitorMessage { .. })
        })
        .await;
    let reply = visitor
        .conn
        .wait_event("the answer", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    let EventKind::BotMessage { text, .. } = reply.kind else {
        unreachable!("filtered above")
    };
    (visitor.conversation_id, text)
}

#[tokio::test]
async fn a_missed_question_is_recorded_once_grouped_and_answered_for_the_next_visitor() {
    let edge = Edge::shared();
    let site = edge.create_site(settings(), 2).await;
    let admin = &site.agents[0];

    // Three visitors ask the same thing three ways; the bot misses it each time.
    let (first, reply) = ask(&edge, &site, "where do I leave my car").await;
    assert_ne!(reply, "Free parking right by the lake.");
    let (second, _) = ask(&edge, &site, "Where do I leave my car??").await;
    let (third, _) = ask(&edge, &site, "where can i leave my cars").await;
    // Another question, small talk and a request for a person in one conversation, and the
    // same message resent under its client id (after a reconnect too).
    let mut other = VisitorSocket::start(&edge, &site).await;
    other.say("hi").await;
    other.say("thanks!").await;
    for _ in 0..2 {
        other
            .send(VisitorCommand::Message {
                text: "do you sell gift vouchers".into(),
                client_id: Some("gift-1".into()),
            })
            .await;
    }
    let token = other.token.clone();
    let other_id = other.conversation_id.clone();
    let seen = other.conn.last_seq();
    drop(other);
    let mut other = VisitorSocket::connect(&edge, &other_id, &token, seen).await;
    other
        .send(VisitorCommand::Message {
            text: "do you sell gift vouchers".into(),
            client_id: Some("gift-1".into()),
        })
        .await;
    other.say("can I talk to a person please").await;

    let cars = group_asked(&edge, &site, "Where do I leave my car??", 3).await;
    assert_eq!(cars["count"], 3, "{cars}");
    let conversations: Vec<&str> = cars["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        conversations,
        [third.as_str(), second.as_str(), first.as_str()]
    );
    let gifts = group_asked(&edge, &site, "do you sell gift vouchers", 1).await;
    assert_eq!(gifts["conversations"], json!([other_id]));
    // The request for a person was handled after the vouchers: its absence is settled once
    // the conversation waits or answered (the outbox writes in order of the messages).
    other
        .conn
        .wait_event("handoff", |k| {
            matches!(
                k,
                EventKind::ContactRequested | EventKind::NoAgentsAvailable { .. }
            )
        })
        .await;
    let all = groups(&edge, &site).await;
    assert_eq!(all.len(), 2, "only the two questions: {all:?}");
    assert_eq!(gifts["count"], 1, "a resend is one message");

    // The admin adds it as a phrasing of the parking entry: the next visitor gets the answer.
    let (status, body) = call(
        &edge,
        Method::POST,
        &path(&site, "/resolve"),
        &admin.token,
        Some(json!({ "question": cars["title"], "entry": 1 })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["resolved"], 3, "{body}");
    assert_eq!(body["entry"], 1);
    let (_, reply) = ask(&edge, &site, "Where do I leave my car??").await;
    assert_eq!(reply, "Free parking right by the lake.");
    let (_, settings) = call(
        &edge,
        Method::GET,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        None,
    )
    .await;
    assert_eq!(
        settings["knowledge_base"][1]["questions"],
        json!(["Is there parking?", cars["title"]])
    );
    // Resolved groups are not listed; a new entry from the other one answers it next time.
    let (status, body) = call(
        &edge,
        Method::POST,
        &path(&site, "/resolve"),
        &admin.token,
        Some(json!({
            "question": "do you sell gift vouchers",
            "answer": "Yes, at the front desk.",
            "new_entry": true,
        })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["entry"], 2);
    assert_eq!(groups(&edge, &site).await, Vec::<Value>::new());
    let (_, reply) = ask(&edge, &site, "Do you sell gift vouchers?").await;
    assert_eq!(reply, "Yes, at the front desk.");

    // Dismiss: the group leaves the list, the knowledge base stays as it is.
    ask(&edge, &site, "is the moon made of cheese").await;
    let moon = group_asked(&edge, &site, "is the moon made of cheese", 1).await;
    let (status, body) = call(
        &edge,
        Method::POST,
        &path(&site, "/dismiss"),
        &admin.token,
        Some(json!({ "question": moon["title"] })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dismissed"], 1);
    assert_eq!(groups(&edge, &site).await, Vec::<Value>::new());
    let (status, _) = call(
        &edge,
        Method::POST,
        &path(&site, "/dismiss"),
        &admin.token,
        Some(json!({ "question": moon["title"] })),
    )
    .await;
    assert_eq!(status, 404, "nothing open is like it any more");
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let edge = Edge::shared();
    let site = edge.create_site(settings(), 2).await;
    let admin = &site.agents[0];
    ask(&edge, &site, "do you sell gift vouchers").await;
    group_asked(&edge, &site, "do you sell gift vouchers", 1).await;
    let settings_path = format!("/api/v1/sites/{}/settings", site.id);
    let (_, before) = call(&edge, Method::GET, &settings_path, &admin.token, None).await;
    let groups_before = groups(&edge, &site).await;
    let long = "x".repeat(501);
    let bad = [
        json!({}),
        json!({ "question": "" }),
        json!({ "question": "do you sell gift vouchers" }),
        json!({ "question": "  ", "entry": 0 }),
        json!({ "question": "do you sell gift vouchers", "entry": 2 }),
        json!({ "question": "do you sell gift vouchers", "entry": -1 }),
        json!({ "question": "do you sell gift vouchers", "entry": "zero" }),
        json!({ "question": "do you sell gift vouchers", "entry": 0, "new_entry": true, "answer": "a" }),
        json!({ "question": "do you sell gift vouchers", "new_entry": true }),
        json!({ "question": "do you sell gift vouchers", "new_entry": true, "answer": " " }),
        json!({ "question": long, "entry": 0 }),
        json!({ "question": "do you sell gift vouchers", "entry": 0, "extra": 1 }),
        json!([1, 2]),
    ];
    for body in bad {
        let (status, answer) = call(
            &edge,
            Method::POST,
            &path(&site, "/resolve"),
            &admin.token,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    let (status, answer) = call(
        &edge,
        Method::POST,
        &path(&site, "/resolve"),
        &admin.token,
        Some(json!({ "question": long, "entry": 0 })),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["message"], "`knowledge_base` entry 1 needs 1-50 questions of 1-500 characters",
        "the settings save's own message"
    );
    for body in [
        json!({}),
        json!({ "question": " " }),
        json!({ "question": "x", "y": 1 }),
    ] {
        let (status, answer) = call(
            &edge,
            Method::POST,
            &path(&site, "/dismiss"),
            &admin.token,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 400, "{body}: {answer}");
    }
    let raw = edge
        .http
        .post(format!("{}{}", edge.base, path(&site, "/resolve")))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let (_, after) = call(&edge, Method::GET, &settings_path, &admin.token, None).await;
    assert_eq!(after, before, "the settings are unchanged");
    assert_eq!(
        groups(&edge, &site).await,
        groups_before,
        "the list is unchanged"
    );
}

#[tokio::test]
async fn only_the_sites_admins_see_and_answer_its_questions() {
    let edge = Edge::shared();
    let site = edge.create_site(settings(), 2).await;
    let other = edge.create_site(settings(), 1).await;
    ask(&edge, &site, "do you rent wetsuits").await;
    group_asked(&edge, &site, "do you rent wetsuits", 1).await;
    let plain = &site.agents[1];
    let outsider = &other.agents[0];
    for token in [&plain.token, &outsider.token] {
        let (status, _) = call(&edge, Method::GET, &path(&site, ""), token, None).await;
        assert_eq!(status, 403);
        let (status, _) = call(
            &edge,
            Method::POST,
            &path(&site, "/resolve"),
            token,
            Some(json!({ "question": "do you rent wetsuits", "entry": 0 })),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = call(
            &edge,
            Method::POST,
            &path(&site, "/dismiss"),
            token,
            Some(json!({ "question": "do you rent wetsuits" })),
        )
        .await;
        assert_eq!(status, 403);
    }
    // The other site's own list holds none of this site's questions.
    assert_eq!(groups(&edge, &other).await, Vec::<Value>::new());
    group_asked(&edge, &site, "do you rent wetsuits", 1).await;
}
