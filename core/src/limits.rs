//! Volume limits beyond the visitor's message rate: sign-in attempts, new conversations,
//! sockets, typing frames. Counted by the edge in fixed windows; decided here.

use crate::Millis;

/// At most `max` events per `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_ms: Millis,
}

impl Limit {
    /// The window `now` falls in: counters restart at each window's start.
    pub fn window_start(&self, now: Millis) -> Millis {
        now - now.rem_euclid(self.window_ms)
    }

    /// `None` while `count` (this event included) is within the limit; otherwise the seconds
    /// until the window ends, for `Retry-After`.
    pub fn retry_after(&self, count: u32, now: Millis) -> Option<u32> {
        if count <= self.max {
            return None;
        }
        let left = self.window_start(now) + self.window_ms - now;
        Some(((left + 999) / 1000).max(1) as u32)
    }
}

/// Sign-in attempts on one account (right or wrong: counted before the password is checked,
/// so parallel guesses count too); a successful sign-in starts the count again.
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    max: 10,
    window_ms: 15 * 60_000,
};

/// Failed sign-ins from one client address, over every account.
pub const LOGIN_FAILURES_PER_CLIENT: Limit = Limit {
    max: 50,
    window_ms: 15 * 60_000,
};

/// New conversations from one client address.
pub const CONVERSATIONS_PER_CLIENT: Limit = Limit {
    max: 60,
    window_ms: 60_000,
};

/// New conversations on one site, from everyone.
pub const CONVERSATIONS_PER_SITE: Limit = Limit {
    max: 600,
    window_ms: 60_000,
};

/// Open visitor sockets on one conversation (tabs of the same visitor); a newer one closes the
/// oldest, which is most often a socket whose network went away unnoticed.
pub const VISITOR_SOCKETS_PER_CONVERSATION: usize = 8;

/// Open agent sockets on one conversation (agents watching, on their devices); more are refused.
/// Room for a claim race of 100 agents each with the chat open (the SPEC's target), bounded so
/// one agent cannot pile sockets on a conversation.
pub const AGENT_SOCKETS_PER_CONVERSATION: usize = 128;
const _: () = assert!(AGENT_SOCKETS_PER_CONVERSATION >= 100);

/// A repeated typing state closer than this to the last one relayed carries no news: dropped.
pub const TYPING_MIN_INTERVAL_MS: Millis = 250;

/// Typing frames relayed per side and second; more is a flood, refused with an error.
pub const TYPING_PER_SECOND: u32 = 5;

/// What to do with one typing frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypingVerdict {
    Relay,
    /// The same state again, too soon: nothing new to tell.
    Repeat,
    /// Past [`TYPING_PER_SECOND`].
    Flood,
}

/// The typing frames of one side of a conversation (kept in memory; a restart forgets it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TypingGate {
    window_start: Millis,
    relayed_in_window: u32,
    last: Option<(Millis, bool)>,
}

impl TypingGate {
    pub fn admit(&mut self, typing: bool, now: Millis) -> TypingVerdict {
        if let Some((at, state)) = self.last {
            if state == typing && now - at < TYPING_MIN_INTERVAL_MS {
                return TypingVerdict::Repeat;
            }
        }
        let window = now - now.rem_euclid(1_000);
        if window != self.window_start {
            self.window_start = window;
            self.relayed_in_window = 0;
        }
        if self.relayed_in_window >= TYPING_PER_SECOND {
            return TypingVerdict::Flood;
        }
        self.relayed_in_window += 1;
        self.last = Some((now, typing));
        TypingVerdict::Relay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_changes_pass_repeats_and_floods_do_not() {
        let mut gate = TypingGate::default();
        let t = 10_000_000;
        assert_eq!(gate.admit(true, t), TypingVerdict::Relay);
        assert_eq!(gate.admit(true, t + 100), TypingVerdict::Repeat);
        assert_eq!(gate.admit(false, t + 120), TypingVerdict::Relay);
        assert_eq!(gate.admit(true, t + 400), TypingVerdict::Relay);
        // A client flipping the state as fast as it can is cut off within the second.
        let mut verdicts = Vec::new();
        for i in 0..20 {
            verdicts.push(gate.admit(i % 2 == 0, t + 500 + i));
        }
        assert!(verdicts.contains(&TypingVerdict::Flood));
        assert_eq!(
            verdicts
                .iter()
                .filter(|v| **v == TypingVerdict::Relay)
                .count() as u32,
            TYPING_PER_SECOND - 3
        );
        // The next second starts afresh.
        assert_eq!(gate.admit(false, t + 2_000), TypingVerdict::Relay);
    }

    #[test]
    fn within_the_limit_then_told_when_to_retry() {
        let limit = Limit {
            max: 3,
            window_ms: 60_000,
        };
        let now = 1_000_000_000 + 15_000;
        assert_eq!(
            limit.window_start(now),
            1_000_000_000 - 1_000_000_000 % 60_000
        );
        assert_eq!(limit.retry_after(3, now), None);
        let retry = limit.retry_after(4, now).unwrap_or(0);
        assert!((1..=60).contains(&retry), "{retry}");
    }
}
