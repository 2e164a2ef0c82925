//! One site's rules, sans IO: presence and availability, chat slots (max concurrent chats), the
//! least-loaded auto-assign choice, which list a conversation shows in (and the Monitor idle
//! window), and who is told about a waiting chat.
//!
//! The site's Durable Object builds a [`Site`] from its open sockets and its SQLite rows, calls
//! one method with `now`, and carries out the [`SiteEffect`]s: store or delete rows, send frames.
//! Nothing here reads a clock or touches a socket, so the whole site runs in simulation tests
//! together with its conversations.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::conversation::{ConversationSummary, Phase};
use crate::event::AgentRef;
use crate::protocol::ServerFrame;
use crate::push::PushAudience;
use crate::roster::{AgentSeat, Roster, SeatError};
use crate::Millis;

/// Bot conversations quiet for longer than this leave the Monitor list.
pub const MONITOR_IDLE_MS: Millis = 30 * 60 * 1000;

/// A slot reserved for an accept in progress that no list row has confirmed (the chat live
/// with that agent) after this long is given back: the accept crashed, or its "lost the
/// claim" release never arrived.
pub const RESERVATION_TTL_MS: Millis = 60_000;

/// A holding as the site stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub agent_id: String,
    pub conversation_id: String,
    /// When the slot was reserved (0 for holdings from before reservations expired).
    pub reserved_at: Millis,
    /// A list row showed the chat live with this agent.
    pub confirmed: bool,
}

impl Holding {
    /// Whether the slot still counts at `now` (see [`RESERVATION_TTL_MS`]).
    pub fn counts(&self, now: Millis) -> bool {
        self.confirmed || now - self.reserved_at <= RESERVATION_TTL_MS
    }
}

/// At most this many rows in the live lists (newest first).
pub const LIVE_LIST_LIMIT: usize = 500;

/// A conversation's object tells its site that its live-list row changed (an outbox delivery,
/// so it may arrive twice, or after a newer one).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ConversationChanged {
    pub summary: ConversationSummary,
    /// The chat started waiting: notify available agents of its group.
    pub notify: bool,
    /// The row's revision ([`crate::Conversation::list_rev`]).
    pub rev: u64,
}

/// Whether a row of revision `incoming` replaces the one the site has (`stored`): only a newer
/// one does. A repeat (a delivery retried after its answer was lost) changes nothing and rings
/// nobody twice; an older one arriving late cannot bring back a phase the chat has left.
pub fn list_row_applies(stored: Option<u64>, incoming: u64) -> bool {
    stored.is_none_or(|stored| incoming > stored)
}

/// The dashboard's lists.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum List {
    /// Waiting chats and everyone's live chats.
    Active,
    /// Bot conversations happening now.
    Monitor,
    Missed,
    Archived,
}

impl List {
    /// The one list a conversation in `phase` belongs to.
    pub fn of(phase: Phase) -> Self {
        match phase {
            Phase::Waiting | Phase::Live => Self::Active,
            Phase::Bot | Phase::Contact => Self::Monitor,
            Phase::Missed => Self::Missed,
            Phase::Archived => Self::Archived,
        }
    }

    /// `active`, `monitor`, `missed`, `archived` (the `list=` query of the API).
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Active, Self::Monitor, Self::Missed, Self::Archived]
            .into_iter()
            .find(|list| list.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Monitor => "monitor",
            Self::Missed => "missed",
            Self::Archived => "archived",
        }
    }

    /// Kept live by the site (Active and Monitor); Missed and Archived come from the index.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Active | Self::Monitor)
    }
}

/// Whether a conversation shows in the live lists at `now`: every waiting or live chat, and a
/// bot conversation until it has been quiet for [`MONITOR_IDLE_MS`].
pub fn shown_live(summary: &ConversationSummary, now: Millis) -> bool {
    match List::of(summary.phase) {
        List::Active => true,
        List::Monitor => summary.updated_at > now - MONITOR_IDLE_MS,
        List::Missed | List::Archived => false,
    }
}

