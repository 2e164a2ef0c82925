//! A visitor's data for the erase tests (`tests/tests/erase_*.rs`): a visitor who leaves it
//! everywhere on a site (chats, a note, a ticket with its thread, an unanswered question, refused
//! email replies, an Operator API handoff), and the admin's reads the tests check it with (the
//! agent history, a ticket, the settled statistics).

use std::time::Duration;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::{Event, EventKind};
use reqwest::Method;
use serde_json::{json, Value};

use crate::api::call;
use crate::clients::{start_conversation, Started};
use crate::edge::{unique, Edge, TestSite};
use crate::hooks::{FailurePolicy, WebhookReceiver};
use crate::{AgentSocket, SiteSocket, VisitorSocket};

/// A visitor who asks the bot something it cannot answer (recorded for the admins), chats with
/// an agent (with a note), is archived, and returns to leave a message; answers (conversation
/// id, token) of each conversation.
pub async fn chatted_and_left_a_message(
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
pub const UNANSWERED: &str = "does the zorblax 4711 frobnicate?";

/// An email reply the Email Worker refuses (an unsigned reply address): logged with its
/// sender's address, which is the visitor's data too.
pub async fn refused_reply(edge: &Edge, from: &str, ticket: &str) {
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
        .unwrap_or_else(|e| panic!("email handler: {e}"));
    assert_eq!(response.status().as_u16(), 400, "refused");
}

/// A GET as the site's first agent, its admin.
pub async fn admin_get(edge: &Edge, site: &TestSite, path: &str) -> (u16, Value) {
    call(edge, Method::GET, path, &site.agents[0].token, None).await
}

/// The agent history, as the dashboard reads it.
pub async fn agent_history(edge: &Edge, site: &TestSite, id: &str) -> (u16, Vec<Event>) {
    let (status, body) = admin_get(
        edge,
        site,
        &format!("/api/v1/sites/{}/conversations/{id}", site.id),
    )
    .await;
    let events = serde_json::from_value(body["events"].clone()).unwrap_or_default();
    (status, events)
}

/// Waits until the ticket of this conversation is in D1 (the outbox writes it after the event).
pub async fn ticket_of(edge: &Edge, site: &TestSite, conversation_id: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        let (_, tickets) =
            admin_get(edge, site, &format!("/api/v1/sites/{}/tickets", site.id)).await;
        if let Some(ticket) = tickets
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["conversation_id"] == conversation_id)
        {
            return ticket["id"]
                .as_str()
                .unwrap_or_else(|| panic!("ticket without id: {ticket}"))
                .to_owned();
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
        .unwrap_or_else(|e| panic!("clock before 1970: {e}"))
        .as_millis() as i64;
    format!(
        "/api/v1/sites/{}/stats?from={}&to={}",
        site.id,
        now - 86_400_000,
        now + 86_400_000
    )
}

/// The statistics once every index row is derived (`pending` 0).
pub async fn settled_stats(edge: &Edge, site: &TestSite) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tick.tick().await;
        let (status, stats) = admin_get(edge, site, &stats_path(site)).await;
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

/// The statistics' facts without their ids, in a fixed order: what an erase must leave alone.
pub fn facts_without_ids(stats: &Value) -> Vec<Value> {
    let mut facts: Vec<Value> = stats["facts"].as_array().cloned().unwrap_or_default();
    for fact in &mut facts {
        let Some(fields) = fact.as_object_mut() else {
            panic!("a fact that is not an object: {stats}");
        };
        fields.remove("id");
    }
    facts.sort_by_key(|f| f.to_string());
    facts
}

/// Everything of one visitor's on a site, as [`VisitorFootprint::leave`] left it, with what the
/// tests read it back with.
pub struct VisitorFootprint {
    /// The admin's site socket, connected before the visitor came.
    pub site_socket: SiteSocket,
    pub email: String,
    /// (conversation id, token) of the archived chat and of the left message.
    pub made: Vec<(String, String)>,
    /// The conversation ids of `made`.
    pub ids: Vec<String>,
    /// The left message's ticket, answered by the admin.
    pub ticket: String,
    /// The ticket thread's route.
    pub thread_path: String,
    /// A bystander's email address, with a refused reply and a conversation of his own.
    pub bob: String,
    /// The Operator API key of the bot platform that handed the visitor over.
    pub key: String,
    /// The handed-over conversation, still waiting.
    pub operator_id: String,
    /// Bob's conversation on the same site, which must stay.
    pub bystander: Started,
    /// The settled statistics before any erase.
    pub stats_before: Value,
    /// The unanswered questions' route.
    pub unanswered: String,
    /// The bot platform's webhook receiver, kept alive as long as the footprint.
    pub webhooks: WebhookReceiver,
}

impl VisitorFootprint {
    /// A visitor who chatted, left a message (answered, with refused email replies) and was
    /// handed over by a bot platform, with a bystander beside them; returns once the outbox has
    /// written every row (the archived index row, the thread, the unanswered question).
    pub async fn leave(edge: &Edge, site: &TestSite) -> VisitorFootprint {
        let admin = &site.agents[0];
        let mut site_socket = SiteSocket::connect(edge, site, admin).await;
        let email = format!("{}@example.com", unique("vera"));
        let made = chatted_and_left_a_message(edge, site, &email).await;
        let ids: Vec<String> = made.iter().map(|(id, _)| id.clone()).collect();
        let ticket = ticket_of(edge, site, &ids[1]).await;
        let (status, body) = call(
            edge,
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
        while admin_get(edge, site, &thread_path).await.1["messages"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            assert!(tokio::time::Instant::now() < deadline, "no thread message");
            tick.tick().await;
        }
        // Replies the Email Worker refused, logged with the sender's address: the visitor's (in
        // other letter case) and a bystander's.
        let bob = format!("{}@example.com", unique("bob"));
        refused_reply(edge, &email.to_uppercase(), &ticket).await;
        refused_reply(edge, &bob, &ticket).await;
        // Handed over by a bot platform for the same person: still waiting, only in live lists.
        let receiver = WebhookReceiver::start(FailurePolicy::FirstN(0)).await;
        let (status, key) = call(
            edge,
            Method::POST,
            &format!("/api/v1/sites/{}/api-keys", site.id),
            &admin.token,
            Some(json!({ "name": "DialogStudio", "webhook_url": receiver.url })),
        )
        .await;
        assert_eq!(status, 201, "{key}");
        let key = key["secret"]
            .as_str()
            .unwrap_or_else(|| panic!("api key without secret: {key}"))
            .to_owned();
        let (status, handed) = call(
            edge,
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
        let operator_id = handed["conversation_id"]
            .as_str()
            .unwrap_or_else(|| panic!("handoff without conversation: {handed}"))
            .to_owned();
        site_socket
            .conn
            .wait_for(
                "handoff waiting",
                |f| matches!(f, ServerFrame::ChatWaiting { conversation } if conversation.id == operator_id),
            )
            .await;
        // Someone else's conversation on the same site stays.
        let bystander =
            start_conversation(edge, &site.id, json!({ "name": "Bob", "email": bob })).await;
        // The archived chat's index row (and so its statistics) is written by the outbox: wait
        // for it, or the counts before would miss it.
        let archived = format!("/api/v1/sites/{}/conversations?list=archived", site.id);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        while !admin_get(edge, site, &archived)
            .await
            .1
            .to_string()
            .contains(&ids[0])
        {
            assert!(tokio::time::Instant::now() < deadline, "never archived");
            tick.tick().await;
        }
        let stats_before = settled_stats(edge, site).await;
        // The unanswered question is written by the outbox too.
        let unanswered = format!("/api/v1/sites/{}/unanswered", site.id);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while !admin_get(edge, site, &unanswered)
            .await
            .1
            .to_string()
            .contains("zorblax")
        {
            assert!(tokio::time::Instant::now() < deadline, "never recorded");
            tick.tick().await;
        }
        VisitorFootprint {
            site_socket,
            email,
            made,
            ids,
            ticket,
            thread_path,
            bob,
            key,
            operator_id,
            bystander,
            stats_before,
            unanswered,
            webhooks: receiver,
        }
    }
}
