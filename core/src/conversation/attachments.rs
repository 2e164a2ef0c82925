//! Files in the chat. The edge checks an upload's bytes ([`crate::attachment::check`]) and
//! stores them before it calls these; when a rule here refuses, the edge deletes the stored
//! bytes again, so a refused file leaves nothing behind.

use super::{Conversation, Effect, Phase};
use crate::error::ConversationError;
use crate::event::{AgentRef, EventKind, FileRef};
use crate::Millis;

impl Conversation {
    /// Whether the visitor may send a file now: only while a person is there or on the way
    /// (waiting or live). The bot cannot read a file, so in a bot conversation it would sit
    /// unanswered.
    pub fn visitor_may_attach(&self) -> bool {
        matches!(self.phase, Phase::Waiting | Phase::Live) && self.blocked.is_none()
    }

    /// A file from the visitor: counted against the message rate like a message, and its
    /// holder's devices are pushed as for a message.
    pub fn visitor_attachment(
        &mut self,
        file: FileRef,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if !self.visitor_may_attach() {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        self.check_rate(now)?;
        let mut effects = Vec::new();
        self.emit(
            &mut effects,
            now,
            EventKind::Attachment {
                agent: None,
                file,
                internal: false,
            },
        );
        self.push_to_holder(&mut effects, now);
        Ok(effects)
    }

    /// A file from an agent: to the visitor only from the agent holding the live chat; on an
    /// internal note from any agent of the site, in any phase, like the note itself.
    pub fn agent_attachment(
        &mut self,
        agent: &AgentRef,
        file: FileRef,
        internal: bool,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if !internal {
            self.require_holder(agent)?;
        }
        let mut effects = Vec::new();
        self.emit(
            &mut effects,
            now,
            EventKind::Attachment {
                agent: Some(agent.clone()),
                file,
                internal,
            },
        );
        Ok(effects)
    }
}
