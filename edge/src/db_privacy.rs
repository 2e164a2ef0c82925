//! D1 side of the visitor's data on request (core::privacy, migrations/0011_privacy.sql):
//! finding a visitor's conversations and tickets, deleting them with their index rows, threads
//! and failed deliveries, making their statistics facts anonymous, and the erase log.

use baton_core::privacy::{ErasedCounts, ErasedKind, ErasureRecord, ExportedTicket, RefusedEmail};
use baton_core::ConversationSummary;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiResult;

fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

fn number(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// This site's conversations the visitor gave this email in, or left a ticket from.
pub async fn conversations_by_email(
    db: &D1Database,
    site_id: &str,
    email: &str,
) -> ApiResult<Vec<String>> {
    let rows: Vec<IdRow> = db
        .prepare(
            "SELECT id FROM conversation_index
               WHERE site_id = ?1 AND lower(json_extract(summary, '$.visitor.email')) = ?2
             UNION SELECT conversation_id AS id FROM tickets WHERE site_id = ?1 AND lower(email) = ?2
             LIMIT 1000",
        )
        .bind(&[text(site_id), text(email)])?
        .all()
        .await?
        .results()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Tickets of these conversations or this email, each with its thread.
pub async fn tickets(
    db: &D1Database,
    site_id: &str,
    conversation_ids: &[String],
    email: Option<&str>,
) -> ApiResult<Vec<ExportedTicket>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        conversation_id: String,
        name: String,
        email: String,
        message: String,
        transcript: String,
        status: String,
        created_at: f64,
    }
    let ids = serde_json::to_string(conversation_ids)?;
    let rows: Vec<Row> = db
        .prepare(
            "SELECT id, conversation_id, name, email, message, transcript, status, created_at
             FROM tickets WHERE site_id = ?1
               AND (conversation_id IN (SELECT value FROM json_each(?2)) OR lower(email) = ?3)
             ORDER BY created_at LIMIT 1000",
        )
        .bind(&[text(site_id), text(&ids), email.map_or(JsValue::NULL, text)])?
        .all()
        .await?
        .results()?;
    let mut tickets = Vec::with_capacity(rows.len());
    for row in rows {
        let thread = crate::db_tickets::thread(db, &row.id).await?;
        tickets.push(ExportedTicket {
            id: row.id,
            conversation_id: row.conversation_id,
            name: row.name,
            email: row.email,
            message: row.message,
            transcript: row.transcript,
            status: row.status,
            created_at: row.created_at as i64,
            thread,
        });
    }
    Ok(tickets)
}

async fn changes(db: &D1Database, sql: &str, args: &[JsValue]) -> ApiResult<u32> {
    let result = db.prepare(sql).bind(args)?.run().await?;
    Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) as u32)
}

/// Deletes what D1 holds of one conversation of this site (tickets and their threads, its index
/// row, failed deliveries, its unanswered questions) and unlinks its statistics facts (`fact_id` from
/// [`baton_core::privacy::anonymous_fact_id`]). Idempotent: a second run changes nothing.
pub async fn forget_conversation(
    db: &D1Database,
    site_id: &str,
    id: &str,
    fact_id: &str,
) -> ApiResult<ErasedCounts> {
    let mut counts = ErasedCounts::default();
    let scope = [text(site_id), text(id)];
    counts.add(
        ErasedKind::TicketMessages,
        changes(
            db,
            "DELETE FROM ticket_messages WHERE ticket_id IN
               (SELECT id FROM tickets WHERE site_id = ?1 AND conversation_id = ?2)",
            &scope,
        )
        .await?,
    );
    counts.add(
        ErasedKind::Tickets,
        changes(
            db,
            "DELETE FROM tickets WHERE site_id = ?1 AND conversation_id = ?2",
            &scope,
        )
        .await?,
    );
    counts.add(
        ErasedKind::IndexRows,
        changes(
            db,
            "DELETE FROM conversation_index WHERE site_id = ?1 AND id = ?2",
            &scope,
        )
        .await?,
    );
    counts.add(
        ErasedKind::DeliveryFailures,
        changes(
            db,
            "DELETE FROM delivery_failures WHERE site_id = ?1 AND conversation_id = ?2",
            &scope,
        )
        .await?,
    );
    counts.add(
        ErasedKind::UnansweredQuestions,
        crate::db_unanswered::forget_conversation(db, site_id, id).await?,
    );
    counts.add(
        ErasedKind::FactsAnonymised,
        changes(
            db,
            "UPDATE conversation_facts SET id = ?3 WHERE site_id = ?1 AND id = ?2",
            &[text(site_id), text(id), text(fact_id)],
        )
        .await?,
    );
    Ok(counts)
}

