//! The durable outbox of a conversation: effects that leave the object (tickets, index rows,
//! statistics facts, unanswered questions, webhooks, emails) are written as rows in the same commit as the state change
//! ([`ConversationRoom::write_deliveries`]) and leased for their first attempt, which
//! [`ConversationRoom::flush_ready`] makes right after the commit; the alarm (armed at the
//! lease's end, or at the core's backoff after a failure) retries them
//! ([`ConversationRoom::flush_outbox`]). Rows are removed once the receiver confirmed. Receivers are idempotent: D1 writes are `INSERT … ON CONFLICT` by id (the index
//! and facts keep the newest by `updated_at`), and webhooks carry an idempotency key.

use std::time::Duration;

use baton_core::email::OutgoingEmail;
use baton_core::outbox::{AfterFailure, DeliveryKind, Pending};
use baton_core::site::ConversationChanged;
use baton_core::{Conversation, ConversationSummary, Delivery, Effect, EventKind};
use futures_util::future::{select, Either};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit};

use super::outbox_store::OutboxStore;
use super::platform::{operator_typing, operator_webhook};
use super::ConversationRoom;
use crate::db::{self, Ticket};
use crate::db_dashboard::{self as dbd, Facts};
use crate::error::{ApiError, ApiResult};
use crate::site_client::{SeatRequest, SiteClient};
use crate::util::{hex, now};

/// A webhook that has not answered by then counts as failed (and is retried).
const WEBHOOK_TIMEOUT_MS: u64 = 10_000;

/// What a webhook row stores: where to, and the exact body (signed at each attempt).
#[derive(Serialize, Deserialize)]
pub(super) struct WebhookPayload {
    pub(super) url: String,
    pub(super) body: String,
}

#[derive(Serialize, Deserialize)]
struct FactsPayload {
    site_id: String,
    facts: Facts,
    source_updated_at: i64,
    /// The conversation's last event when the facts were derived: the row's version.
    /// (0 in entries stored before it existed.)
    #[serde(default)]
    source_seq: u64,
}

/// An index row entry: the summary, and the conversation's last event as the row's version
/// (entries stored before it was added are a bare summary: version 0).
#[derive(Serialize, Deserialize)]
struct IndexPayload {
    #[serde(flatten)]
    summary: ConversationSummary,
    #[serde(default)]
    source_seq: u64,
}

/// The body POSTed to the ticket webhook.
#[derive(Serialize)]
struct TicketEvent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// The idempotency key (also in the `baton-idempotency-key` header).
    id: &'a str,
    ticket: &'a Ticket,
}

impl ConversationRoom {
    fn outbox_store(&self) -> OutboxStore {
        OutboxStore::new(self.state.storage().sql())
    }

