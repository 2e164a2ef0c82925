//! A simulated site with its conversations, wired the way the edge wires its two Durable Objects
//! (quinn's `Pair` with its endpoint): conversation effects go to the site's rules, the site's
//! answers come back into the conversations, and agents receive the site's frames. One fake clock
//! drives every alarm; the site can be made unreachable to test the failure paths.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use baton_core::bot::FaqBot;
use baton_core::protocol::ServerFrame;
use baton_core::site::{live_list, ConversationChanged, Holding, OnlineAgent, Site, SiteEffect};
use baton_core::{
    AgentAction, AgentRef, Conversation, ConversationError, ConversationSummary, Delivery, Effect,
    EventKind, Millis, Phase, SiteSettings, VisitorProfile,
};

pub const T0: Millis = 1_700_000_000_000;

/// What the site's Durable Object stores, and who has a socket open.
#[derive(Default)]
pub struct SiteStore {
    pub online: BTreeMap<String, OnlineAgent>,
    pub availability: BTreeMap<String, bool>,
    pub holdings: BTreeSet<(String, String)>,
    pub rows: BTreeMap<String, ConversationSummary>,
    pub list_revs: BTreeMap<String, u64>,
    /// Holdings a list row confirmed (the others are reservations of an accept in progress).
    pub confirmed: BTreeSet<(String, String)>,
    /// When each holding was reserved.
    pub reserved_at: BTreeMap<(String, String), Millis>,
}

pub struct World {
    pub now: Millis,
    pub settings: SiteSettings,
    pub conversations: BTreeMap<String, Conversation>,
    pub site: SiteStore,
    /// Frames each agent's site socket received, in order.
    pub inbox: BTreeMap<String, Vec<ServerFrame>>,
    /// False: every call to the site fails (the conversation logs and carries on).
    pub site_reachable: bool,
    events: BTreeMap<String, Vec<EventKind>>,
    next_id: u32,
}

pub fn agent(id: &str) -> AgentRef {
    AgentRef {
        id: id.into(),
        name: format!("Agent {id}"),
    }
}

pub fn settings() -> SiteSettings {
    SiteSettings {
        wait_notice_ms: 1_000,
        leave_message_offer_ms: 1_000,
        time_to_accept_ms: 3_000,
        groups: vec!["sales".into(), "support".into()],
        ..SiteSettings::default()
    }
}

impl World {
    pub fn new(settings: SiteSettings) -> Self {
        Self {
            now: T0,
            settings,
            conversations: BTreeMap::new(),
            site: SiteStore::default(),
            inbox: BTreeMap::new(),
            site_reachable: true,
            events: BTreeMap::new(),
            next_id: 0,
        }
    }

    /// The site as its shell builds it: reservations nobody confirmed in time do not count.
    fn site(&self) -> Site {
        let counted = self.site.holdings.iter().filter(|pair| {
            Holding {
                agent_id: pair.0.clone(),
                conversation_id: pair.1.clone(),
                reserved_at: self.site.reserved_at.get(*pair).copied().unwrap_or(0),
                confirmed: self.site.confirmed.contains(*pair),
            }
            .counts(self.now)
        });
        Site::from_parts(
            self.site.online.values().cloned(),
            &self.site.availability,
            counted.cloned(),
        )
    }

    /// Carries out the site's effects as its shell does.
    fn apply(&mut self, effects: Vec<SiteEffect>) {
        for effect in effects {
            match effect {
                SiteEffect::SaveRow(summary) => {
                    self.site.rows.insert(summary.id.clone(), summary);
                }
                SiteEffect::DeleteRow { conversation_id } => {
                    self.site.rows.remove(&conversation_id);
                }
                SiteEffect::SaveListRev {
                    conversation_id,
                    rev,
                } => {
                    self.site.list_revs.insert(conversation_id, rev);
                }
                SiteEffect::Hold {
                    agent_id,
                    conversation_id,
                } => {
                    let pair = (agent_id, conversation_id);
                    if self.site.holdings.insert(pair.clone()) {
                        self.site.reserved_at.insert(pair, self.now);
                    }
                }
                SiteEffect::Unhold {
                    agent_id,
                    conversation_id,
                } => {
                    let pair = (agent_id, conversation_id);
                    self.site.holdings.remove(&pair);
                    self.site.confirmed.remove(&pair);
                }
                SiteEffect::SetHolder {
                    conversation_id,
                    holder,
                } => {
                    let stale: Vec<(String, String)> = self
                        .site
                        .confirmed
                        .iter()
                        .filter(|(agent, c)| {
                            *c == conversation_id && Some(agent) != holder.as_ref()
                        })
                        .cloned()
                        .collect();
                    for pair in stale {
                        self.site.holdings.remove(&pair);
                        self.site.confirmed.remove(&pair);
                    }
                    if let Some(agent) = holder {
                        let pair = (agent, conversation_id);
                        self.site.holdings.insert(pair.clone());
                        self.site.confirmed.insert(pair);
                    }
                }
                SiteEffect::SaveAvailability {
                    agent_id,
                    available,
                } => {
                    self.site.availability.insert(agent_id, available);
                }
                SiteEffect::Broadcast(frame) => {
                    for id in self.site.online.keys() {
                        self.inbox
                            .entry(id.clone())
                            .or_default()
                            .push(frame.clone());
                    }
                }
                SiteEffect::SendTo { agent_id, frame } => {
                    if self.site.online.contains_key(&agent_id) {
                        self.inbox.entry(agent_id).or_default().push(frame);
                    }
                }
            }
        }
    }

