//! Baton's edge: a Cloudflare Worker (workers-rs) serving the HTTP + WebSocket API, with one
//! Durable Object per conversation ([`conversation_room::ConversationRoom`]) and one per site
//! ([`site_hub::SiteHub`]), and D1 for accounts, settings, tickets and the Missed/Archived index.
//!
//! The rules live in `baton_core`; this crate only carries them out on the platform: it loads
//! state, applies one core transition, persists, broadcasts and re-arms the alarm. It refuses to
//! make decisions of its own about a conversation.

mod auth;
mod conversation_room;
mod db;
mod db_dashboard;
mod db_operator;
mod db_privacy;
mod db_tickets;
mod db_toolbox;
mod db_unanswered;
mod digest;
mod email;
mod error;
mod inbound_email;
mod onboarding;
mod privacy;
mod push;
mod rate;
mod routes;
mod site_client;
mod site_hub;
mod util;

pub use conversation_room::ConversationRoom;
pub use site_hub::SiteHub;

use worker::{
    event, Context, Env, ForwardableEmailMessage, Request, Response, Result, ScheduleContext,
    ScheduledEvent,
};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    routes::handle(req, env).await
}

/// Replies to ticket answers (Email Routing delivers them here).
#[event(email)]
async fn email(message: ForwardableEmailMessage, env: Env, _ctx: Context) -> Result<()> {
    match inbound_email::receive(&message, &env).await {
        Ok(outcome) => worker::console_log!("inbound email: {outcome:?}"),
        Err(error) => {
            // A temporary failure (D1): refusing permanently would lose the reply, so the
            // error goes back to the sending server, which retries.
            worker::console_error!("inbound email failed: {}", error.message);
            return Err(worker::Error::RustError(error.message));
        }
    }
    Ok(())
}

/// The cron trigger (wrangler.toml): sends the email digests that are due.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match digest::run(&env, util::now()).await {
        Ok(report) => worker::console_log!("digests: {report:?}"),
        Err(error) => worker::console_error!("digests failed: {}", error.message),
    }
}
