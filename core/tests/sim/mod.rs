//! A simulated world around one conversation: a fake clock, a site with a number of available
//! agents, and a log of everything emitted. Alarms are driven by jumping the clock to the next
//! deadline, so the whole ladder runs in microseconds.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use baton_core::bot::{Bot, FaqBot};
use baton_core::{
    AgentAction, AgentRef, Conversation, ConversationError, Delivery, Effect, Event, EventKind,
    FaqEntry, Millis, Phase, SiteSettings, VisitorProfile,
};

pub const T0: Millis = 1_700_000_000_000;

pub struct Sim {
    pub now: Millis,
    pub conversation: Conversation,
    pub available_agents: u32,
    pub events: Vec<EventKind>,
    pub effects: Vec<Effect>,
    pub tickets: Vec<String>,
    pub notified: u32,
    pub released: Vec<String>,
    /// Every outbox delivery the receiver confirmed, in order (duplicates included).
    pub delivered: Vec<Delivery>,
    /// The site answers availability checks; false: every call fails (the shell logs it).
    pub site_reachable: bool,
    /// The next this many delivery attempts fail at the receiver.
    pub receiver_failures: u32,
    /// Outbox rows as the shell stores them: key and payload, until confirmed.
    pub rows: Vec<Delivery>,
    /// List rows the site received: revision, and whether they rang the agents.
    pub list_rows: Vec<(u64, bool)>,
    /// Storage as the shell keeps it: the state row written last (a checkpoint) and every
    /// event; checked after each transition to restore exactly the state in memory.
    pub stored: Stored,
    kb: Vec<FaqEntry>,
}

#[derive(Default)]
pub struct Stored {
    /// The state row written last.
    pub row: Option<Conversation>,
    pub log: Vec<Event>,
    /// Commits that wrote the state row, and all commits.
    pub row_writes: u32,
    pub commits: u32,
    /// The state after the last check, and the events logged since.
    before: Option<Conversation>,
    pending: Vec<Event>,
}

pub fn agent(id: &str) -> AgentRef {
    AgentRef {
        id: id.into(),
        name: format!("Agent {id}"),
    }
}

pub fn fast_settings() -> SiteSettings {
    SiteSettings {
        wait_notice_ms: 1_000,
        leave_message_offer_ms: 1_000,
        time_to_accept_ms: 3_000,
        contact_details: "Call +47 555 0100".into(),
        groups: vec!["sales".into(), "support".into()],
        ..SiteSettings::default()
    }
}

pub fn kb() -> Vec<FaqEntry> {
    vec![FaqEntry {
        questions: vec!["What are your opening hours?".into()],
        answer: "We are open 9 to 17.".into(),
    }]
}

impl Sim {
    pub fn new(settings: SiteSettings) -> Self {
        Self::with_visitor(settings, VisitorProfile::default())
    }

    pub fn with_visitor(settings: SiteSettings, visitor: VisitorProfile) -> Self {
        let (conversation, effects) =
            Conversation::start("c1".into(), "s1".into(), settings, visitor, T0);
        let mut sim = Self {
            now: T0,
            conversation,
            available_agents: 2,
            events: Vec::new(),
            effects: Vec::new(),
            tickets: Vec::new(),
            notified: 0,
            released: Vec::new(),
            delivered: Vec::new(),
            site_reachable: true,
            receiver_failures: 0,
            rows: Vec::new(),
            list_rows: Vec::new(),
            stored: Stored::default(),
            kb: kb(),
        };
        sim.absorb(effects);
        sim
    }

