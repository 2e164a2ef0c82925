//! The durable outbox: every effect that leaves a Durable Object (a ticket or index row in D1,
//! statistics facts, a webhook, later Web Push and email) as a row written in the same commit as
//! the state change that caused it, delivered at least once, removed when the receiver confirmed.
//!
//! This module holds only the schedule (which key is due when, how often it failed, when to give
//! up); the shell stores each entry with its payload next to it and performs the delivery.
//! Receivers are idempotent by [`Pending::key`] (`INSERT … ON CONFLICT`, a webhook's
//! idempotency header), so a delivery repeated after a crash or a lost answer is harmless.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// What an entry delivers; stored as its `kind` column, so new kinds add rows, not tables.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// A left message into the Tickets table.
    Ticket,
    /// The conversation's row of the Missed/Archived index (the newest summary wins).
    IndexRow,
    /// The conversation's statistics facts (the newest wins).
    Facts,
    /// A signed POST to the site's ticket webhook.
    Webhook,
    /// A message of a ticket's thread (an agent's answer sent by email) into D1.
    TicketMessage,
    /// A Web Push message to one agent device (not produced yet).
    WebPush,
    /// An email.
    Email,
    /// A short-lived signal to someone else's server (an agent typing, for an operator
    /// platform): worth nothing after [`SIGNAL_LIFETIME_MS`], so retried only within it and
    /// never sent later, not even after a restart.
    Signal,
    /// A visitor's question the bot could not answer, into D1 for the site's admins.
    Unanswered,
    /// The site frees an agent's chat slot (they left the chat): with the state change, so a
    /// crash right after an archive cannot leave the slot held.
    SlotRelease,
    /// The conversation's row of the site's live lists (Active, Monitor), with "tell the
    /// agents" for a new wait: the site keeps the newest by [`crate::site::list_row_applies`],
    /// so a crash between the commit and the site call cannot leave a stale row.
    ListRow,
}

/// First retry after this long; doubled per failure.
pub const FIRST_RETRY_MS: Millis = 2_000;
/// Retries are never further apart than this.
pub const MAX_RETRY_MS: Millis = 10 * 60_000;
/// An attempt in progress holds its entry this long; if the object dies meanwhile, the entry is
/// due again when the stored schedule is loaded (at once), or when the lease runs out.
pub const ATTEMPT_LEASE_MS: Millis = 30_000;
/// Deliveries to someone else's server (webhooks, push, email) stop after a day of failures;
/// writes to our own database are retried until they succeed.
pub const GIVE_UP_AFTER_MS: Millis = 24 * 60 * 60_000;
/// A [`DeliveryKind::Signal`] older than this is dropped: "typing" a minute late is wrong.
pub const SIGNAL_LIFETIME_MS: Millis = 10_000;

impl DeliveryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ticket => "ticket",
            Self::IndexRow => "index_row",
            Self::Facts => "facts",
            Self::Webhook => "webhook",
            Self::WebPush => "web_push",
            Self::Email => "email",
            Self::TicketMessage => "ticket_message",
            Self::Signal => "signal",
            Self::Unanswered => "unanswered",
            Self::SlotRelease => "slot_release",
            Self::ListRow => "list_row",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Ticket,
            Self::IndexRow,
            Self::Facts,
            Self::Webhook,
            Self::WebPush,
            Self::Email,
            Self::TicketMessage,
            Self::Signal,
            Self::Unanswered,
            Self::SlotRelease,
            Self::ListRow,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == raw)
    }

    /// How long failures are retried (a third party's server); `None`: until they succeed.
    pub fn give_up_after(self) -> Option<Millis> {
        match self {
            Self::Webhook | Self::WebPush | Self::Email => Some(GIVE_UP_AFTER_MS),
            Self::Signal => Some(SIGNAL_LIFETIME_MS),
            Self::Ticket
            | Self::IndexRow
            | Self::Facts
            | Self::TicketMessage
            | Self::Unanswered
            | Self::SlotRelease
            | Self::ListRow => None,
        }
    }

    /// Which entries of a commit are delivered first (lowest first): the freed slot before the
    /// list row that tells agents the chat was archived (one of them may accept another chat at
    /// once and must not be refused for a slot already given up), and the list row before the
    /// database writes, since "chat waiting" is the latency agents feel.
    pub fn order(self) -> u8 {
        match self {
            Self::SlotRelease => 0,
            Self::ListRow => 1,
            _ => 2,
        }
    }

    /// Delivered before the site is asked anything else after a commit ([`Self::order`]).
    pub fn goes_first(self) -> bool {
        self.order() < 2
    }

    /// Whether failures eventually stop being retried.
    pub fn gives_up(self) -> bool {
        self.give_up_after().is_some()
    }

    /// Whether failures are shown to the site's admins (a lost typing signal is not news).
    pub fn reports_failures(self) -> bool {
        matches!(self, Self::Webhook | Self::WebPush | Self::Email)
    }
}

