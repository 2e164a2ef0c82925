//! Tickets answered by email: an agent's answer to a left message leaves through the
//! conversation's outbox (the thread row into D1 and the email to the visitor), so an answer the
//! agent was told is sent survives a crash at any instant. Replies come back through the edge's
//! Email Worker, straight into the thread (they change nothing in the conversation).

use serde::{Deserialize, Serialize};

use super::{Conversation, Delivery, Effect, TicketDraft};
use crate::error::ConversationError;
use crate::event::AgentRef;
use crate::{validate, Millis};

/// One message of a ticket's thread, as stored in D1 (`ticket_messages`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketMessage {
    pub id: String,
    pub ticket_id: String,
    pub site_id: String,
    /// `agent` (an answer sent by email) or `visitor` (a reply that came back).
    pub direction: String,
    pub author: String,
    pub body: String,
    /// The email's Message-ID for a reply (a second delivery of it is stored once).
    pub message_id: Option<String>,
    pub created_at: Millis,
    /// Files a reply carried that passed the site's rule, stored under the ticket's
    /// conversation like a chat's files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::event::FileRef>,
}

/// What the edge knows of the answer: the ticket as stored, and where replies must go.
pub struct TicketAnswer<'a> {
    pub ticket: &'a TicketDraft,
    pub site_name: &'a str,
    pub agent: &'a AgentRef,
    pub text: &'a str,
    pub answer_id: String,
    pub reply_address: String,
}

impl Conversation {
    /// Queues an agent's answer to one of this conversation's tickets: the thread row and the
    /// email to the visitor. Any agent of the site may answer, in any phase.
    pub fn answer_ticket(
        &mut self,
        answer: TicketAnswer<'_>,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        let text = validate::message_text(answer.text, self.settings.max_message_bytes)?;
        let mut effects = Vec::new();
        let email = crate::email::ticket_answer(
            answer.site_name,
            answer.ticket,
            &answer.agent.name,
            &text,
            &answer.reply_address,
        );
        let message = TicketMessage {
            id: answer.answer_id.clone(),
            ticket_id: answer.ticket.ticket_id.clone(),
            site_id: self.site_id.clone(),
            direction: "agent".into(),
            author: answer.agent.name.clone(),
            body: text,
            message_id: None,
            created_at: now,
            attachments: Vec::new(),
        };
        self.deliver(&mut effects, Delivery::TicketMessage(message), now);
        let key = format!("answer:{}", answer.answer_id);
        self.deliver(&mut effects, Delivery::Email { key, email }, now);
        Ok(effects)
    }
}
