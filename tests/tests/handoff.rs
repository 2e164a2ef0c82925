//! The full handoff path over real WebSockets against `wrangler dev`: bot → human request →
//! contact → two agents notified → one accepts → messages both ways → leave & archive → bot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::api::Ticket;
use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::{EventKind, Phase};
use baton_tests::edge::fast_settings;
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};

#[tokio::test]
async fn visitor_is_handed_to_an_agent_and_back_to_the_bot() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let (ann, bob) = (&site.agents[0], &site.agents[1]);
    let mut ann_site = SiteSocket::connect(&edge, &site, ann).await;
    let mut bob_site = SiteSocket::connect(&edge, &site, bob).await;

    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor
        .conn
        .wait_event("greeting", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    visitor.say("What are your opening hours?").await;
    let answer = visitor
        .conn
        .wait_event(
            "bot answer",
            |k| matches!(k, EventKind::BotMessage { text, .. } if text.contains("9 to 17")),
        )
        .await;
    assert!(answer.seq >= 3);

    visitor.say("can I talk to a person please?").await;
    visitor
        .conn
        .wait_event("contact form", |k| *k == EventKind::ContactRequested)
        .await;
    visitor
        .send(VisitorCommand::Contact {
            name: "Vera Visitor".into(),
            email: "vera@example.com".into(),
        })
        .await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;

    let id = visitor.conversation_id.clone();
    for site_socket in [&mut ann_site, &mut bob_site] {
        let waiting = site_socket
            .conn
            .wait_for(
                "chat waiting notice",
                |f| matches!(f, ServerFrame::ChatWaiting { conversation } if conversation.id == id),
            )
            .await;
        let ServerFrame::ChatWaiting { conversation } = waiting else {
            unreachable!()
        };
        assert_eq!(conversation.visitor.name.as_deref(), Some("Vera Visitor"));
        assert_eq!(
            conversation.visitor.page.as_deref(),
            Some("https://shop.example/pricing")
        );
    }

    let mut ann_chat = AgentSocket::connect(&edge, &site, ann, &id, 0).await;
    let mut bob_chat = AgentSocket::connect(&edge, &site, bob, &id, 0).await;
    // The agent sees the whole bot part of the history.
    ann_chat
        .conn
        .wait_event("history", |k| matches!(k, EventKind::VisitorMessage { text, .. } if text.contains("opening hours")))
        .await;
    ann_chat.send(AgentCommand::Accept).await;
    ann_chat
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    bob_chat.send(AgentCommand::Accept).await;
    let lost = bob_chat
        .conn
        .wait_for("taken by", |f| {
            matches!(f, ServerFrame::AlreadyClaimed { .. })
        })
        .await;
    assert!(matches!(lost, ServerFrame::AlreadyClaimed { by, .. } if by.name == "Agent 1"));
    bob_site
        .conn
        .wait_for("list shows who holds it", |f| {
            matches!(f, ServerFrame::ConversationUpdated { conversation }
                if conversation.id == id && conversation.phase == Phase::Live
                && conversation.agent.as_ref().map(|a| a.name.as_str()) == Some("Agent 1"))
        })
        .await;

    let joined = visitor
        .conn
        .wait_event("agent joined", |k| {
            matches!(k, EventKind::AgentJoined { .. })
        })
        .await;
    assert!(matches!(joined.kind, EventKind::AgentJoined { agent } if agent.name == "Agent 1"));

    visitor.say("Hello, is anyone there?").await;
    ann_chat
        .conn
        .wait_event("visitor message", |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "Hello, is anyone there?"))
        .await;
    ann_chat
        .send(AgentCommand::Message {
            text: "Hi Vera, Ann here.".into(),
            client_id: None,
        })
        .await;
    let reply = visitor
        .conn
        .wait_event("agent message", |k| {
            matches!(k, EventKind::AgentMessage { .. })
        })
        .await;
    assert!(
        matches!(reply.kind, EventKind::AgentMessage { agent, text, .. } if agent.name == "Agent 1" && text == "Hi Vera, Ann here.")
    );
    // A co-worker can read but not write.
    bob_chat
        .send(AgentCommand::Message {
            text: "me too".into(),
            client_id: None,
        })
        .await;
    bob_chat
        .conn
        .wait_for("not holder", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: baton_core::ErrorCode::NotHolder,
                    ..
                }
            )
        })
        .await;
    // Internal comments never reach the visitor.
    bob_chat
        .send(AgentCommand::Comment {
            text: "VIP customer".into(),
        })
        .await;
    ann_chat
        .conn
        .wait_event("comment", |k| {
            matches!(k, EventKind::InternalComment { .. })
        })
        .await;

    ann_chat.send(AgentCommand::LeaveAndArchive).await;
    visitor
        .conn
        .wait_event("agent left", |k| matches!(k, EventKind::AgentLeft { .. }))
        .await;
    visitor.say("What are your opening hours?").await;
    let again = visitor
        .conn
        .wait_event(
            "bot again",
            |k| matches!(k, EventKind::BotMessage { text, .. } if text.contains("9 to 17")),
        )
        .await;
    assert!(again.seq > reply.seq);
    assert!(
        !visitor
            .conn
            .events()
            .iter()
            .any(|e| matches!(e.kind, EventKind::InternalComment { .. })),
        "the visitor never sees internal comments"
    );
    let seqs: Vec<u64> = visitor.conn.events().iter().map(|e| e.seq).collect();
    let mut sorted = seqs.clone();
    sorted.dedup();
    assert_eq!(seqs, sorted, "strictly increasing, no duplicates");

    let archived: Vec<baton_core::ConversationSummary> = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/conversations?list=archived",
            edge.base, site.id
        ))
        .bearer_auth(&ann.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(archived.iter().any(|c| c.id == id), "listed under Archived");
}

