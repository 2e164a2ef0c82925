//! What the visitor can do, and the handoff triggers that follow from it.

use super::{
    Conversation, Delivery, Effect, Phase, TicketDraft, HANDOFF_ATTEMPTS, HANDOFF_RETRY_MS,
};
use crate::bot::Bot;
use crate::error::ConversationError;
use crate::event::EventKind;
use crate::ladder::TimerKind;
use crate::settings::RATE_WINDOW_MS;
use crate::{validate, Millis, Seq};

/// Whether the chat's holder has it open on a socket of this conversation, as the shell knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HolderReach {
    /// Not known (or no holder): the site decides, by whether a dashboard of theirs is open.
    #[default]
    Unknown,
    /// A socket of the holder's is open on this very conversation.
    Connected,
}

impl Conversation {
    /// A visitor's chat message. In a bot phase the bot answers, and a handoff may start
    /// (straight to live, asked for a human, or not understood too often). A message that is
    /// one of the questions the bot just offered ("Did you mean…?" buttons send them) chooses
    /// that entry.
    pub fn visitor_message(
        &mut self,
        text: &str,
        client_id: Option<String>,
        bot: &dyn Bot,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.visitor_says(text, client_id, now, bot, HolderReach::Unknown)
    }

    /// [`Self::visitor_message`] when the shell knows whether the holder has this chat open on
    /// a socket (it knows its sockets; the rules do not). If they have, the message reaches
    /// them there and no push to their devices is tried: each try is a delivery, a call to the
    /// site and a look-up, once a minute per chat.
    pub fn visitor_message_reaching(
        &mut self,
        text: &str,
        client_id: Option<String>,
        bot: &dyn Bot,
        holder: HolderReach,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        self.visitor_says(text, client_id, now, bot, holder)
    }

    pub(super) fn visitor_says(
        &mut self,
        text: &str,
        client_id: Option<String>,
        now: Millis,
        bot: &dyn Bot,
        holder: HolderReach,
    ) -> Result<Vec<Effect>, ConversationError> {
        let text = validate::message_text(text, self.settings.max_message_bytes)?;
        let mut effects = Vec::new();
        if client_id
            .as_deref()
            .is_some_and(|id| self.recent_client_ids.iter().any(|seen| seen == id))
        {
            return Ok(effects);
        }
        self.check_rate(now)?;
        self.first_time(client_id.as_deref());
        self.last_visitor_text = Some(crate::push::first_words(&text, crate::push::PREVIEW_CHARS));
        self.emit(
            &mut effects,
            now,
            EventKind::VisitorMessage {
                text: text.clone(),
                client_id,
            },
        );
        let asked_seq = self.last_seq;
        if holder != HolderReach::Connected {
            self.push_to_holder(&mut effects, now);
        }
        self.count(&mut effects, now);
        if !self.phase.bot_answers() || self.handoff_pending {
            return Ok(effects);
        }
        if self.settings.straight_to_live && self.settings.live_chat && self.blocked.is_none() {
            self.handoff(&mut effects, now);
            return Ok(effects);
        }
        // An offer the visitor wrote past counts as not understood; choosing from it does not.
        let offered = std::mem::take(&mut self.offered);
        let offered_for = self.offered_for.take();
        let chose = offered.contains(&text);
        if !offered.is_empty() && !chose {
            self.not_understood += 1;
            // The offer did not help: the question that got it goes to the admins.
            if let Some((seq, question)) = offered_for {
                self.record_unanswered(&mut effects, seq, &question, now);
            }
        }
        let reply = if chose {
            bot.choose(&text)
        } else {
            bot.answer(&text)
        };
        if reply.wants_human {
            self.not_understood = 0;
            self.handoff(&mut effects, now);
            return Ok(effects);
        }
        let offered = !reply.understood && !reply.suggestions.is_empty();
        if reply.understood {
            self.not_understood = 0;
        } else if !offered {
            self.not_understood += 1;
        }
        if offered {
            self.offered.clone_from(&reply.suggestions);
            self.offered_for = Some((asked_seq, text.clone()));
        } else if !reply.understood && !chose && !crate::bot::is_small_talk(&text) {
            self.record_unanswered(&mut effects, asked_seq, &text, now);
        }
        let may_hand_over = self.settings.live_chat && self.blocked.is_none();
        let limit = self.settings.not_understood_limit;
        let gave_up = !reply.understood && !offered;
        if gave_up && may_hand_over && limit > 0 && self.not_understood >= limit {
            self.not_understood = 0;
            self.handoff(&mut effects, now);
            return Ok(effects);
        }
        self.emit(
            &mut effects,
            now,
            EventKind::BotMessage {
                text: reply.text,
                offer_human: !reply.understood && may_hand_over,
                suggestions: reply.suggestions,
            },
        );
        self.arm_bot_rating(now);
        Ok(effects)
    }