    /// An agent opens the dashboard (a site socket).
    pub fn sign_in(&mut self, id: &str, groups: &[&str], max_chats: u32) {
        self.site.online.insert(
            id.into(),
            OnlineAgent {
                agent: agent(id),
                groups: groups.iter().map(|g| g.to_string()).collect(),
                max_chats,
            },
        );
    }

    pub fn sign_out(&mut self, id: &str) {
        self.site.online.remove(id);
    }

    pub fn set_available(&mut self, id: &str, available: bool) {
        let effects = self.site().set_availability(id, available);
        self.apply(effects);
    }

    /// A known visitor (name and email from the host page) starts a conversation.
    pub fn visitor(&mut self) -> String {
        self.next_id += 1;
        let id = format!("c{}", self.next_id);
        let visitor = VisitorProfile {
            name: Some("Vera".into()),
            email: Some("vera@example.com".into()),
            ..VisitorProfile::default()
        };
        let (conversation, effects) = Conversation::start(
            id.clone(),
            "s1".into(),
            self.settings.clone(),
            visitor,
            self.now,
        );
        self.conversations.insert(id.clone(), conversation);
        // Its list row puts it under Monitor.
        self.run(&id, effects);
        id
    }

    pub fn conversation(&self, id: &str) -> &Conversation {
        &self.conversations[id]
    }

    pub fn phase(&self, id: &str) -> Phase {
        self.conversation(id).phase
    }

    fn with<T>(&mut self, id: &str, apply: impl FnOnce(&mut Conversation, Millis) -> T) -> T {
        let now = self.now;
        let conversation = self.conversations.get_mut(id).expect("known conversation");
        apply(conversation, now)
    }

    pub fn request_human(&mut self, id: &str) {
        let effects = self.with(id, |c, now| c.request_human(now)).unwrap();
        self.run(id, effects);
    }

    pub fn say(&mut self, id: &str, text: &str) {
        let kb = self.settings.knowledge_base.clone();
        let bot = FaqBot::new(&kb);
        let effects = self
            .with(id, |c, now| c.visitor_message(text, None, &bot, now))
            .unwrap();
        self.run(id, effects);
    }

    /// An agent presses Accept: their slot is reserved at the site first, the claim is one
    /// check-and-set in the conversation, and a lost claim gives the slot back.
    pub fn accept(&mut self, agent_id: &str, id: &str) -> Result<(), String> {
        let me = agent(agent_id);
        let max = self
            .site
            .online
            .get(agent_id)
            .map(|a| a.max_chats)
            .unwrap_or(0);
        self.conversation(id)
            .check_claim(&me, AgentAction::Accept)
            .map_err(|e| e.to_string())?;
        let reserved = self
            .site()
            .reserve(&me, max, id)
            .map_err(|e| e.to_string())?;
        self.apply(reserved);
        match self.with(id, |c, now| c.claim(&me, AgentAction::Accept, now)) {
            Ok(effects) => {
                self.run(id, effects);
                Ok(())
            }
            Err(error) => {
                let released = self.site().release(agent_id, id);
                self.apply(released);
                Err(error.to_string())
            }
        }
    }

    /// An accept that reserved the agent's slot, then died before the claim (a crash): no
    /// claim, no release.
    pub fn accept_crashing_after_reserve(&mut self, agent_id: &str, id: &str) {
        let me = agent(agent_id);
        let max = self.site.online.get(agent_id).map_or(0, |a| a.max_chats);
        if let Ok(reserved) = self.site().reserve(&me, max, id) {
            self.apply(reserved);
        }
    }

    pub fn agent_does(
        &mut self,
        agent_id: &str,
        id: &str,
        action: impl FnOnce(
            &mut Conversation,
            &AgentRef,
            Millis,
        ) -> Result<Vec<Effect>, ConversationError>,
    ) -> Result<(), ConversationError> {
        let me = agent(agent_id);
        let effects = self.with(id, |c, now| action(c, &me, now))?;
        self.run(id, effects);
        Ok(())
    }

