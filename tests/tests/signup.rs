//! Issue 17 against the real edge: sign-up in its three modes (open, invite-only, off) with the
//! email verified by a one-time link, self-service sites and the guide's green light, team
//! invitations by link (single use, expiry, revoke; existing accounts only by consent), and the
//! FAQ import with the bot tried on it. The mode is switched with the operator's route and the
//! tests that depend on it take turns; the run ends on the deploy var's mode (open locally).
//! Needs `BATON_EDGE_LOG` (the emails, read as `baton_tests::mail` does) and `BATON_EDGE_STATE`
//! (to age a link in D1).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use baton_core::api::{Me, Role};
use baton_tests::api::{call, login, PASSWORD};
use baton_tests::clients::visitor_address;
use baton_tests::edge::{fast_settings, unique, Edge};
use baton_tests::mail::{sent_mail, wait_for_mail, SentMail};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Mutex;

/// Taken by every test of this file (the sign-up mode is shared, and one test writes D1's file).
static MODE: Mutex<()> = Mutex::const_new(());

async fn post(edge: &Edge, path: &str, body: Value) -> (u16, Value) {
    let response = edge
        .http
        .post(format!("{}{path}", edge.base))
        .header("cf-connecting-ip", visitor_address())
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn set_mode(edge: &Edge, mode: Value) {
    let response = edge
        .http
        .put(format!("{}/api/v1/operator/signup", edge.base))
        .bearer_auth(&edge.bootstrap_token)
        .json(&json!({ "mode": mode }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

fn to(mail: &SentMail, address: &str) -> bool {
    mail.to.iter().any(|t| t.eq_ignore_ascii_case(address))
}

/// The token after `fragment` in the newest email to `address` that has one.
async fn mail_link(address: &str, fragment: &str) -> String {
    let found = wait_for_mail(Duration::from_secs(10), |m| {
        to(m, address) && m.text.contains(fragment)
    })
    .await
    .unwrap_or_else(|e| panic!("email to {address} with {fragment}: {e}"));
    let text = &found.last().expect("one mail").text;
    let start = text.find(fragment).expect("fragment") + fragment.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Whether an email to `address` so far mentions `needle`.
fn mailed(address: &str, needle: &str) -> bool {
    sent_mail()
        .unwrap_or_default()
        .iter()
        .any(|m| to(m, address) && (m.text.contains(needle) || m.subject.contains(needle)))
}

/// Waits until an email to `address` mentions `needle`.
async fn wait_mailed(address: &str, needle: &str) {
    wait_for_mail(Duration::from_secs(10), |m| {
        to(m, address) && (m.text.contains(needle) || m.subject.contains(needle))
    })
    .await
    .unwrap_or_else(|e| panic!("email to {address} with {needle:?}: {e}"));
}

/// Signs up and verifies; answers the new session's token.
async fn sign_up_and_verify(edge: &Edge, email: &str, invitation: Option<&str>) -> String {
    let mut body = json!({ "name": "Vera Lind", "email": email, "password": PASSWORD });
    if let Some(token) = invitation {
        body["invitation"] = json!(token);
    }
    let (status, answer) = post(edge, "/api/v1/signup", body).await;
    assert_eq!(status, 202, "{answer}");
    let token = mail_link(email, "#verify=").await;
    let (status, answer) = post(
        edge,
        "/api/v1/signup/verify",
        json!({ "token": token, "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["email"], email);
    answer["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn open_sign_up_verifies_the_email_by_a_one_time_link_then_creates_sites() {
    let _turn = MODE.lock().await;
    let edge = Edge::shared();
    set_mode(&edge, json!("open")).await;
    let email = format!("{}@shop.example", unique("owner"));
    // Same rules as elsewhere: bad input is refused and nothing is sent.
    for bad in [
        json!({ "name": "V", "email": "not-an-email", "password": PASSWORD }),
        json!({ "name": "V", "email": email, "password": "short" }),
        json!({ "name": "", "email": email, "password": PASSWORD }),
        json!({ "name": "V", "email": email, "password": PASSWORD, "admin": true }),
    ] {
        let (status, _) = post(&edge, "/api/v1/signup", bad).await;
        assert!(status == 400 || status == 422, "{status}");
    }
    assert!(!mailed(&email, "#verify="));
    let (status, mode) = post(&edge, "/api/v1/signup", json!({})).await;
    assert_eq!(status, 400, "{mode}");
    let (status, answer) = post(
        &edge,
        "/api/v1/signup",
        json!({ "name": "Vera Lind", "email": email, "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    // No account before the link is used.
    let (status, _, _) = login(&edge, &visitor_address(), &email, PASSWORD).await;
    assert_eq!(status, 401);
    let token = mail_link(&email, "#verify=").await;
    let (status, _) = post(
        &edge,
        "/api/v1/signup/verify",
        json!({ "token": token, "password": "not the password" }),
    )
    .await;
    assert_eq!(status, 401, "the link alone does not make the account");
    let (status, me) = post(
        &edge,
        "/api/v1/signup/verify",
        json!({ "token": token, "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["sites"], json!([]));
    let session = me["token"].as_str().unwrap().to_string();
    let (status, again) = post(
        &edge,
        "/api/v1/signup/verify",
        json!({ "token": token, "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 404, "single use: {again}");
    let (status, _, _) = login(&edge, &visitor_address(), &email, PASSWORD).await;
    assert_eq!(status, 200);

    // Signing up again with the address answers the same; the mailbox learns why.
    let (status, answer) = post(
        &edge,
        "/api/v1/signup",
        json!({ "name": "Mallory", "email": email, "password": "another password" }),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    wait_mailed(&email, "already has").await;
    let (status, _, _) = login(&edge, &visitor_address(), &email, "another password").await;
    assert_eq!(status, 401, "the account keeps its password");

    // Sites: created by the account, which becomes their admin; ids are never taken over.
    let id = unique("shop");
    let (status, setup) = call(
        &edge,
        Method::POST,
        "/api/v1/sites",
        &session,
        Some(json!({ "id": id, "name": "Vera's Shop", "allowed_origins": ["http://127.0.0.1:9"] })),
    )
    .await;
    assert_eq!(status, 201, "{setup}");
    assert!(setup["tag"]
        .as_str()
        .unwrap()
        .contains(&format!("data-site=\"{id}\"")));
    assert_eq!(setup["connected_at"], Value::Null);
    let (status, _) = call(
        &edge,
        Method::POST,
        "/api/v1/sites",
        &session,
        Some(json!({ "id": id, "name": "Again" })),
    )
    .await;
    assert_eq!(status, 409);
    let second = unique("shop");
    let (status, _) = call(
        &edge,
        Method::POST,
        "/api/v1/sites",
        &session,
        Some(json!({ "id": second, "name": "Second shop" })),
    )
    .await;
    assert_eq!(status, 201, "an account can have more sites");
    let (_, me) = call(&edge, Method::GET, "/api/v1/me", &session, None).await;
    let me: Me = serde_json::from_value(me).unwrap();
    let sites: Vec<&str> = me
        .sites
        .iter()
        .filter(|m| m.role == Role::Admin)
        .map(|m| m.site_id.as_str())
        .collect();
    assert!(sites.contains(&id.as_str()) && sites.contains(&second.as_str()));

    // The guide's green light: only a load from one of the site's origins counts.
    let config = |origin: &'static str| {
        edge.http
            .get(format!("{}/api/v1/sites/{id}/widget-config", edge.base))
            .header("origin", origin)
            .send()
    };
    config("https://elsewhere.example").await.unwrap();
    let (_, setup) = call(
        &edge,
        Method::GET,
        &format!("/api/v1/sites/{id}/setup"),
        &session,
        None,
    )
    .await;
    assert_eq!(setup["connected_at"], Value::Null, "{setup}");
    assert_eq!(config("http://127.0.0.1:9").await.unwrap().status(), 200);
    let (_, setup) = call(
        &edge,
        Method::GET,
        &format!("/api/v1/sites/{id}/setup"),
        &session,
        None,
    )
    .await;
    assert!(setup["connected_at"].is_number(), "{setup}");
    assert_eq!(setup["connected_origin"], "http://127.0.0.1:9");
    set_mode(&edge, Value::Null).await;
}

#[tokio::test]
async fn sign_up_off_answers_404_everywhere() {
    let _turn = MODE.lock().await;
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    set_mode(&edge, json!("off")).await;
    let get = edge
        .http
        .get(format!("{}/api/v1/signup", edge.base))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 404);
    let email = format!("{}@shop.example", unique("off"));
    for (path, body) in [
        (
            "/api/v1/signup",
            json!({ "name": "V", "email": email, "password": PASSWORD }),
        ),
        (
            "/api/v1/signup/verify",
            json!({ "token": "00", "password": PASSWORD }),
        ),
    ] {
        let (status, _) = post(&edge, path, body).await;
        assert_eq!(status, 404, "{path}");
    }
    let invite = edge
        .http
        .post(format!("{}/api/v1/signup/invitations", edge.base))
        .bearer_auth(&edge.bootstrap_token)
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(invite.status(), 404);
    let (status, _) = call(
        &edge,
        Method::POST,
        "/api/v1/sites",
        &site.agents[0].token,
        Some(json!({ "id": unique("x"), "name": "X" })),
    )
    .await;
    assert_eq!(status, 404, "self-service sites are part of sign-up");
    assert!(!mailed(&email, "Baton"));
    set_mode(&edge, Value::Null).await;
}

#[tokio::test]
async fn invite_only_sign_up_needs_the_operators_invitation_once() {
    let _turn = MODE.lock().await;
    let edge = Edge::shared();
    set_mode(&edge, json!("invite")).await;
    let get = edge
        .http
        .get(format!("{}/api/v1/signup", edge.base))
        .send()
        .await
        .unwrap();
    assert_eq!(get.json::<Value>().await.unwrap()["mode"], "invite");
    let email = format!("{}@shop.example", unique("invited"));
    let (status, _) = post(
        &edge,
        "/api/v1/signup",
        json!({ "name": "V", "email": email, "password": PASSWORD }),
    )
    .await;
    assert_eq!(status, 403, "no invitation");
    // Only the operator invites.
    let (status, _) = post(
        &edge,
        "/api/v1/signup/invitations",
        json!({ "email": email }),
    )
    .await;
    assert_eq!(status, 401);
    let created: Value = edge
        .http
        .post(format!("{}/api/v1/signup/invitations", edge.base))
        .bearer_auth(&edge.bootstrap_token)
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = mail_link(&email, "#signup=").await;
    assert!(created["link"].as_str().unwrap().ends_with(&token));
    let (status, _) = post(
        &edge,
        "/api/v1/signup",
        json!({ "name": "V", "email": "someone.else@shop.example", "password": PASSWORD, "invitation": token }),
    )
    .await;
    assert_eq!(status, 403, "the invitation is for one address");
    let session = sign_up_and_verify(&edge, &email, Some(&token)).await;
    assert!(!session.is_empty());
    let (status, answer) = post(
        &edge,
        "/api/v1/signup",
        json!({ "name": "V", "email": email, "password": PASSWORD, "invitation": token }),
    )
    .await;
    assert_eq!(status, 410, "used once: {answer}");
    set_mode(&edge, Value::Null).await;
}

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
    let _turn = MODE.lock().await;
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
    let _turn = MODE.lock().await;
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

/// Serves one page on loopback (the FAQ page the edge fetches), for every request.
async fn serve_page(html: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let _ = socket.read(&mut buf).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                html.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{address}/faq")
}

#[tokio::test]
async fn the_faq_import_previews_every_format_and_the_bot_is_tried_before_saving() {
    // One test at a time: one of them writes the edge's D1 file directly, and a query of the
    // edge running meanwhile would find the database locked (SQLITE_BUSY, a 500).
    let _turn = MODE.lock().await;
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let admin = &site.agents[0].token;
    let import = format!("/api/v1/sites/{}/knowledge-base/import", site.id);
    let csv = "question,answer,more phrasings\nDo you rent kayaks?,\"Yes, from 300 NOK a day.\",Kayak rental|Can I hire a kayak?\nBroken row without answer,\nWhere do we meet?,At the boathouse on Strandkaia.\n";
    let (status, preview) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "csv", "content": csv })),
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["entries"].as_array().unwrap().len(), 2);
    assert_eq!(preview["errors"][0]["row"], 3);
    let (_, text) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "text", "content": "Q: Parking?\nA: Behind the shop." })),
    )
    .await;
    assert_eq!(text["entries"][0]["answer"], "Behind the shop.");
    let (_, json_kb) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "json", "content": "[{\"questions\":[\"a?\"],\"answer\":\"b\"}]" })),
    )
    .await;
    assert_eq!(json_kb["entries"].as_array().unwrap().len(), 1);
    let url = serve_page("<html><body><details><summary>Can I cancel?</summary><p>Up to 24 h before.</p></details></body></html>").await;
    let (status, page) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "url": url })),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["entries"][0]["questions"][0], "Can I cancel?");
    let (status, _) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "url": "ftp://x.example/faq" })),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        &edge,
        Method::POST,
        &import,
        admin,
        Some(json!({ "format": "csv" })),
    )
    .await;
    assert_eq!(status, 400);

    // Tried on the preview before saving: what it would answer, and what not.
    let trial = format!("/api/v1/sites/{}/bot/try", site.id);
    let entries = preview["entries"].clone();
    let (status, tried) = call(
        &edge,
        Method::POST,
        &trial,
        admin,
        Some(json!({ "knowledge_base": entries, "questions": ["can I hire a kayak", "do you sell bicycles"] })),
    )
    .await;
    assert_eq!(status, 200, "{tried}");
    assert_eq!(tried["answers"][0]["answered"], true);
    assert_eq!(tried["answers"][0]["reply"], "Yes, from 300 NOK a day.");
    assert_eq!(tried["answers"][1]["answered"], false);
    let (_, saved) = call(
        &edge,
        Method::GET,
        &format!("/api/v1/sites/{}/settings", site.id),
        admin,
        None,
    )
    .await;
    assert_eq!(
        saved["knowledge_base"].as_array().unwrap().len(),
        1,
        "nothing saved by import or trial"
    );
    // Saved through settings, the bot answers visitors from it.
    let (status, _) = call(
        &edge,
        Method::PATCH,
        &format!("/api/v1/sites/{}/settings", site.id),
        admin,
        Some(json!({ "knowledge_base": entries })),
    )
    .await;
    assert_eq!(status, 200);
    let (_, tried) = call(
        &edge,
        Method::POST,
        &trial,
        admin,
        Some(json!({ "questions": ["where do we meet"] })),
    )
    .await;
    assert_eq!(
        tried["answers"][0]["reply"],
        "At the boathouse on Strandkaia."
    );
}
