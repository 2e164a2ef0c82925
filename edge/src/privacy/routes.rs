//! Admin routes of the visitor's data (docs/API.md, "The visitor's data"): export as one JSON
//! file, erase, and the erase log. Every one needs an admin of the site.

use baton_core::privacy::{self, ErasedCounts, Eraser, ExportedConversation, Lookup, PrivacyError};
use baton_core::ErrorCode;
use serde::Deserialize;
use worker::{Env, Method, Request, Response};

use crate::auth::require_agent;
use crate::conversation_room::erase::SITE_HEADER;
use crate::error::{ApiError, ApiResult};
use crate::util::{internal_request, json_body, json_response, now, query_param};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseBody {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    conversation: Option<String>,
}

fn refused(error: PrivacyError) -> ApiError {
    match error {
        PrivacyError::NotFound => ApiError::new(404, ErrorCode::NotFound, error.to_string()),
        other => ApiError::bad_request(other.to_string()),
    }
}

async fn admin(req: &Request, env: &Env, site_id: &str) -> ApiResult<crate::auth::AgentSession> {
    let session = require_agent(req, &env.d1("DB")?).await?;
    session.admin_of(site_id)?;
    Ok(session)
}

/// `GET …/privacy/export?email=…` or `?conversation=…`: everything stored, as a download.
pub async fn export(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    admin(&req, env, site_id).await?;
    let email = query_param(&req, "email")?;
    let conversation = query_param(&req, "conversation")?;
    let lookup = Lookup::parse(email.as_deref(), conversation.as_deref()).map_err(refused)?;
    let ids = super::conversations(env, site_id, &lookup).await?;
    let mut conversations = Vec::with_capacity(ids.len());
    for id in &ids {
        let inner =
            internal_request::<()>(Method::Get, "/export", None, &[(SITE_HEADER, site_id)])?;
        let stub = env.durable_object("CONVERSATION")?.get_by_name(id)?;
        let mut response = stub.fetch_with_request(inner).await?;
        if response.status_code() == 200 {
            conversations.push(response.json::<ExportedConversation>().await?);
        }
    }
    let email = match &lookup {
        Lookup::Email(email) => Some(email.as_str()),
        Lookup::Conversation(_) => None,
    };
    let db = env.d1("DB")?;
    let tickets = crate::db_privacy::tickets(&db, site_id, &ids, email).await?;
    let unanswered = crate::db_unanswered::of_conversations(&db, site_id, &ids).await?;
    let export = privacy::export(site_id, &lookup, conversations, tickets, now())
        .map_err(refused)?
        .with_unanswered(unanswered);
    // Only once the visitor was found on this site: refused replies alone name no site.
    let export = match email {
        Some(email) => {
            let rows = crate::db_privacy::refused_emails(&db, site_id, email).await?;
            export.with_refused_emails(rows)
        }
        None => export,
    };
    let mut response = json_response(&export, 200)?;
    response.headers_mut().set(
        "content-disposition",
        "attachment; filename=\"visitor-export.json\"",
    )?;
    Ok(response)
}

/// `POST …/privacy/erase` with `{"email"}` or `{"conversation"}`: erased for good, logged.
pub async fn erase(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let session = admin(&req, env, site_id).await?;
    let body: EraseBody = json_body(&mut req).await?;
    let lookup =
        Lookup::parse(body.email.as_deref(), body.conversation.as_deref()).map_err(refused)?;
    let mut counts = ErasedCounts::default();
    for id in super::conversations(env, site_id, &lookup).await? {
        counts.merge(&super::erase_conversation(env, site_id, &id).await?);
    }
    if let Lookup::Email(email) = &lookup {
        let db = env.d1("DB")?;
        counts.merge(&crate::db_privacy::forget_tickets_by_email(&db, site_id, email).await?);
        // As in the export: only once the visitor was found on this site.
        if !counts.is_empty() {
            counts.merge(&crate::db_privacy::forget_refused_emails(&db, site_id, email).await?);
        }
    }
    let by = Eraser::Admin {
        agent_id: session.agent.id.clone(),
        name: session.agent.name.clone(),
    };
    let record = super::log(env, site_id, by, lookup.kind(), counts)
        .await?
        .ok_or_else(|| refused(PrivacyError::NotFound))?;
    json_response(&record, 200)
}

/// `GET …/privacy/erasures`: the erase log, newest first.
pub async fn erasures(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    admin(&req, env, site_id).await?;
    let log = crate::db_privacy::erasures(&env.d1("DB")?, site_id).await?;
    json_response(&serde_json::json!({ "erasures": log }), 200)
}
