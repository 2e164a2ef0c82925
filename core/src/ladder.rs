//! The handoff timer ladder as a table of named deadlines behind one alarm.
//!
//! A Durable Object has a single alarm, and alarms fire at least once, possibly early or late.
//! So the steps are data: the caller arms the alarm at [`TimerTable::next_deadline`], and on each
//! wake-up [`TimerTable::take_due`] removes and returns only the steps whose time has come. A
//! spurious or repeated wake-up finds nothing due and does nothing.

use serde::{Deserialize, Serialize};

use crate::settings::SiteSettings;
use crate::Millis;

/// The steps of the waiting ladder, in the order they normally fire.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum TimerKind {
    WaitNotice,
    LeaveMessageOffer,
    Missed,
    /// A handoff's availability check got no answer in time: ask the site again (not part of
    /// the waiting ladder; it runs in bot phases).
    HandoffRetry,
    /// Messages arrived since the site's list row was last refreshed (debounced).
    ListSync,
    /// A bot conversation went quiet after the bot's answer: it has ended, ask for a rating.
    BotRating,
}

impl TimerKind {
    /// The waiting ladder's steps, dropped when the chat stops waiting.
    pub fn is_ladder(self) -> bool {
        matches!(
            self,
            Self::WaitNotice | Self::LeaveMessageOffer | Self::Missed
        )
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timer {
    pub kind: TimerKind,
    pub due: Millis,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct TimerTable {
    timers: Vec<Timer>,
}

impl TimerTable {
    /// The ladder for a chat that starts waiting at `since`. Steps that would come at or after
    /// the missed deadline are left out: a visitor is never told to keep waiting for a chat that
    /// is already missed.
    pub fn waiting_ladder(settings: &SiteSettings, since: Millis) -> Self {
        let missed = since + settings.time_to_accept_ms.max(0);
        let notice = since + settings.wait_notice_ms.max(0);
        let offer = notice + settings.leave_message_offer_ms.max(0);
        let mut table = Self::default();
        if notice < missed {
            table.arm(TimerKind::WaitNotice, notice);
        }
        if offer < missed {
            table.arm(TimerKind::LeaveMessageOffer, offer);
        }
        table.arm(TimerKind::Missed, missed);
        table
    }

    /// Sets (or moves) the deadline of one step.
    pub fn arm(&mut self, kind: TimerKind, due: Millis) {
        self.timers.retain(|t| t.kind != kind);
        self.timers.push(Timer { kind, due });
        self.timers.sort_by_key(|t| (t.due, t.kind));
    }

    pub fn clear(&mut self) {
        self.timers.clear();
    }

    /// Removes one step, if armed.
    pub fn disarm(&mut self, kind: TimerKind) {
        self.timers.retain(|t| t.kind != kind);
    }

    /// Removes the waiting ladder's steps, keeping a handoff retry and a list refresh.
    pub fn clear_ladder(&mut self) {
        self.timers.retain(|t| !t.kind.is_ladder());
    }

    pub fn is_armed(&self, kind: TimerKind) -> bool {
        self.timers.iter().any(|t| t.kind == kind)
    }

    pub fn is_empty(&self) -> bool {
        self.timers.is_empty()
    }

    /// When the alarm should next fire, if any step is pending.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.timers.first().map(|t| t.due)
    }

    /// Removes and returns the steps due at `now`, earliest first.
    pub fn take_due(&mut self, now: Millis) -> Vec<TimerKind> {
        let due: Vec<TimerKind> = self
            .timers
            .iter()
            .filter(|t| t.due <= now)
            .map(|t| t.kind)
            .collect();
        self.timers.retain(|t| t.due > now);
        due
    }

    pub fn pending(&self) -> &[Timer] {
        &self.timers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(notice: Millis, offer: Millis, accept: Millis) -> SiteSettings {
        SiteSettings {
            wait_notice_ms: notice,
            leave_message_offer_ms: offer,
            time_to_accept_ms: accept,
            ..SiteSettings::default()
        }
    }

    #[test]
    fn default_ladder_is_60_120_180_seconds() {
        let table = TimerTable::waiting_ladder(&SiteSettings::default(), 1_000);
        let dues: Vec<_> = table.pending().iter().map(|t| (t.kind, t.due)).collect();
        assert_eq!(
            dues,
            vec![
                (TimerKind::WaitNotice, 61_000),
                (TimerKind::LeaveMessageOffer, 121_000),
                (TimerKind::Missed, 181_000)
            ]
        );
    }

    #[test]
    fn steps_past_the_missed_deadline_are_dropped() {
        let table = TimerTable::waiting_ladder(&settings(60_000, 60_000, 90_000), 0);
        let kinds: Vec<_> = table.pending().iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![TimerKind::WaitNotice, TimerKind::Missed]);
    }

    #[test]
    fn early_and_repeated_wakeups_take_nothing() {
        let mut table = TimerTable::waiting_ladder(&settings(1_000, 1_000, 3_000), 0);
        assert!(table.take_due(999).is_empty());
        assert_eq!(table.take_due(1_000), vec![TimerKind::WaitNotice]);
        assert!(table.take_due(1_000).is_empty());
        assert_eq!(
            table.take_due(10_000),
            vec![TimerKind::LeaveMessageOffer, TimerKind::Missed]
        );
        assert_eq!(table.next_deadline(), None);
    }
}