    /// Writes a row for every delivery the transition queued. Called between the state write
    /// and the first `.await` of the commit, so rows and state commit together or not at all.
    pub(super) fn write_deliveries(
        &self,
        conversation: &Conversation,
        effects: &[Effect],
    ) -> ApiResult<()> {
        let mut ticket: Option<Ticket> = None;
        for effect in effects {
            let Effect::Deliver(delivery) = effect else {
                continue;
            };
            let key = delivery.key();
            let Some(entry) = conversation.outbox.get(&key) else {
                continue;
            };
            let payload = match delivery {
                Delivery::Ticket(draft) => {
                    let made = self.ticket(conversation, draft)?;
                    let json = serde_json::to_string(&made)?;
                    ticket = Some(made);
                    json
                }
                Delivery::TicketWebhook { ticket_id } => {
                    let ticket = ticket
                        .as_ref()
                        .filter(|t| &t.id == ticket_id)
                        .ok_or_else(|| failure("a webhook without its ticket"))?;
                    let id = global_key(conversation, &key);
                    let body = serde_json::to_string(&TicketEvent {
                        kind: "ticket.created",
                        id: &id,
                        ticket,
                    })?;
                    serde_json::to_string(&WebhookPayload {
                        url: conversation.settings.ticket_webhook_url.clone(),
                        body,
                    })?
                }
                Delivery::Email { email, .. } => serde_json::to_string(email)?,
                Delivery::TicketMessage(message) => serde_json::to_string(message)?,
                Delivery::OperatorEvent { seq } => {
                    operator_webhook(conversation, effects, *seq, &global_key(conversation, &key))?
                }
                Delivery::OperatorTyping { typing, at } => {
                    operator_typing(conversation, *typing, *at, &global_key(conversation, &key))?
                }
                Delivery::ListRow { rev, notify } => serde_json::to_string(&ConversationChanged {
                    summary: conversation.summary(),
                    notify: *notify,
                    rev: *rev,
                })?,
                Delivery::IndexRow { .. } => serde_json::to_string(&IndexPayload {
                    summary: conversation.summary(),
                    source_seq: conversation.last_seq,
                })?,
                Delivery::Push(draft) => serde_json::to_string(draft)?,
                Delivery::Unanswered(question) => serde_json::to_string(question)?,
                Delivery::SlotRelease { agent_id, .. } => serde_json::to_string(&SeatRequest {
                    agent: baton_core::AgentRef {
                        id: agent_id.clone(),
                        name: String::new(),
                    },
                    max_chats: 0,
                    conversation_id: conversation.id.clone(),
                })?,
                Delivery::Facts { .. } => {
                    let summary = conversation.summary();
                    let events = self.store().events_after(0, false)?;
                    serde_json::to_string(&FactsPayload {
                        site_id: conversation.site_id.clone(),
                        facts: baton_core::stats::facts_from(&summary, &events),
                        source_updated_at: summary.updated_at,
                        source_seq: conversation.last_seq,
                    })?
                }
            };
            self.outbox_store().put(entry, &payload)?;
        }
        Ok(())
    }

    fn ticket(
        &self,
        conversation: &Conversation,
        draft: &baton_core::TicketDraft,
    ) -> ApiResult<Ticket> {
        let transcript = self
            .store()
            .events_after(0, true)?
            .iter()
            .filter_map(|event| {
                let who = match &event.kind {
                    EventKind::VisitorMessage { .. } => "Visitor".to_string(),
                    EventKind::BotMessage { .. } => "Bot".to_string(),
                    EventKind::AgentMessage { agent, .. } => agent.name.clone(),
                    _ => return None,
                };
                Some(format!("{who}: {}", event.kind.preview()?))
            })
            .collect::<Vec<_>>()
            .join("\n");
        Ok(Ticket {
            id: draft.ticket_id.clone(),
            site_id: conversation.site_id.clone(),
            conversation_id: conversation.id.clone(),
            name: draft.name.clone(),
            email: draft.email.clone(),
            message: draft.message.clone(),
            transcript,
            status: "open".into(),
            created_at: now() as f64,
        })
    }

    /// Delivers the site's entries among the ready ones (freed slots, then list rows) before
    /// the site is asked anything else ([`DeliveryKind::order`]).
    pub(super) async fn flush_site_first(&self) {
        let first: Vec<Pending> = {
            let mut ready = self.ready.borrow_mut();
            let (first, rest) = std::mem::take(&mut *ready)
                .into_iter()
                .partition(|entry| entry.kind.goes_first());
            *ready = rest;
            first
        };
        if !first.is_empty() {
            self.deliver_all(first).await;
        }
    }

    /// Delivers what the last commits leased (their first attempt), then re-arms.
    pub(super) async fn flush_ready(&self) {
        let ready = std::mem::take(&mut *self.ready.borrow_mut());
        if !ready.is_empty() {
            self.deliver_all(ready).await;
        }
    }

