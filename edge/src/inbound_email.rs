//! The Email Worker: a visitor's reply to a ticket answer arrives at its signed reply address
//! and is added to that ticket's thread (quoted text and signatures cut off by the core), once
//! per Message-ID; a closed ticket opens again. A forged or unknown address is refused with a
//! permanent SMTP error and logged (addresses only, never the content).
//!
//! Locally, `wrangler dev` takes a raw message at `POST /cdn-cgi/handler/email?from=…&to=…`.

use baton_core::email_reply::visible_reply;
use baton_core::TicketMessage;
use mail_parser::MessageParser;
use worker::{Env, ForwardableEmailMessage};

use crate::db_tickets;
use crate::error::ApiResult;
use crate::util::{now, sha256_hex};

/// Larger replies are refused (attachments are not kept yet).
const MAX_REPLY_BYTES: f64 = 5.0 * 1024.0 * 1024.0;
/// The stored text of a reply is cut here.
const MAX_BODY_CHARS: usize = 20_000;

/// What happened to one message, for the log.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Stored,
    Duplicate,
    Refused(&'static str),
}

pub async fn receive(message: &ForwardableEmailMessage, env: &Env) -> ApiResult<Outcome> {
    let sender = message.from();
    let recipient = message.to();
    let outcome = classify(message, env, &sender, &recipient).await?;
    if let Outcome::Refused(reason) = &outcome {
        // First: locally the rejection travels back over RPC and must arrive before the
        // handler returns.
        message.set_reject(reason);
        let db = env.d1("DB")?;
        // The site, when the address is ours for a ticket that exists (a reply too large or
        // malformed): a visitor's export and erase of that site then cover the row.
        let site_id = match crate::email::verified_ticket(env, &recipient)? {
            Some(ticket_id) => db_tickets::ticket(&db, None, &ticket_id)
                .await?
                .map(|ticket| ticket.site_id),
            None => None,
        };
        let id = sha256_hex(&format!("{sender}|{recipient}|{}", now()));
        let refused = db_tickets::Refused {
            id: &id[..24],
            sender: &sender,
            recipient: &recipient,
            reason,
            site_id: site_id.as_deref(),
            at: now(),
        };
        db_tickets::log_refused(&db, &refused).await?;
        worker::console_warn!("email from {sender} to {recipient} refused: {reason}");
    }
    Ok(outcome)
}

async fn classify(
    message: &ForwardableEmailMessage,
    env: &Env,
    sender: &str,
    recipient: &str,
) -> ApiResult<Outcome> {
    if message.raw_size() > MAX_REPLY_BYTES {
        return Ok(Outcome::Refused("message too large"));
    }
    let Some(ticket_id) = crate::email::verified_ticket(env, recipient)? else {
        return Ok(Outcome::Refused("unknown reply address"));
    };
    let db = env.d1("DB")?;
    let Some(ticket) = db_tickets::ticket(&db, None, &ticket_id).await? else {
        return Ok(Outcome::Refused("unknown ticket"));
    };
    let raw = message.raw_bytes().await?;
    let Some(parsed) = MessageParser::default().parse(&raw) else {
        return Ok(Outcome::Refused("malformed message"));
    };
    let message_id = parsed
        .message_id()
        .map(str::to_owned)
        .unwrap_or_else(|| sha256_hex(&String::from_utf8_lossy(&raw)));
    let text = parsed
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let mut body: String = visible_reply(&text).chars().take(MAX_BODY_CHARS).collect();
    if body.is_empty() {
        body = "(no new text in this reply)".into();
    }
    let author = if sender.eq_ignore_ascii_case(&ticket.email) {
        ticket.name.clone()
    } else {
        format!("{} (from {sender})", ticket.name)
    };
    let reply = TicketMessage {
        // Derived from the Message-ID, so a second delivery collides on the key as well.
        id: sha256_hex(&format!("{}|{message_id}", ticket.site_id))[..24].to_owned(),
        ticket_id: ticket.id.clone(),
        site_id: ticket.site_id.clone(),
        direction: "visitor".into(),
        author,
        body,
        message_id: Some(message_id),
        created_at: now(),
    };
    if !db_tickets::insert_message(&db, &reply).await? {
        return Ok(Outcome::Duplicate);
    }
    db_tickets::reopen(&db, &ticket.site_id, &ticket.id).await?;
    Ok(Outcome::Stored)
}
