//! One site's lists as the site socket describes them: Active (waiting + live), Monitor (bot
//! conversations happening now), and the Missed / Archived lists loaded over HTTP and kept up to
//! date by the same frames.

use std::cmp::Ordering;

use baton_core::protocol::ServerFrame;
use baton_core::site::{shown_live, List};
use baton_core::{ConversationSummary, Millis, Phase};

use super::keyed::Keyed;

/// Something the agent should hear about: the view plays a sound and shows a notification.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A chat waits for this agent (the edge sends it only to agents who can take it).
    ChatWaiting(ConversationSummary),
    /// A bot conversation started: Monitor lights up.
    MonitorStarted(ConversationSummary),
    /// A chat became this agent's without them claiming it here (auto-assign, another device).
    AssignedToMe(ConversationSummary),
}

/// The lists of one site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteLists {
    /// The signed-in agent, to tell their own chats apart.
    me: String,
    pub connected: bool,
    /// This agent's availability on the site, as the edge last confirmed it.
    pub available: bool,
    /// Bot, contact, waiting and live conversations, from the site socket.
    live: Keyed<ConversationSummary>,
    /// `None` until loaded over HTTP.
    missed: Option<Vec<ConversationSummary>>,
    archived: Option<Vec<ConversationSummary>>,
    /// Monitor entries the agent has not looked at yet (the blinking indicator).
    unseen_monitor: Keyed<()>,
}

/// Kept by the site socket (Active and Monitor); Missed and Archived come over HTTP.
fn in_hub(phase: Phase) -> bool {
    List::of(phase).is_live()
}

impl SiteLists {
    pub fn for_agent(agent_id: &str) -> Self {
        Self {
            me: agent_id.to_string(),
            ..Self::default()
        }
    }

    fn held_by_me(&self, conversation: &ConversationSummary) -> bool {
        conversation.phase == Phase::Live
            && conversation.agent.as_ref().is_some_and(|a| a.id == self.me)
    }

    /// Applies one frame of the site socket; returns what deserves a sound or notification.
    pub fn apply(&mut self, frame: &ServerFrame) -> Vec<Notice> {
        let mut notices = Vec::new();
        match frame {
            ServerFrame::Snapshot {
                conversations,
                available,
            } => {
                self.connected = true;
                self.available = *available;
                self.live = conversations
                    .iter()
                    .filter(|c| in_hub(c.phase))
                    .map(|c| (c.id.clone(), c.clone()))
                    .collect();
                self.unseen_monitor
                    .retain(|id, _| self.live.contains_key(id));
            }
            ServerFrame::ConversationUpdated { conversation } => {
                let is_new = !self.live.contains_key(&conversation.id);
                if is_new && matches!(conversation.phase, Phase::Bot) && !conversation.blocked {
                    self.unseen_monitor.insert(conversation.id.clone(), ());
                    notices.push(Notice::MonitorStarted(conversation.clone()));
                }
                let was_mine = self
                    .live
                    .get(&conversation.id)
                    .is_some_and(|c| self.held_by_me(c));
                if self.held_by_me(conversation) && !was_mine {
                    notices.push(Notice::AssignedToMe(conversation.clone()));
                }
                self.upsert(conversation);
            }
            ServerFrame::ChatWaiting { conversation } => {
                self.upsert(conversation);
                notices.push(Notice::ChatWaiting(conversation.clone()));
            }
            ServerFrame::Availability { available } => self.available = *available,
            ServerFrame::ConversationErased { conversation_id } => self.remove(conversation_id),
            _ => {}
        }
        notices
    }

    /// A summary from any source (socket, list, chat view): placed in exactly one list.
    pub fn upsert(&mut self, conversation: &ConversationSummary) {
        let id = &conversation.id;
        if let Some(known) = self.live.get(id).or_else(|| self.find_stored(id)) {
            // Frames may arrive out of order across sockets: never go back in time.
            if known.updated_at > conversation.updated_at {
                return;
            }
        }
        for list in [&mut self.missed, &mut self.archived].into_iter().flatten() {
            list.retain(|c| &c.id != id);
        }
        self.live.remove(id);
        if List::of(conversation.phase) != List::Monitor {
            self.unseen_monitor.remove(id);
        }
        let target = match conversation.phase {
            phase if in_hub(phase) => {
                self.live.insert(id.clone(), conversation.clone());
                return;
            }
            Phase::Missed => &mut self.missed,
            _ => &mut self.archived,
        };
        if let Some(list) = target {
            list.insert(0, conversation.clone());
        }
    }

    /// An erased conversation leaves every list at once.
    pub fn remove(&mut self, id: &str) {
        self.live.remove(id);
        self.unseen_monitor.remove(id);
        for list in [&mut self.missed, &mut self.archived].into_iter().flatten() {
            list.retain(|c| c.id != id);
        }
    }

