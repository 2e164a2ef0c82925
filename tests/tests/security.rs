//! Issue 9, as an attacker tries it against the real edge: platform secrets stay with the
//! platform, access ends at once, no request wipes a site, sign-in cannot be guessed at speed,
//! cursors and volumes are bounded, every response carries its security headers.

use std::time::{Duration, Instant};

use baton_core::limits::VISITOR_SOCKETS_PER_CONVERSATION;
use baton_core::protocol::{
    AgentCommand, ServerFrame, VisitorCommand, CLOSE_ACCESS_REVOKED, CLOSE_REPLACED,
};
use baton_core::{ErrorCode, EventKind};
use baton_tests::clients::{
    start_conversation, visitor_address, AgentSocket, Conn, SiteSocket, VisitorSocket, WAIT,
};
use baton_tests::edge::{fast_settings, Edge, TestAgent};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

async fn call(
    edge: &Edge,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = edge
        .http
        .request(method, format!("{}{path}", edge.base))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Signs in from `address` and answers (status, body, elapsed).
async fn login(edge: &Edge, address: &str, email: &str, password: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = edge
        .http
        .post(format!("{}/api/v1/auth/login", edge.base))
        .header("cf-connecting-ip", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("login: {e}"));
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, elapsed)
}

/// A second session of the same agent, as signing in on another device gives.
async fn new_session(edge: &Edge, agent: &TestAgent) -> TestAgent {
    let (status, body, _) = login(edge, &visitor_address(), &agent.email, PASSWORD).await;
    assert_eq!(status, 200, "login: {body}");
    TestAgent {
        token: body["token"].as_str().unwrap_or_default().to_string(),
        ..agent.clone()
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn the_llm_key_only_goes_where_the_operator_allows() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let admin = &site.agents[0].token;
    let path = format!("/api/v1/sites/{}/settings", site.id);
    for (llm, field) in [
        (
            json!({ "url": "https://attacker.example/v1/chat/completions", "model": "m", "timeout_ms": 2000 }),
            "llm.url",
        ),
        (
            json!({ "url": "http://203.0.113.7/v1/chat/completions", "model": "m", "timeout_ms": 2000 }),
            "llm.url",
        ),
        (
            json!({ "url": "not a url", "model": "m", "timeout_ms": 2000 }),
            "llm.url",
        ),
        (
            json!({ "url": "http://127.0.0.1:9/v1", "model": "m\nAuthorization: x", "timeout_ms": 2000 }),
            "llm.model",
        ),
        (
            json!({ "url": "http://127.0.0.1:9/v1", "model": "m", "timeout_ms": 600000 }),
            "llm.timeout_ms",
        ),
    ] {
        let (status, body) = call(
            &edge,
            reqwest::Method::PATCH,
            &path,
            admin,
            Some(json!({ "llm": llm })),
        )
        .await;
        assert_eq!(status, 400, "{llm}: {body}");
        assert!(
            body["message"].as_str().unwrap_or_default().contains(field),
            "{body}"
        );
    }
    let (_, stored) = call(&edge, reqwest::Method::GET, &path, admin, None).await;
    assert_eq!(
        stored["llm"],
        Value::Null,
        "a refused write changed nothing"
    );
    // A site created with such an endpoint is refused too.
    let mut settings = serde_json::to_value(fast_settings()).unwrap_or_default();
    settings["llm"] =
        json!({ "url": "https://attacker.example/steal", "model": "m", "timeout_ms": 2000 });
    let response = edge
        .http
        .post(format!("{}/api/v1/bootstrap", edge.base))
        .bearer_auth(&edge.bootstrap_token)
        .json(&json!({ "site": { "id": baton_tests::edge::unique("llm"), "name": "X", "settings": settings } }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 400);
}

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
async fn writes_without_settings_change_nothing() {
    let edge = Edge::shared();
    let mut settings = fast_settings();
    settings.allowed_origins = vec!["https://shop.example".into()];
    settings.identity_secret = "an-identity-secret-of-the-site".into();
    let site = edge.create_site(settings, 1).await;
    let admin = &site.agents[0].token;
    let path = format!("/api/v1/sites/{}/settings", site.id);
    let (_, before) = call(&edge, reqwest::Method::GET, &path, admin, None).await;
    for method in [reqwest::Method::PUT, reqwest::Method::PATCH] {
        for body in [
            json!([]),
            json!({}),
            json!({ "greting": "Hi" }),
            json!({ "settings": { "greeting": "Hi" } }),
            json!({ "knowledge_base": [{ "question": ["typo"], "answer": "x" }] }),
            json!({ "max_chats_per_agent": "lots" }),
        ] {
            let (status, reply) =
                call(&edge, method.clone(), &path, admin, Some(body.clone())).await;
            assert_eq!(status, 400, "{method} {body}: {reply}");
            assert!(reply["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    let (_, after) = call(&edge, reqwest::Method::GET, &path, admin, None).await;
    assert_eq!(before, after, "nothing stored changed");
    assert_eq!(after["knowledge_base"].as_array().map(Vec::len), Some(1));
    assert_eq!(after["identity_secret_set"], true);
    // PATCH changes only what it names.
    let (status, patched) = call(
        &edge,
        reqwest::Method::PATCH,
        &path,
        admin,
        Some(json!({ "greeting": "Welcome!" })),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["greeting"], "Welcome!");
    assert_eq!(patched["knowledge_base"], before["knowledge_base"]);
    assert_eq!(patched["allowed_origins"], json!(["https://shop.example"]));
    assert_eq!(patched["identity_secret_set"], true);
}

#[tokio::test]
async fn secrets_are_never_returned_not_even_to_admins() {
    let edge = Edge::shared();
    let secret = "identity-secret-nobody-may-read";
    let mut settings = fast_settings();
    settings.identity_secret = secret.into();
    let site = edge.create_site(settings, 2).await;
    let path = format!("/api/v1/sites/{}/settings", site.id);
    for agent in &site.agents {
        let response = edge
            .http
            .get(format!("{}{path}", edge.base))
            .bearer_auth(&agent.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let text = response.text().await.unwrap_or_default();
        assert!(!text.contains(secret), "{}: {text}", agent.name);
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(body["identity_secret_set"], true);
        assert!(body.get("identity_secret").is_none());
    }
    // A PUT of what GET answered keeps the secret (identity checks still on).
    let (_, current) = call(
        &edge,
        reqwest::Method::GET,
        &path,
        &site.agents[0].token,
        None,
    )
    .await;
    let (status, _) = call(
        &edge,
        reqwest::Method::PUT,
        &path,
        &site.agents[0].token,
        Some(current),
    )
    .await;
    assert_eq!(status, 200);
    let forged = edge
        .http
        .post(format!(
            "{}/api/v1/sites/{}/conversations",
            edge.base, site.id
        ))
        .header("cf-connecting-ip", visitor_address())
        .json(&json!({ "name": "Eve", "email": "ceo@example.com", "user_hash": "00" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(forged.status(), 403);
}

/// Which fixed window of `limit` the wall clock is in (the edge counts in the same windows).
fn window_of(limit: baton_core::limits::Limit) -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64 / limit.window_ms)
        .unwrap_or(0)
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_and_per_client() {
    use baton_core::limits::{LOGIN_FAILURES_PER_CLIENT, LOGIN_PER_ACCOUNT};
    let edge = Edge::shared();
    // Counters restart at each 15-minute window; a run straddling a window's end (rare) runs
    // again on fresh accounts inside the next one.
    for attempt in 0..2 {
        let window = window_of(LOGIN_PER_ACCOUNT);
        let site = edge.create_site(fast_settings(), 2).await;
        let target = &site.agents[0];
        // Ten guesses on one account, from ten addresses; the eleventh is refused even if right.
        let mut guesses = Vec::new();
        for _ in 0..LOGIN_PER_ACCOUNT.max {
            guesses.push(
                login(&edge, &visitor_address(), &target.email, "guess-guess")
                    .await
                    .0,
            );
        }
        let (right, body, _) = login(&edge, &visitor_address(), &target.email, PASSWORD).await;
        // One address guessing across many accounts is stopped too; other addresses are not.
        let attacker = visitor_address();
        let mut failures = Vec::new();
        for i in 0..=LOGIN_FAILURES_PER_CLIENT.max {
            let email = format!("nobody{i}@{}.example.com", site.id);
            failures.push(login(&edge, &attacker, &email, "guess-guess").await.0);
        }
        let other = &site.agents[1];
        let (from_attacker, _, _) = login(&edge, &attacker, &other.email, PASSWORD).await;
        let (from_elsewhere, _, _) = login(&edge, &visitor_address(), &other.email, PASSWORD).await;
        if window != window_of(LOGIN_PER_ACCOUNT) && attempt == 0 {
            continue;
        }
        assert!(guesses.iter().all(|s| *s == 401), "{guesses:?}");
        assert_eq!(right, 429, "{body}");
        assert_eq!(body["error"], "rate_limited");
        let max = LOGIN_FAILURES_PER_CLIENT.max as usize;
        assert!(failures[..max].iter().all(|s| *s == 401), "{failures:?}");
        assert_eq!(
            failures[max], 429,
            "the 51st failure from one address is refused"
        );
        assert_eq!(from_attacker, 429);
        assert_eq!(from_elsewhere, 200);
        return;
    }
    panic!("two runs straddled a window's end");
}

#[tokio::test]
async fn an_unknown_email_costs_the_same_as_a_wrong_password() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let known = &site.agents[0].email;
    let mut known_times = Vec::new();
    let mut unknown_times = Vec::new();
    for i in 0..7 {
        let (status, _, t) = login(&edge, &visitor_address(), known, "wrong-password").await;
        assert_eq!(status, 401);
        known_times.push(t);
        let stranger = format!("stranger{i}@{}.example.com", site.id);
        let (status, body, t) = login(&edge, &visitor_address(), &stranger, "wrong-password").await;
        assert_eq!(status, 401);
        assert_eq!(body["message"], "wrong email or password");
        unknown_times.push(t);
    }
    let (known_median, unknown_median) = (median(known_times), median(unknown_times));
    // Before the fix an unknown email skipped the hashing: 5 ms against 17 ms.
    assert!(
        unknown_median * 2 > known_median,
        "unknown {unknown_median:?} vs known {known_median:?}"
    );
}

#[tokio::test]
async fn agent_routes_answer_cors_only_to_the_edges_own_origin() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let agent = &site.agents[0];
    let login_url = format!("{}/api/v1/auth/login", edge.base);
    // A page elsewhere posting a "simple" request (no preflight) is refused and not answered.
    let response = edge
        .http
        .post(&login_url)
        .header("origin", "https://evil.example")
        .header("content-type", "text/plain")
        .header("cf-connecting-ip", visitor_address())
        .body(json!({ "email": agent.email, "password": PASSWORD }).to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 415);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let preflight = edge
        .http
        .request(reqwest::Method::OPTIONS, &login_url)
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let me = edge
        .http
        .get(format!("{}/api/v1/me", edge.base))
        .header("origin", "https://evil.example")
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(me.headers().get("access-control-allow-origin").is_none());
    // The edge's own origin, and the visitor routes for customers' pages, still get CORS.
    let own = edge
        .http
        .get(format!("{}/api/v1/me", edge.base))
        .header("origin", edge.base.clone())
        .bearer_auth(&agent.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        own.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(edge.base.as_str())
    );
    let config = edge
        .http
        .get(format!(
            "{}/api/v1/sites/{}/widget-config",
            edge.base, site.id
        ))
        .header("origin", "https://shop.example")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        config
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://shop.example")
    );
}

#[tokio::test]
async fn every_response_says_nosniff_and_the_api_has_a_strict_csp() {
    let edge = Edge::shared();
    for path in [
        "/api/v1/health",
        "/api/v1/me",
        "/api/v1/no-such-route",
        "/",
        "/widget.js",
    ] {
        let response = edge
            .http
            .get(format!("{}{path}", edge.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        if path != "/api/v1/no-such-route" && path != "/api/v1/me" {
            assert_eq!(response.status(), 200, "{path}");
        }
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        if path.starts_with("/api/") {
            assert!(
                header("content-security-policy").contains("default-src 'none'"),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn cursors_beyond_any_sequence_number_are_refused() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let started = start_conversation(&edge, &site.id, json!({})).await;
    let (id, token) = (&started.conversation_id, &started.token);
    for after in ["9007199254740992", "18446744073709551615", "-1", "abc"] {
        let url = format!(
            "{}/api/v1/conversations/{id}/events?token={token}&after={after}",
            edge.base
        );
        let response = edge
            .http
            .get(&url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), 400, "after={after}");
        let ws = format!(
            "{}/api/v1/conversations/{id}/ws?token={token}&after={after}",
            edge.ws_base()
        );
        let refused = Conn::open(&ws, None).await.err().unwrap_or_default();
        assert!(refused.contains("400"), "after={after}: {refused}");
    }
    let ok = format!(
        "{}/api/v1/conversations/{id}/events?token={token}&after=9007199254740991",
        edge.base
    );
    assert_eq!(
        edge.http
            .get(&ok)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .ok(),
        Some(200)
    );
}

#[tokio::test]
async fn new_conversations_are_limited_per_client_address() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 0).await;
    let url = format!("{}/api/v1/sites/{}/conversations", edge.base, site.id);
    let limit = baton_core::limits::CONVERSATIONS_PER_CLIENT;
    let window = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64 / limit.window_ms)
            .unwrap_or(0)
    };
    // The counter is per fixed window: a run that straddles a window's end is run again,
    // wholly inside the next window.
    for attempt in 0..2 {
        let address = visitor_address();
        let started = std::time::SystemTime::now();
        let mut statuses = Vec::new();
        for _ in 0..=limit.max {
            let response = edge
                .http
                .post(&url)
                .header("cf-connecting-ip", &address)
                .json(&json!({}))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let status = response.status().as_u16();
            if status == 429 {
                assert!(response.headers().get("retry-after").is_some());
            }
            statuses.push(status);
        }
        if window(started) != window(std::time::SystemTime::now()) && attempt == 0 {
            continue;
        }
        let max = limit.max as usize;
        assert!(statuses[..max].iter().all(|s| *s == 201), "{statuses:?}");
        assert_eq!(statuses[max], 429);
        // Someone else is not affected.
        start_conversation(&edge, &site.id, json!({})).await;
        return;
    }
    panic!("two runs straddled a window's end");
}

#[tokio::test]
async fn sockets_per_conversation_are_limited() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 0).await;
    let started = start_conversation(&edge, &site.id, json!({})).await;
    let url = format!(
        "{}/api/v1/conversations/{}/ws?token={}",
        edge.ws_base(),
        started.conversation_id,
        started.token
    );
    let mut open = Vec::new();
    for _ in 0..VISITOR_SOCKETS_PER_CONVERSATION {
        let mut conn = Conn::open(&url, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        conn.wait_for("welcome", |f| matches!(f, ServerFrame::Welcome { .. }))
            .await;
        open.push(conn);
    }
    // One more: the oldest is closed to make room, and says why.
    let _newest = Conn::open(&url, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (code, reason) = open[0]
        .wait_closed(WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (code, reason.as_str()),
        (CLOSE_REPLACED, "replaced by a newer connection")
    );
    for conn in &mut open[1..] {
        assert!(
            conn.wait_closed(Duration::from_millis(200)).await.is_err(),
            "only the oldest"
        );
    }
}

#[tokio::test]
async fn typing_floods_and_receipts_for_unsent_messages_are_refused() {
    let edge = Edge::shared();
    let site = edge.create_site(fast_settings(), 1).await;
    let mut visitor = VisitorSocket::start(&edge, &site).await;
    let mut agent =
        AgentSocket::connect(&edge, &site, &site.agents[0], &visitor.conversation_id, 0).await;
    for i in 0..30 {
        visitor
            .send(VisitorCommand::Typing { typing: i % 2 == 0 })
            .await;
    }
    visitor
        .conn
        .wait_for("typing refused", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: ErrorCode::RateLimited,
                    ..
                }
            )
        })
        .await;
    let last = visitor.conn.last_seq();
    visitor
        .send(VisitorCommand::Read { seq: last + 1000 })
        .await;
    visitor
        .conn
        .wait_for("receipt refused", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: ErrorCode::BadRequest,
                    ..
                }
            )
        })
        .await;
    agent.send(AgentCommand::Read { seq: 1 << 40 }).await;
    agent
        .conn
        .wait_for("agent receipt refused", |f| {
            matches!(
                f,
                ServerFrame::Error {
                    code: ErrorCode::BadRequest,
                    ..
                }
            )
        })
        .await;
    agent.conn.drain(Duration::from_millis(500)).await;
    let typing = agent
        .conn
        .frames
        .iter()
        .filter(|f| matches!(f, ServerFrame::Typing { .. }))
        .count();
    assert!(
        (1..=10).contains(&typing),
        "{typing} typing frames relayed of 30"
    );
    assert!(!agent
        .conn
        .frames
        .iter()
        .any(|f| matches!(f, ServerFrame::Read { .. })));
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
