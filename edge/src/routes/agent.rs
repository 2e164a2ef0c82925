//! Agent routes: sign in and out, the site socket (presence, lists, notifications), the lists,
//! a conversation's history and socket, tickets. Every site route checks membership first.

use baton_core::ErrorCode;
use serde::Deserialize;
use worker::{Env, Method, Request, RequestInit, Response};

use super::valid_conversation_id;
use crate::auth::{self, require_agent, AgentSession};
use crate::conversation_room::{AgentHeader, AGENT_HEADER};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::site_hub::{SiteAgent, SITE_AGENT_HEADER};
use crate::util::{json_body, json_response, now, query_param};

#[derive(Deserialize)]
struct Login {
    email: String,
    password: String,
}

fn me_json(session: &AgentSession) -> serde_json::Value {
    serde_json::json!({
        "agent": session.agent,
        "email": session.email,
        "sites": session.memberships,
    })
}

pub async fn login(mut req: Request, env: &Env) -> ApiResult<Response> {
    let login: Login = json_body(&mut req).await?;
    let db = env.d1("DB")?;
    let refused = || ApiError::new(401, ErrorCode::Unauthorized, "wrong email or password");
    let agent = db::agent_by_email(&db, login.email.trim())
        .await?
        .ok_or_else(refused)?;
    if !auth::verify_password(&login.password, &agent.password_hash).await? {
        return Err(refused());
    }
    let token = auth::start_session(&db, &agent.id).await?;
    let memberships = db::memberships(&db, &agent.id).await?;
    let secure = req.url()?.scheme() == "https";
    let body = serde_json::json!({
        "token": token,
        "agent": { "id": agent.id, "name": agent.name },
        "email": agent.email,
        "sites": memberships,
    });
    let mut response = json_response(&body, 200)?;
    response
        .headers_mut()
        .set("set-cookie", &auth::session_cookie(&token, secure))?;
    Ok(response)
}

pub async fn logout(req: Request, env: &Env) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    db::delete_session(&db, &session.token_hash).await?;
    let mut response = json_response(&serde_json::json!({ "ok": true }), 200)?;
    response
        .headers_mut()
        .set("set-cookie", &auth::clear_cookie())?;
    Ok(response)
}

pub async fn me(req: Request, env: &Env) -> ApiResult<Response> {
    let session = require_agent(&req, &env.d1("DB")?).await?;
    json_response(&me_json(&session), 200)
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
    init.with_method(Method::Get).with_headers(headers);
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
    let list = query_param(&req, "list")?.unwrap_or_else(|| "active".into());
    let conversations = match list.as_str() {
        "missed" | "archived" => db::indexed_conversations(&db, site_id, &list).await?,
        "active" | "monitor" => {
            let stub = env.durable_object("SITE")?.get_by_name(site_id)?;
            let mut response = stub
                .fetch_with_str("https://internal/conversations")
                .await?;
            let all: Vec<baton_core::ConversationSummary> = response.json().await?;
            all.into_iter()
                .filter(|c| {
                    use baton_core::Phase::*;
                    match list.as_str() {
                        "active" => matches!(c.phase, Waiting | Live),
                        _ => matches!(c.phase, Bot | Contact),
                    }
                })
                .collect()
        }
        _ => {
            return Err(ApiError::bad_request(
                "list is one of active, monitor, missed, archived",
            ))
        }
    };
    json_response(&conversations, 200)
}

pub async fn conversation(
    req: Request,
    env: &Env,
    site_id: &str,
    conversation_id: &str,
    path: &str,
) -> ApiResult<Response> {
    let session = require_agent(&req, &env.d1("DB")?).await?;
    let membership = session.membership(site_id)?;
    if !valid_conversation_id(conversation_id) {
        return Err(ApiError::not_found("conversation"));
    }
    let identity = AgentHeader {
        agent: session.agent.clone(),
        max_chats: membership.max_chats,
        site_id: site_id.to_string(),
    };
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