    /// Queues `text` (the visitor message `seq`) as a question the bot could not answer.
    fn record_unanswered(&mut self, effects: &mut Vec<Effect>, seq: Seq, text: &str, now: Millis) {
        let question = crate::unanswered::Unanswered::new(&self.site_id, &self.id, seq, text, now);
        self.deliver(effects, Delivery::Unanswered(question), now);
    }

    /// Whether [`Conversation::visitor_message`] would ask the bot to answer `text` at `now`:
    /// valid, not a resend, within the rate limit, in a bot phase with no handoff pending, and
    /// not on a straight-to-live site. Changes nothing; the edge asks it before paying for an
    /// LLM call, so a flood or a resend never reaches the model.
    pub fn bot_would_answer(&self, text: &str, client_id: Option<&str>, now: Millis) -> bool {
        if validate::message_text(text, self.settings.max_message_bytes).is_err() {
            return false;
        }
        if client_id.is_some_and(|id| self.recent_client_ids.iter().any(|seen| seen == id)) {
            return false;
        }
        let window_start = now - RATE_WINDOW_MS;
        let recent = self
            .recent_visitor_messages
            .iter()
            .filter(|at| **at > window_start)
            .count();
        let limit = self.settings.visitor_messages_per_window as usize;
        if limit > 0 && recent >= limit {
            return false;
        }
        let straight = self.settings.straight_to_live && self.settings.live_chat;
        self.phase.bot_answers() && !self.handoff_pending && !(straight && self.blocked.is_none())
    }

    /// Refuses a message past the site's rate; remembers this one otherwise.
    pub(super) fn check_rate(&mut self, now: Millis) -> Result<(), ConversationError> {
        let window_start = now - RATE_WINDOW_MS;
        self.recent_visitor_messages.retain(|at| *at > window_start);
        let limit = self.settings.visitor_messages_per_window;
        if limit > 0 && self.recent_visitor_messages.len() >= limit as usize {
            return Err(ConversationError::RateLimited);
        }
        self.recent_visitor_messages.push(now);
        Ok(())
    }

    /// The visitor pressed "Talk to a person".
    pub fn request_human(&mut self, now: Millis) -> Result<Vec<Effect>, ConversationError> {
        if !self.phase.bot_answers() {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let mut effects = Vec::new();
        self.handoff(&mut effects, now);
        Ok(effects)
    }

    /// Writes the conversation's statistics facts the first time the visitor does something (a
    /// message, a request for a person, a ticket), so every conversation counts, not only those
    /// that reached a person. Later writes come with phase changes and the rating.
    fn count(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        if !self.counted {
            self.refresh_facts(effects, now);
        }
    }

    /// Starts a handoff: a blocked visitor gets the block message, a site without live chat its
    /// contact details, anyone else a check for available agents.
    fn handoff(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        // The handoff's time is a fact even when no phase changes (contact details, a block).
        self.refresh_facts(effects, now);
        // Not a bot-only conversation any more: a person (or the ticket) takes it from here.
        self.timers.disarm(TimerKind::BotRating);
        if let Some(block) = &self.blocked {
            let text = block.message.clone();
            self.emit(
                effects,
                now,
                EventKind::BotMessage {
                    text,
                    offer_human: false,
                    suggestions: Vec::new(),
                },
            );
            return;
        }
        if !self.settings.live_chat {
            let contact_details = self.settings.contact_details.clone();
            self.emit(
                effects,
                now,
                EventKind::NoAgentsAvailable { contact_details },
            );
            return;
        }
        if self.handoff_pending {
            return;
        }
        self.handoff_pending = true;
        self.handoff_attempts = 1;
        self.timers
            .arm(TimerKind::HandoffRetry, now + HANDOFF_RETRY_MS);
        effects.push(Effect::CheckAvailability {
            group: self.group.clone(),
        });
    }

    /// The site did not answer a handoff's availability check in time (the call failed, or the
    /// object crashed before making it): ask again with a longer wait, and after
    /// [`HANDOFF_ATTEMPTS`] checks tell the visitor nobody can be reached; the bot answers again.
    pub(super) fn retry_handoff(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        if !self.handoff_pending || !self.phase.bot_answers() {
            self.handoff_pending = false;
            return;
        }
        if self.handoff_attempts >= HANDOFF_ATTEMPTS {
            self.handoff_pending = false;
            self.handoff_attempts = 0;
            self.no_agents(effects, now);
            return;
        }
        self.handoff_attempts += 1;
        let wait = HANDOFF_RETRY_MS << (self.handoff_attempts - 1).min(8);
        self.timers.arm(TimerKind::HandoffRetry, now + wait);
        effects.push(Effect::CheckAvailability {
            group: self.group.clone(),
        });
    }

    /// Nobody can take the chat: the contact details, and the offer to leave a message.
    fn no_agents(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        let contact_details = self.settings.contact_details.clone();
        self.emit(
            effects,
            now,
            EventKind::NoAgentsAvailable { contact_details },
        );
        self.emit(effects, now, EventKind::LeaveMessageOffered);
    }

    /// The site's answer to [`Effect::CheckAvailability`]. A stale answer does nothing.
    pub fn availability(&mut self, available_agents: u32, now: Millis) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.timers.disarm(TimerKind::HandoffRetry);
        self.handoff_attempts = 0;
        if !self.handoff_pending || !self.phase.bot_answers() {
            self.handoff_pending = false;
            return effects;
        }
        self.handoff_pending = false;
        if available_agents == 0 {
            self.no_agents(&mut effects, now);
        } else if self.visitor.name.is_some() && self.visitor.email.is_some() {
            self.start_waiting(&mut effects, now);
        } else {
            self.set_phase(&mut effects, Phase::Contact, now);
            self.emit(&mut effects, now, EventKind::ContactRequested);
        }
        effects
    }

