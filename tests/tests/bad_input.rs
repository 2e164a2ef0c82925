//! Bad input gets a clear error and changes nothing already stored.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::{AgentCommand, ServerFrame, VisitorCommand};
use baton_core::{ErrorCode, EventKind};
use baton_tests::clients::{start_conversation, Conn};
use baton_tests::edge::fast_settings;
use baton_tests::{AgentSocket, Edge, VisitorSocket};
use serde_json::Value;

async fn stored_events(edge: &Edge, site: &baton_tests::TestSite, id: &str) -> Vec<Value> {
    let state: Value = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/conversations/{id}",
            edge.base, site.id
        ))
        .bearer_auth(&site.agents[0].token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    state["events"].as_array().cloned().unwrap_or_default()
}

async fn expect_error(visitor: &mut VisitorSocket, raw: &str, code: ErrorCode) {
    visitor.conn.send_raw(raw).await;
    let frame = visitor
        .conn
        .wait_for("error", |f| matches!(f, ServerFrame::Error { .. }))
        .await;
    let ServerFrame::Error { code: got, message } = frame else {
        unreachable!()
    };
    assert_eq!(got, code, "for {raw:.60}: {message}");
    assert!(!message.is_empty());
}

#[tokio::test]
async fn malformed_unknown_oversize_and_invalid_frames_change_nothing() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    visitor
        .conn
        .wait_event("greeting", |k| matches!(k, EventKind::BotMessage { .. }))
        .await;
    let before = stored_events(&edge, &site, &visitor.conversation_id).await;

    expect_error(&mut visitor, "{not json", ErrorCode::BadJson).await;
    expect_error(
        &mut visitor,
        r#"{"type":"launch_rockets"}"#,
        ErrorCode::UnknownType,
    )
    .await;
    expect_error(&mut visitor, r#"{"type":"message"}"#, ErrorCode::BadRequest).await;
    let oversize = serde_json::to_string(&VisitorCommand::Message {
        text: "x".repeat(4097),
        client_id: None,
    })
    .unwrap();
    expect_error(&mut visitor, &oversize, ErrorCode::TooLarge).await;
    let huge = serde_json::to_string(&VisitorCommand::Message {
        text: "x".repeat(64_000),
        client_id: None,
    })
    .unwrap();
    expect_error(&mut visitor, &huge, ErrorCode::TooLarge).await;
    expect_error(
        &mut visitor,
        r#"{"type":"message","text":"   "}"#,
        ErrorCode::EmptyMessage,
    )
    .await;
    // The contact form only applies after a handoff; then a bad email is refused.
    expect_error(
        &mut visitor,
        r#"{"type":"contact","name":"Vera","email":"vera@example.com"}"#,
        ErrorCode::NotAllowed,
    )
    .await;
    assert_eq!(
        stored_events(&edge, &site, &visitor.conversation_id).await,
        before
    );

    let _online = baton_tests::SiteSocket::connect(&edge, &site, &site.agents[0]).await;
    visitor.send(VisitorCommand::RequestHuman).await;
    visitor
        .conn
        .wait_event("contact form", |k| *k == EventKind::ContactRequested)
        .await;
    let before = stored_events(&edge, &site, &visitor.conversation_id).await;
    expect_error(
        &mut visitor,
        r#"{"type":"contact","name":"Vera","email":"not-an-email"}"#,
        ErrorCode::InvalidEmail,
    )
    .await;
    expect_error(
        &mut visitor,
        r#"{"type":"contact","name":"","email":"vera@example.com"}"#,
        ErrorCode::InvalidName,
    )
    .await;
    assert_eq!(
        stored_events(&edge, &site, &visitor.conversation_id).await,
        before
    );

    // The socket still works after all that.
    visitor
        .send(VisitorCommand::Contact {
            name: "Vera".into(),
            email: "vera@example.com".into(),
        })
        .await;
    visitor
        .conn
        .wait_event("waiting", |k| matches!(k, EventKind::Waiting { .. }))
        .await;
}

#[tokio::test]
async fn html_is_stored_and_delivered_as_plain_text() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    let hostile = "<img src=x onerror=alert(1)><script>alert('x')</script>";
    visitor.say(hostile).await;
    let echoed = visitor
        .conn
        .wait_event("echo", |k| matches!(k, EventKind::VisitorMessage { .. }))
        .await;
    assert!(matches!(echoed.kind, EventKind::VisitorMessage { text, .. } if text == hostile));
}