    fn find_stored(&self, id: &str) -> Option<&ConversationSummary> {
        [&self.missed, &self.archived]
            .into_iter()
            .flatten()
            .flat_map(|list| list.iter())
            .find(|c| c.id == id)
    }

    /// Replaces the Missed list with what the edge returned.
    pub fn set_missed(&mut self, list: Vec<ConversationSummary>) {
        self.missed = Some(self.without_live(list));
    }

    pub fn set_archived(&mut self, list: Vec<ConversationSummary>) {
        self.archived = Some(self.without_live(list));
    }

    /// The D1 index may lag the site socket: a chat that is live again is not also "missed".
    fn without_live(&self, list: Vec<ConversationSummary>) -> Vec<ConversationSummary> {
        list.into_iter()
            .filter(|c| {
                self.live
                    .get(&c.id)
                    .is_none_or(|live| live.updated_at < c.updated_at)
            })
            .collect()
    }

    pub fn disconnected(&mut self) {
        self.connected = false;
    }

    /// Waiting chats (oldest wait first: they are the most urgent), then live ones (newest first).
    pub fn active(&self) -> Vec<&ConversationSummary> {
        let waiting = self.live.values().filter(|c| c.phase == Phase::Waiting);
        let mut rows = sorted(waiting.collect(), longest_wait_first);
        let live = self.live.values().filter(|c| c.phase == Phase::Live);
        rows.extend(sorted(live.collect(), newest_first));
        rows
    }

    /// Bot conversations core's Monitor window still shows at `now` (or not yet looked at),
    /// newest first.
    pub fn monitor(&self, now: Millis) -> Vec<&ConversationSummary> {
        let list = self
            .live
            .values()
            .filter(|c| List::of(c.phase) == List::Monitor)
            .filter(|c| shown_live(c, now) || self.unseen_monitor.contains_key(&c.id));
        sorted(list.collect(), newest_first)
    }

    pub fn missed(&self) -> Option<&[ConversationSummary]> {
        self.missed.as_deref()
    }

    pub fn archived(&self) -> Option<&[ConversationSummary]> {
        self.archived.as_deref()
    }

    pub fn waiting_count(&self) -> usize {
        self.live
            .values()
            .filter(|c| c.phase == Phase::Waiting)
            .count()
    }

    pub fn active_count(&self) -> usize {
        self.live
            .values()
            .filter(|c| matches!(c.phase, Phase::Waiting | Phase::Live))
            .count()
    }

    /// Chats this agent holds right now (asked about when going offline).
    pub fn held_by(&self, agent_id: &str) -> Vec<&ConversationSummary> {
        self.live
            .values()
            .filter(|c| c.phase == Phase::Live)
            .filter(|c| c.agent.as_ref().is_some_and(|a| a.id == agent_id))
            .collect()
    }

    /// Whether Monitor has conversations the agent has not opened yet.
    pub fn monitor_has_news(&self) -> bool {
        !self.unseen_monitor.is_empty()
    }

    pub fn mark_seen(&mut self, conversation_id: &str) {
        self.unseen_monitor.remove(conversation_id);
    }

    /// The freshest summary of a conversation, wherever it is listed.
    pub fn find(&self, id: &str) -> Option<&ConversationSummary> {
        self.live.get(id).or_else(|| self.find_stored(id))
    }
}

/// Every list sorts through this one function with a plain `fn` order: one copy of the stable
/// sort in the wasm instead of one per key type. Stable: equal rows keep the key (id) order.
fn sorted(
    mut rows: Vec<&ConversationSummary>,
    order: fn(&ConversationSummary, &ConversationSummary) -> Ordering,
) -> Vec<&ConversationSummary> {
    rows.sort_by(|a, b| order(a, b));
    rows
}

fn longest_wait_first(a: &ConversationSummary, b: &ConversationSummary) -> Ordering {
    let waited = |c: &ConversationSummary| c.waiting_since.unwrap_or(c.updated_at);
    waited(a).cmp(&waited(b)).then_with(|| a.id.cmp(&b.id))
}

fn newest_first(a: &ConversationSummary, b: &ConversationSummary) -> Ordering {
    b.updated_at.cmp(&a.updated_at)
}

/// Whether a row passes the channel filter ("" all, "widget" the website chat, else a platform).
pub fn channel_matches(c: &ConversationSummary, wanted: &str) -> bool {
    match (wanted, c.channel.as_deref()) {
        ("", _) => true,
        ("widget", channel) => channel.is_none(),
        (wanted, Some(channel)) => channel == wanted,
        (_, None) => false,
    }
}

#[cfg(test)]
#[path = "lists_tests.rs"]
mod tests;
