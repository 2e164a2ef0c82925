//! D1 queries of tickets answered by email: one ticket, its thread, reopening, and the log of
//! refused replies (migrations/0009_channels.sql).

use baton_core::TicketMessage;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::db::Ticket;
use crate::error::ApiResult;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

/// A ticket by id; `site_id` scopes it when known (agents), `None` for the Email Worker, which
/// learns the site from the ticket.
pub async fn ticket(
    db: &D1Database,
    site_id: Option<&str>,
    ticket_id: &str,
) -> ApiResult<Option<Ticket>> {
    let row = db
        .prepare(
            "SELECT id, site_id, conversation_id, name, email, message, transcript, status, created_at
             FROM tickets WHERE id = ?1 AND (?2 IS NULL OR site_id = ?2)",
        )
        .bind(&[text(ticket_id), site_id.map_or(JsValue::NULL, text)])?
        .first(None)
        .await?;
    Ok(row)
}

#[derive(Deserialize)]
struct MessageRow {
    id: String,
    ticket_id: String,
    site_id: String,
    direction: String,
    author: String,
    body: String,
    message_id: Option<String>,
    created_at: f64,
    attachments: String,
}

/// The thread, oldest first.
pub async fn thread(db: &D1Database, ticket_id: &str) -> ApiResult<Vec<TicketMessage>> {
    let rows: Vec<MessageRow> = db
        .prepare(
            "SELECT id, ticket_id, site_id, direction, author, body, message_id, created_at,
                    attachments
             FROM ticket_messages WHERE ticket_id = ?1 ORDER BY created_at, id LIMIT 500",
        )
        .bind(&[text(ticket_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|row| TicketMessage {
            id: row.id,
            ticket_id: row.ticket_id,
            site_id: row.site_id,
            direction: row.direction,
            author: row.author,
            body: row.body,
            message_id: row.message_id,
            created_at: row.created_at as i64,
            // Written by this module as JSON; a row from before the column reads as none.
            attachments: serde_json::from_str(&row.attachments).unwrap_or_default(),
        })
        .collect())
}

/// Stores a thread message once: by id (an outbox retry) and by Message-ID (a reply delivered
/// twice). Answers whether it was new.
pub async fn insert_message(db: &D1Database, message: &TicketMessage) -> ApiResult<bool> {
    let result = db
        .prepare(
            "INSERT OR IGNORE INTO ticket_messages
               (id, ticket_id, site_id, direction, author, body, message_id, created_at,
                attachments)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&[
            text(&message.id),
            text(&message.ticket_id),
            text(&message.site_id),
            text(&message.direction),
            text(&message.author),
            text(&message.body),
            message.message_id.as_deref().map_or(JsValue::NULL, text),
            number(message.created_at),
            text(&serde_json::to_string(&message.attachments)?),
        ])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// Opens a closed ticket again (an agent's choice, or a visitor's reply to it).
pub async fn reopen(db: &D1Database, site_id: &str, ticket_id: &str) -> ApiResult<bool> {
    let result = db
        .prepare(
            "UPDATE tickets SET status = 'open', closed_at = NULL WHERE site_id = ?1 AND id = ?2",
        )
        .bind(&[text(site_id), text(ticket_id)])?
        .run()
        .await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) > 0)
}

/// A refused reply as logged: who sent it to which address, why, and the site when the address
/// was one of ours for a known ticket. Never the content.
pub struct Refused<'a> {
    pub id: &'a str,
    pub sender: &'a str,
    pub recipient: &'a str,
    pub reason: &'a str,
    pub site_id: Option<&'a str>,
    pub at: i64,
}

/// Logs a refused reply: addresses and the reason, never the content.
pub async fn log_refused(db: &D1Database, refused: &Refused<'_>) -> ApiResult<()> {
    db.prepare(
        "INSERT OR IGNORE INTO refused_emails (id, sender, recipient, reason, received_at, site_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(&[
        text(refused.id),
        text(&refused.sender.chars().take(320).collect::<String>()),
        text(&refused.recipient.chars().take(320).collect::<String>()),
        text(refused.reason),
        number(refused.at),
        refused.site_id.map_or(JsValue::NULL, text),
    ])?
    .run()
    .await?;
    Ok(())
}