/// The live lists from the stored rows: what [`shown_live`] keeps, newest first, bounded.
pub fn live_list(rows: Vec<ConversationSummary>, now: Millis) -> Vec<ConversationSummary> {
    let mut shown: Vec<ConversationSummary> =
        rows.into_iter().filter(|c| shown_live(c, now)).collect();
    shown.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    shown.truncate(LIVE_LIST_LIMIT);
    shown
}

/// An agent's availability from the stored toggle: an agent who never set it is available when
/// they first come online.
pub fn initial_availability(stored: Option<bool>) -> bool {
    stored.unwrap_or(true)
}

/// A signed-in agent with a socket open on the site (the worker authenticated them).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OnlineAgent {
    pub agent: AgentRef,
    /// Empty: every group.
    pub groups: Vec<String>,
    pub max_chats: u32,
}

/// What the site's shell must do after a call.
#[derive(Clone, Debug, PartialEq)]
pub enum SiteEffect {
    /// Store (or replace) this conversation's live-list row.
    SaveRow(ConversationSummary),
    /// Forget this conversation's live-list row.
    DeleteRow { conversation_id: String },
    /// Remember the revision of the conversation's row (also once the row is deleted, so an
    /// older one arriving late is refused).
    SaveListRev { conversation_id: String, rev: u64 },
    /// The newest row says who holds the chat (`holder`, `None`: nobody): that agent's
    /// holding is confirmed (it stops expiring; made if missing), other confirmed holdings of
    /// the chat are dropped. Unconfirmed reservations (an accept in progress) are left alone.
    SetHolder {
        conversation_id: String,
        holder: Option<String>,
    },
    /// Store that the agent holds the chat (one slot).
    Hold {
        agent_id: String,
        conversation_id: String,
    },
    /// The agent no longer holds the chat.
    Unhold {
        agent_id: String,
        conversation_id: String,
    },
    /// Store the agent's availability toggle.
    SaveAvailability { agent_id: String, available: bool },
    /// Send to every agent socket of the site.
    Broadcast(ServerFrame),
    /// Send to every socket of one agent.
    SendTo {
        agent_id: String,
        frame: ServerFrame,
    },
}

/// A site as its rules see it: the roster (who is online, available, in which groups, holding
/// what). Built fresh by the shell for each call, from sockets and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Site {
    roster: Roster,
}

impl Site {
    /// Online agents come from the open sockets (one entry per socket is fine), availability and
    /// holdings from storage. An agent with no stored availability is available: that is how
    /// they first come online. Agents holding chats while offline keep their holdings.
    pub fn from_parts(
        online: impl IntoIterator<Item = OnlineAgent>,
        availability: &BTreeMap<String, bool>,
        holdings: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        Self::from_parts_with_push(online, Vec::new(), availability, holdings)
    }

    /// As [`Site::from_parts`], plus the agents reachable by Web Push on this site (an enabled
    /// device, signed in): they count as reachable with their stored availability, whether or
    /// not a dashboard of theirs is open.
    pub fn from_parts_with_push(
        online: impl IntoIterator<Item = OnlineAgent>,
        push: impl IntoIterator<Item = OnlineAgent>,
        availability: &BTreeMap<String, bool>,
        holdings: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        let mut seats: BTreeMap<String, AgentSeat> = BTreeMap::new();
        for me in online {
            let available = initial_availability(availability.get(&me.agent.id).copied());
            seats.insert(
                me.agent.id.clone(),
                AgentSeat {
                    agent: me.agent,
                    groups: me.groups,
                    online: true,
                    push: false,
                    available,
                    max_chats: me.max_chats,
                    holding: Default::default(),
                },
            );
        }
        for me in push {
            let available = initial_availability(availability.get(&me.agent.id).copied());
            seats
                .entry(me.agent.id.clone())
                .or_insert_with(|| AgentSeat {
                    agent: me.agent,
                    groups: me.groups,
                    online: false,
                    push: false,
                    available,
                    max_chats: me.max_chats,
                    holding: Default::default(),
                })
                .push = true;
        }
        for (agent_id, conversation_id) in holdings {
            seats
                .entry(agent_id.clone())
                .or_insert_with(|| AgentSeat {
                    agent: AgentRef {
                        id: agent_id,
                        name: String::new(),
                    },
                    groups: Vec::new(),
                    online: false,
                    push: false,
                    available: false,
                    max_chats: 0,
                    holding: Default::default(),
                })
                .holding
                .insert(conversation_id);
        }
        let mut roster = Roster::default();
        seats.into_values().for_each(|seat| roster.upsert(seat));
        Self { roster }
    }

