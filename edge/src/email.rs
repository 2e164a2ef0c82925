//! Sends one [`OutgoingEmail`] through the `EMAIL` send_email binding (`wrangler dev` writes it to
//! a file and logs the path instead of sending). MIME comes from the `mail-builder` crate; the
//! content is core's, already escaped.
//!
//! Callers decide about retries: a conversation's emails go through its durable outbox, which
//! calls [`send`] again after a failure with the same key, and so the same Message-ID.

use baton_core::email::OutgoingEmail;
use baton_core::ErrorCode;
use mail_builder::headers::address::Address;
use mail_builder::MessageBuilder;
use worker::{EmailMessage, Env};

use crate::error::{ApiError, ApiResult};
use crate::util::{constant_time_eq, hex, sha256_hex};

/// The sender when the deploy sets no `EMAIL_FROM` (wrangler.toml sets one for local use).
const DEFAULT_FROM: &str = "baton@example.com";

fn email_error(what: &str, detail: impl std::fmt::Debug) -> ApiError {
    worker::console_error!("email: {what}: {detail:?}");
    ApiError::new(502, ErrorCode::Internal, format!("email not sent: {what}"))
}

/// The sender's address, from the `EMAIL_FROM` var.
pub fn from_address(env: &Env) -> String {
    env.var("EMAIL_FROM")
        .map(|v| v.to_string())
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_FROM.to_owned())
}

/// The raw RFC 5322 message. The Message-ID is derived from `key`, so a retry of the same
/// delivery is the same message to the receiving side.
pub fn render(from: &str, email: &OutgoingEmail, key: &str, now_secs: i64) -> ApiResult<String> {
    let bad_header = |text: &str| text.contains(['\r', '\n']);
    if bad_header(&email.subject)
        || bad_header(&email.to)
        || email.reply_to.as_deref().is_some_and(bad_header)
    {
        return Err(email_error("line break in a header", &email.subject));
    }
    let domain = from.rsplit_once('@').map_or("baton.local", |(_, d)| d);
    let message_id = format!("{}@{domain}", &sha256_hex(key)[..32]);
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(Some("Baton"), from))
        .to(email.to.as_str())
        .subject(email.subject.as_str())
        .message_id(message_id)
        .date(now_secs)
        .text_body(email.text.as_str());
    if let Some(html) = &email.html {
        builder = builder.html_body(html.as_str());
    }
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(reply_to.as_str());
    }
    builder
        .write_to_string()
        .map_err(|e| email_error("could not build the message", e))
}

/// Sends `email` now; an error means it was not accepted and may be retried.
pub async fn send(env: &Env, email: &OutgoingEmail, key: &str) -> ApiResult<()> {
    let from = from_address(env);
    let now_secs = crate::util::now() / 1000;
    let raw = render(&from, email, key, now_secs as i64)?;
    let binding = env
        .send_email("EMAIL")
        .map_err(|e| email_error("no EMAIL binding", e))?;
    let message =
        EmailMessage::new(&from, &email.to, &raw).map_err(|e| email_error("bad message", e))?;
    binding
        .send(&message)
        .await
        .map_err(|e| email_error("the binding refused it", e))?;
    Ok(())
}

/// The secret that signs reply addresses (`EMAIL_REPLY_SECRET`, a secret on deploy; the local
/// scripts pass one). Without it, tickets cannot be answered by email.
fn reply_secret(env: &Env) -> ApiResult<String> {
    env.secret("EMAIL_REPLY_SECRET")
        .map(|s| s.to_string())
        .or_else(|_| env.var("EMAIL_REPLY_SECRET").map(|v| v.to_string()))
        .ok()
        .filter(|s| s.len() >= 16)
        .ok_or_else(|| {
            ApiError::new(
                503,
                ErrorCode::Internal,
                "answering by email needs the EMAIL_REPLY_SECRET secret (16+ characters)",
            )
        })
}

fn reply_signature(secret: &str, ticket_id: &str) -> ApiResult<String> {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| email_error("reply secret unusable", e))?;
    mac.update(b"ticket-reply:");
    mac.update(ticket_id.as_bytes());
    Ok(hex(&mac.finalize().into_bytes()[..16]))
}

/// The domain replies are received on: `EMAIL_REPLY_DOMAIN`, else the sender's.
fn reply_domain(env: &Env) -> String {
    env.var("EMAIL_REPLY_DOMAIN")
        .map(|v| v.to_string())
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| {
            let from = from_address(env);
            from.rsplit_once('@')
                .map_or("example.com".to_owned(), |(_, domain)| domain.to_owned())
        })
}

/// `ticket+<id>.<signature>@<domain>`: a visitor's reply to it threads into that ticket.
pub fn reply_address(env: &Env, ticket_id: &str) -> ApiResult<String> {
    let signature = reply_signature(&reply_secret(env)?, ticket_id)?;
    Ok(baton_core::email_reply::reply_address(
        ticket_id,
        &signature,
        &reply_domain(env),
    ))
}

/// The ticket a reply address belongs to, if its signature is ours.
pub fn verified_ticket(env: &Env, address: &str) -> ApiResult<Option<String>> {
    let Some((ticket_id, signature)) = baton_core::email_reply::parse_reply_address(address) else {
        return Ok(None);
    };
    let expected = reply_signature(&reply_secret(env)?, &ticket_id)?;
    Ok(constant_time_eq(&expected, &signature).then_some(ticket_id))
}