#[tokio::test]
async fn wrong_tokens_unknown_sites_and_foreign_agents_are_refused() {
    let edge = Edge::shared();
    let site_a = edge.create_site(fast_settings(), 1).await;
    let site_b = edge.create_site(fast_settings(), 1).await;
    let started = start_conversation(&edge, &site_a.id, serde_json::json!({})).await;
    let id = &started.conversation_id;
    let ws = edge.ws_base();

    // Visitor socket: wrong, missing, or another conversation's token.
    for url in [
        format!("{ws}/api/v1/conversations/{id}/ws?token=wrong"),
        format!("{ws}/api/v1/conversations/{id}/ws"),
        format!(
            "{ws}/api/v1/conversations/not-an-id/ws?token={}",
            started.token
        ),
    ] {
        let error = Conn::open(&url, None).await.err().unwrap_or_default();
        assert!(
            error.contains("401") || error.contains("404"),
            "{url}: {error}"
        );
    }
    let other = start_conversation(&edge, &site_a.id, serde_json::json!({})).await;
    let cross = format!(
        "{ws}/api/v1/conversations/{}/ws?token={}",
        other.conversation_id, started.token
    );
    assert!(Conn::open(&cross, None)
        .await
        .err()
        .unwrap_or_default()
        .contains("401"));

    let http = &edge.http;
    let base = &edge.base;
    let status = |r: reqwest::Response| r.status().as_u16();
    // Unknown site.
    let r = http
        .post(format!("{base}/api/v1/sites/no-such-site/conversations"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 404);
    // Malformed body, bad identify email.
    let r = http
        .post(format!("{base}/api/v1/sites/{}/conversations", site_a.id))
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 400);
    let r = http
        .post(format!("{base}/api/v1/sites/{}/conversations", site_a.id))
        .json(&serde_json::json!({ "name": "Vera", "email": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 422);
    let body: serde_json::Value = r_json(
        http.post(format!("{base}/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["error"], "bad_json");
    // Without saying it is JSON, a sign-in is refused outright (a cross-site form could send it).
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 415);
    // Wrong password, wrong or missing bearer token.
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": site_a.agents[0].email, "password": "wrong password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 401);
    let r = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth("0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 401);
    let r = http
        .get(format!("{base}/api/v1/sites/{}/conversations", site_a.id))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 401);
    // An agent of site B sees nothing of site A: lists, history, socket, tickets, settings.
    let b = &site_b.agents[0].token;
    for url in [
        format!("{base}/api/v1/sites/{}/conversations", site_a.id),
        format!("{base}/api/v1/sites/{}/conversations/{id}", site_a.id),
        format!("{base}/api/v1/sites/{}/tickets", site_a.id),
        format!("{base}/api/v1/sites/{}/settings", site_a.id),
    ] {
        let r = http.get(&url).bearer_auth(b).send().await.unwrap();
        assert_eq!(status(r), 403, "{url}");
    }
    // Nor through their own site's route with A's conversation id.
    let r = http
        .get(format!(
            "{base}/api/v1/sites/{}/conversations/{id}",
            site_b.id
        ))
        .bearer_auth(b)
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 404);
    let url = format!("{ws}/api/v1/sites/{}/conversations/{id}/ws", site_a.id);
    assert!(Conn::open(&url, Some(b))
        .await
        .err()
        .unwrap_or_default()
        .contains("403"));
    // Bootstrap with a wrong secret.
    let r = http
        .post(format!("{base}/api/v1/bootstrap"))
        .bearer_auth("wrong-token-wrong-token")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 401);

    // A plain agent cannot change settings; an admin can, and a bad value is refused.
    let r = http
        .patch(format!("{base}/api/v1/sites/{}/settings", site_a.id))
        .bearer_auth(&site_a.agents[0].token)
        .json(&serde_json::json!({ "time_to_accept_ms": 5 }))
        .send()
        .await
        .unwrap();
    assert_eq!(status(r), 400);

    // Agent commands are validated too.
    let mut chat = AgentSocket::connect(&edge, &site_a, &site_a.agents[0], id, 0).await;
    chat.conn.send_raw("[1,2,3]").await;
    chat.conn
        .wait_for("error", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: ErrorCode::BadRequest,
                    ..
                }
            )
        })
        .await;
    chat.send(AgentCommand::Accept).await;
    chat.conn
        .wait_for("not waiting", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: ErrorCode::NotAllowed,
                    ..
                }
            )
        })
        .await;
}

async fn r_json(r: reqwest::Response) -> serde_json::Value {
    r.json().await.unwrap_or_default()
}