/// A delivery to someone else's server (a webhook, an email, a push) that failed, as the
/// admins see it (`GET /sites/{site}/deliveries`): listed while it is retried, kept once given
/// up, gone when it finally arrives.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DeliveryFailure {
    /// The idempotency key the receiver sees.
    pub key: String,
    pub site_id: String,
    pub conversation_id: String,
    /// [`DeliveryKind::as_str`].
    pub kind: String,
    pub attempts: u32,
    pub last_error: String,
    pub first_failed_at: Millis,
    pub last_failed_at: Millis,
    /// `None`: retried for a day, then given up.
    pub next_attempt_at: Option<Millis>,
}

/// One undelivered entry.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Unique within the object, and the receiver's idempotency key.
    pub key: String,
    pub kind: DeliveryKind,
    /// Failed attempts so far.
    pub attempts: u32,
    /// When it was first enqueued (the give-up clock starts here).
    pub created_at: Millis,
    /// When the next attempt is due.
    pub due: Millis,
}

impl Pending {
    /// A signal past its lifetime: dropped instead of sent.
    pub fn expired(&self, now: Millis) -> bool {
        self.kind == DeliveryKind::Signal && now - self.created_at > SIGNAL_LIFETIME_MS
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at `due` (this was failure number `attempts`).
    Retry { due: Millis, attempts: u32 },
    /// Stop: the entry is dropped and the failure reported.
    GiveUp { attempts: u32 },
}

/// The delay before the retry that follows failure number `attempts` (1, 2, …).
pub fn backoff(attempts: u32) -> Millis {
    let doublings = attempts.saturating_sub(1).min(20);
    (FIRST_RETRY_MS << doublings).min(MAX_RETRY_MS)
}

/// The undelivered entries of one object, earliest due first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outbox {
    pending: Vec<Pending>,
}

impl Outbox {
    /// The entries as stored, in any order.
    pub fn from_pending(mut pending: Vec<Pending>) -> Self {
        pending.sort_by(|a, b| (a.due, &a.key).cmp(&(b.due, &b.key)));
        Self { pending }
    }

    /// Adds an entry due at once. Keys are unique; enqueuing a key again restarts its schedule.
    pub fn enqueue(&mut self, key: String, kind: DeliveryKind, now: Millis) -> Pending {
        self.pending.retain(|p| p.key != key);
        let entry = Pending {
            key,
            kind,
            attempts: 0,
            created_at: now,
            due: now,
        };
        self.pending.push(entry.clone());
        entry
    }

    /// When the object must wake up to retry, if anything is pending.
    pub fn next_due(&self) -> Option<Millis> {
        self.pending.iter().map(|p| p.due).min()
    }

    /// The entries due at `now`, earliest first. Nothing changes until the shell reports back.
    pub fn due(&self, now: Millis) -> Vec<Pending> {
        let mut due: Vec<Pending> = self
            .pending
            .iter()
            .filter(|p| p.due <= now)
            .cloned()
            .collect();
        due.sort_by_key(|p| p.due);
        due
    }

    /// The entries due at `now`, each leased for one attempt (due again only after
    /// [`ATTEMPT_LEASE_MS`]), so an overlapping wake-up does not start a second attempt and the
    /// alarm is not armed in the past while an attempt runs.
    pub fn begin(&mut self, now: Millis) -> Vec<Pending> {
        let due = self.due(now);
        for entry in &mut self.pending {
            if entry.due <= now {
                entry.due = now + ATTEMPT_LEASE_MS;
            }
        }
        due
    }

    /// The receiver confirmed `key`; a repeated or unknown confirmation does nothing.
    pub fn delivered(&mut self, key: &str) {
        self.pending.retain(|p| p.key != key);
    }

    /// An attempt at `key` failed at `now`. `None` if the key is no longer pending (delivered
    /// meanwhile, or superseded by a newer entry that will be tried on its own).
    pub fn failed(&mut self, key: &str, now: Millis) -> Option<AfterFailure> {
        let index = self.pending.iter().position(|p| p.key == key)?;
        let entry = &mut self.pending[index];
        entry.attempts += 1;
        let attempts = entry.attempts;
        let next = now + backoff(attempts);
        let horizon = entry.kind.give_up_after();
        if horizon.is_some_and(|horizon| next - entry.created_at > horizon) {
            self.pending.remove(index);
            return Some(AfterFailure::GiveUp { attempts });
        }
        entry.due = next;
        Some(AfterFailure::Retry {
            due: next,
            attempts,
        })
    }

