//! The conversation's row in the site's live lists (Active, Monitor) goes through the outbox
//! like every other effect that leaves the object: written with the state change, delivered at
//! least once, and kept by the site only if it is newer than the row it has
//! ([`crate::site::list_row_applies`]). A crash between a commit and the site call then cannot
//! leave "waiting" on the Active list of a chat that was missed long ago. A busy chat's
//! refresh (a new message's preview) is the exception: it rings nobody and the next one
//! supersedes it, so it goes to the site at once ([`Effect::ListPreview`]).

use super::{Conversation, Delivery, Effect, LIST_SYNC_MS, LIST_TRAIL_MS};
use crate::ladder::TimerKind;
use crate::outbox::DeliveryKind;
use crate::Millis;

impl Conversation {
    /// Sends the row as it is at the end of this transition (once per transition; the shell
    /// writes the summary when it stores the entry).
    pub(super) fn list_row(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        if self.list_row_in(effects).is_some() {
            return;
        }
        self.list_rev += 1;
        let rev = self.list_rev;
        self.deliver(effects, Delivery::ListRow { rev, notify: false }, now);
    }

    /// The row of this transition tells the agents a chat is waiting (their dashboards ring).
    pub(super) fn list_row_notifies(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        self.list_row(effects, now);
        if let Some(index) = self.list_row_in(effects) {
            if let Effect::Deliver(Delivery::ListRow { notify, .. }) = &mut effects[index] {
                *notify = true;
            }
        }
    }

    pub(super) fn list_row_in(&self, effects: &[Effect]) -> Option<usize> {
        effects
            .iter()
            .position(|e| matches!(e, Effect::Deliver(Delivery::ListRow { .. })))
    }

    /// A message changed the list row: refresh the site's copy now if the last refresh is
    /// [`LIST_SYNC_MS`] old, else leave it to a later message or, if none comes, to the alarm
    /// within [`LIST_TRAIL_MS`]. A busy chat costs the site one call per `LIST_SYNC_MS`; the
    /// alarm, left armed by the refreshes, runs once per `LIST_TRAIL_MS` at most.
    pub(super) fn list_touched(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        // This transition refreshes the row already (with its final summary).
        let refreshing = effects
            .iter()
            .any(|e| matches!(e, Effect::ListChanged | Effect::PhaseChanged { .. }));
        if refreshing {
            return;
        }
        if now - self.list_synced_at >= LIST_SYNC_MS {
            self.sync_list(effects, now);
        } else if !self.timers.is_armed(TimerKind::ListSync) {
            self.timers.arm(TimerKind::ListSync, now + LIST_TRAIL_MS);
        }
    }

    /// An event came after the list's last refresh (the refresh carries its own transition's).
    pub(super) fn list_behind(&self) -> bool {
        self.updated_at > self.list_synced_at
    }

    pub(super) fn sync_list(&mut self, effects: &mut Vec<Effect>, now: Millis) {
        self.list_synced_at = now;
        if !effects.contains(&Effect::ListChanged) {
            effects.push(Effect::ListChanged);
        }
        // The site keeps the highest revision: a preview must not overtake a row still in the
        // outbox (a ring, a phase change), so then it goes the same way.
        if self.outbox.holds(DeliveryKind::ListRow) || self.list_row_in(effects).is_some() {
            self.list_row(effects, now);
        } else {
            self.list_rev += 1;
            effects.push(Effect::ListPreview { rev: self.list_rev });
        }
    }
}