#[tokio::test]
async fn nobody_online_means_contact_details_and_a_ticket() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    let none = visitor
        .conn
        .wait_event("no agents", |k| {
            matches!(k, EventKind::NoAgentsAvailable { .. })
        })
        .await;
    assert!(
        matches!(none.kind, EventKind::NoAgentsAvailable { contact_details } if contact_details.contains("555 0100"))
    );
    visitor
        .conn
        .wait_event("offer", |k| *k == EventKind::LeaveMessageOffered)
        .await;
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: "Please call me back about the family tour.".into(),
        })
        .await;
    visitor
        .conn
        .wait_event("ticket", |k| matches!(k, EventKind::TicketCreated { .. }))
        .await;
    let tickets: Vec<Ticket> = edge
        .http
        .get(format!("{}/api/v1/sites/{}/tickets", edge.base, site.id))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(
        tickets[0].message,
        "Please call me back about the family tour."
    );
    assert_eq!(tickets[0].email, "vera@example.com");
    assert_eq!(tickets[0].status, "open");
}

#[tokio::test]
async fn an_agent_who_is_unavailable_is_not_counted() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut ann_site = SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    ann_site.set_available(false).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor.say("I want to talk to a human").await;
    visitor
        .conn
        .wait_event("no agents", |k| {
            matches!(k, EventKind::NoAgentsAvailable { .. })
        })
        .await;
}

#[tokio::test]
async fn a_left_message_is_posted_to_the_sites_webhook() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!(
        "http://127.0.0.1:{}/tickets",
        listener.local_addr().unwrap().port()
    );
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.ticket_webhook_url = hook;
    let site = edge.create_site(settings, 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: "Webhook me".into(),
        })
        .await;
    let received = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !String::from_utf8_lossy(&request).contains("Webhook me") {
            let n = socket.read(&mut buffer).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        let _ = socket
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .await;
        String::from_utf8_lossy(&request).to_string()
    })
    .await
    .expect("the webhook was called");
    assert!(received.starts_with("POST /tickets"), "{received}");
    assert!(received.contains("\"email\":\"vera@example.com\""));
}
