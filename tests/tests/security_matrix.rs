//! Every route of the edge × every way of calling it without the right to: signed out, with a
//! signed-out (revoked) token, as an agent of another site, as a plain agent on admin routes.
//! The table is checked against the router's source, so a new route cannot be added without
//! saying here who may call it.

use baton_tests::clients::{start_conversation, Conn, VisitorSocket};
use baton_tests::edge::{fast_settings, repo_root, Edge, TestSite};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// Anyone (health).
    Public,
    /// A customer's page: checked by site, origin and the conversation's token.
    Visitor,
    /// The operator's bootstrap secret.
    Bootstrap,
    /// Email and password.
    SignIn,
    /// Any signed-in agent, about themselves.
    Session,
    /// An agent of the site in the path.
    SiteAgent,
    /// An admin of the site in the path.
    SiteAdmin,
    /// An outside bot platform, by one of the site's API keys.
    ApiKey,
    /// The holder of an emailed one-time link (its token is in the body).
    OneTimeLink,
}

use Access::*;

/// (method, path, who may call it). `{site}`, `{id}` stand for path parameters.
const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/api/v1/health", Public),
    ("POST", "/api/v1/sites/{site}/conversations", Visitor),
    ("GET", "/api/v1/sites/{site}/widget-config", Visitor),
    ("GET", "/api/v1/conversations/{id}/ws", Visitor),
    ("GET", "/api/v1/conversations/{id}/events", Visitor),
    ("POST", "/api/v1/conversations/{id}/attachments", Visitor),
    (
        "GET",
        "/api/v1/conversations/{id}/attachments/{id}",
        Visitor,
    ),
    ("POST", "/api/v1/auth/login", SignIn),
    ("POST", "/api/v1/auth/logout", Session),
    ("POST", "/api/v1/auth/password", Session),
    ("GET", "/api/v1/me", Session),
    ("GET", "/api/v1/invitations", Session),
    ("POST", "/api/v1/invitations/{id}/accept", Session),
    ("POST", "/api/v1/invitations/{id}/decline", Session),
    ("GET", "/api/v1/sites/{site}/ws", SiteAgent),
    ("GET", "/api/v1/sites/{site}/conversations", SiteAgent),
    ("GET", "/api/v1/sites/{site}/conversations/{id}", SiteAgent),
    (
        "GET",
        "/api/v1/sites/{site}/conversations/{id}/ws",
        SiteAgent,
    ),
    (
        "POST",
        "/api/v1/sites/{site}/conversations/{id}/accept",
        SiteAgent,
    ),
    (
        "POST",
        "/api/v1/sites/{site}/conversations/{id}/attachments",
        SiteAgent,
    ),
    (
        "GET",
        "/api/v1/sites/{site}/conversations/{id}/attachments/{id}",
        SiteAgent,
    ),
    ("GET", "/api/v1/sites/{site}/tickets", SiteAgent),
    ("POST", "/api/v1/sites/{site}/tickets/{id}/close", SiteAgent),
    ("GET", "/api/v1/sites/{site}/tickets/{id}", SiteAgent),
    (
        "GET",
        "/api/v1/sites/{site}/tickets/{id}/attachments/{id}",
        SiteAgent,
    ),
    (
        "POST",
        "/api/v1/sites/{site}/tickets/{id}/answers",
        SiteAgent,
    ),
    (
        "POST",
        "/api/v1/sites/{site}/tickets/{id}/reopen",
        SiteAgent,
    ),
    ("GET", "/api/v1/sites/{site}/settings", SiteAgent),
    ("GET", "/api/v1/sites/{site}/stats", SiteAgent),
    ("PUT", "/api/v1/sites/{site}/settings", SiteAdmin),
    ("PATCH", "/api/v1/sites/{site}/settings", SiteAdmin),
    ("GET", "/api/v1/sites/{site}/agents", SiteAdmin),
    ("POST", "/api/v1/sites/{site}/agents", SiteAdmin),
    ("PATCH", "/api/v1/sites/{site}/agents/{id}", SiteAdmin),
    ("DELETE", "/api/v1/sites/{site}/agents/{id}", SiteAdmin),
    ("GET", "/api/v1/sites/{site}/invitations", SiteAdmin),
    ("DELETE", "/api/v1/sites/{site}/invitations/{id}", SiteAdmin),
    ("GET", "/api/v1/sites/{site}/deliveries", SiteAdmin),
    ("POST", "/api/v1/bootstrap", Bootstrap),
    ("GET", "/api/v1/sites/{site}/suggestions", SiteAgent),
    ("GET", "/api/v1/sites/{site}/canned-replies", SiteAgent),
    ("POST", "/api/v1/sites/{site}/canned-replies", SiteAgent),
    (
        "PATCH",
        "/api/v1/sites/{site}/canned-replies/{id}",
        SiteAgent,
    ),
    (
        "DELETE",
        "/api/v1/sites/{site}/canned-replies/{id}",
        SiteAgent,
    ),
    (
        "POST",
        "/api/v1/sites/{site}/canned-replies/{id}/use",
        SiteAgent,
    ),
    ("GET", "/api/v1/sites/{site}/api-keys", SiteAdmin),
    ("POST", "/api/v1/sites/{site}/api-keys", SiteAdmin),
    ("DELETE", "/api/v1/sites/{site}/api-keys/{id}", SiteAdmin),
    ("POST", "/api/v1/operator/handoffs", ApiKey),
    (
        "POST",
        "/api/v1/operator/conversations/{id}/messages",
        ApiKey,
    ),
    ("POST", "/api/v1/operator/conversations/{id}/close", ApiKey),
    ("GET", "/api/v1/signup", Public),
    ("POST", "/api/v1/signup", SignIn),
    ("POST", "/api/v1/signup/verify", OneTimeLink),
    ("POST", "/api/v1/signup/invitations", Bootstrap),
    ("PUT", "/api/v1/operator/signup", Bootstrap),
    ("POST", "/api/v1/join/check", OneTimeLink),
    ("POST", "/api/v1/join", OneTimeLink),
    ("POST", "/api/v1/sites", Session),
    ("GET", "/api/v1/sites/{site}/setup", SiteAgent),
    (
        "POST",
        "/api/v1/sites/{site}/knowledge-base/import",
        SiteAdmin,
    ),
    ("POST", "/api/v1/sites/{site}/bot/try", SiteAdmin),
    ("GET", "/api/v1/push/key", Public),
    ("GET", "/api/v1/push/devices", Session),
    ("POST", "/api/v1/push/devices", Session),
    ("PATCH", "/api/v1/push/devices/{id}", Session),
    ("DELETE", "/api/v1/push/devices/{id}", Session),
    ("GET", "/api/v1/digest", Session),
    ("PATCH", "/api/v1/digest", Session),
    ("GET", "/api/v1/sites/{site}/privacy/export", SiteAdmin),
    ("POST", "/api/v1/sites/{site}/privacy/erase", SiteAdmin),
    ("GET", "/api/v1/sites/{site}/privacy/erasures", SiteAdmin),
    ("GET", "/api/v1/sites/{site}/unanswered", SiteAdmin),
    ("POST", "/api/v1/sites/{site}/unanswered/resolve", SiteAdmin),
    ("POST", "/api/v1/sites/{site}/unanswered/dismiss", SiteAdmin),
];

