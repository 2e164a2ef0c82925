//! A message stored as its event alone. Every logged event moves a few fields the event itself
//! carries (sequence, time, last message, the client id a resend is checked against, the rate
//! window, the push preview); [`Conversation::replay`] applies exactly those. The shell keeps the
//! state row as a checkpoint: a commit writes it only when replaying the commit's events onto
//! the state before does not give the state after ([`Conversation::needs_checkpoint`]), and
//! loading replays the events stored after it ([`Conversation::restore`]). So a message in a
//! live chat costs one row (its event), not two, and the state read back is always the state
//! that was committed: whatever replay does not reproduce forces a checkpoint.

use super::Conversation;
use crate::event::{Event, EventKind};
use crate::settings::RATE_WINDOW_MS;
use crate::Seq;

/// At most this many events are replayed on load: past it, a commit writes the row anyway.
pub const REPLAY_LIMIT: Seq = 32;

impl Conversation {
    /// What logging `event` did to this state, read back from the event (see the module).
    pub fn replay(&mut self, event: &Event) {
        self.last_seq = event.seq;
        self.updated_at = event.at;
        if let Some(preview) = event.kind.preview() {
            self.last_message = Some(preview.chars().take(140).collect());
        }
        match &event.kind {
            EventKind::VisitorMessage { text, client_id } => {
                self.first_time(client_id.as_deref());
                let window_start = event.at - RATE_WINDOW_MS;
                self.recent_visitor_messages.retain(|at| *at > window_start);
                self.recent_visitor_messages.push(event.at);
                self.last_visitor_text =
                    Some(crate::push::first_words(text, crate::push::PREVIEW_CHARS));
            }
            EventKind::AgentMessage { client_id, .. } => {
                self.first_time(client_id.as_deref());
            }
            _ => {}
        }
    }

    /// The state a checkpoint (a stored state row) and the events stored since stand for:
    /// events at or before the checkpoint's sequence are skipped.
    pub fn restore<'a>(mut self, events: impl IntoIterator<Item = &'a Event>) -> Self {
        for event in events {
            if event.seq > self.last_seq {
                self.replay(event);
            }
        }
        self
    }

    /// Whether a commit must write the state row. `self` is the state before the commit,
    /// `events` what it logged, `after` the state it leaves, `stored_seq` the sequence of the
    /// row stored last. The settings and the outbox are stored apart from the row, so they
    /// are not compared.
    pub fn needs_checkpoint(
        mut self,
        events: &[&Event],
        after: &Conversation,
        stored_seq: Seq,
    ) -> bool {
        if after.last_seq.saturating_sub(stored_seq) > REPLAY_LIMIT {
            return true;
        }
        for event in events {
            self.replay(event);
        }
        self.settings = std::sync::Arc::clone(&after.settings);
        if self.outbox != after.outbox {
            // Only when the commit queued or settled a delivery (the shell writes those rows).
            self.outbox = after.outbox.clone();
        }
        self != *after
    }
}
