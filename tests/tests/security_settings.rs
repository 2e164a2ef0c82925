//! Issue 9, against the real edge: platform secrets stay with the platform, no settings write
//! wipes a site, secrets are write-only, and every response carries its security headers.

use baton_tests::api::{call, PASSWORD};
use baton_tests::clients::visitor_address;
use baton_tests::edge::{fast_settings, Edge};
use serde_json::{json, Value};

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
