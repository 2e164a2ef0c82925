//! The rating after a chat: asked once, when the agent leaves and archives (if the site asks at
//! all) or, if the site wants, when a bot conversation has been quiet for a while after the
//! bot's answer; answered once by the visitor with a score and an optional comment.
//! Thumbs are stored on the same 1–5 scale (down 1, up 5), so "rated badly" (≤ 2) and the
//! average mean the same on both.

use super::{Conversation, Effect, Phase};
use crate::error::ConversationError;
use crate::event::EventKind;
use crate::ladder::TimerKind;
use crate::settings::RatingScale;
use crate::Millis;

/// Ratings at or below this count as bad (the bot's resolution rate leaves them out).
pub const BAD_RATING: u8 = 2;

impl Conversation {
    /// After leave & archive: ask for a rating, unless the site does not or it was asked before.
    pub(super) fn ask_rating(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        let scale = self.settings.rating;
        if scale == RatingScale::Off || self.rating_asked {
            return;
        }
        self.rating_asked = true;
        self.rating_open = true;
        self.emit(effects, now, EventKind::RatingRequested { scale });
    }

    /// After the bot answered: (re)starts the quiet period that ends a bot conversation, on a
    /// site that rates bot conversations and while no rating was asked yet.
    pub(super) fn arm_bot_rating(&mut self, now: Millis) {
        let after = self.settings.rating_bot_after_ms;
        if after > 0 && self.settings.rating != RatingScale::Off && !self.rating_asked {
            self.timers.arm(TimerKind::BotRating, now + after);
        }
    }

    /// The quiet period ran out: a conversation still with the bot alone has ended. One that
    /// went to a person since is rated (or not) when the agent archives it.
    pub(super) fn bot_conversation_ended(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        if self.phase == Phase::Bot && !self.handoff_pending && self.agent.is_none() {
            self.ask_rating(effects, now);
        }
    }

    /// The visitor's rating: `score` 1–5 (thumbs: 1 or 5) and an optional comment. Only once it
    /// was asked for, and only once.
    pub fn rate(
        &mut self,
        score: u8,
        comment: &str,
        now: Millis,
    ) -> Result<Vec<Effect>, ConversationError> {
        if !self.rating_open {
            return Err(ConversationError::NotAllowed { phase: self.phase });
        }
        let valid = match self.settings.rating {
            RatingScale::Thumbs => score == 1 || score == 5,
            _ => (1..=5).contains(&score),
        };
        if !valid {
            return Err(ConversationError::InvalidRating { score });
        }
        let comment = comment.trim();
        if comment.len() > self.settings.max_message_bytes {
            return Err(ConversationError::TooLarge {
                len: comment.len(),
                max: self.settings.max_message_bytes,
            });
        }
        self.rating_open = false;
        let mut effects = Vec::new();
        self.emit(
            &mut effects,
            now,
            EventKind::Rated {
                score,
                comment: comment.to_string(),
            },
        );
        // The statistics count it: the facts are derived again, as of this event.
        self.refresh_facts(&mut effects, now);
        Ok(effects)
    }
}
