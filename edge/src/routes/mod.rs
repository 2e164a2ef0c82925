//! The HTTP + WebSocket API (see docs/API.md). Each route family lives in its own module; this
//! table only maps method and path to a handler.

mod admin;
mod agent;
mod attachments;
mod dashboard;
mod deliveries;
mod headers;
mod invitations;
mod join;
pub mod operator;
mod password;
mod push;
mod signup;
mod sites;
pub mod tickets;
mod toolbox;
mod unanswered;
mod visitor;

pub(crate) use invitations::PendingInvitation;

use baton_core::settings_update::UpdateMode;
use worker::{Env, Method, Request, Response};

use crate::error::{ApiError, ApiResult};

pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    let origin = req.headers().get("origin").ok().flatten();
    let own_origin = req.url().ok().map(|url| url.origin().ascii_serialization());
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let visitor_route = headers::is_visitor_route(&req.method(), &segments);
    let response = if req.method() == Method::Options {
        Response::empty().map_err(ApiError::from)
    } else {
        match headers::require_json_for_cookies(&req, visitor_route) {
            Ok(()) => dispatch(req, &env).await,
            Err(error) => Err(error),
        }
    };
    let response = crate::error::respond(response)?;
    // Visitor routes are called from customers' pages (their origins are checked by the
    // route); agent routes answer CORS only for the edge's own origin.
    let cors = origin.filter(|o| visitor_route || own_origin.as_deref() == Some(o.as_str()));
    Ok(headers::finish(response, cors.as_deref()))
}

