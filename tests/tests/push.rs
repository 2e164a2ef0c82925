//! Web Push end to end: agents register devices through the dashboard's routes, the edge pushes
//! to a loopback push service that checks every request independently (VAPID JWT with `jose`,
//! aes128gcm decrypted with `http_ece`), and the payloads reach exactly the agents the rules say.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::EventKind;
use baton_tests::api::call;
use baton_tests::edge::fast_settings;
use baton_tests::push::{devices, register, PushService, Received};
use baton_tests::{AgentSocket, Edge, SiteSocket, VisitorSocket};
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

async fn vapid_key(edge: &Edge) -> String {
    let key: serde_json::Value = edge
        .http
        .get(format!("{}/api/v1/push/key", edge.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = key["public_key"]
        .as_str()
        .expect("push is configured")
        .to_string();
    assert_eq!(key.len(), 87, "65 bytes, base64url: {key}");
    key
}

/// Every check of the independent implementations passed, with the edge's own key.
fn assert_verified(pushes: &[Received], key: &str) {
    for push in pushes {
        assert!(push.errors.is_empty(), "{push:#?}");
        assert_eq!(push.vapid_key.as_deref(), Some(key));
    }
}

async fn visitor_asks_for_a_person(edge: &Edge, site: &baton_tests::TestSite) -> VisitorSocket {
    let known = json!({ "name": "Vera", "email": "vera@example.com" });
    let started = baton_tests::clients::start_conversation(edge, &site.id, known).await;
    let mut visitor =
        VisitorSocket::connect(edge, &started.conversation_id, &started.token, 0).await;
    visitor
        .say("Can I talk to a person about the Sunday tour?")
        .await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
    visitor
}

#[tokio::test]
async fn a_waiting_chat_is_pushed_to_the_available_agent_only_and_withdrawn_once_taken() {
    let edge = Edge::shared();
    let service = PushService::start().await;
    let key = vapid_key(&edge).await;
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 60_000;
    let site = edge.create_site(settings, 2).await;
    let (ann, bob) = (&site.agents[0], &site.agents[1]);
    let ann_phone = service.subscribe().await;
    let bob_phone = service.subscribe().await;
    let device = register(&edge, ann, &ann_phone).await;
    assert_eq!(device["current"], true);
    assert_eq!(device["sites"][0]["site_id"], site.id.as_str());
    assert_eq!(device["sites"][0]["enabled"], true);
    assert!(device.get("endpoint").is_none() && device.get("keys").is_none());
    register(&edge, bob, &bob_phone).await;
    // Bob goes away, then both close their dashboards.
    let mut bob_desk = SiteSocket::connect(&edge, &site, bob).await;
    bob_desk.set_available(false).await;
    bob_desk.conn.close().await;

    // Nobody has a dashboard open, yet Ann's phone makes her reachable: the chat waits.
    let mut visitor = visitor_asks_for_a_person(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let pushes = service.wait_for(1).await;
    assert_verified(&pushes, &key);
    let waiting = &pushes[0];
    assert_eq!(waiting.subscription, ann_phone.id);
    assert_eq!(waiting.kind(), "chat_waiting");
    let payload = waiting.payload.as_ref().unwrap();
    assert_eq!(payload["title"], "Test site: Vera is waiting");
    assert_eq!(
        payload["body"],
        "Can I talk to a person about the Sunday tour?"
    );
    assert_eq!(payload["conversation_id"], id.as_str());
    assert_eq!(payload["tag"], format!("chat-{id}"));
    assert_eq!(payload["actions"][1]["action"], "accept");
    assert!(payload["at"].as_i64().unwrap() > 0);
    let ttl: i64 = waiting.ttl.as_deref().unwrap().parse().unwrap();
    assert!(
        (55..=60).contains(&ttl),
        "expires with time to accept: {ttl}"
    );
    assert_eq!(waiting.urgency.as_deref(), Some("high"));

    // Ann accepts from the notification's chat; her phone's notification is withdrawn.
    let mut ann_chat = AgentSocket::connect(&edge, &site, ann, &id, 0).await;
    ann_chat.send(AgentCommand::Accept).await;
    ann_chat
        .conn
        .wait_for("claimed", |f| matches!(f, ServerFrame::Claimed { .. }))
        .await;
    let pushes = service.wait_for(2).await;
    assert_verified(&pushes, &key);
    let withdrawn = &pushes[1];
    assert_eq!(withdrawn.subscription, ann_phone.id);
    assert_eq!(withdrawn.kind(), "withdrawn");
    let payload = withdrawn.payload.as_ref().unwrap();
    assert_eq!(payload["tag"], format!("chat-{id}"));
    assert_eq!(payload["body"], "Taken by Agent 1");
    assert_eq!(
        withdrawn.topic, waiting.topic,
        "replaces an undelivered one"
    );

    // The visitor writes while Ann has the chat open: she reads it there, her phone hears
    // nothing (had it, this would be the third push, and the cooldown would hold the next).
    visitor
        .send(VisitorCommand::Message {
            text: "Hello?".into(),
            client_id: None,
        })
        .await;
    ann_chat
        .conn
        .wait_event(
            "the visitor's message",
            |k| matches!(k, EventKind::VisitorMessage { text, .. } if text == "Hello?"),
        )
        .await;
    // Then her dashboard closes: her phone hears the next one.
    ann_chat.conn.close_and_wait().await;
    visitor
        .send(VisitorCommand::Message {
            text: "Are you there?".into(),
            client_id: None,
        })
        .await;
    let pushes = service.wait_for(3).await;
    assert_verified(&pushes, &key);
    assert_eq!(pushes[2].subscription, ann_phone.id);
    assert_eq!(pushes[2].kind(), "visitor_message");
    assert_eq!(
        pushes[2].payload.as_ref().unwrap()["body"],
        "Are you there?"
    );
    assert_eq!(pushes[2].urgency.as_deref(), Some("normal"));
    // Bob, away, was never pushed anything.
    assert!(
        pushes.iter().all(|p| p.subscription != bob_phone.id),
        "{pushes:#?}"
    );
}

#[tokio::test]
async fn a_device_switched_off_for_a_site_or_signed_out_is_not_pushed_and_a_410_removes_it() {
    let edge = Edge::shared();
    let service = PushService::start().await;
    let key = vapid_key(&edge).await;
    let site = edge.create_site(fast_settings(), 3).await;
    let (ann, bob, cem) = (&site.agents[0], &site.agents[1], &site.agents[2]);
    let ann_phone = service.subscribe().await;
    let bob_phone = service.subscribe().await;
    let cem_phone = service.subscribe().await;
    register(&edge, ann, &ann_phone).await;
    let bob_device = register(&edge, bob, &bob_phone).await;
    register(&edge, cem, &cem_phone).await;
    // Bob switches this site off on his phone; Cem's phone will answer 410 (unsubscribed).
    let path = format!(
        "/api/v1/push/devices/{}",
        bob_device["id"].as_str().unwrap()
    );
    let (status, toggled) = call(
        &edge,
        Method::PATCH,
        &path,
        &bob.token,
        Some(json!({ "sites": { site.id.clone(): false } })),
    )
    .await;
    assert_eq!(status, 200, "{toggled}");
    assert_eq!(toggled["sites"][0]["enabled"], false);
    // Nobody else can touch Bob's device.
    let (status, _) = call(
        &edge,
        Method::PATCH,
        &path,
        &ann.token,
        Some(json!({ "sites": { site.id.clone(): true } })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(&edge, Method::DELETE, &path, &ann.token, None).await;
    assert_eq!(status, 404);
    service.answer_with(&cem_phone.id, 410).await;

    // A left message is pushed to every available agent's enabled devices.
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor
        .send(VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: "Please call me back about a group booking".into(),
        })
        .await;
    let pushes = service.wait_for(2).await;
    let by_device: BTreeMap<&str, &Received> = pushes
        .iter()
        .map(|p| (p.subscription.as_str(), p))
        .collect();
    assert_eq!(by_device.len(), 2, "{pushes:#?}");
    assert_verified(&[by_device[ann_phone.id.as_str()].clone()], &key);
    let ticket = by_device[ann_phone.id.as_str()];
    assert_eq!(ticket.kind(), "new_ticket");
    assert_eq!(
        ticket.payload.as_ref().unwrap()["title"],
        "Test site: new ticket from Vera"
    );
    assert_eq!(by_device[cem_phone.id.as_str()].status, 410);
    assert!(
        !by_device.contains_key(bob_phone.id.as_str()),
        "switched off"
    );
    // The 410 removed Cem's device (the edge deletes it right after the answer).
    let mut gone = devices(&edge, cem).await;
    for _ in 0..100 {
        if gone.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        gone = devices(&edge, cem).await;
    }
    assert!(gone.is_empty(), "{gone:?}");
    assert_eq!(devices(&edge, ann).await.len(), 1);

    // Ann signs out: her device goes with the session.
    let (status, _) = call(&edge, Method::POST, "/api/v1/auth/logout", &ann.token, None).await;
    assert_eq!(status, 200);
    let login = baton_tests::api::new_session(&edge, ann).await;
    assert!(devices(&edge, &login).await.is_empty());
}

#[tokio::test]
async fn bad_subscriptions_are_refused_and_change_nothing() {
    let edge = Edge::shared();
    let service = PushService::start().await;
    let site = edge.create_site(fast_settings(), 1).await;
    let ann = &site.agents[0];
    let good = service.subscribe().await;
    let cases = [
        json!({ "endpoint": "https://evil.example/push", "keys": good.keys }),
        json!({ "endpoint": "http://10.0.0.1:80/push", "keys": good.keys }),
        json!({ "endpoint": good.endpoint, "keys": { "p256dh": "AAAA", "auth": good.keys["auth"] } }),
        json!({ "endpoint": good.endpoint, "keys": { "p256dh": good.keys["p256dh"], "auth": "c2hvcnQ" } }),
        json!({ "endpoint": good.endpoint, "keys": good.keys, "surprise": 1 }),
        json!({ "endpoint": good.endpoint }),
    ];
    for body in cases {
        let (status, answer) = call(
            &edge,
            Method::POST,
            "/api/v1/push/devices",
            &ann.token,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 400, "{body} → {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert!(devices(&edge, ann).await.is_empty());
    // The same browser subscribing twice is one device.
    register(&edge, ann, &good).await;
    register(&edge, ann, &good).await;
    assert_eq!(devices(&edge, ann).await.len(), 1);
}

#[tokio::test]
async fn twenty_pushed_agents_accept_at_once_one_wins_and_every_notification_is_withdrawn() {
    const AGENTS: usize = 20;
    let edge = Edge::shared();
    let service = PushService::start().await;
    let key = vapid_key(&edge).await;
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 60_000;
    let site = edge
        .create_site_with(settings, AGENTS, json!({ "max_chats": 10 }))
        .await;
    let phones = join_all((0..AGENTS).map(|_| service.subscribe())).await;
    for (agent, phone) in site.agents.iter().zip(&phones) {
        register(&edge, agent, phone).await;
    }
    let visitor = VisitorSocket::waiting(&edge, &site).await;
    let id = visitor.conversation_id.clone();
    let pushes = service.wait_for(AGENTS).await;
    assert_verified(&pushes, &key);
    let mut pushed: Vec<&str> = pushes.iter().map(|p| p.subscription.as_str()).collect();
    pushed.sort();
    let mut all: Vec<&str> = phones.iter().map(|p| p.id.as_str()).collect();
    all.sort();
    assert_eq!(pushed, all, "every agent's phone, once");
    assert!(pushes.iter().all(|p| p.kind() == "chat_waiting"));

    // Each agent presses Accept on the notification: all at once.
    let mut sockets = join_all(
        site.agents
            .iter()
            .map(|agent| AgentSocket::connect(&edge, &site, agent, &id, 0)),
    )
    .await;
    join_all(sockets.iter_mut().map(|s| s.send(AgentCommand::Accept))).await;
    let outcomes = join_all(sockets.iter_mut().map(|s| async {
        s.conn
            .wait_for("claim outcome", |f| {
                matches!(
                    f,
                    ServerFrame::Claimed { .. } | ServerFrame::AlreadyClaimed { .. }
                )
            })
            .await
    }))
    .await;
    let winners: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f, ServerFrame::Claimed { .. }))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    let winner = &site.agents[winners[0]];

    // Every phone's "chat waiting" is closed by the follow-up under the same tag.
    let pushes = service.wait_for(2 * AGENTS).await;
    assert_verified(&pushes, &key);
    let withdrawn: Vec<&Received> = pushes.iter().filter(|p| p.kind() == "withdrawn").collect();
    assert_eq!(withdrawn.len(), AGENTS, "{pushes:#?}");
    let mut closed: Vec<&str> = withdrawn.iter().map(|p| p.subscription.as_str()).collect();
    closed.sort();
    assert_eq!(closed, all);
    for push in withdrawn {
        let payload = push.payload.as_ref().unwrap();
        assert_eq!(payload["tag"], format!("chat-{id}"));
        assert_eq!(payload["body"], format!("Taken by {}", winner.name));
    }
    assert_eq!(pushes.len(), 2 * AGENTS, "nothing else");
}

#[tokio::test]
async fn accept_from_a_notification_claims_once_and_tells_the_loser_who_took_it() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.time_to_accept_ms = 60_000;
    let site = edge.create_site(settings, 2).await;
    let _desk = SiteSocket::connect(&edge, &site, &site.agents[1]).await;
    let mut visitor = VisitorSocket::waiting(&edge, &site).await;
    let path = format!(
        "/api/v1/sites/{}/conversations/{}/accept",
        site.id, visitor.conversation_id
    );
    let (status, won) = call(
        &edge,
        Method::POST,
        &path,
        &site.agents[0].token,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{won}");
    assert_eq!(won["type"], "claimed");
    let joined = visitor
        .conn
        .wait_event("joined", |k| matches!(k, EventKind::AgentJoined { .. }))
        .await;
    assert!(
        matches!(joined.kind, EventKind::AgentJoined { agent } if agent.id == site.agents[0].id)
    );
    let (status, lost) = call(
        &edge,
        Method::POST,
        &path,
        &site.agents[1].token,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 409, "{lost}");
    assert_eq!(lost["type"], "already_claimed");
    assert_eq!(lost["by"]["name"], site.agents[0].name.as_str());
    // Accepting again is harmless for the holder.
    let (status, again) = call(
        &edge,
        Method::POST,
        &path,
        &site.agents[0].token,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{again}");
}
