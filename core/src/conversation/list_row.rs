//! The conversation's row in the site's live lists (Active, Monitor) goes through the outbox
//! like every other effect that leaves the object: written with the state change, delivered at
//! least once, and kept by the site only if it is newer than the row it has
//! ([`crate::site::list_row_applies`]). A crash between a commit and the site call then cannot
//! leave "waiting" on the Active list of a chat that was missed long ago.

use super::{Conversation, Delivery, Effect};
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
}