async fn dispatch(req: Request, env: &Env) -> ApiResult<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (req.method(), segments.as_slice()) {
        (Method::Get, ["api", "v1", "health"]) => {
            crate::util::json_response(&serde_json::json!({ "ok": true }), 200)
        }
        // Visitors
        (Method::Post, ["api", "v1", "sites", site, "conversations"]) => {
            visitor::create_conversation(req, env, site).await
        }
        (Method::Get, ["api", "v1", "sites", site, "widget-config"]) => {
            visitor::widget_config(&req, env, site).await
        }
        (Method::Get, ["api", "v1", "conversations", id, "ws"]) => {
            visitor::forward(req, env, id, "/visitor/ws").await
        }
        (Method::Get, ["api", "v1", "conversations", id, "events"]) => {
            visitor::forward(req, env, id, "/visitor/events").await
        }
        (Method::Post, ["api", "v1", "conversations", id, "attachments"]) => {
            attachments::visitor_upload(req, env, id).await
        }
        (Method::Get, ["api", "v1", "conversations", id, "attachments", file]) => {
            attachments::visitor_download(req, env, id, file).await
        }
        // Agents
        (Method::Post, ["api", "v1", "auth", "login"]) => agent::login(req, env).await,
        (Method::Post, ["api", "v1", "auth", "logout"]) => agent::logout(req, env).await,
        (Method::Post, ["api", "v1", "auth", "password"]) => password::change(req, env).await,
        (Method::Get, ["api", "v1", "me"]) => agent::me(req, env).await,
        (Method::Get, ["api", "v1", "sites", site, "ws"]) => {
            agent::site_socket(req, env, site).await
        }
        (Method::Get, ["api", "v1", "sites", site, "conversations"]) => {
            agent::list_conversations(req, env, site).await
        }
        (Method::Get, ["api", "v1", "sites", site, "conversations", id]) => {
            let state = agent::conversation(req, env, site, id, "/agent/state").await?;
            toolbox::with_earlier(env, site, id, state).await
        }
        (Method::Get, ["api", "v1", "sites", site, "conversations", id, "ws"]) => {
            agent::conversation(req, env, site, id, "/agent/ws").await
        }
        (Method::Post, ["api", "v1", "sites", site, "conversations", id, "accept"]) => {
            agent::conversation(req, env, site, id, "/agent/accept").await
        }
        (Method::Post, ["api", "v1", "sites", site, "conversations", id, "attachments"]) => {
            attachments::agent_upload(req, env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "conversations", id, "attachments", file]) => {
            attachments::agent_download(req, env, site, id, file).await
        }
        (Method::Get, ["api", "v1", "sites", site, "tickets"]) => {
            agent::tickets(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "tickets", id, "close"]) => {
            agent::close_ticket(req, env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "tickets", id]) => {
            tickets::thread(req, env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "tickets", id, "answers"]) => {
            tickets::answer(req, env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "tickets", id, "reopen"]) => {
            tickets::reopen(req, env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "tickets", id, "attachments", file]) => {
            tickets::attachment(req, env, site, id, file).await
        }
        // Admins
        (Method::Get, ["api", "v1", "sites", site, "settings"]) => {
            admin::get_settings(req, env, site).await
        }
        (Method::Put, ["api", "v1", "sites", site, "settings"]) => {
            admin::write_settings(req, env, site, UpdateMode::Replace).await
        }
        (Method::Patch, ["api", "v1", "sites", site, "settings"]) => {
            admin::write_settings(req, env, site, UpdateMode::Patch).await
        }
        (Method::Post, ["api", "v1", "bootstrap"]) => admin::bootstrap(req, env).await,
        (Method::Get, ["api", "v1", "sites", site, "api-keys"]) => {
            operator::list_keys(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "api-keys"]) => {
            operator::create_key(req, env, site).await
        }
        (Method::Delete, ["api", "v1", "sites", site, "api-keys", id]) => {
            operator::revoke_key(req, env, site, id).await
        }
        // Operator API (an outside bot platform, by API key)
        (Method::Post, ["api", "v1", "operator", "handoffs"]) => {
            operator::create_handoff(req, env).await
        }
        (Method::Post, ["api", "v1", "operator", "conversations", id, "messages"]) => {
            operator::relay(req, env, id, "message").await
        }
        (Method::Post, ["api", "v1", "operator", "conversations", id, "close"]) => {
            operator::relay(req, env, id, "close").await
        }
        // --- dashboard routes -------------------------------------------------------------
        (Method::Get, ["api", "v1", "sites", site, "stats"]) => {
            dashboard::stats(req, env, site).await
        }
        (Method::Get, ["api", "v1", "sites", site, "agents"]) => {
            dashboard::list_agents(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "agents"]) => {
            dashboard::add_agent(req, env, site).await
        }
        (Method::Patch, ["api", "v1", "sites", site, "agents", id]) => {
            dashboard::update_agent(req, env, site, id).await
        }
        (Method::Delete, ["api", "v1", "sites", site, "agents", id]) => {
            dashboard::remove_agent(req, env, site, id).await
        }
        (Method::Get, ["api", "v1", "sites", site, "invitations"]) => {
            invitations::pending(req, env, site).await
        }
        (Method::Delete, ["api", "v1", "sites", site, "invitations", id]) => {
            invitations::revoke(req, env, site, id).await
        }
        (Method::Get, ["api", "v1", "invitations"]) => invitations::mine(req, env).await,
        (Method::Post, ["api", "v1", "invitations", id, "accept"]) => {
            invitations::answer(req, env, id, true).await
        }
        (Method::Post, ["api", "v1", "invitations", id, "decline"]) => {
            invitations::answer(req, env, id, false).await
        }
        // --- end dashboard routes ---------------------------------------------------------
        // --- onboarding routes (issue 17) -------------------------------------------------
        (Method::Get, ["api", "v1", "signup"]) => signup::mode(env).await,
        (Method::Post, ["api", "v1", "signup"]) => signup::sign_up(req, env).await,
        (Method::Post, ["api", "v1", "signup", "verify"]) => signup::verify(req, env).await,
        (Method::Post, ["api", "v1", "signup", "invitations"]) => {
            signup::operator_invite(req, env).await
        }
        (Method::Put, ["api", "v1", "operator", "signup"]) => signup::set_mode(req, env).await,
        (Method::Post, ["api", "v1", "join", "check"]) => join::check(req, env).await,
        (Method::Post, ["api", "v1", "join"]) => join::join(req, env).await,
        (Method::Post, ["api", "v1", "sites"]) => sites::create(req, env).await,
        (Method::Get, ["api", "v1", "sites", site, "setup"]) => sites::setup(req, env, site).await,
        (Method::Post, ["api", "v1", "sites", site, "knowledge-base", "import"]) => {
            sites::import(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "bot", "try"]) => {
            sites::try_bot(req, env, site).await
        }
        // --- end onboarding routes ----------------------------------------------------------
        (Method::Get, ["api", "v1", "sites", site, "deliveries"]) => {
            deliveries::failures(req, env, site).await
        }
        // Web Push devices
        (Method::Get, ["api", "v1", "push", "key"]) => push::key(env).await,
        (Method::Get, ["api", "v1", "push", "devices"]) => push::list(req, env).await,
        (Method::Post, ["api", "v1", "push", "devices"]) => push::subscribe(req, env).await,
        (Method::Patch, ["api", "v1", "push", "devices", id]) => push::toggle(req, env, id).await,
        (Method::Delete, ["api", "v1", "push", "devices", id]) => push::remove(req, env, id).await,
        // The email digest (on/off per site; sent by the scheduled run)
        (Method::Get, ["api", "v1", "digest"]) => crate::digest::list(req, env).await,
        (Method::Patch, ["api", "v1", "digest"]) => crate::digest::toggle(req, env).await,
        // --- agent's toolbox routes (issue 12) -------------------------------------------
        (Method::Get, ["api", "v1", "sites", site, "suggestions"]) => {
            toolbox::suggestions(req, env, site).await
        }
        (Method::Get, ["api", "v1", "sites", site, "canned-replies"]) => {
            toolbox::list_canned(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "canned-replies"]) => {
            toolbox::create_canned(req, env, site).await
        }
        (Method::Patch, ["api", "v1", "sites", site, "canned-replies", id]) => {
            toolbox::update_canned(req, env, site, id).await
        }
        (Method::Delete, ["api", "v1", "sites", site, "canned-replies", id]) => {
            toolbox::delete_canned(req, env, site, id).await
        }
        (Method::Post, ["api", "v1", "sites", site, "canned-replies", id, "use"]) => {
            toolbox::use_canned(req, env, site, id).await
        }
        // --- end toolbox routes -----------------------------------------------------------
        // --- unanswered questions (issue 11) ----------------------------------------------
        (Method::Get, ["api", "v1", "sites", site, "unanswered"]) => {
            unanswered::list(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "unanswered", "resolve"]) => {
            unanswered::resolve(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "unanswered", "dismiss"]) => {
            unanswered::dismiss(req, env, site).await
        }
        // --- the visitor's data (issue 13) ------------------------------------------------
        (Method::Get, ["api", "v1", "sites", site, "privacy", "export"]) => {
            crate::privacy::routes::export(req, env, site).await
        }
        (Method::Post, ["api", "v1", "sites", site, "privacy", "erase"]) => {
            crate::privacy::routes::erase(req, env, site).await
        }
        (Method::Get, ["api", "v1", "sites", site, "privacy", "erasures"]) => {
            crate::privacy::routes::erasures(req, env, site).await
        }
        _ => Err(ApiError::not_found("route")),
    }
}

/// Conversation ids are 32 lower-case hex characters; anything else is refused before a
/// Durable Object is ever addressed.
pub fn valid_conversation_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