    /// Carries out effects the way the edge does, answering availability checks at once.
    pub fn absorb(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.effects.push(effect.clone());
            match effect {
                Effect::Emit(event) => {
                    assert_eq!(event.seq as usize, self.events.len() + 1, "gapless seqs");
                    self.stored.pending.push(event.clone());
                    self.events.push(event.kind);
                }
                Effect::CheckAvailability { .. } if self.site_reachable => {
                    let more = self
                        .conversation
                        .availability(self.available_agents, self.now);
                    self.absorb(more);
                }
                Effect::CheckAvailability { .. } => {}
                Effect::NotifyAgents { .. } => self.notified += 1,
                // One conversation alone: nobody to assign, so the agents are notified.
                Effect::AutoAssign { .. } => {
                    let more = self.conversation.assigned(None, self.now);
                    self.absorb(more);
                }
                Effect::ReleaseAgent { agent_id } => self.released.push(agent_id),
                Effect::Deliver(delivery) => {
                    let key = delivery.key();
                    self.rows.retain(|row| row.key() != key);
                    self.rows.push(delivery);
                }
                Effect::PhaseChanged { .. } | Effect::ListChanged => {}
                // Sent to the site at once, not through the outbox.
                Effect::ListPreview { rev } => self.list_rows.push((rev, false)),
            }
        }
        // Like the shell: every row is written with the state, then the due ones go out.
        self.flush();
        self.commit();
    }

    /// Stores this transition as the shell does (the events, and the state row only when the
    /// events alone do not restore it), then checks that loading gives the state in memory.
    pub fn commit(&mut self) {
        let stored = &mut self.stored;
        let events: Vec<&Event> = stored.pending.iter().collect();
        let stored_seq = stored.row.as_ref().map_or(0, |row| row.last_seq);
        let write_row = match stored.before.take() {
            Some(before) => before.needs_checkpoint(&events, &self.conversation, stored_seq),
            None => true,
        };
        stored.commits += 1;
        if write_row {
            stored.row_writes += 1;
            stored.row = Some(self.conversation.clone());
        }
        stored.log.append(&mut stored.pending);
        let mut loaded = stored
            .row
            .clone()
            .expect("a row is written first")
            .restore(&stored.log);
        // The outbox has rows of its own, loaded apart from the state row.
        loaded.outbox = self.conversation.outbox.clone();
        assert_eq!(
            loaded, self.conversation,
            "the stored state restores the state in memory"
        );
        stored.before = Some(self.conversation.clone());
    }

    /// One delivery attempt of every due outbox entry.
    pub fn flush(&mut self) {
        for entry in self.conversation.outbox.begin(self.now) {
            self.try_deliver(&entry.key);
        }
    }

    /// One delivery attempt of a stored outbox row, as the shell makes it.
    fn try_deliver(&mut self, key: &str) {
        let Some(row) = self.rows.iter().find(|row| row.key() == key).cloned() else {
            panic!("outbox entry {key} has no stored row");
        };
        // List rows go to the site, which answers here (the receiver that fails is D1's or a
        // webhook's); the site's side is in site_sim.rs.
        if let Delivery::ListRow { rev, notify } = row {
            self.list_rows.push((rev, notify));
            self.conversation.delivered(key);
            self.rows.retain(|row| row.key() != key);
            return;
        }
        if self.receiver_failures > 0 {
            self.receiver_failures -= 1;
            if let Some(baton_core::outbox::AfterFailure::GiveUp { .. }) =
                self.conversation.delivery_failed(key, self.now)
            {
                self.rows.retain(|row| row.key() != key);
            }
            return;
        }
        if let Delivery::Ticket(draft) = &row {
            self.tickets.push(draft.message.clone());
        }
        // As the shell does: a release the agent's re-join made obsolete is dropped as done.
        if let Delivery::SlotRelease { agent_id, .. } = &row {
            if self.conversation.release_applies(agent_id) {
                self.released.push(agent_id.clone());
            }
        }
        self.conversation.delivered(key);
        self.rows.retain(|row| row.key() != key);
        self.delivered.push(row);
    }

    pub fn say(&mut self, text: &str) -> Result<(), ConversationError> {
        let kb = self.kb.clone();
        let bot = FaqBot::new(&kb);
        let effects = self
            .conversation
            .visitor_message(text, None, &bot, self.now)?;
        self.absorb(effects);
        Ok(())
    }

    /// A message, with what the shell knows of the holder's sockets here.
    pub fn say_reaching(
        &mut self,
        text: &str,
        holder: baton_core::HolderReach,
    ) -> Result<(), ConversationError> {
        let kb = self.kb.clone();
        let bot = FaqBot::new(&kb);
        let effects = self
            .conversation
            .visitor_message_reaching(text, None, &bot, holder, self.now)?;
        self.absorb(effects);
        Ok(())
    }

    /// A message answered by `bot` instead of the knowledge base.
    pub fn say_to(&mut self, bot: &dyn Bot, text: &str) -> Result<(), ConversationError> {
        let effects = self
            .conversation
            .visitor_message(text, None, bot, self.now)?;
        self.absorb(effects);
        Ok(())
    }

    pub fn contact(&mut self, name: &str, email: &str) -> Result<(), ConversationError> {
        let effects = self.conversation.submit_contact(name, email, self.now)?;
        self.absorb(effects);
        Ok(())
    }

    pub fn claim(&mut self, id: &str, action: AgentAction) -> Result<(), ConversationError> {
        let effects = self.conversation.claim(&agent(id), action, self.now)?;
        self.absorb(effects);
        Ok(())
    }

    pub fn advance(&mut self, ms: Millis) {
        self.now += ms;
    }

    /// Jumps the clock to the next deadline and fires the alarm; false if none is armed.
    pub fn fire_next_alarm(&mut self) -> bool {
        match self.conversation.next_deadline() {
            Some(due) => {
                self.now = self.now.max(due);
                let effects = self.conversation.on_alarm(self.now);
                self.absorb(effects);
                self.flush();
                true
            }
            None => false,
        }
    }

    pub fn last(&self) -> &EventKind {
        self.events.last().expect("at least the greeting")
    }

    pub fn phase(&self) -> Phase {
        self.conversation.phase
    }

    /// Moves into `Waiting` through a human request and the contact form.
    /// A chat held by agent "a", without the visitors' rate limit (these write fast).
    pub fn live_chat() -> Self {
        let mut sim = Self::new(SiteSettings {
            visitor_messages_per_window: 0,
            ..fast_settings()
        });
        sim.enter_waiting();
        sim.claim("a", AgentAction::Accept).unwrap();
        sim
    }

    pub fn enter_waiting(&mut self) {
        self.say("can I talk to a person please").unwrap();
        assert_eq!(self.phase(), Phase::Contact);
        self.contact("Ann", "ann@example.com").unwrap();
        assert_eq!(self.phase(), Phase::Waiting);
    }
}
