//! Issue 17's sign-up against the real edge, in its three modes (open, invite-only, off): the
//! email verified by a one-time link, self-service sites and the guide's green light, and the
//! operator's invitation in invite-only mode. The mode is switched with the operator's route and
//! the tests take turns; the run ends on the deploy var's mode (open locally). Needs
//! `BATON_EDGE_LOG` (the emails, read as `baton_tests::mail` does). Team invitations are in
//! `signup_invitations.rs`, the FAQ import in `signup_faq_import.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::api::{Me, Role};
use baton_tests::api::{call, login, PASSWORD};
use baton_tests::clients::visitor_address;
use baton_tests::edge::{fast_settings, unique, Edge};
use baton_tests::signup::{mail_link, mailed, post, wait_mailed};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::Mutex;

/// Taken by every test of this file (the sign-up mode is shared).
static MODE: Mutex<()> = Mutex::const_new(());

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