/// The routes the router matches, read from its source: `(Method::Get, ["api", "v1", site, …])`.
fn routes_in_router() -> Vec<(String, String)> {
    let source = std::fs::read_to_string(repo_root().join("edge/src/routes/mod.rs"))
        .unwrap_or_else(|e| panic!("router source: {e}"));
    let mut found = Vec::new();
    for chunk in source.split("(Method::").skip(1) {
        let Some((method, rest)) = chunk.split_once(", [") else {
            continue;
        };
        let Some((segments, _)) = rest.split_once(']') else {
            continue;
        };
        let path: Vec<String> = segments
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(
                |s| match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    Some(literal) => literal.to_string(),
                    None if s == "site" => "{site}".to_string(),
                    None => "{id}".to_string(),
                },
            )
            .collect();
        found.push((method.to_uppercase(), format!("/{}", path.join("/"))));
    }
    found
}

#[test]
fn every_route_of_the_router_is_in_the_matrix() {
    let router = routes_in_router();
    assert!(router.len() >= 20, "parsed only {} routes", router.len());
    for (method, path) in &router {
        assert!(
            ROUTES.iter().any(|(m, p, _)| m == method && p == path),
            "{method} {path} is routed but not in the security matrix: say who may call it"
        );
    }
    for (method, path, _) in ROUTES {
        assert!(
            router.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} is in the matrix but not routed"
        );
    }
}

struct World {
    edge: Edge,
    a: TestSite,
    b: TestSite,
    conversation: String,
    revoked: String,
}

fn fill(path: &str, world: &World) -> String {
    let id = if path.contains("/conversations/{id}") {
        world.conversation.clone()
    } else if path.contains("/agents/{id}") {
        world.a.agents[1].id.clone()
    } else {
        "0123456789abcdef0123456789abcdef".to_string()
    };
    path.replace("{site}", &world.a.id).replace("{id}", &id)
}

/// A body that would change something if it were accepted.
fn body_for(method: &str, path: &str) -> Option<Value> {
    match (method, path) {
        (_, p) if p.ends_with("/settings") => Some(json!({ "knowledge_base": [] })),
        ("POST", p) if p.ends_with("/agents") => {
            Some(json!({ "email": "intruder@evil.example", "name": "Intruder", "role": "admin" }))
        }
        ("PATCH", p) if p.contains("/agents/") => Some(json!({ "role": "admin" })),
        ("POST", "/api/v1/signup/verify") => {
            Some(json!({ "token": "0123456789abcdef", "password": "correct horse battery" }))
        }
        ("PUT", "/api/v1/operator/signup") => Some(json!({ "mode": "open" })),
        ("POST", "/api/v1/join/check") => Some(json!({ "token": "0123456789abcdef" })),
        ("POST", "/api/v1/join") => Some(
            json!({ "token": "0123456789abcdef", "name": "Intruder", "password": "correct horse battery" }),
        ),
        ("PATCH", p) if p.contains("/push/devices/") => Some(json!({ "sites": { "x": false } })),
        ("PATCH", "/api/v1/digest") => Some(json!({ "sites": { "x": true } })),
        ("PATCH", p) if p.contains("/canned-replies/") => Some(json!({ "text": "changed" })),
        ("POST", p) if p.ends_with("/unanswered/resolve") => Some(
            json!({ "question": "Intruder question?", "answer": "Intruder answer", "new_entry": true }),
        ),
        ("POST", p) if p.ends_with("/unanswered/dismiss") => {
            Some(json!({ "question": "Intruder question?" }))
        }
        ("POST", _) => Some(json!({})),
        _ => None,
    }
}

