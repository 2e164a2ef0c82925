//! Accept, take control and join: who gets the chat when many agents ask at once.
//!
//! Claims take turns (an async lock held from the slot reservation at the site to the core's
//! decision), so the core's check-and-set sees every earlier claim's outcome and exactly one of
//! simultaneous claims wins. The claims queued behind a winner would each hear "taken by" only
//! on their own turn, one after the other; instead, the moment a claim wins, every socket claim
//! still waiting that the new state refuses is told at once, in one pass (issue 15: every loser
//! within 50 ms of the winner), and its turn, when it comes, only ends it. So is every other
//! agent with the chat open: workerd hands this object one socket message at a time, so
//! accepts still on their way would otherwise each be an event of their own after the win
//! (100 of them took 40–70 ms); they are told with the winner, and their own accept, when it
//! arrives, hears the same again.

use std::cell::{Cell, RefCell};

use baton_core::protocol::ServerFrame;
use baton_core::{AgentAction, AgentRef, ConversationError, ErrorCode};
use worker::WebSocket;

use super::commands::error_frame;
use super::{send, ConversationRoom, Peer, Refusal, AGENT_TAG};
use crate::site_client::{SeatRequest, SiteClient};

/// A claim from a socket, waiting for its turn.
pub(super) struct WaitingClaim {
    ticket: u64,
    ws: WebSocket,
    agent: AgentRef,
    action: AgentAction,
}

/// The claims from sockets not yet decided, and those already told they lost.
#[derive(Default)]
pub(super) struct ClaimQueue {
    next_ticket: Cell<u64>,
    waiting: RefCell<Vec<WaitingClaim>>,
    /// Claims already told they lost, with what they were told.
    told: RefCell<Vec<(u64, ServerFrame)>>,
}

impl ClaimQueue {
    fn enter(&self, ws: &WebSocket, agent: &AgentRef, action: AgentAction) -> u64 {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket + 1);
        self.waiting.borrow_mut().push(WaitingClaim {
            ticket,
            ws: ws.clone(),
            agent: agent.clone(),
            action,
        });
        ticket
    }

    /// Leaves the queue; true if the claim was already told it lost.
    fn leave(&self, ticket: u64) -> bool {
        self.waiting.borrow_mut().retain(|w| w.ticket != ticket);
        let mut told = self.told.borrow_mut();
        let was_told = told.iter().any(|(t, _)| *t == ticket);
        told.retain(|(t, _)| *t != ticket);
        was_told
    }

    /// What a claim was told when another won, if it was.
    fn told(&self, ticket: u64) -> Option<ServerFrame> {
        self.told
            .borrow()
            .iter()
            .find(|(t, _)| *t == ticket)
            .map(|(_, frame)| frame.clone())
    }
}

impl ConversationRoom {
    /// Accept, take control or join, from an agent's socket. The agent's slot is reserved at
    /// the site first (max concurrent chats); the claim itself is one synchronous check-and-set
    /// in the core, so of simultaneous claims exactly one wins, and each loser's slot is given
    /// back.
    pub(super) async fn claim(
        &self,
        ws: &WebSocket,
        agent: &AgentRef,
        max_chats: u32,
        action: AgentAction,
    ) {
        let ticket = self.claims.enter(ws, agent, action);
        let (frame, effects) = self
            .claim_outcome(agent, max_chats, action, Some(ticket))
            .await;
        if !self.claims.leave(ticket) {
            send(ws, &frame);
        }
        if let Some(effects) = effects {
            self.tell_waiting_losers();
            self.tell_watchers(agent);
            self.after(effects).await;
        }
    }

    /// Every socket claim still waiting for its turn that the new state refuses hears so now.
    fn tell_waiting_losers(&self) {
        let waiting = std::mem::take(&mut *self.claims.waiting.borrow_mut());
        // Read in place: the winner's commit has just cached the new state.
        let still = self.with_loaded(|conversation| {
            let mut still = Vec::new();
            for claim in waiting {
                match conversation.check_claim(&claim.agent, claim.action) {
                    Err(error) => {
                        let frame = claim_refusal(&conversation.id, error);
                        send(&claim.ws, &frame);
                        self.claims.told.borrow_mut().push((claim.ticket, frame));
                    }
                    // A join beside the new holder may still go ahead: it waits for its turn.
                    Ok(()) => still.push(claim),
                }
            }
            still
        });
        match still {
            Ok(still) => self.claims.waiting.borrow_mut().extend(still),
            Err(error) => worker::console_error!("claims not told: {}", error.message),
        }
    }

