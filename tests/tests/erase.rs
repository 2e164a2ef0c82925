//! The visitor's data on request against `wrangler dev`: an admin exports everything about a
//! visitor (every event the agent history shows, tickets with their email threads) and erases
//! it; afterwards no route, socket, list, ticket, statistic or Operator API call returns any of
//! it, the statistics keep their counts, and the log says who, when and how many, never what.
//! Bad requests change nothing. A visitor erases their own conversation from the socket, and
//! the site's retention setting erases quiet conversations on the site's alarm.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand, CLOSE_ERASED};
use baton_core::{Event, EventKind};
use baton_tests::api::call;
use baton_tests::clients::{start_conversation, Conn};
use baton_tests::edge::{fast_settings, unique, TestSite};
use baton_tests::hooks::{FailurePolicy, WebhookReceiver};
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};
use reqwest::Method;
use serde_json::{json, Value};

/// A visitor who asks the bot something it cannot answer (recorded for the admins), chats with
/// an agent (with a note), is archived, and returns to leave a message; answers (conversation
/// id, token) of each conversation.
async fn chatted_and_left_a_message(
    edge: &Edge,
    site: &TestSite,
    email: &str,
) -> Vec<(String, String)> {
    let mut made = Vec::new();
    let started =
        start_conversation(edge, &site.id, json!({ "name": "Vera", "email": email })).await;
    let mut visitor =
        VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
    visitor.say(UNANSWERED).await;
    visitor
        .conn
        .wait_event(
            "the question",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == UNANSWERED),
        )
        .await;
    visitor
        .conn
        .wait_event("not understood", |k| {
            matches!(k, EventKind::BotMessage { .. })
        })
        .await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    let mut agent =
        AgentSocket::connect(edge, site, &site.agents[0], &started.conversation_id, 0).await;
    agent.send(AgentCommand::Accept).await;
    agent
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    agent
        .send(AgentCommand::Comment {
            text: "note: Vera's order 4711".into(),
        })
        .await;
    visitor.say("my order 4711 never came").await;
    agent
        .conn
        .wait_event(
            "visitor message",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text.contains("4711")),
        )
        .await;
    agent.send(AgentCommand::LeaveAndArchive).await;
    visitor
        .conn
        .wait_event("agent left", |k| matches!(k, EventKind::AgentLeft { .. }))
        .await;
    made.push((started.conversation_id, started.token));

    let started =
        start_conversation(edge, &site.id, json!({ "name": "Vera", "email": email })).await;
    let mut visitor =
        VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: email.into(),
            message: "please call me about 4711".into(),
        })
        .await;
    visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;
    made.push((started.conversation_id, started.token));
    made
}

/// A question the bot cannot answer: recorded as unanswered, visitor data like the rest.
const UNANSWERED: &str = "does the zorblax 4711 frobnicate?";

/// An email reply the Email Worker refuses (an unsigned reply address): logged with its
/// sender's address, which is the visitor's data too.
async fn refused_reply(edge: &Edge, from: &str, ticket: &str) {
    let to = format!("ticket+{ticket}@example.com");
    let raw = format!(
        "From: <{from}>\r\nTo: <{to}>\r\nSubject: Re: your message\r\n\
         Message-ID: <{}@x.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nhello again",
        unique("refused")
    );
    let response = edge
        .http
        .post(format!("{}/cdn-cgi/handler/email", edge.base))
        .query(&[("from", from), ("to", to.as_str())])
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400, "refused");
}

async fn get(edge: &Edge, site: &TestSite, path: &str) -> (u16, Value) {
    call(edge, Method::GET, path, &site.agents[0].token, None).await
}

/// The agent history, as the dashboard reads it.
async fn history(edge: &Edge, site: &TestSite, id: &str) -> (u16, Vec<Event>) {
    let (status, body) = get(
        edge,
        site,
        &format!("/api/v1/sites/{}/conversations/{id}", site.id),
    )
    .await;
    let events = serde_json::from_value(body["events"].clone()).unwrap_or_default();
    (status, events)
}

/// Waits until the ticket of this conversation is in D1 (the outbox writes it after the event).
async fn ticket_of(edge: &Edge, site: &TestSite, conversation_id: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        let (_, tickets) = get(edge, site, &format!("/api/v1/sites/{}/tickets", site.id)).await;
        if let Some(ticket) = tickets
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["conversation_id"] == conversation_id)
        {
            return ticket["id"].as_str().unwrap().to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no ticket: {tickets}"
        );
    }
}