/// The status a call answers: HTTP for plain routes, the refused upgrade's for sockets.
async fn status_of(world: &World, method: &str, path: &str, token: Option<&str>) -> u16 {
    let url = fill(path, world);
    if path.ends_with("/ws") {
        let ws = format!("{}{url}", world.edge.ws_base());
        return match Conn::open(&ws, token).await {
            Ok(_) => 101,
            Err(error) => ["400", "401", "403", "404", "429"]
                .iter()
                .find(|code| error.contains(*code))
                .and_then(|code| code.parse().ok())
                .unwrap_or(0),
        };
    }
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = world
        .edge
        .http
        .request(method.clone(), format!("{}{url}", world.edge.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body_for(method.as_str(), path) {
        request = request.json(&body);
    }
    request
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn nobody_without_the_right_gets_through_any_route() {
    let edge = Edge::shared();
    let a = edge.create_site(fast_settings(), 2).await;
    let b = edge.create_site(fast_settings(), 1).await;
    let visitor = VisitorSocket::start(&edge, &a).await;
    // A token that was valid and is signed out.
    let login = edge
        .http
        .post(format!("{}/api/v1/auth/login", edge.base))
        .header("cf-connecting-ip", baton_tests::clients::visitor_address())
        .json(&json!({ "email": a.agents[0].email, "password": "correct horse battery" }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let revoked = login.json::<Value>().await.unwrap_or_default()["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let out = edge
        .http
        .post(format!("{}/api/v1/auth/logout", edge.base))
        .bearer_auth(&revoked)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status(), 200);
    let world = World {
        conversation: visitor.conversation_id.clone(),
        edge,
        a,
        b,
        revoked,
    };
    let admin = world.a.agents[0].token.clone();
    let settings_path = format!("/api/v1/sites/{}/settings", world.a.id);
    let before = get_json(&world.edge, &settings_path, &admin).await;
    let agents_path = format!("/api/v1/sites/{}/agents", world.a.id);
    let agents_before = get_json(&world.edge, &agents_path, &admin).await;

    let mut failures = Vec::new();
    let mut tried = 0;
    for (method, path, access) in ROUTES {
        let needs_session = matches!(access, Session | SiteAgent | SiteAdmin);
        let mut expect = Vec::new();
        if needs_session {
            expect.push(("signed out", None, 401));
            expect.push(("revoked token", Some(world.revoked.clone()), 401));
        }
        if matches!(access, SiteAgent | SiteAdmin) {
            expect.push((
                "other site's admin",
                Some(world.b.agents[0].token.clone()),
                403,
            ));
        }
        if *access == SiteAdmin {
            expect.push(("plain agent", Some(world.a.agents[1].token.clone()), 403));
        }
        if *access == Bootstrap {
            expect.push(("no bootstrap token", None, 401));
            expect.push(("an agent's token", Some(admin.clone()), 401));
        }
        if *access == ApiKey {
            expect.push(("no API key", None, 401));
            expect.push(("an agent's token", Some(admin.clone()), 401));
        }
        if *access == OneTimeLink {
            // A made-up link opens nothing, whoever sends it.
            expect.push(("a made-up link", None, 404));
            expect.push(("an agent with a made-up link", Some(admin.clone()), 404));
        }
        if *access == Visitor && path.starts_with("/api/v1/conversations/") {
            // The conversation's token is required; an agent's token is not one.
            expect.push(("no visitor token", None, 401));
            expect.push(("an agent's token", Some(admin.clone()), 401));
        }
        for (who, token, want) in expect {
            tried += 1;
            let got = status_of(&world, method, path, token.as_deref()).await;
            if got != want {
                failures.push(format!("{method} {path} as {who}: {got}, expected {want}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} calls got through:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(tried >= 60, "only {tried} calls tried");
    // And nothing any of them sent was stored.
    assert_eq!(get_json(&world.edge, &settings_path, &admin).await, before);
    assert_eq!(
        get_json(&world.edge, &agents_path, &admin).await,
        agents_before
    );
    // The visitor's own routes still work with the right token.
    let started = start_conversation(&world.edge, &world.a.id, json!({})).await;
    assert_eq!(started.conversation_id.len(), 32);
}

async fn get_json(edge: &Edge, path: &str, token: &str) -> Value {
    edge.http
        .get(format!("{}{path}", edge.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or(Value::Null)
}
