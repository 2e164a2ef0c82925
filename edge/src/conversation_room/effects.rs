//! The slower half of a transition: the site's outbox entries first (freed slots, the list
//! row), then the questions only the site can answer (who is available, whom to assign) and a
//! busy chat's list refresh, then the rest of the outbox (D1 rows, webhooks). Runs after the state is committed, so a failure
//! here never loses a message; a failed question is logged (a stuck handoff is retried by the
//! core's timer), outbox entries are retried.

use std::collections::VecDeque;

use baton_core::site::ConversationChanged;
use baton_core::{AgentRef, Effect};

use super::ConversationRoom;
use crate::error::ApiResult;
use crate::site_client::{AssignRequest, SeatRequest, SiteClient};

impl ConversationRoom {
    pub(super) async fn after(&self, effects: Vec<Effect>) {
        self.flush_site_first().await;
        if let Err(error) = self.carry_out(effects).await {
            worker::console_error!("effects failed: {} {}", error.status, error.message);
        }
        self.flush_ready().await;
    }

    async fn carry_out(&self, effects: Vec<Effect>) -> ApiResult<()> {
        // Most transitions are a message: stored and sent already, nothing else to do.
        if effects
            .iter()
            .all(|e| matches!(e, Effect::Emit(_) | Effect::Deliver(_)))
        {
            return Ok(());
        }
        let mut queue: VecDeque<Effect> = effects.into();
        let site_id = self
            .cache
            .borrow()
            .as_ref()
            .map(|c| c.site_id.clone())
            .unwrap_or_default();
        let site = SiteClient::new(&self.env, &site_id)?;
        while let Some(effect) = queue.pop_front() {
            match effect {
                // Written with the state; delivered by `flush_ready` (list rows included: the
                // site hears of phase changes and waiting chats through the outbox).
                Effect::Emit(_)
                | Effect::Deliver(_)
                | Effect::NotifyAgents { .. }
                | Effect::PhaseChanged { .. }
                | Effect::ListChanged => {}
                // A busy chat's refresh: straight to the site, not awaited here. workerd hands
                // a socket its next message only when the last one's handler is done, so an
                // awaited refresh held one message in ten per busy chat behind a site round
                // trip. Out-of-order arrival is harmless (the site drops an older `rev`); if it
                // is lost, the next refresh (or the trailing alarm's) carries a newer row.
                Effect::ListPreview { rev } => {
                    let changed = ConversationChanged {
                        summary: self.with_loaded(baton_core::Conversation::summary)?,
                        notify: false,
                        rev,
                    };
                    let detached = SiteClient::new(&self.env, &site_id)?;
                    self.state.wait_until(async move {
                        if let Err(error) = detached.conversation_changed(&changed).await {
                            worker::console_warn!("list refresh not sent: {}", error.message);
                        }
                    });
                }
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
                Effect::AutoAssign { group } => {
                    let request = AssignRequest {
                        group,
                        conversation_id: self.loaded()?.id,
                    };
                    let agent = site.assign(&request).await?;
                    match self
                        .transact(|c, now| Ok(c.assigned(agent.as_ref(), now)))
                        .await
                    {
                        Ok(more) => queue.extend(more),
                        Err(refusal) => worker::console_error!("auto-assign: {refusal:?}"),
                    }
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
            }
        }
        Ok(())
    }
}