    /// Delivers every entry due now (the alarm's retries, and entries of an object that died
    /// before their first attempt), then re-arms.
    pub(super) async fn flush_outbox(&self) {
        let mut due = std::mem::take(&mut *self.ready.borrow_mut());
        if let Some(c) = self.cache.borrow_mut().as_mut() {
            due.extend(c.outbox.begin(now()));
        }
        self.deliver_all(due).await;
    }

    /// One attempt per entry (each leased by the core, so no other call starts one meanwhile),
    /// the outcomes recorded, and the alarm re-armed at the next retry.
    async fn deliver_all(&self, mut entries: Vec<Pending>) {
        let Ok(conversation) = self.loaded() else {
            return;
        };
        entries.sort_by_key(|entry| entry.kind.order());
        for entry in entries {
            let outcome = self.deliver(&conversation, &entry).await;
            if let Err(error) = self.settle(&conversation, &entry, outcome).await {
                worker::console_error!("outbox {}: {}", entry.key, error.message);
            }
        }
        let deadline = self.cache.borrow().as_ref().and_then(|c| c.next_deadline());
        if let Err(error) = self.arm(deadline).await {
            worker::console_error!("outbox re-arm failed: {}", error.message);
        }
    }

    /// Records one attempt's outcome in the core's schedule and in the outbox table.
    async fn settle(
        &self,
        conversation: &Conversation,
        entry: &Pending,
        outcome: ApiResult<()>,
    ) -> ApiResult<()> {
        let store = self.outbox_store();
        let reported = entry.kind.reports_failures();
        match outcome {
            Ok(()) => {
                store.remove(&entry.key)?;
                if let Some(c) = self.cache.borrow_mut().as_mut() {
                    c.delivered(&entry.key);
                }
                if reported && entry.attempts > 0 {
                    let key = global_key(conversation, &entry.key);
                    dbd::clear_delivery_failure(&self.env.d1("DB")?, &key).await?;
                }
            }
            Err(error) => {
                let after = self
                    .cache
                    .borrow_mut()
                    .as_mut()
                    .and_then(|c| c.delivery_failed(&entry.key, now()));
                let next = match after {
                    Some(AfterFailure::Retry { due, attempts }) => {
                        store.failed(&entry.key, attempts, due, &error.message)?;
                        worker::console_warn!(
                            "outbox {} failed ({attempts}×): {}; retry at {due}",
                            entry.key,
                            error.message
                        );
                        Some((attempts, Some(due)))
                    }
                    Some(AfterFailure::GiveUp { attempts }) => {
                        store.remove(&entry.key)?;
                        worker::console_error!(
                            "outbox {} given up after {attempts} attempts: {}",
                            entry.key,
                            error.message
                        );
                        Some((attempts, None))
                    }
                    None => None,
                };
                if let (true, Some((attempts, next_at))) = (reported, next) {
                    let row = dbd::DeliveryFailure {
                        key: global_key(conversation, &entry.key),
                        site_id: conversation.site_id.clone(),
                        conversation_id: conversation.id.clone(),
                        kind: entry.kind.as_str().into(),
                        attempts,
                        last_error: error.message.chars().take(300).collect(),
                        first_failed_at: entry.created_at,
                        last_failed_at: now(),
                        next_attempt_at: next_at,
                    };
                    dbd::record_delivery_failure(&self.env.d1("DB")?, &row).await?;
                }
            }
        }
        Ok(())
    }