    /// Name and email from the contact form; then the chat waits for an agent.
    pub fn submit_contact(
        &mut self,
        name: &str,
        email: &str,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if self.phase != Phase::Contact {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let name = validate::name(name)?;
        let email = validate::email(email)?;
        let mut effects = Vec::new();
        self.visitor.name = Some(name.clone());
        self.visitor.email = Some(email.clone());
        self.emit(
            &mut effects,
            now,
            EventKind::ContactReceived { name, email },
        );
        self.start_waiting(&mut effects, now);
        Ok(effects)
    }

    /// The visitor identified themselves (host page API); the contact form is skipped later.
    pub fn identify(&mut self, name: &str, email: &str) -> Result<(), ConversationError> {
        let name = validate::name(name)?;
        let email = validate::email(email)?;
        self.visitor.name = Some(name);
        self.visitor.email = Some(email);
        Ok(())
    }

    /// Leave a message instead of (or while) waiting: it becomes a ticket, and a waiting chat
    /// leaves the queue and returns to the bot.
    pub fn leave_message(
        &mut self,
        ticket_id: String,
        name: &str,
        email: &str,
        message: &str,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if self.phase == Phase::Live {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let name = validate::name(name)?;
        let email = validate::email(email)?;
        let message = validate::message_text(message, self.settings.max_message_bytes)?;
        let mut effects = Vec::new();
        self.count(&mut effects, now);
        self.visitor.name = Some(name.clone());
        self.visitor.email = Some(email.clone());
        if matches!(self.phase, Phase::Waiting | Phase::Contact) {
            self.timers.clear();
            self.waiting_since = None;
            self.set_phase(&mut effects, Phase::Bot, now);
        }
        let draft_text = message.clone();
        let draft = TicketDraft {
            ticket_id: ticket_id.clone(),
            name,
            email,
            message,
        };
        if !self.settings.ticket_email.is_empty() {
            let email =
                crate::email::ticket_notice(&self.site_id, &self.settings.ticket_email, &draft);
            let key = format!("ticket:{ticket_id}");
            self.deliver(&mut effects, Delivery::Email { key, email }, now);
        }
        self.deliver(&mut effects, Delivery::Ticket(draft), now);
        if !self.settings.ticket_webhook_url.is_empty() {
            let ticket_id = ticket_id.clone();
            self.deliver(&mut effects, Delivery::TicketWebhook { ticket_id }, now);
        }
        self.emit(&mut effects, now, EventKind::TicketCreated { ticket_id });
        self.last_visitor_text = Some(crate::push::first_words(
            &draft_text,
            crate::push::PREVIEW_CHARS,
        ));
        let kind = crate::push::PushKind::NewTicket;
        let to = crate::push::PushAudience::Site;
        self.push(&mut effects, kind, to, None, now);
        Ok(effects)
    }

    /// The visitor has seen everything up to `seq`.
    /// Whether the read mark moved; a receipt for an event that does not exist is refused
    /// (it would tell the other side something was read that was never sent).
    pub fn visitor_read(&mut self, seq: Seq) -> Result<bool, ConversationError> {
        if seq > self.last_seq {
            return Err(ConversationError::UnknownSeq {
                seq,
                last: self.last_seq,
            });
        }
        let moved = seq > self.visitor_read;
        self.visitor_read = self.visitor_read.max(seq);
        Ok(moved)
    }

    /// A visitor writing in a live chat: its holder's devices get a push (the site sends it
    /// only while no dashboard of theirs is open), at most once per cooldown.
    pub(super) fn push_to_holder(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        use crate::push::{PushAudience, PushKind, MESSAGE_PUSH_COOLDOWN_MS};
        let Some(holder) = self.agent.clone().filter(|_| self.phase == Phase::Live) else {
            return;
        };
        if self
            .message_pushed_at
            .is_some_and(|at| now - at < MESSAGE_PUSH_COOLDOWN_MS)
        {
            return;
        }
        self.message_pushed_at = Some(now);
        let to = PushAudience::Holder {
            agent_id: holder.id,
        };
        self.push(effects, PushKind::VisitorMessage, to, None, now);
    }
}
