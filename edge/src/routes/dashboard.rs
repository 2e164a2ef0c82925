//! Routes only the agent dashboard needs: statistics for a period, and the site's agents
//! (admins add, change and remove them). Every route resolves the caller's membership of the
//! site in the path first, and every query is scoped to that site, so an agent of site A can
//! never read or change anything of site B.

use baton_core::api::{AddedAgent, AgentUpdate, NewAgent};
use baton_core::stats::{facts_from, StatsAnswer};
use baton_core::{validate, ConversationSummary, ErrorCode, Event};
use serde::Deserialize;
use worker::{Env, Method, Request, RequestInit, Response};

use super::valid_conversation_id;
use crate::auth::{self, require_agent, AgentSession};
use crate::conversation_room::{AgentHeader, AGENT_HEADER};
use crate::db::{self, AgentRow, Role};
use crate::db_dashboard as dbd;
use crate::error::{ApiError, ApiResult};
use crate::util::{json_body, json_response, now, query_param, random_hex};

/// Conversations whose facts are derived per request: each costs one Durable Object call, and a
/// request's subrequests are limited. The dashboard asks again while `pending > 0`.
const FACTS_PER_REQUEST: u32 = 25;

fn millis_param(req: &Request, name: &str) -> ApiResult<i64> {
    query_param(req, name)?
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| ApiError::bad_request(format!("`{name}` must be epoch milliseconds")))
}

/// `GET /api/v1/sites/{site}/stats?from=MS&to=MS`: one fact row per conversation started in the
/// period; the dashboard counts them into days of the agent's own time zone.
pub async fn stats(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let db = env.d1("DB")?;
    let session = require_agent(&req, &db).await?;
    let membership = session.membership(site_id)?;
    let (from, to) = (millis_param(&req, "from")?, millis_param(&req, "to")?);
    if to <= from || to - from > 400 * 86_400_000 {
        return Err(ApiError::bad_request(
            "the period must run forwards and span at most 400 days",
        ));
    }
    let header = AgentHeader {
        agent: session.agent.clone(),
        max_chats: membership.max_chats,
        site_id: site_id.to_string(),
        session: String::new(),
    };
    for stale in dbd::stale_facts(&db, site_id, from, to, FACTS_PER_REQUEST).await? {
        let summary: ConversationSummary = serde_json::from_str(&stale.summary)?;
        let index_seq = stale.source_seq as u64;
        let (facts, source_seq) = match history(env, &header, &stale.id).await {
            Ok(events) => {
                let last = events.last().map_or(index_seq, |e| e.seq.max(index_seq));
                (facts_from(&summary, &events), last)
            }
            // A conversation that cannot be read still counts, with what its summary says.
            Err(error) => {
                worker::console_error!("stats: history of {} failed: {}", stale.id, error.message);
                (facts_from(&summary, &[]), index_seq)
            }
        };
        dbd::save_facts(&db, site_id, &facts, stale.updated_at as i64, source_seq).await?;
    }
    let answer = StatsAnswer {
        facts: dbd::facts(&db, site_id, from, to).await?,
        pending: dbd::stale_count(&db, site_id, from, to).await?,
        includes_bot_only: dbd::has_bot_only(&db, site_id).await?,
    };
    json_response(&answer, 200)
}

/// The whole event history of a conversation, from its Durable Object.
async fn history(env: &Env, header: &AgentHeader, id: &str) -> ApiResult<Vec<Event>> {
    #[derive(Deserialize)]
    struct State {
        events: Vec<Event>,
    }
    if !valid_conversation_id(id) {
        return Err(ApiError::not_found("conversation"));
    }
    let headers = worker::Headers::new();
    headers.set(AGENT_HEADER, &serde_json::to_string(header)?)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let request = Request::new_with_init("https://internal/agent/state", &init)?;
    let stub = env.durable_object("CONVERSATION")?.get_by_name(id)?;
    let mut response = stub.fetch_with_request(request).await?;
    if response.status_code() != 200 {
        return Err(ApiError::not_found("conversation"));
    }
    Ok(response.json::<State>().await?.events)
}

