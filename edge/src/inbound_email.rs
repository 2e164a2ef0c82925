//! The Email Worker: a visitor's reply to a ticket answer arrives at its signed reply address
//! and is added to that ticket's thread (quoted text and signatures cut off by the core), once
//! per Message-ID; a closed ticket opens again. A forged or unknown address is refused with a
//! permanent SMTP error and logged (addresses only, never the content). Files it carries pass
//! the same rule as a chat's (the site's policy, on the bytes) and are stored in R2 under the
//! ticket's conversation, so an erase takes them too; the thread notes any file not kept.
//!
//! Locally, `wrangler dev` takes a raw message at `POST /cdn-cgi/handler/email?from=…&to=…`.

use baton_core::email_reply::{reply_files, visible_reply, EmailFile};
use baton_core::TicketMessage;
use mail_parser::{MessageParser, MimeHeaders};
use worker::{Env, ForwardableEmailMessage};

use crate::db_tickets;
use crate::error::ApiResult;
use crate::util::{now, sha256_hex};

/// Larger replies are refused (Cloudflare's Email Routing limit; each file also meets the
/// site's own limit).
const MAX_REPLY_BYTES: f64 = 25.0 * 1024.0 * 1024.0;
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
    // mail-parser reads almost anything; a message without a From header is not a reply.
    let Some(parsed) = MessageParser::default()
        .parse(&raw)
        .filter(|p| p.from().is_some())
    else {
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
    let site = crate::db::site(&db, &ticket.site_id).await?;
    let policy = site.map(|s| s.settings.attachments).unwrap_or_default();
    let parts: Vec<EmailFile> = parsed
        .attachments()
        .map(|part| EmailFile {
            name: part.attachment_name(),
            declared_type: None,
            bytes: part.contents(),
        })
        .collect();
    let files = reply_files(&parts, &policy);
    for note in &files.notes {
        body = format!("{body}\n{note}").trim().to_string();
    }
    if body.is_empty() {
        body = if files.kept.is_empty() {
            "(no new text in this reply)".into()
        } else {
            "(files only)".into()
        };
    }
    let mut attachments = Vec::new();
    let bucket = env.bucket(crate::conversation_room::attachments::BUCKET)?;
    for (index, checked) in files.kept {
        let bytes = parts[index].bytes;
        // From the Message-ID and the place: a second delivery writes the same object.
        let id = sha256_hex(&format!("{}|{message_id}|{index}", ticket.site_id))[..32].to_owned();
        let key = format!(
            "{}{id}",
            crate::conversation_room::attachments::prefix(&ticket.site_id, &ticket.conversation_id)
        );
        bucket
            .put(&key, bytes.to_vec())
            .http_metadata(worker::HttpMetadata {
                content_type: Some(checked.mime.to_string()),
                ..worker::HttpMetadata::default()
            })
            .execute()
            .await?;
        attachments.push(baton_core::FileRef {
            id,
            name: checked.name,
            mime: checked.mime.to_string(),
            size: bytes.len() as u64,
            inline: checked.inline,
        });
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
        attachments,
    };
    if !db_tickets::insert_message(&db, &reply).await? {
        return Ok(Outcome::Duplicate);
    }
    db_tickets::reopen(&db, &ticket.site_id, &ticket.id).await?;
    Ok(Outcome::Stored)
}
