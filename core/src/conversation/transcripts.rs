//! "Email me this conversation": the visitor asks (or, if the site wants, every chat with a
//! person ends with it), and the transcript of what they saw goes to the email they gave,
//! through the outbox (built by [`crate::transcript`]).

use super::{Conversation, Delivery, Effect};
use crate::error::ConversationError;
use crate::event::EventKind;
use crate::Millis;

/// Transcripts one conversation may send (each after something new was said).
pub const MAX_TRANSCRIPTS: u32 = 5;

impl Conversation {
    /// Leave & archive; on a site that emails transcripts after the chat
    /// (`transcript_after_chat`), also the transcript of `history` (the events the visitor saw
    /// so far) and of the archive's own lines, to the email the visitor gave. Without an email,
    /// or with nothing new since a transcript they asked for, the chat is archived all the same.
    pub fn leave_and_archive_with_transcript(
        &mut self,
        agent: &crate::AgentRef,
        site_name: &str,
        history: &[crate::event::Event],
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        let mut effects = self.leave_and_archive(agent, now)?;
        if self.settings.transcript_after_chat {
            let mut events = history.to_vec();
            events.extend(effects.iter().filter_map(|effect| match effect {
                Effect::Emit(event) => Some(event.clone()),
                _ => None,
            }));
            if let Ok(more) = self.email_transcript(site_name, &events, now) {
                effects.extend(more);
            }
        }
        Ok(effects)
    }

    /// "Email me this conversation": the transcript of `events` (as the visitor saw them) to the
    /// email the visitor gave, through the outbox. Refused without an email, past
    /// [`MAX_TRANSCRIPTS`], and when nothing was said since the last one.
    pub fn email_transcript(
        &mut self,
        site_name: &str,
        events: &[crate::event::Event],
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        let Some(to) = self.visitor.email.clone() else {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        };
        if self.transcripts_sent >= MAX_TRANSCRIPTS || self.transcript_seq >= self.last_seq {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let email = crate::transcript::transcript(site_name, &to, events);
        self.transcripts_sent += 1;
        let mut effects = Vec::new();
        self.emit(&mut effects, now, EventKind::TranscriptSent { to });
        self.transcript_seq = self.last_seq;
        let key = format!("transcript:{}", self.last_seq);
        self.deliver(&mut effects, Delivery::Email { key, email }, now);
        Ok(effects)
    }
}
