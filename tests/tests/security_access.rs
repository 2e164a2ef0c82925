//! Issue 9, against the real edge: access ends at once (sign-out, password change, removal,
//! role change close the agent's sockets), and accounts elsewhere are invited, not attached.

use baton_core::protocol::{ServerFrame, CLOSE_ACCESS_REVOKED};
use baton_core::EventKind;
use baton_tests::api::{call, login, new_session, PASSWORD};
use baton_tests::clients::{visitor_address, AgentSocket, Conn, SiteSocket, VisitorSocket, WAIT};
use baton_tests::edge::{fast_settings, Edge};
use serde_json::json;

#[tokio::test]
async fn signing_out_closes_every_socket_that_session_opened() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let other_device = &site.agents[0];
    let laptop = new_session(&edge, other_device).await;
    let mut laptop_site = SiteSocket::connect(&edge, &site, &laptop).await;
    let mut phone_site = SiteSocket::connect(&edge, &site, other_device).await;
    let mut visitor = VisitorSocket::waiting(&edge, &site).await;
    let mut laptop_chat =
        AgentSocket::connect(&edge, &site, &laptop, &visitor.conversation_id, 0).await;

    let (status, _) = call(
        &edge,
        reqwest::Method::POST,
        "/api/v1/auth/logout",
        &laptop.token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    for conn in [&mut laptop_site.conn, &mut laptop_chat.conn] {
        let (code, reason) = conn
            .wait_closed(WAIT)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (code, reason.as_str()),
            (CLOSE_ACCESS_REVOKED, "signed out")
        );
    }
    // The closed socket took no action, the session is gone, the other device still works.
    visitor.say("still there?").await;
    visitor
        .conn
        .wait_event("visitor message", |k| {
            matches!(k, EventKind::VisitorMessage { .. })
        })
        .await;
    assert!(!visitor
        .conn
        .events()
        .iter()
        .any(|e| matches!(e.kind, EventKind::AgentJoined { .. })));
    let url = format!("{}/api/v1/sites/{}/ws", edge.ws_base(), site.id);
    let refused = Conn::open(&url, Some(&laptop.token))
        .await
        .err()
        .unwrap_or_default();
    assert!(refused.contains("401"), "{refused}");
    phone_site
        .conn
        .send(&baton_core::protocol::SiteCommand::Ping)
        .await;
    phone_site
        .conn
        .wait_for("pong", |f| matches!(f, ServerFrame::Pong))
        .await;
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_their_sockets() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let here = &site.agents[0];
    let elsewhere = new_session(&edge, here).await;
    let mut elsewhere_site = SiteSocket::connect(&edge, &site, &elsewhere).await;
    let change = |current: &str| json!({ "current": current, "new": "a brand new passphrase" });
    let (status, _) = call(
        &edge,
        reqwest::Method::POST,
        "/api/v1/auth/password",
        &here.token,
        Some(change("not the password")),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        &edge,
        reqwest::Method::POST,
        "/api/v1/auth/password",
        &here.token,
        Some(change(PASSWORD)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (code, reason) = elsewhere_site
        .conn
        .wait_closed(WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (code, reason.as_str()),
        (CLOSE_ACCESS_REVOKED, "password changed")
    );
    let (status, _) = call(
        &edge,
        reqwest::Method::GET,
        "/api/v1/me",
        &elsewhere.token,
        None,
    )
    .await;
    assert_eq!(status, 401, "the other session ended");
    let (status, _) = call(&edge, reqwest::Method::GET, "/api/v1/me", &here.token, None).await;
    assert_eq!(status, 200, "this one goes on");
    let (status, _, _) = login(&edge, &visitor_address(), &here.email, PASSWORD).await;
    assert_eq!(status, 401);
    let (status, _, _) = login(
        &edge,
        &visitor_address(),
        &here.email,
        "a brand new passphrase",
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_removed_agent_is_out_of_every_socket_at_once() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let (admin, bob) = (&site.agents[0], &site.agents[1]);
    let visitor = VisitorSocket::start(&edge, &site).await;
    let mut bob_site = SiteSocket::connect(&edge, &site, bob).await;
    let mut bob_chat = AgentSocket::connect(&edge, &site, bob, &visitor.conversation_id, 0).await;
    let path = format!("/api/v1/sites/{}/agents/{}", site.id, bob.id);
    let (status, body) = call(&edge, reqwest::Method::DELETE, &path, &admin.token, None).await;
    assert_eq!(status, 200, "{body}");
    for conn in [&mut bob_site.conn, &mut bob_chat.conn] {
        let (code, _) = conn
            .wait_closed(WAIT)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code, CLOSE_ACCESS_REVOKED);
    }
    // No visitor profile of a new conversation reaches the removed agent, and no way back in.
    let _next = VisitorSocket::start(&edge, &site).await;
    let url = format!("{}/api/v1/sites/{}/ws", edge.ws_base(), site.id);
    let refused = Conn::open(&url, Some(&bob.token))
        .await
        .err()
        .unwrap_or_default();
    assert!(refused.contains("403"), "{refused}");
    let chat_url = format!(
        "{}/api/v1/sites/{}/conversations/{}/ws",
        edge.ws_base(),
        site.id,
        visitor.conversation_id
    );
    let refused = Conn::open(&chat_url, Some(&bob.token))
        .await
        .err()
        .unwrap_or_default();
    assert!(refused.contains("403"), "{refused}");
}

#[tokio::test]
async fn a_role_change_closes_sockets_so_they_reconnect_with_the_new_role() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let (admin, bob) = (&site.agents[0], &site.agents[1]);
    let mut bob_site = SiteSocket::connect(&edge, &site, bob).await;
    let path = format!("/api/v1/sites/{}/agents/{}", site.id, bob.id);
    let (status, body) = call(
        &edge,
        reqwest::Method::PATCH,
        &path,
        &admin.token,
        Some(json!({ "role": "admin" })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (code, _) = bob_site
        .conn
        .wait_closed(WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, CLOSE_ACCESS_REVOKED);
    SiteSocket::connect(&edge, &site, bob).await;
}

#[tokio::test]
async fn an_account_outside_the_admins_sites_is_invited_not_attached() {
    let edge = Edge::shared();
    let a = edge.create_site(fast_settings(), 1).await;
    let b = edge.create_site(fast_settings(), 1).await;
    let admin_a = &a.agents[0];
    let victim = &b.agents[0];
    let path = format!("/api/v1/sites/{}/agents", a.id);
    let (status, body) = call(
        &edge,
        reqwest::Method::POST,
        &path,
        &admin_a.token,
        Some(json!({ "email": victim.email, "name": "Whoever", "role": "agent" })),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["invited"], true);
    let text = body.to_string();
    assert!(
        !text.contains(&victim.id) && !text.contains(&victim.name),
        "{text}"
    );
    let (_, agents) = call(&edge, reqwest::Method::GET, &path, &admin_a.token, None).await;
    assert!(
        !agents.to_string().contains(&victim.id),
        "not a member before accepting"
    );
    let (_, me) = call(
        &edge,
        reqwest::Method::GET,
        "/api/v1/me",
        &victim.token,
        None,
    )
    .await;
    assert!(!me.to_string().contains(&a.id));
    // The owner sees it and accepts; only then is the account an agent of site A.
    let (_, mine) = call(
        &edge,
        reqwest::Method::GET,
        "/api/v1/invitations",
        &victim.token,
        None,
    )
    .await;
    let invitation = mine[0]["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(mine[0]["site_id"], a.id.as_str());
    let (status, _) = call(
        &edge,
        reqwest::Method::POST,
        &format!("/api/v1/invitations/{invitation}/accept"),
        &admin_a.token,
        None,
    )
    .await;
    assert_eq!(status, 404, "only the invited account can accept");
    let (status, _) = call(
        &edge,
        reqwest::Method::POST,
        &format!("/api/v1/invitations/{invitation}/accept"),
        &victim.token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, me) = call(
        &edge,
        reqwest::Method::GET,
        "/api/v1/me",
        &victim.token,
        None,
    )
    .await;
    assert!(me["sites"].to_string().contains(&a.id));
}