/// Tickets left under this email whose conversation is already gone, with their threads.
pub async fn forget_tickets_by_email(
    db: &D1Database,
    site_id: &str,
    email: &str,
) -> ApiResult<ErasedCounts> {
    let mut counts = ErasedCounts::default();
    let scope = [text(site_id), text(email)];
    counts.add(
        ErasedKind::TicketMessages,
        changes(
            db,
            "DELETE FROM ticket_messages WHERE ticket_id IN
               (SELECT id FROM tickets WHERE site_id = ?1 AND lower(email) = ?2)",
            &scope,
        )
        .await?,
    );
    counts.add(
        ErasedKind::Tickets,
        changes(
            db,
            "DELETE FROM tickets WHERE site_id = ?1 AND lower(email) = ?2",
            &scope,
        )
        .await?,
    );
    Ok(counts)
}

/// Refused email replies sent from this email, to this site's tickets or to no site's (a forged
/// or unknown reply address: it names no site, so it goes with the visitor wherever they are
/// found). The reply address is given only for this site's rows: another may name another
/// site's ticket. Called only once the lookup found the visitor on this site.
pub async fn refused_emails(
    db: &D1Database,
    site_id: &str,
    email: &str,
) -> ApiResult<Vec<RefusedEmail>> {
    #[derive(Deserialize)]
    struct Row {
        sender: String,
        recipient: Option<String>,
        reason: String,
        received_at: f64,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT sender, CASE WHEN site_id = ?1 THEN recipient END AS recipient, reason,
                    received_at
             FROM refused_emails WHERE lower(sender) = ?2 AND (site_id = ?1 OR site_id IS NULL)
             ORDER BY received_at LIMIT 1000",
        )
        .bind(&[text(site_id), text(email)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .map(|r| RefusedEmail {
            sender: r.sender,
            recipient: r.recipient,
            reason: r.reason,
            received_at: r.received_at as i64,
        })
        .collect())
}

/// Deletes the refused email replies [`refused_emails`] exports.
pub async fn forget_refused_emails(
    db: &D1Database,
    site_id: &str,
    email: &str,
) -> ApiResult<ErasedCounts> {
    let mut counts = ErasedCounts::default();
    counts.add(
        ErasedKind::RefusedEmails,
        changes(
            db,
            "DELETE FROM refused_emails
               WHERE lower(sender) = ?2 AND (site_id = ?1 OR site_id IS NULL)",
            &[text(site_id), text(email)],
        )
        .await?,
    );
    Ok(counts)
}

/// This site's indexed conversations last updated before `cutoff`, oldest first.
pub async fn older_than(
    db: &D1Database,
    site_id: &str,
    cutoff: i64,
    limit: usize,
) -> ApiResult<Vec<ConversationSummary>> {
    #[derive(Deserialize)]
    struct Row {
        summary: String,
    }
    let rows: Vec<Row> = db
        .prepare(
            "SELECT summary FROM conversation_index WHERE site_id = ?1 AND updated_at < ?2
               AND phase NOT IN ('waiting', 'live') ORDER BY updated_at LIMIT ?3",
        )
        .bind(&[text(site_id), number(cutoff), number(limit as i64)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| serde_json::from_str(&r.summary).ok())
        .collect())
}

/// When this site's oldest ended indexed conversation was last updated.
pub async fn oldest(db: &D1Database, site_id: &str) -> ApiResult<Option<i64>> {
    #[derive(Deserialize)]
    struct Row {
        at: Option<f64>,
    }
    let row: Option<Row> = db
        .prepare(
            "SELECT min(updated_at) AS at FROM conversation_index
                  WHERE site_id = ?1 AND phase NOT IN ('waiting', 'live')",
        )
        .bind(&[text(site_id)])?
        .first(None)
        .await?;
    Ok(row.and_then(|r| r.at).map(|at| at as i64))
}

pub async fn log(db: &D1Database, record: &ErasureRecord) -> ApiResult<()> {
    db.prepare("INSERT INTO erasures (id, site_id, at, record) VALUES (?1, ?2, ?3, ?4)")
        .bind(&[
            text(&record.id),
            text(&record.site_id),
            number(record.at),
            text(&serde_json::to_string(record)?),
        ])?
        .run()
        .await?;
    Ok(())
}

/// The site's erase log, newest first.
pub async fn erasures(db: &D1Database, site_id: &str) -> ApiResult<Vec<ErasureRecord>> {
    #[derive(Deserialize)]
    struct Row {
        record: String,
    }
    let rows: Vec<Row> = db
        .prepare("SELECT record FROM erasures WHERE site_id = ?1 ORDER BY at DESC LIMIT 500")
        .bind(&[text(site_id)])?
        .all()
        .await?
        .results()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| serde_json::from_str(&r.record).ok())
        .collect())
}