    /// The agents whose enabled devices get a push for `audience` (by id). Only agents
    /// reachable by push, available, and: for a waiting chat in its group with a free slot;
    /// for their own chat only while no dashboard of theirs is open on the site.
    /// [`PushAudience::Notified`] is the conversation's list, not the site's: empty here.
    pub fn push_recipients(&self, audience: &PushAudience) -> Vec<String> {
        let pushable = |seat: &&AgentSeat| seat.push && seat.available;
        let ids = |seats: Vec<&AgentSeat>| seats.iter().map(|s| s.agent.id.clone()).collect();
        match audience {
            PushAudience::Waiting { group } => ids(self
                .roster
                .seats()
                .filter(pushable)
                .filter(|s| s.can_take(group.as_deref()))
                .collect()),
            PushAudience::Agent { agent_id } => ids(self
                .roster
                .seat(agent_id)
                .filter(pushable)
                .into_iter()
                .collect()),
            PushAudience::Holder { agent_id } => ids(self
                .roster
                .seat(agent_id)
                .filter(pushable)
                .filter(|s| !s.online)
                .into_iter()
                .collect()),
            PushAudience::Site => ids(self.roster.seats().filter(pushable).collect()),
            PushAudience::Notified => Vec::new(),
        }
    }

    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// How many agents could take a chat of `group` now (online, available, with a free slot).
    pub fn available_count(&self, group: Option<&str>) -> u32 {
        self.roster.available_for(group).len() as u32
    }

    /// The agents told about a chat waiting for `group`, by id.
    pub fn notification_targets(&self, group: Option<&str>) -> Vec<String> {
        self.roster
            .available_for(group)
            .iter()
            .map(|seat| seat.agent.id.clone())
            .collect()
    }

    /// Takes one of the agent's slots for the chat (before the claim); idempotent.
    pub fn reserve(
        &mut self,
        agent: &AgentRef,
        max_chats: u32,
        conversation_id: &str,
    ) -> Result<Vec<SiteEffect>, SeatError> {
        self.roster.reserve(agent, max_chats, conversation_id)?;
        Ok(vec![SiteEffect::Hold {
            agent_id: agent.id.clone(),
            conversation_id: conversation_id.to_string(),
        }])
    }

    /// Auto-assign: the least-loaded agent who can take a chat of `group`, with the slot already
    /// reserved; `None` when nobody can.
    pub fn assign(
        &mut self,
        group: Option<&str>,
        conversation_id: &str,
    ) -> (Option<AgentRef>, Vec<SiteEffect>) {
        let chosen = self
            .roster
            .least_loaded(group)
            .map(|seat| (seat.agent.clone(), seat.max_chats));
        match chosen {
            Some((agent, max)) => match self.reserve(&agent, max, conversation_id) {
                Ok(effects) => (Some(agent), effects),
                Err(_) => (None, Vec::new()),
            },
            None => (None, Vec::new()),
        }
    }