    pub fn get(&self, key: &str) -> Option<&Pending> {
        self.pending.iter().find(|p| p.key == key)
    }

    /// Whether an entry of `kind` is still undelivered (queued, leased or waiting to retry).
    pub fn holds(&self, kind: DeliveryKind) -> bool {
        self.pending.iter().any(|p| p.kind == kind)
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        assert_eq!(backoff(1), 2_000);
        assert_eq!(backoff(2), 4_000);
        assert_eq!(backoff(5), 32_000);
        assert_eq!(backoff(30), MAX_RETRY_MS);
        assert_eq!(backoff(u32::MAX), MAX_RETRY_MS);
    }

    #[test]
    fn a_failed_entry_is_due_again_later_and_gone_once_delivered() {
        let mut outbox = Outbox::default();
        outbox.enqueue("t1".into(), DeliveryKind::Ticket, 1_000);
        assert_eq!(outbox.next_due(), Some(1_000));
        assert_eq!(outbox.due(1_000).len(), 1);
        assert_eq!(
            outbox.failed("t1", 1_000),
            Some(AfterFailure::Retry {
                due: 3_000,
                attempts: 1
            })
        );
        assert!(outbox.due(2_999).is_empty());
        assert_eq!(outbox.next_due(), Some(3_000));
        outbox.delivered("t1");
        outbox.delivered("t1");
        assert_eq!(outbox.next_due(), None);
        assert_eq!(outbox.failed("t1", 5_000), None);
    }

    #[test]
    fn a_webhook_gives_up_after_a_day_and_a_database_write_never_does() {
        let mut outbox = Outbox::default();
        outbox.enqueue("hook".into(), DeliveryKind::Webhook, 0);
        outbox.enqueue("row".into(), DeliveryKind::IndexRow, 0);
        let mut now = 0;
        let mut gave_up = None;
        for _ in 0..1_000 {
            for entry in outbox.due(now) {
                if let Some(AfterFailure::GiveUp { attempts }) = outbox.failed(&entry.key, now) {
                    gave_up = Some((entry.key, now, attempts));
                }
            }
            let Some(next) = outbox.next_due() else {
                panic!("the index row stays");
            };
            now = next;
        }
        let Some((key, at, attempts)) = gave_up else {
            panic!("the webhook gave up");
        };
        assert_eq!(key, "hook");
        assert!(
            at > GIVE_UP_AFTER_MS - MAX_RETRY_MS && at <= GIVE_UP_AFTER_MS,
            "{at}"
        );
        assert!(attempts > 100, "retried all day: {attempts}");
        assert_eq!(outbox.len(), 1);
        assert!(outbox.get("row").is_some());
    }

    #[test]
    fn a_begun_attempt_is_not_begun_again_until_its_lease_runs_out() {
        let mut outbox = Outbox::default();
        outbox.enqueue("t1".into(), DeliveryKind::Ticket, 0);
        assert_eq!(outbox.begin(0).len(), 1);
        assert!(outbox.begin(0).is_empty());
        assert_eq!(outbox.next_due(), Some(ATTEMPT_LEASE_MS));
        assert_eq!(outbox.begin(ATTEMPT_LEASE_MS).len(), 1, "the attempt died");
        assert_eq!(
            outbox.failed("t1", ATTEMPT_LEASE_MS),
            Some(AfterFailure::Retry {
                due: ATTEMPT_LEASE_MS + FIRST_RETRY_MS,
                attempts: 1
            })
        );
    }

    #[test]
    fn enqueuing_a_key_again_restarts_its_schedule() {
        let mut outbox = Outbox::default();
        outbox.enqueue("index:3".into(), DeliveryKind::IndexRow, 0);
        outbox.failed("index:3", 0);
        outbox.enqueue("index:3".into(), DeliveryKind::IndexRow, 500);
        assert_eq!(outbox.len(), 1);
        assert_eq!(
            outbox.get("index:3").map(|p| (p.attempts, p.due)),
            Some((0, 500))
        );
    }

    #[test]
    fn kinds_round_trip_through_their_column_text() {
        for kind in [
            DeliveryKind::Ticket,
            DeliveryKind::IndexRow,
            DeliveryKind::Facts,
            DeliveryKind::Webhook,
            DeliveryKind::WebPush,
            DeliveryKind::Email,
            DeliveryKind::TicketMessage,
            DeliveryKind::Unanswered,
        ] {
            assert_eq!(DeliveryKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::String(kind.as_str().into()))
            );
        }
    }
}
