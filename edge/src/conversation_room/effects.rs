//! The slower half of a transition: telling the site, writing D1, re-arming the alarm. Runs
//! after the state is committed, so a failure here never loses a message; it is logged, and the
//! next transition or alarm brings the lists up to date again.

use std::collections::VecDeque;

use baton_core::{AgentAction, AgentRef, Effect, EventKind, Phase};

use super::ConversationRoom;
use crate::db::{self, Ticket};
use crate::error::ApiResult;
use crate::site_client::{AssignRequest, SeatRequest, SiteClient};
use crate::util::now;

impl ConversationRoom {
    pub(super) async fn after(&self, effects: Vec<Effect>) {
        if let Err(error) = self.carry_out(effects).await {
            worker::console_error!("effects failed: {} {}", error.status, error.message);
        }
    }

    async fn carry_out(&self, effects: Vec<Effect>) -> ApiResult<()> {
        // Most transitions are a message: stored and sent already, nothing else to do.
        if effects.iter().all(|e| matches!(e, Effect::Emit(_))) {
            return Ok(());
        }
        let mut queue: VecDeque<Effect> = effects.into();
        let mut site_update: Option<bool> = None;
        let mut index = false;
        let site_id = self
            .cache
            .borrow()
            .as_ref()
            .map(|c| c.site_id.clone())
            .unwrap_or_default();
        let site = SiteClient::new(&self.env, &site_id)?;
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Emit(_) => {}
                Effect::CheckAvailability { group } => {
                    let available = site.available(group).await?;
                    match self
                        .transact(|c, now| Ok(c.availability(available, now)))
                        .await
                    {
                        Ok(more) => queue.extend(more),
                        Err(refusal) => worker::console_error!("availability: {refusal:?}"),
                    }
                }
                Effect::NotifyAgents { group } => {
                    let conversation = self.loaded()?;
                    let assigned = if conversation.settings.auto_assign {
                        let request = AssignRequest {
                            group,
                            conversation_id: conversation.id.clone(),
                        };
                        site.assign(&request).await?
                    } else {
                        None
                    };
                    match assigned {
                        Some(agent) => queue.extend(self.auto_claim(&site, agent).await?),
                        None => site_update = Some(true),
                    }
                }
                Effect::PhaseChanged { to, .. } => {
                    site_update = Some(site_update.unwrap_or(false));
                    index |= matches!(to, Phase::Missed | Phase::Archived | Phase::Live);
                }
                Effect::ReleaseAgent { agent_id } => {
                    let conversation = self.loaded()?;
                    let seat = SeatRequest {
                        agent: AgentRef {
                            id: agent_id,
                            name: String::new(),
                        },
                        max_chats: 0,
                        conversation_id: conversation.id,
                    };
                    site.release(&seat).await?;
                }
                Effect::CreateTicket(draft) => self.create_ticket(draft).await?,
            }
        }
        if !index && site_update.is_none() {
            return Ok(());
        }
        let summary = self.loaded()?.summary();
        if index {
            db::index_conversation(&self.env.d1("DB")?, &summary).await?;
        }
        if let Some(notify) = site_update {
            site.conversation_changed(summary, notify).await?;
        }
        Ok(())
    }

    /// Claims for the agent the site picked; if the chat was taken meanwhile, the slot goes back.
    async fn auto_claim(&self, site: &SiteClient, agent: AgentRef) -> ApiResult<Vec<Effect>> {
        match self
            .transact(|c, now| c.claim(&agent, AgentAction::Accept, now))
            .await
        {
            Ok(effects) => Ok(effects),
            Err(_) => {
                let conversation_id = self.loaded()?.id;
                let seat = SeatRequest {
                    agent,
                    max_chats: 0,
                    conversation_id,
                };
                site.release(&seat).await?;
                Ok(Vec::new())
            }
        }
    }

    async fn create_ticket(&self, draft: baton_core::TicketDraft) -> ApiResult<()> {
        let conversation = self.loaded()?;
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
        let ticket = Ticket {
            id: draft.ticket_id,
            site_id: conversation.site_id,
            conversation_id: conversation.id,
            name: draft.name,
            email: draft.email,
            message: draft.message,
            transcript,
            status: "open".into(),
            created_at: now() as f64,
        };
        db::insert_ticket(&self.env.d1("DB")?, &ticket).await?;
        let hook = conversation.settings.ticket_webhook_url;
        if !hook.is_empty() {
            // The ticket is stored either way; a failing hook is logged, not retried here.
            if let Err(error) = post_webhook(&hook, &ticket).await {
                worker::console_error!("ticket webhook failed: {}", error.message);
            }
        }
        Ok(())
    }
}

async fn post_webhook(url: &str, ticket: &Ticket) -> ApiResult<()> {
    let request = internal_request_to(url, ticket)?;
    let response = worker::Fetch::Request(request).send().await?;
    if response.status_code() >= 300 {
        return Err(crate::error::ApiError::new(
            502,
            baton_core::ErrorCode::Internal,
            format!("webhook answered {}", response.status_code()),
        ));
    }
    Ok(())
}

fn internal_request_to(url: &str, ticket: &Ticket) -> ApiResult<worker::Request> {
    let headers = worker::Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_headers(headers)
        .with_body(Some(serde_json::to_string(ticket)?.into()));
    Ok(worker::Request::new_with_init(url, &init)?)
}
