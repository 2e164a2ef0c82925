//! Tickets answered by email, for the site's agents: a ticket with its thread, an answer (sent
//! to the visitor through the ticket's conversation's outbox, with a signed reply address so
//! their reply threads back), and reopening. Closing is `agent::close_ticket`.

use baton_core::api::TicketThread;
use baton_core::TicketDraft;
use serde::{Deserialize, Serialize};
use worker::{Env, Method, Request, Response};

use crate::auth::require_agent;
use crate::conversation_room::{AgentHeader, AGENT_HEADER};
use crate::db::{self, Ticket};
use crate::db_tickets;
use crate::error::{ApiError, ApiResult};
use crate::util::{internal_request, json_body, json_response, random_hex};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    text: String,
}

/// What the conversation's object needs to queue the answer.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    pub ticket: TicketDraft,
    pub site_name: String,
    pub text: String,
    pub answer_id: String,
    pub reply_address: String,
}

async fn session_ticket(
    req: &Request,
    env: &Env,
    site_id: &str,
    ticket_id: &str,
) -> ApiResult<(crate::auth::AgentSession, Ticket)> {
    let db = env.d1("DB")?;
    let session = require_agent(req, &db).await?;
    session.membership(site_id)?;
    let ticket = db_tickets::ticket(&db, Some(site_id), ticket_id)
        .await?
        .ok_or_else(|| ApiError::not_found("ticket"))?;
    Ok((session, ticket))
}

pub async fn thread(
    req: Request,
    env: &Env,
    site_id: &str,
    ticket_id: &str,
) -> ApiResult<Response> {
    let (_, ticket) = session_ticket(&req, env, site_id, ticket_id).await?;
    let messages = db_tickets::thread(&env.d1("DB")?, &ticket.id).await?;
    json_response(&TicketThread { ticket, messages }, 200)
}

/// `GET …/tickets/{id}/attachments/{file}`: a file an emailed reply brought.
pub async fn attachment(
    req: Request,
    env: &Env,
    site_id: &str,
    ticket_id: &str,
    file_id: &str,
) -> ApiResult<Response> {
    let (_, ticket) = session_ticket(&req, env, site_id, ticket_id).await?;
    let messages = db_tickets::thread(&env.d1("DB")?, &ticket.id).await?;
    let file = messages
        .into_iter()
        .flat_map(|m| m.attachments)
        .find(|f| f.id == file_id)
        .ok_or_else(|| ApiError::not_found("file"))?;
    crate::conversation_room::attachments::serve(
        env,
        &ticket.site_id,
        &ticket.conversation_id,
        &file,
    )
    .await
}

pub async fn answer(
    mut req: Request,
    env: &Env,
    site_id: &str,
    ticket_id: &str,
) -> ApiResult<Response> {
    let (session, ticket) = session_ticket(&req, env, site_id, ticket_id).await?;
    let body: AnswerBody = json_body(&mut req).await?;
    let membership = session.membership(site_id)?;
    let site = db::site(&env.d1("DB")?, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    let request = AnswerRequest {
        ticket: TicketDraft {
            ticket_id: ticket.id.clone(),
            name: ticket.name.clone(),
            email: ticket.email.clone(),
            message: ticket.message.clone(),
        },
        site_name: site.name,
        text: body.text,
        answer_id: random_hex(12)?,
        reply_address: crate::email::reply_address(env, &ticket.id)?,
    };
    let identity = AgentHeader {
        agent: session.agent.clone(),
        max_chats: membership.max_chats,
        site_id: site_id.to_string(),
        session: session.token_hash.clone(),
    };
    let identity = serde_json::to_string(&identity)?;
    let inner = internal_request(
        Method::Post,
        "/agent/ticket-answer",
        Some(&request),
        &[(AGENT_HEADER, identity.as_str())],
    )?;
    let stub = env
        .durable_object("CONVERSATION")?
        .get_by_name(&ticket.conversation_id)?;
    Ok(stub.fetch_with_request(inner).await?)
}

pub async fn reopen(
    req: Request,
    env: &Env,
    site_id: &str,
    ticket_id: &str,
) -> ApiResult<Response> {
    let (_, ticket) = session_ticket(&req, env, site_id, ticket_id).await?;
    db_tickets::reopen(&env.d1("DB")?, site_id, &ticket.id).await?;
    json_response(&serde_json::json!({ "ok": true }), 200)
}