async fn admin(
    req: &Request,
    env: &Env,
    site_id: &str,
) -> ApiResult<(worker::D1Database, AgentSession)> {
    let db = env.d1("DB")?;
    let session = require_agent(req, &db).await?;
    session.admin_of(site_id)?;
    Ok((db, session))
}

fn check_limits(groups: &[String], max_chats: Option<u32>) -> ApiResult<()> {
    if groups.len() > 50 || groups.iter().any(|g| g.trim().is_empty() || g.len() > 64) {
        return Err(ApiError::bad_request(
            "groups: up to 50 names of 1-64 characters",
        ));
    }
    if max_chats.is_some_and(|m| !(1..=100).contains(&m)) {
        return Err(ApiError::bad_request("max_chats must be between 1 and 100"));
    }
    Ok(())
}

/// `GET /api/v1/sites/{site}/agents` (admins).
pub async fn list_agents(req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let (db, _) = admin(&req, env, site_id).await?;
    json_response(&dbd::site_agents(&db, site_id).await?, 200)
}

/// `POST /api/v1/sites/{site}/agents` (admins). A known email gains this site and keeps its
/// name and password; a new one gets an account (with a made-up first password if none given).
pub async fn add_agent(mut req: Request, env: &Env, site_id: &str) -> ApiResult<Response> {
    let (db, session) = admin(&req, env, site_id).await?;
    let new: NewAgent = json_body(&mut req).await?;
    let email = validate::email(&new.email)?.to_lowercase();
    let name = validate::name(&new.name)?;
    check_limits(&new.groups, new.max_chats)?;
    let site = db::site(&db, site_id)
        .await?
        .ok_or_else(|| ApiError::not_found("site"))?;
    let max_chats = new.max_chats.unwrap_or(site.settings.max_chats_per_agent);
    let (agent_id, password, existing) = match db::agent_by_email(&db, &email).await? {
        Some(known) => {
            if dbd::site_agent(&db, site_id, &known.id).await?.is_some() {
                return Err(ApiError::new(
                    409,
                    ErrorCode::NotAllowed,
                    "this person is already an agent of this site",
                ));
            }
            // Attached at once only if the admin already administers a site of this account;
            // anyone else is invited, and learns nothing about the account.
            let theirs = db::memberships(&db, &known.id).await?;
            let administered = theirs.iter().any(|m| session.admin_of(&m.site_id).is_ok());
            if !administered {
                let invite = super::invitations::Invite {
                    site_id,
                    agent_id: &known.id,
                    email: &email,
                    role: &new.role,
                    groups: &new.groups,
                    max_chats,
                    invited_by: &session.agent.id,
                };
                super::invitations::create(&db, &invite).await?;
                super::join::notify_existing(&req, env, &email, &site.name, &session.agent.name)
                    .await;
                let answer = AddedAgent {
                    agent: None,
                    password: None,
                    existing: true,
                    invited: true,
                    invitation: None,
                };
                return json_response(&answer, 202);
            }
            (known.id, None, true)
        }
        None if new.invite => {
            if new.password.as_deref().is_some_and(|p| !p.is_empty()) {
                return Err(ApiError::bad_request(
                    "an invitation lets the person choose their password: leave `password` out",
                ));
            }
            let invite = super::join::TeamInvite {
                site_id,
                site_name: &site.name,
                inviter: &session.agent.name,
                invited_by: &session.agent.id,
                email: &email,
                role: &new.role,
                groups: &new.groups,
                max_chats,
            };
            let created = super::join::invite_by_link(&req, env, &invite).await?;
            let answer = AddedAgent {
                agent: None,
                password: None,
                existing: false,
                invited: true,
                invitation: Some(created.id),
            };
            return json_response(&answer, 202);
        }
        None => {
            let (password, generated) = match new.password.filter(|p| !p.is_empty()) {
                Some(p) if p.len() < 8 => {
                    return Err(ApiError::bad_request(
                        "passwords have at least 8 characters",
                    ))
                }
                Some(p) => (p, false),
                None => (random_hex(9)?, true),
            };
            let row = AgentRow {
                id: random_hex(12)?,
                email: email.clone(),
                name,
                password_hash: auth::hash_password(&password).await?,
            };
            db::insert_agent(&db, &row, now()).await?;
            (row.id, generated.then_some(password), false)
        }
    };
    db::upsert_membership(&db, &agent_id, site_id, &new.role, &new.groups, max_chats).await?;
    let agent = dbd::site_agent(&db, site_id, &agent_id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    json_response(
        &AddedAgent {
            agent: Some(agent),
            password,
            existing,
            invited: false,
            invitation: None,
        },
        201,
    )
}

/// `PATCH /api/v1/sites/{site}/agents/{agent}` (admins): role, groups, chat limit on this site.
pub async fn update_agent(
    mut req: Request,
    env: &Env,
    site_id: &str,
    agent_id: &str,
) -> ApiResult<Response> {
    let (db, _) = admin(&req, env, site_id).await?;
    let update: AgentUpdate = json_body(&mut req).await?;
    let current = dbd::site_agent(&db, site_id, agent_id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    let groups = update.groups.unwrap_or(current.groups);
    check_limits(&groups, update.max_chats)?;
    let role = update.role.unwrap_or(current.role);
    if current.role == Role::Admin
        && role != Role::Admin
        && dbd::admin_count(&db, site_id).await? <= 1
    {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            "a site keeps at least one admin",
        ));
    }
    let max_chats = update.max_chats.unwrap_or(current.max_chats);
    db::upsert_membership(&db, agent_id, site_id, &role, &groups, max_chats).await?;
    // Open sockets carry the old role, groups and limit: close them, the dashboard reconnects
    // and is authorised afresh.
    revoke_all(
        env,
        site_id,
        agent_id,
        "your access to this site changed",
        false,
    )
    .await?;
    let agent = dbd::site_agent(&db, site_id, agent_id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    json_response(&agent, 200)
}

/// `DELETE /api/v1/sites/{site}/agents/{agent}` (admins): the agent leaves this site only.
pub async fn remove_agent(
    req: Request,
    env: &Env,
    site_id: &str,
    agent_id: &str,
) -> ApiResult<Response> {
    let (db, _) = admin(&req, env, site_id).await?;
    let current = dbd::site_agent(&db, site_id, agent_id)
        .await?
        .ok_or_else(|| ApiError::not_found("agent"))?;
    if current.role == Role::Admin && dbd::admin_count(&db, site_id).await? <= 1 {
        return Err(ApiError::new(
            409,
            ErrorCode::NotAllowed,
            "a site keeps at least one admin",
        ));
    }
    dbd::remove_membership(&db, site_id, agent_id).await?;
    revoke_all(env, site_id, agent_id, "removed from this site", true).await?;
    json_response(&serde_json::json!({ "ok": true }), 200)
}

/// Closes every socket the agent has on the site, from every session.
async fn revoke_all(
    env: &Env,
    site_id: &str,
    agent_id: &str,
    reason: &str,
    removed: bool,
) -> ApiResult<()> {
    let revoke = crate::site_hub::access::Revoke {
        agent_id: agent_id.to_string(),
        session: None,
        reason: reason.to_string(),
        removed,
    };
    crate::site_client::SiteClient::new(env, site_id)?
        .revoke(&revoke)
        .await?;
    // Push follows the same rights: gone with the membership, or with its new groups and limit.
    let db = env.d1("DB")?;
    if removed {
        crate::push::store::leave_site(&db, agent_id, site_id).await?;
    }
    crate::push::refresh_reach(env, &db, agent_id, &[site_id.to_string()]).await?;
    Ok(())
}
