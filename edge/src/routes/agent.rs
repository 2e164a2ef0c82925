//! Agent routes: sign in and out, the site socket (presence, lists, notifications), the lists,
//! a conversation's history and socket, tickets. Every site route checks membership first.

use baton_core::api::Me;
use baton_core::site::List;
use baton_core::ErrorCode;
use serde::Deserialize;
use worker::{Env, Method, Request, RequestInit, Response};

use super::valid_conversation_id;
use crate::auth::{self, require_agent, AgentSession};
use crate::conversation_room::{AgentHeader, AGENT_HEADER};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::rate;
use crate::site_client::SiteClient;
use crate::site_hub::access::{Revoke, Watch};
use crate::site_hub::{SiteAgent, SITE_AGENT_HEADER};
use crate::util::{json_body, json_response, now, query_param, sha256_hex};
use baton_core::limits::{LOGIN_FAILURES_PER_CLIENT, LOGIN_PER_ACCOUNT};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
}

fn me_of(session: &AgentSession) -> Me {
    Me {
        agent: session.agent.clone(),
        email: session.email.clone(),
        sites: session.memberships.clone(),
    }
}

pub async fn login(mut req: Request, env: &Env) -> ApiResult<Response> {
    let login: Login = json_body(&mut req).await?;
    if login.email.len() > 254 || login.password.len() > 1024 {
        return Err(ApiError::bad_request("email or password too long"));
    }
    let db = env.d1("DB")?;
    let email = login.email.trim().to_lowercase();
    // Refused before any password work. The account counter counts attempts (not failures)
    // so parallel guesses are counted too; the client counter counts failures only, so a
    // shared office address is not locked out by its own successful sign-ins.
    let client = format!("login-client:{}", rate::client_key(&req));
    let failures = rate::peek(&db, &client, LOGIN_FAILURES_PER_CLIENT).await?;
    rate::check(
        failures + 1,
        LOGIN_FAILURES_PER_CLIENT,
        "failed sign-ins from this address",
    )?;
    let account = format!("login-account:{}", sha256_hex(&email));
    let attempts = rate::count(&db, &account, LOGIN_PER_ACCOUNT).await?;
    rate::check(
        attempts,
        LOGIN_PER_ACCOUNT,
        "sign-in attempts for this account",
    )?;
    let refused = || ApiError::new(401, ErrorCode::Unauthorized, "wrong email or password");
    let agent = db::agent_by_email(&db, &email).await?;
    // An unknown email costs the same hashing as a wrong password, so timing does not tell
    // which emails have accounts.
    let stored = agent
        .as_ref()
        .map_or(auth::DUMMY_PASSWORD_HASH, |a| a.password_hash.as_str());
    let verified = auth::verify_password(&login.password, stored).await?;
    let Some(agent) = agent.filter(|_| verified) else {
        rate::count(&db, &client, LOGIN_FAILURES_PER_CLIENT).await?;
        return Err(refused());
    };
    rate::reset(&db, &account).await?;
    super::signup::session_answer(&req, &db, agent).await
}

pub async fn logout(req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    db::delete_session(&db, &session.token_hash).await?;
    // This browser's push devices go with the session.
    let devices = crate::push::store::of_session(&db, &session.token_hash).await?;
    if !devices.is_empty() {
        crate::push::store::delete(&db, &devices).await?;
        let sites: Vec<String> = session
            .memberships
            .iter()
            .map(|m| m.site_id.clone())
            .collect();
        crate::push::refresh_reach(env, &db, &session.agent.id, &sites).await?;
    }
    // The session is gone; every socket it opened goes with it, on every site.
    for membership in &session.memberships {
        let revoke = Revoke {
            agent_id: session.agent.id.clone(),
            session: Some(session.token_hash.clone()),
            reason: "signed out".into(),
            removed: false,
        };
        SiteClient::new(env, &membership.site_id)?
            .revoke(&revoke)
            .await?;
    }
    let mut response = json_response(&serde_json::json!({ "ok": true }), 200)?;
    response
        .headers_mut()
        .set("set-cookie", &auth::clear_cookie())?;
    Ok(response)
}

pub async fn me(req: Request, env: &Env) -> ApiResult<Response> {
    let session = require_agent(&req, &env.d1("DB")?).await?;
    json_response(&me_of(&session), 200)
}