    /// One attempt. A row that is gone (delivered by a concurrent attempt) counts as done.
    async fn deliver(&self, conversation: &Conversation, entry: &Pending) -> ApiResult<()> {
        let Some(payload) = self.outbox_store().payload(&entry.key)? else {
            return Ok(());
        };
        if entry.expired(now()) {
            return Ok(()); // a signal too old to mean anything: dropped as done
        }
        match entry.kind {
            DeliveryKind::Ticket => {
                let ticket: Ticket = serde_json::from_str(&payload)?;
                db::insert_ticket(&self.env.d1("DB")?, &ticket).await
            }
            DeliveryKind::IndexRow => {
                let row: IndexPayload = serde_json::from_str(&payload)?;
                db::index_conversation(&self.env.d1("DB")?, &row.summary, row.source_seq).await
            }
            DeliveryKind::Facts => {
                let row: FactsPayload = serde_json::from_str(&payload)?;
                dbd::save_facts(
                    &self.env.d1("DB")?,
                    &row.site_id,
                    &row.facts,
                    row.source_updated_at,
                    row.source_seq,
                )
                .await
            }
            DeliveryKind::Webhook | DeliveryKind::Signal => {
                let hook: WebhookPayload = serde_json::from_str(&payload)?;
                let key = global_key(conversation, &entry.key);
                post_webhook(&hook, &key, &conversation.settings.webhook_secret).await
            }
            DeliveryKind::WebPush => {
                let draft: baton_core::push::PushDraft = serde_json::from_str(&payload)?;
                let sql = self.state.storage().sql();
                crate::push::deliver::deliver(&self.env, &sql, conversation, &entry.key, &draft)
                    .await
            }
            DeliveryKind::TicketMessage => {
                let message: baton_core::TicketMessage = serde_json::from_str(&payload)?;
                crate::db_tickets::insert_message(&self.env.d1("DB")?, &message)
                    .await
                    .map(|_| ())
            }
            DeliveryKind::Email => {
                let email: OutgoingEmail = serde_json::from_str(&payload)?;
                crate::email::send(&self.env, &email, &global_key(conversation, &entry.key)).await
            }
            DeliveryKind::Unanswered => {
                let question: baton_core::unanswered::Unanswered = serde_json::from_str(&payload)?;
                crate::db_unanswered::insert(&self.env.d1("DB")?, &question).await
            }
            DeliveryKind::ListRow => {
                let changed: ConversationChanged = serde_json::from_str(&payload)?;
                SiteClient::new(&self.env, &conversation.site_id)?
                    .conversation_changed(&changed)
                    .await
            }
            DeliveryKind::SlotRelease => {
                let seat: SeatRequest = serde_json::from_str(&payload)?;
                // The agent holds the chat again (a re-join): their new slot stays.
                if !conversation.release_applies(&seat.agent.id) {
                    return Ok(());
                }
                SiteClient::new(&self.env, &conversation.site_id)?
                    .release(&seat)
                    .await
            }
        }
    }
}

pub(super) fn failure(message: impl Into<String>) -> ApiError {
    ApiError::new(502, baton_core::ErrorCode::Internal, message)
}

/// The key receivers see: unique across conversations.
fn global_key(conversation: &Conversation, key: &str) -> String {
    format!("{}:{key}", conversation.id)
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as documented in docs/API.md.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> ApiResult<String> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| failure("webhook secret unusable"))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!(
        "t={timestamp},v1={}",
        hex(&mac.finalize().into_bytes())
    ))
}

async fn post_webhook(hook: &WebhookPayload, key: &str, secret: &str) -> ApiResult<()> {
    let timestamp = now() / 1000;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("baton-idempotency-key", key)?;
    headers.set("baton-timestamp", &timestamp.to_string())?;
    if !secret.is_empty() {
        headers.set(
            "baton-signature",
            &signature(secret, timestamp, &hook.body)?,
        )?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(hook.body.as_str().into()));
    let request = Request::new_with_init(&hook.url, &init)?;
    let call = Box::pin(async move { Fetch::Request(request).send().await });
    let deadline = Box::pin(Delay::from(Duration::from_millis(WEBHOOK_TIMEOUT_MS)));
    let response = match select(call, deadline).await {
        Either::Left((response, _)) => response?,
        Either::Right(_) => return Err(failure("webhook timed out")),
    };
    if !(200..300).contains(&response.status_code()) {
        return Err(failure(format!(
            "webhook answered {}",
            response.status_code()
        )));
    }
    Ok(())
}