    /// Frees the agent's slot (the chat was archived, forwarded, returned, or the claim lost).
    pub fn release(&mut self, agent_id: &str, conversation_id: &str) -> Vec<SiteEffect> {
        self.roster.release(agent_id, conversation_id);
        vec![SiteEffect::Unhold {
            agent_id: agent_id.to_string(),
            conversation_id: conversation_id.to_string(),
        }]
    }

    /// The agent's availability toggle; every socket of theirs hears the new value.
    pub fn set_availability(&mut self, agent_id: &str, available: bool) -> Vec<SiteEffect> {
        if let Some(seat) = self.roster.seat(agent_id).cloned() {
            self.roster.upsert(AgentSeat { available, ..seat });
        }
        vec![
            SiteEffect::SaveAvailability {
                agent_id: agent_id.to_string(),
                available,
            },
            SiteEffect::SendTo {
                agent_id: agent_id.to_string(),
                frame: ServerFrame::Availability { available },
            },
        ]
    }

    /// A conversation changed: its live-list row is stored (or dropped once it leaves the live
    /// lists), every agent hears of it, and if it started waiting (`notify`), every agent who
    /// could take it is told.
    /// Nothing happens for a row no newer than the stored revision `stored_rev`.
    pub fn conversation_changed(
        &self,
        changed: &ConversationChanged,
        stored_rev: Option<u64>,
    ) -> Vec<SiteEffect> {
        let mut effects = row_changed(changed, stored_rev);
        if changed.notify && !effects.is_empty() {
            let summary = &changed.summary;
            for agent_id in self.notification_targets(summary.group.as_deref()) {
                effects.push(SiteEffect::SendTo {
                    agent_id,
                    frame: ServerFrame::ChatWaiting {
                        conversation: summary.clone(),
                    },
                });
            }
        }
        effects
    }
}

/// The lists' side of a conversation's change, which needs nothing of the site's state: all of
/// [`Site::conversation_changed`] for a row that rings nobody (`notify` false), so the shell
/// can skip loading the site (its agents, holdings and availability) for the rows a busy chat
/// sends with its messages.
pub fn row_changed(changed: &ConversationChanged, stored_rev: Option<u64>) -> Vec<SiteEffect> {
    let summary = &changed.summary;
    if !list_row_applies(stored_rev, changed.rev) {
        return Vec::new();
    }
    let holder = holder_of(summary).map(str::to_string);
    let mut effects = vec![
        SiteEffect::SaveListRev {
            conversation_id: summary.id.clone(),
            rev: changed.rev,
        },
        SiteEffect::SetHolder {
            conversation_id: summary.id.clone(),
            holder,
        },
    ];
    if List::of(summary.phase).is_live() {
        effects.push(SiteEffect::SaveRow(summary.clone()));
    } else {
        effects.push(SiteEffect::DeleteRow {
            conversation_id: summary.id.clone(),
        });
    }
    effects.push(SiteEffect::Broadcast(ServerFrame::ConversationUpdated {
        conversation: summary.clone(),
    }));
    effects
}

/// [`row_changed`] over the row the site has (`previous`): the holder is written only when it
/// changed. A busy chat's preview keeps its holder, so it costs the site the row and its
/// revision, not the holdings' delete and upsert as well.
pub fn row_changed_over(
    changed: &ConversationChanged,
    stored_rev: Option<u64>,
    previous: Option<&ConversationSummary>,
) -> Vec<SiteEffect> {
    let mut effects = row_changed(changed, stored_rev);
    if previous.is_some_and(|previous| holder_of(previous) == holder_of(&changed.summary)) {
        effects.retain(|effect| !matches!(effect, SiteEffect::SetHolder { .. }));
    }
    effects
}

/// Who holds a chat as far as the site's slots go: its agent while it is live.
fn holder_of(summary: &ConversationSummary) -> Option<&str> {
    summary
        .agent
        .as_ref()
        .filter(|_| summary.phase == Phase::Live)
        .map(|agent| agent.id.as_str())
}

#[cfg(test)]
#[path = "site_tests.rs"]
mod tests;