/// Re-sends a request to a Durable Object's internal path with an identity header the worker
/// vouches for (clients cannot set it: every client header is dropped).
async fn to_object(
    req: &Request,
    stub: worker::Stub,
    path: &str,
    header: (&str, String),
) -> ApiResult<Response> {
    let query = req
        .url()?
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let headers = worker::Headers::new();
    if let Some(upgrade) = req.headers().get("upgrade")? {
        headers.set("upgrade", &upgrade)?;
    }
    headers.set(header.0, &header.1)?;
    let mut init = RequestInit::new();
    // GET for reads and socket upgrades, POST for a notification's accept (no body either way).
    let method = if req.method() == Method::Post {
        Method::Post
    } else {
        Method::Get
    };
    init.with_method(method).with_headers(headers);
    let inner = Request::new_with_init(&format!("https://internal{path}{query}"), &init)?;
    Ok(stub.fetch_with_request(inner).await?)
}

pub async fn site_socket(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let session = require_agent(&req, &env.d1("DB")?).await?;
    let membership = session.membership(site_id)?;
    let me = SiteAgent {
        agent: session.agent.clone(),
        groups: membership.groups.clone(),
        max_chats: membership.max_chats,
        session: session.token_hash.clone(),
    };
    let stub = env.durable_object("SITE")?.get_by_name(site_id)?;
    to_object(
        &req,
        stub,
        "/ws",
        (SITE_AGENT_HEADER, serde_json::to_string(&me)?),
    )
    .await
}

pub async fn list_conversations(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    let raw = query_param(&req, "list")?.unwrap_or_else(|| "active".into());
    let list = List::parse(&raw)
        .ok_or_else(|| ApiError::bad_request("list is one of active, monitor, missed, archived"))?;
    let conversations = if list.is_live() {
        let stub = env.durable_object("SITE")?.get_by_name(site_id)?;
        let mut response = stub
            .fetch_with_str("https://internal/conversations")
            .await?;
        let all: Vec<baton_core::ConversationSummary> = response.json().await?;
        all.into_iter()
            .filter(|c| List::of(c.phase) == list)
            .collect()
    } else {
        db::indexed_conversations(&db, site_id, list.as_str()).await?
    };
    json_response(&conversations, 200)
}

/// The signed-in agent, a member of `site_id`, as the conversation's object is told who asks.
pub async fn identity(
    req: &Request,
    env: &Env,
    site_id: &str,
    conversation_id: &str,
) -> ApiResult<(AgentSession, AgentHeader)> {
    let session = require_agent(req, &env.d1("DB")?).await?;
    let membership = session.membership(site_id)?;
    if !valid_conversation_id(conversation_id) {
        return Err(ApiError::not_found("conversation"));
    }
    let identity = AgentHeader {
        agent: session.agent.clone(),
        max_chats: membership.max_chats,
        site_id: site_id.to_string(),
        session: session.token_hash.clone(),
    };
    Ok((session, identity))
}

pub async fn conversation(
    req: Request,
    env: &Env,
    site_id: &str,
    conversation_id: &str,
    path: &str,
) -> ApiResult<Response> {
    let (session, identity) = identity(&req, env, site_id, conversation_id).await?;
    if path == "/agent/ws" {
        // Recorded first, so a sign-out or removal from now on finds and closes this socket.
        let watch = Watch {
            agent_id: session.agent.id.clone(),
            session: session.token_hash.clone(),
            conversation_id: conversation_id.to_string(),
        };
        SiteClient::new(env, site_id)?.watch(&watch).await?;
    }
    let stub = env
        .durable_object("CONVERSATION")?
        .get_by_name(conversation_id)?;
    to_object(
        &req,
        stub,
        path,
        (AGENT_HEADER, serde_json::to_string(&identity)?),
    )
    .await
}

pub async fn tickets(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    let status = query_param(&req, "status")?.unwrap_or_else(|| "open".into());
    if status != "open" && status != "closed" {
        return Err(ApiError::bad_request("status is open or closed"));
    }
    json_response(&db::tickets(&db, site_id, &status).await?, 200)
}

pub async fn close_ticket(
    req: Request,
    env: &Env,
    site_id: &str,
    ticket_id: &str,
) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    session.membership(site_id)?;
    if !db::close_ticket(&db, site_id, ticket_id, now()).await? {
        return Err(ApiError::not_found("ticket"));
    }
    json_response(&serde_json::json!({ "ok": true }), 200)
}