    /// Every other agent with the chat open hears who took it, in one frame serialised once
    /// (agents with a claim still waiting were told by [`Self::tell_waiting_losers`]).
    fn tell_watchers(&self, winner: &AgentRef) {
        let waiting: Vec<String> = self
            .claims
            .waiting
            .borrow()
            .iter()
            .map(|claim| claim.agent.id.clone())
            .collect();
        let told = self.with_loaded(|conversation| {
            let mut json: Option<String> = None;
            for ws in self.state.get_websockets_with_tag(AGENT_TAG) {
                let Ok(Some(Peer::Agent { agent, .. })) = ws.deserialize_attachment::<Peer>()
                else {
                    continue;
                };
                if agent.id == winner.id || waiting.contains(&agent.id) {
                    continue;
                }
                if let Err(error @ ConversationError::AlreadyClaimed { .. }) =
                    conversation.check_claim(&agent, AgentAction::Accept)
                {
                    let json = json
                        .get_or_insert_with(|| claim_refusal(&conversation.id, error).to_json());
                    let _ = ws.send_with_str(json.as_str());
                }
            }
        });
        if let Err(error) = told {
            worker::console_error!("watchers not told: {}", error.message);
        }
    }

    /// The claim's answer (`claimed`, `already_claimed` or an error frame) and, if it was won,
    /// the effects still to carry out. Shared by the socket (with its ticket in the queue) and
    /// the notification's Accept (none).
    pub(super) async fn claim_outcome(
        &self,
        agent: &AgentRef,
        max_chats: u32,
        action: AgentAction,
        ticket: Option<u64>,
    ) -> (ServerFrame, Option<Vec<baton_core::Effect>>) {
        // Held until the claim is decided (not across `after`): the check below then sees
        // the previous claim's outcome.
        let _turn = self.claim_turn.lock().await;
        if let Some(frame) = ticket.and_then(|t| self.claims.told(t)) {
            // Told it lost while waiting: whatever happened since, it stays lost.
            return (frame, None);
        }
        let conversation = match self.loaded() {
            Ok(conversation) => conversation,
            Err(error) => return (error_frame(error), None),
        };
        if let Err(error) = conversation.check_claim(agent, action) {
            return (claim_refusal(&conversation.id, error), None);
        }
        let seat = SeatRequest {
            agent: agent.clone(),
            max_chats,
            conversation_id: conversation.id.clone(),
        };
        let site = match SiteClient::new(&self.env, &conversation.site_id) {
            Ok(site) => site,
            Err(error) => return (error_frame(error), None),
        };
        match site.reserve(&seat).await {
            Ok(Ok(())) => {}
            Ok(Err(message)) => {
                return (ServerFrame::error(ErrorCode::TooManyChats, message), None);
            }
            Err(error) => return (error_frame(error), None),
        }
        match self.transact(|c, now| c.claim(agent, action, now)).await {
            Ok(effects) => (
                ServerFrame::Claimed {
                    conversation_id: conversation.id.clone(),
                },
                Some(effects),
            ),
            Err(refusal) => {
                if let Err(error) = site.release(&seat).await {
                    worker::console_error!("release after lost claim failed: {}", error.message);
                }
                match refusal {
                    Refusal::Rule(error) => (claim_refusal(&conversation.id, error), None),
                    platform => (platform.frame(), None),
                }
            }
        }
    }
}

fn claim_refusal(conversation_id: &str, error: ConversationError) -> ServerFrame {
    match error {
        ConversationError::AlreadyClaimed { by } => ServerFrame::AlreadyClaimed {
            conversation_id: conversation_id.to_string(),
            by,
        },
        other => ServerFrame::error(other.code(), other.to_string()),
    }
}