fn stats_path(site: &TestSite) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    format!(
        "/api/v1/sites/{}/stats?from={}&to={}",
        site.id,
        now - 86_400_000,
        now + 86_400_000
    )
}

/// The statistics once every index row is derived (`pending` 0).
async fn settled_stats(edge: &Edge, site: &TestSite) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        let (status, stats) = get(edge, site, &stats_path(site)).await;
        assert_eq!(status, 200, "{stats}");
        if stats["pending"] == 0 {
            return stats;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "stats pending: {stats}"
        );
    }
}

fn facts_without_ids(stats: &Value) -> Vec<Value> {
    let mut facts: Vec<Value> = stats["facts"].as_array().cloned().unwrap_or_default();
    for fact in &mut facts {
        fact.as_object_mut().unwrap().remove("id");
    }
    facts.sort_by_key(|f| f.to_string());
    facts
}

#[tokio::test]
async fn an_erase_by_email_leaves_nothing_of_the_visitor_anywhere() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let other_site = edge.create_site(fast_settings(), 1).await;
    let (admin, plain) = (&site.agents[0], &site.agents[1]);
    let mut site_socket = SiteSocket::connect(&edge, &site, admin).await;
    let email = format!("{}@example.com", unique("vera"));
    let made = chatted_and_left_a_message(&edge, &site, &email).await;
    let ids: Vec<String> = made.iter().map(|(id, _)| id.clone()).collect();
    let ticket = ticket_of(&edge, &site, &ids[1]).await;
    let (status, body) = call(
        &edge,
        Method::POST,
        &format!("/api/v1/sites/{}/tickets/{ticket}/answers", site.id),
        &admin.token,
        Some(json!({ "text": "We will call you, Vera." })),
    )
    .await;
    assert!(status < 300, "answer: {status} {body}");
    // The thread row is written by the outbox after the answer.
    let thread_path = format!("/api/v1/sites/{}/tickets/{ticket}", site.id);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    while get(&edge, &site, &thread_path).await.1["messages"]
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        assert!(tokio::time::Instant::now() < deadline, "no thread message");
        tick.tick().await;
    }
    // Replies the Email Worker refused, logged with the sender's address: the visitor's (in
    // other letter case) and a bystander's.
    let bob = format!("{}@example.com", unique("bob"));
    refused_reply(&edge, &email.to_uppercase(), &ticket).await;
    refused_reply(&edge, &bob, &ticket).await;
    // Handed over by a bot platform for the same person: still waiting, only in live lists.
    let receiver = WebhookReceiver::start(FailurePolicy::FirstN(0)).await;
    let (status, key) = call(
        &edge,
        Method::POST,
        &format!("/api/v1/sites/{}/api-keys", site.id),
        &admin.token,
        Some(json!({ "name": "DialogStudio", "webhook_url": receiver.url })),
    )
    .await;
    assert_eq!(status, 201, "{key}");
    let key = key["secret"].as_str().unwrap().to_owned();
    let (status, handed) = call(
        &edge,
        Method::POST,
        "/api/v1/operator/handoffs",
        &key,
        Some(json!({
            "visitor": { "name": "Vera", "email": email },
            "external_id": unique("ext"),
            "history": [{ "from": "visitor", "text": "order 4711 again" }],
        })),
    )
    .await;
    assert_eq!(status, 201, "{handed}");
    let operator_id = handed["conversation_id"].as_str().unwrap().to_owned();
    site_socket
        .conn
        .wait_for(
            "handoff waiting",
            |f| matches!(f, ServerFrame::ChatWaiting { conversation } if conversation.id == operator_id),
        )
        .await;
    // Someone else's conversation on the same site stays.
    let bystander =
        start_conversation(&edge, &site.id, json!({ "name": "Bob", "email": bob })).await;
    // The archived chat's index row (and so its statistics) is written by the outbox: wait
    // for it, or the counts before would miss it.
    let archived = format!("/api/v1/sites/{}/conversations?list=archived", site.id);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    while !get(&edge, &site, &archived)
        .await
        .1
        .to_string()
        .contains(&ids[0])
    {
        assert!(tokio::time::Instant::now() < deadline, "never archived");
        tick.tick().await;
    }
    let stats_before = settled_stats(&edge, &site).await;
    // The unanswered question is written by the outbox too.
    let unanswered = format!("/api/v1/sites/{}/unanswered", site.id);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !get(&edge, &site, &unanswered)
        .await
        .1
        .to_string()
        .contains("zorblax")
    {
        assert!(tokio::time::Instant::now() < deadline, "never recorded");
        tick.tick().await;
    }

    // The export holds every event the agent history shows, and the ticket with its thread.
    // (Histories first: events only ever get added, and the waiting handoff's ladder goes on.)
    let mut histories = Vec::new();
    for id in ids.iter().chain([&operator_id]) {
        let (status, shown) = history(&edge, &site, id).await;
        assert_eq!(status, 200);
        histories.push((id.clone(), shown));
    }
    let export_path = format!("/api/v1/sites/{}/privacy/export?email={email}", site.id);
    let (status, export) = get(&edge, &site, &export_path).await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["format"], "baton-visitor-export/1");
    let exported: Vec<&str> = export["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for (id, shown) in &histories {
        assert!(
            exported.contains(&id.as_str()),
            "{id} missing from {exported:?}"
        );
        let conversation = export["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id.as_str())
            .unwrap();
        let events: Vec<Event> = serde_json::from_value(conversation["events"].clone()).unwrap();
        for event in shown {
            assert!(events.contains(event), "{event:?} not exported");
        }
    }
    assert!(!exported.contains(&bystander.conversation_id.as_str()));
    assert!(export.to_string().contains("note: Vera's order 4711"));
    let tickets = export["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["thread"][0]["body"], "We will call you, Vera.");
    let asked = export["unanswered"].as_array().unwrap();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0]["text"], UNANSWERED);
    assert_eq!(asked[0]["conversation_id"], ids[0].as_str());
    // The refused reply from the visitor's address, not the bystander's; the reply address
    // (which names no site) is left out.
    let refused = export["refused_emails"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["sender"], email.to_uppercase());
    assert_eq!(refused[0]["reason"], "unknown reply address");
    assert!(refused[0].get("recipient").is_none(), "{refused:?}");
    let bob_export = format!("/api/v1/sites/{}/privacy/export?email={bob}", site.id);
    let refused_of_bob = |export: Value| export["refused_emails"].clone();
    assert_eq!(
        refused_of_bob(get(&edge, &site, &bob_export).await.1)[0]["sender"],
        bob.as_str()
    );

    // Bad requests: a clear error, nothing changes.
    let erase = format!("/api/v1/sites/{}/privacy/erase", site.id);
    let refusals = [
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "email": "nobody-here@example.com" }),
            404,
        ),
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "email": "not an email" }),
            400,
        ),
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "email": email, "conversation": ids[0] }),
            400,
        ),
        (admin.token.as_str(), erase.clone(), json!({}), 400),
        (
            admin.token.as_str(),
            erase.clone(),
            json!({ "conversation": "../../x" }),
            400,
        ),
        (
            plain.token.as_str(),
            erase.clone(),
            json!({ "email": email }),
            403,
        ),
        // An admin of another site, on this site, and on their own site for this conversation.
        (
            other_site.agents[0].token.as_str(),
            erase.clone(),
            json!({ "email": email }),
            403,
        ),
        (
            other_site.agents[0].token.as_str(),
            format!("/api/v1/sites/{}/privacy/erase", other_site.id),
            json!({ "conversation": ids[0] }),
            404,
        ),
        (
            other_site.agents[0].token.as_str(),
            format!("/api/v1/sites/{}/privacy/erase", other_site.id),
            json!({ "email": email }),
            404,
        ),
    ];
    for (token, path, body, expected) in refusals {
        let (status, answer) = call(&edge, Method::POST, &path, token, Some(body.clone())).await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    let (status, _) = call(&edge, Method::GET, &export_path, &plain.token, None).await;
    assert_eq!(status, 403, "a plain agent cannot export");
    let (_, again) = get(&edge, &site, &export_path).await;
    // (The waiting handoff's ladder moves on meanwhile: compare what is stored, not its state.)
    let ids_of = |export: &Value| -> Vec<String> {
        export["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids_of(&again), ids_of(&export), "nothing changed");
    assert_eq!(again["tickets"], export["tickets"], "nothing changed");
    assert_eq!(again["unanswered"], export["unanswered"], "nothing changed");
    let log_path = format!("/api/v1/sites/{}/privacy/erasures", site.id);
    let (_, log) = get(&edge, &site, &log_path).await;
    assert_eq!(log["erasures"], json!([]));

    // The erase.
    let (status, record) = call(
        &edge,
        Method::POST,
        &erase,
        &admin.token,
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["conversations"], 3, "{record}");
    assert_eq!(record["cause"], "email");
    assert_eq!(record["by"]["agent_id"], admin.id.as_str());
    assert!(record["counts"]["events"].as_u64().unwrap() > 5, "{record}");
    assert_eq!(record["counts"]["tickets"], 1, "{record}");
    assert_eq!(record["counts"]["ticket_messages"], 1, "{record}");
    assert_eq!(record["counts"]["unanswered_questions"], 1, "{record}");
    assert_eq!(record["counts"]["refused_emails"], 1, "{record}");
    assert!(
        record["counts"]["index_rows"].as_u64().unwrap() >= 1,
        "{record}"
    );
    site_socket
        .conn
        .wait_for(
            "erased from the lists",
            |f| matches!(f, ServerFrame::ConversationErased { conversation_id } if *conversation_id == operator_id),
        )
        .await;

    // Nothing of it is returned anywhere.
    let leaks = |text: &str| {
        let mut found: Vec<String> = ids
            .iter()
            .chain([&operator_id, &ticket])
            .filter(|id| text.contains(id.as_str()))
            .cloned()
            .collect();
        // " 4711" with its space: every text of the visitor's has one before it, and a bare
        // "4711" also turns up inside timestamps (1765074711…), a false leak now and then.
        for data in [email.as_str(), " 4711", "We will call you"] {
            if text.contains(data) {
                found.push(data.into());
            }
        }
        found
    };
    for id in ids.iter().chain([&operator_id]) {
        let (status, _) = history(&edge, &site, id).await;
        assert_eq!(status, 404, "agent history of {id}");
    }
    for (id, token) in &made {
        let url = format!(
            "{}/api/v1/conversations/{id}/ws?token={token}&after=0",
            edge.ws_base()
        );
        assert!(
            Conn::open(&url, None).await.is_err(),
            "visitor socket resumed"
        );
        let events = format!(
            "{}/api/v1/conversations/{id}/events?token={token}",
            edge.base
        );
        let answer = edge.http.get(events).send().await.unwrap();
        assert_eq!(answer.status(), 404);
    }
    for list in ["active", "monitor", "missed", "archived"] {
        let (status, body) = get(
            &edge,
            &site,
            &format!("/api/v1/sites/{}/conversations?list={list}", site.id),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            leaks(&body.to_string()),
            Vec::<String>::new(),
            "{list}: {body}"
        );
    }
    let fresh = SiteSocket::connect(&edge, &site, admin).await;
    let snapshot = format!("{:?}", fresh.conn.frames);
    assert_eq!(leaks(&snapshot), Vec::<String>::new(), "site snapshot");
    assert!(
        snapshot.contains(&bystander.conversation_id),
        "the bystander stays"
    );
    for status in ["open", "closed"] {
        let (_, body) = get(
            &edge,
            &site,
            &format!("/api/v1/sites/{}/tickets?status={status}", site.id),
        )
        .await;
        assert_eq!(
            leaks(&body.to_string()),
            Vec::<String>::new(),
            "tickets: {body}"
        );
    }
    let (status, _) = get(&edge, &site, &thread_path).await;
    assert_eq!(status, 404, "ticket thread");
    let (status, body) = get(&edge, &site, &unanswered).await;
    assert_eq!(status, 200);
    assert_eq!(
        leaks(&body.to_string()),
        Vec::<String>::new(),
        "unanswered questions: {body}"
    );
    assert!(!body.to_string().contains("zorblax"), "{body}");
    let (status, _) = call(
        &edge,
        Method::POST,
        &format!("/api/v1/operator/conversations/{operator_id}/messages"),
        &key,
        Some(json!({ "text": "still there?" })),
    )
    .await;
    assert_eq!(status, 404, "operator relay to an erased conversation");
    let stats_after = settled_stats(&edge, &site).await;
    assert_eq!(
        leaks(&stats_after.to_string()),
        Vec::<String>::new(),
        "stats"
    );
    assert_eq!(
        facts_without_ids(&stats_before),
        facts_without_ids(&stats_after),
        "the counts stay"
    );
    let (status, _) = get(&edge, &site, &export_path).await;
    assert_eq!(status, 404, "nothing left to export");
    // The bystander's refused reply stays.
    assert_eq!(
        refused_of_bob(get(&edge, &site, &bob_export).await.1)
            .as_array()
            .map(Vec::len),
        Some(1),
        "the bystander's refused reply stays"
    );
    let (_, log) = get(&edge, &site, &log_path).await;
    let entries = log["erasures"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(
        leaks(&log.to_string()),
        Vec::<String>::new(),
        "the log holds no data"
    );

    // Cannot be undone, and a second erase finds nothing (and logs nothing).
    let (status, _) = call(
        &edge,
        Method::POST,
        &erase,
        &admin.token,
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(status, 404);
    let (_, log) = get(&edge, &site, &log_path).await;
    assert_eq!(log["erasures"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_visitor_deletes_their_own_conversation() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut site_socket = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor.say("delete me after this").await;
    visitor
        .conn
        .wait_event("bot answer", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    let id = visitor.conversation_id.clone();
    visitor.send(VisitorCommand::Erase).await;
    let (code, _) = visitor
        .conn
        .wait_closed(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(code, CLOSE_ERASED);
    site_socket
        .conn
        .wait_for(
            "erased",
            |f| matches!(f, ServerFrame::ConversationErased { conversation_id } if *conversation_id == id),
        )
        .await;
    let url = format!(
        "{}/api/v1/conversations/{id}/ws?token={}&after=0",
        edge.ws_base(),
        visitor.token
    );
    assert!(
        Conn::open(&url, None).await.is_err(),
        "the old token opens nothing"
    );
    assert_eq!(history(&edge, &site, &id).await.0, 404);
    let (_, log) = get(
        &edge,
        &site,
        &format!("/api/v1/sites/{}/privacy/erasures", site.id),
    )
    .await;
    let entry = &log["erasures"][0];
    assert_eq!(entry["by"]["type"], "visitor", "{log}");
    assert_eq!(entry["cause"], "visitor");
    assert_eq!(entry["conversations"], 1);
    assert!(!log.to_string().contains(&id));
}

#[tokio::test]
async fn retention_erases_quiet_conversations_on_the_sites_alarm() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let admin = &site.agents[0];
    let mut site_socket = SiteSocket::connect(&edge, &site, admin).await;
    // A bot-only conversation (Monitor rows only) and an archived one (D1 index).
    let mut bot_only = VisitorSocket::start(&edge, &site).await;
    bot_only.say("hello").await;
    bot_only
        .conn
        .wait_event("bot answer", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    let archived =
        chatted_and_left_a_message(&edge, &site, &format!("{}@example.com", unique("old"))).await;
    // A live chat is never erased under the visitor.
    let mut live = VisitorSocket::waiting(&edge, &site).await;
    let mut agent = AgentSocket::connect(&edge, &site, admin, &live.conversation_id, 0).await;
    agent.send(AgentCommand::Accept).await;
    live.conn
        .wait_event("joined", |k| matches!(k, EventKind::AgentJoined { .. }))
        .await;

    let (status, body) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        Some(json!({ "retention_ms": 2_000 })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["retention_ms"], 2_000);
    let mut erased = std::collections::BTreeSet::new();
    let expected: std::collections::BTreeSet<String> = archived
        .iter()
        .map(|(id, _)| id.clone())
        .chain([bot_only.conversation_id.clone()])
        .collect();
    while erased != expected {
        let frame = site_socket
            .conn
            .wait_for_within("retention erase", Duration::from_secs(20), |f| {
                matches!(f, ServerFrame::ConversationErased { .. })
            })
            .await;
        if let ServerFrame::ConversationErased { conversation_id } = frame {
            assert!(
                expected.contains(&conversation_id),
                "erased {conversation_id}"
            );
            erased.insert(conversation_id);
        }
    }
    let (code, _) = bot_only
        .conn
        .wait_closed(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(code, CLOSE_ERASED);
    assert_eq!(history(&edge, &site, &archived[0].0).await.0, 404);
    assert_eq!(
        history(&edge, &site, &live.conversation_id).await.0,
        200,
        "live stays"
    );
    let (_, log) = get(
        &edge,
        &site,
        &format!("/api/v1/sites/{}/privacy/erasures", site.id),
    )
    .await;
    let entries = log["erasures"].as_array().unwrap();
    assert!(
        entries.iter().all(|e| e["by"]["type"] == "retention"),
        "{log}"
    );
    let total: u64 = entries
        .iter()
        .map(|e| e["conversations"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 3, "{log}");
    // Bad values are refused and change nothing.
    let (status, body) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        Some(json!({ "retention_ms": -5 })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // Off again: nothing more is erased.
    let (status, _) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        &admin.token,
        Some(json!({ "retention_ms": 0 })),
    )
    .await;
    assert_eq!(status, 200);
}
