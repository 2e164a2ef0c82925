//! Issue 17's team invitations against the real edge: an admin invites by a link (single use,
//! expiry, revoke), and an email that already has an account is only ever invited to accept or
//! decline, never attached. Needs `BATON_EDGE_LOG` (the emails, read as `baton_tests::mail`
//! does) and `BATON_EDGE_STATE` (to age a link in D1).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_tests::api::{call, login, PASSWORD};
use baton_tests::clients::visitor_address;
use baton_tests::edge::{fast_settings, unique, Edge};
use baton_tests::signup::{mail_link, mailed, post, wait_mailed};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Mutex;

/// Taken by every test of this file (one test writes D1's file).
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

async fn invite(edge: &Edge, site: &str, admin: &str, email: &str) -> (u16, Value) {
    call(
        edge,
        Method::POST,
        &format!("/api/v1/sites/{site}/agents"),
        admin,
        Some(json!({ "email": email, "name": "New", "role": "agent", "invite": true })),
    )
    .await
}

#[tokio::test]
async fn a_team_invitation_link_works_once_expires_and_can_be_revoked() {
    // One test at a time: one of them writes the edge's D1 file directly, and a query of the
    // edge running meanwhile would find the database locked (SQLITE_BUSY, a 500).
    let _turn = ONE_AT_A_TIME.lock().await;
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 2).await;
    let admin = &site.agents[0].token;
    let email = format!("{}@team.example", unique("new"));
    let (status, body) = invite(&edge, &site.id, admin, &email).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["invited"], true);
    // A plain agent cannot invite.
    let (status, _) = invite(&edge, &site.id, &site.agents[1].token, "x@team.example").await;
    assert_eq!(status, 403);
    let pending_path = format!("/api/v1/sites/{}/invitations", site.id);
    let (_, pending) = call(&edge, Method::GET, &pending_path, admin, None).await;
    assert!(pending.to_string().contains(&email), "{pending}");
    let token = mail_link(&email, "#join=").await;
    let (status, check) = post(&edge, "/api/v1/join/check", json!({ "token": token })).await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(check["site_id"], site.id.as_str());
    let join = json!({ "token": token, "name": "Nora New", "password": PASSWORD });
    let (status, short) = post(
        &edge,
        "/api/v1/join",
        json!({ "token": token, "name": "N", "password": "short" }),
    )
    .await;
    assert_eq!(status, 400, "{short}");
    let (status, me) = post(&edge, "/api/v1/join", join.clone()).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["sites"][0]["site_id"], site.id.as_str());
    assert_eq!(me["sites"][0]["role"], "agent");
    let (status, again) = post(&edge, "/api/v1/join", join).await;
    assert_eq!(status, 410, "second use: {again}");
    let (_, pending) = call(&edge, Method::GET, &pending_path, admin, None).await;
    assert!(
        !pending.to_string().contains(&email),
        "used, no longer pending"
    );
    let (status, _, _) = login(&edge, &visitor_address(), &email, PASSWORD).await;
    assert_eq!(status, 200, "the invited person chose the password");

    // Revoked: the link is refused.
    let revoked = format!("{}@team.example", unique("revoked"));
    let (_, body) = invite(&edge, &site.id, admin, &revoked).await;
    let id = body["invitation"].as_str().unwrap().to_string();
    let token = mail_link(&revoked, "#join=").await;
    let (status, _) = call(
        &edge,
        Method::DELETE,
        &format!("{pending_path}/{id}"),
        admin,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &edge,
        "/api/v1/join",
        json!({ "token": token, "name": "R", "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 404);

    // Expired (its expiry moved into the past in D1): refused.
    let expired = format!("{}@team.example", unique("expired"));
    let (_, body) = invite(&edge, &site.id, admin, &expired).await;
    let id = body["invitation"].as_str().unwrap().to_string();
    let token = mail_link(&expired, "#join=").await;
    let state = std::env::var("BATON_EDGE_STATE").expect("BATON_EDGE_STATE: the edge's state dir");
    let sql = format!("UPDATE invitation_links SET expires_at = 1 WHERE id = '{id}'");
    tokio::task::spawn_blocking(move || baton_tests::chaos::d1(&state, &sql))
        .await
        .unwrap()
        .unwrap();
    // A fresh client: the pooled connection may have idled out meanwhile.
    let edge = Edge::shared();
    let (status, answer) = post(
        &edge,
        "/api/v1/join",
        json!({ "token": token, "name": "E", "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 410, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("expired"));
    let (status, _, _) = login(&edge, &visitor_address(), &expired, PASSWORD).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_existing_account_sees_the_new_site_only_after_accepting() {
    // One test at a time: one of them writes the edge's D1 file directly, and a query of the
    // edge running meanwhile would find the database locked (SQLITE_BUSY, a 500).
    let _turn = ONE_AT_A_TIME.lock().await;
    let edge = Edge::shared();
    let a = edge.create_site(fast_settings(), 1).await;
    let b = edge.create_site(fast_settings(), 1).await;
    let other = &b.agents[0];
    let (status, body) = invite(&edge, &a.id, &a.agents[0].token, &other.email).await;
    assert_eq!(status, 202, "{body}");
    wait_mailed(&other.email, "Sign in to accept").await;
    assert!(
        !mailed(&other.email, "#join="),
        "an account is never joined by link"
    );
    let (_, me) = call(&edge, Method::GET, "/api/v1/me", &other.token, None).await;
    assert!(!me.to_string().contains(&a.id));
    let (_, mine) = call(
        &edge,
        Method::GET,
        "/api/v1/invitations",
        &other.token,
        None,
    )
    .await;
    let id = mine[0]["id"].as_str().unwrap();
    let (status, _) = call(
        &edge,
        Method::POST,
        &format!("/api/v1/invitations/{id}/accept"),
        &other.token,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, me) = call(&edge, Method::GET, "/api/v1/me", &other.token, None).await;
    assert!(me["sites"].to_string().contains(&a.id));
}
