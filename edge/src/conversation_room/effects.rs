//! The slower half of a transition: telling the site, writing D1, re-arming the alarm. Runs
//! after the state is committed, so a failure here never loses a message; it is logged, and the
//! next transition or alarm brings the lists up to date again.

use std::collections::VecDeque;

use baton_core::{Effect, EventKind, Phase};

use super::ConversationRoom;
use crate::db::{self, Ticket};
use crate::error::ApiResult;
use crate::site_client::{SeatRequest, SiteClient};
use crate::util::now;

impl ConversationRoom {
    pub(super) async fn after(&self, effects: Vec<Effect>) {
        if let Err(error) = self.carry_out(effects).await {
            worker::console_error!("effects failed: {} {}", error.status, error.message);
        }
        if let Err(error) = self.sync_alarm().await {
            worker::console_error!("alarm re-arm failed: {}", error.message);
        }
    }

    async fn carry_out(&self, effects: Vec<Effect>) -> ApiResult<()> {
        let mut queue: VecDeque<Effect> = effects.into();
        let mut site_update: Option<bool> = None;
        let mut index = false;
        let site_id = self.loaded()?.site_id;
        let site = SiteClient::new(&self.env, &site_id)?;
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Emit(_) => {}
                Effect::CheckAvailability { group } => {
                    let available = site.available(group).await?;
                    match self.transact(|c, now| Ok(c.availability(available, now))) {
                        Ok(more) => queue.extend(more),
                        Err(refusal) => worker::console_error!("availability: {refusal:?}"),
                    }
                }
                Effect::NotifyAgents { .. } => site_update = Some(true),
                Effect::PhaseChanged { to, .. } => {
                    site_update = Some(site_update.unwrap_or(false));
                    index |= matches!(to, Phase::Missed | Phase::Archived | Phase::Live);
                }
                Effect::ReleaseAgent { agent_id } => {
                    let conversation = self.loaded()?;
                    let seat = SeatRequest {
                        agent: baton_core::AgentRef {
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
        let summary = self.loaded()?.summary();
        if index {
            db::index_conversation(&self.env.d1("DB")?, &summary).await?;
        }
        if let Some(notify) = site_update {
            site.conversation_changed(summary, notify).await?;
        }
        Ok(())
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
        db::insert_ticket(&self.env.d1("DB")?, &ticket).await
    }

    /// One alarm for the whole ladder: armed at the earliest pending step, or removed.
    async fn sync_alarm(&self) -> ApiResult<()> {
        let storage = self.state.storage();
        match self.loaded()?.next_deadline() {
            // The platform takes an offset from now; the core speaks absolute times.
            Some(due) => storage.set_alarm((due - now()).max(0)).await?,
            None => storage.delete_alarm().await?,
        }
        Ok(())
    }
}