    /// Carries out a conversation's effects the way `conversation_room/effects.rs` does.
    fn run(&mut self, id: &str, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Emit(event) => self
                    .events
                    .entry(id.to_string())
                    .or_default()
                    .push(event.kind),
                // A freed slot reaches the site through the outbox (when it answers; retries
                // are outbox_sim.rs's business), unless a re-join made it obsolete.
                Effect::Deliver(Delivery::SlotRelease { agent_id, seq }) => {
                    if self.site_reachable {
                        if self.conversation(id).release_applies(&agent_id) {
                            let effects = self.site().release(&agent_id, id);
                            self.apply(effects);
                        }
                        let key = Delivery::SlotRelease { agent_id, seq }.key();
                        self.with(id, |c, _| c.delivered(&key));
                    }
                }
                // The list row too (the site keeps the newest revision).
                Effect::Deliver(Delivery::ListRow { rev, notify }) => {
                    if self.site_reachable {
                        self.changed(id, rev, notify);
                        let key = Delivery::ListRow { rev, notify }.key();
                        self.with(id, |c, _| c.delivered(&key));
                    }
                }
                // A busy chat's refresh goes to the site at once; lost if it is unreachable.
                Effect::ListPreview { rev } => {
                    if self.site_reachable {
                        self.changed(id, rev, false);
                    }
                }
                // The rest of the outbox is the conversation object's own business.
                Effect::Deliver(delivery) => self.with(id, |c, _| c.delivered(&delivery.key())),
                Effect::CheckAvailability { group } if self.site_reachable => {
                    let available = self.site().available_count(group.as_deref());
                    queue.extend(self.with(id, |c, now| c.availability(available, now)));
                }
                Effect::AutoAssign { group } if self.site_reachable => {
                    let (chosen, effects) = self.site().assign(group.as_deref(), id);
                    self.apply(effects);
                    queue.extend(self.with(id, |c, now| c.assigned(chosen.as_ref(), now)));
                }
                Effect::ReleaseAgent { agent_id } if self.site_reachable => {
                    let effects = self.site().release(&agent_id, id);
                    self.apply(effects);
                }
                // Signals only: the list row above carries them to the site.
                Effect::PhaseChanged { .. } | Effect::ListChanged | Effect::NotifyAgents { .. } => {
                }
                // The site is unreachable: the call fails and is logged.
                Effect::CheckAvailability { .. }
                | Effect::AutoAssign { .. }
                | Effect::ReleaseAgent { .. } => {}
            }
        }
    }

    fn changed(&mut self, id: &str, rev: u64, notify: bool) {
        let changed = ConversationChanged {
            summary: self.conversation(id).summary(),
            notify,
            rev,
        };
        let stored = self.site.list_revs.get(id).copied();
        let effects = self.site().conversation_changed(&changed, stored);
        self.apply(effects);
    }

    /// Jumps the clock to the earliest deadline of any conversation and fires its alarm.
    pub fn fire_next_alarm(&mut self) -> bool {
        let next = self
            .conversations
            .iter()
            .filter_map(|(id, c)| Some((c.next_deadline()?, id.clone())))
            .min();
        let Some((due, id)) = next else {
            return false;
        };
        self.now = self.now.max(due);
        let effects = self.with(&id, |c, now| c.on_alarm(now));
        self.run(&id, effects);
        true
    }

    pub fn advance(&mut self, ms: Millis) {
        self.now += ms;
    }

    /// The chats an agent holds, as the site counts them.
    pub fn held_by(&self, agent_id: &str) -> Vec<String> {
        self.site
            .holdings
            .iter()
            .filter(|(a, _)| a == agent_id)
            .map(|(_, c)| c.clone())
            .collect()
    }

    /// The ids of chats an agent was told are waiting, in order.
    pub fn told_waiting(&self, agent_id: &str) -> Vec<String> {
        self.inbox
            .get(agent_id)
            .into_iter()
            .flatten()
            .filter_map(|f| match f {
                ServerFrame::ChatWaiting { conversation } => Some(conversation.id.clone()),
                _ => None,
            })
            .collect()
    }

    /// The live lists an agent's dashboard would load now.
    pub fn live_list(&self) -> Vec<String> {
        live_list(self.site.rows.values().cloned().collect(), self.now)
            .into_iter()
            .map(|c| c.id)
            .collect()
    }

    /// Every event the conversation emitted, in order.
    pub fn events(&self, id: &str) -> &[EventKind] {
        self.events.get(id).map(Vec::as_slice).unwrap_or_default()
    }
}
