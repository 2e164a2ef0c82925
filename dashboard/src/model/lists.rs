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
mod tests {
    use super::*;
    use crate::model::testing::summary;
    use baton_core::AgentRef;

    fn ann() -> AgentRef {
        AgentRef {
            id: "a1".into(),
            name: "Ann".into(),
        }
    }

    #[test]
    fn snapshot_then_updates_sort_into_lists() {
        let mut lists = SiteLists::default();
        let mut waiting = summary("w1", Phase::Waiting, 10);
        waiting.waiting_since = Some(10);
        lists.apply(&ServerFrame::Snapshot {
            conversations: vec![summary("b1", Phase::Bot, 5), waiting],
            available: true,
        });
        assert!(lists.connected && lists.available);
        assert_eq!(lists.waiting_count(), 1);
        assert_eq!(lists.monitor(20).len(), 1);

        let mut live = summary("w1", Phase::Live, 20);
        live.agent = Some(ann());
        lists.apply(&ServerFrame::ConversationUpdated { conversation: live });
        assert_eq!(lists.waiting_count(), 0);
        assert_eq!(lists.active_count(), 1);
        assert_eq!(lists.held_by("a1").len(), 1);
        assert!(lists.held_by("someone-else").is_empty());
    }

    #[test]
    fn chat_waiting_is_a_notice_and_a_new_bot_chat_lights_monitor() {
        let mut lists = SiteLists::default();
        let notices = lists.apply(&ServerFrame::ChatWaiting {
            conversation: summary("w1", Phase::Waiting, 1),
        });
        assert!(matches!(notices.as_slice(), [Notice::ChatWaiting(c)] if c.id == "w1"));

        let notices = lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("b1", Phase::Bot, 2),
        });
        assert!(matches!(notices.as_slice(), [Notice::MonitorStarted(_)]));
        assert!(lists.monitor_has_news());
        lists.mark_seen("b1");
        assert!(!lists.monitor_has_news());
        // The same conversation changing again is not a new start.
        let again = lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("b1", Phase::Contact, 3),
        });
        assert!(again.is_empty());
    }

    #[test]
    fn a_chat_becoming_mine_is_a_notice_once() {
        let mut lists = SiteLists::for_agent("a1");
        let mut live = summary("c", Phase::Live, 2);
        live.agent = Some(ann());
        let notices = lists.apply(&ServerFrame::ConversationUpdated {
            conversation: live.clone(),
        });
        assert!(matches!(notices.as_slice(), [Notice::AssignedToMe(c)] if c.id == "c"));
        live.updated_at = 3;
        let again = lists.apply(&ServerFrame::ConversationUpdated { conversation: live });
        assert!(again.is_empty(), "still mine: nothing new");
        let mut other = summary("d", Phase::Live, 4);
        other.agent = Some(AgentRef {
            id: "b2".into(),
            name: "Bob".into(),
        });
        assert!(lists
            .apply(&ServerFrame::ConversationUpdated {
                conversation: other
            })
            .is_empty());
    }

    #[test]
    fn missed_and_archived_move_between_lists() {
        let mut lists = SiteLists::default();
        lists.set_missed(vec![summary("m1", Phase::Missed, 5)]);
        lists.set_archived(Vec::new());
        lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("m1", Phase::Archived, 6),
        });
        assert_eq!(lists.missed().map(<[_]>::len), Some(0));
        assert_eq!(lists.archived().map(|l| l[0].id.as_str()), Some("m1"));
        // Joined again: it leaves Archived for Active.
        lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("m1", Phase::Live, 7),
        });
        assert_eq!(lists.archived().map(<[_]>::len), Some(0));
        assert_eq!(lists.active_count(), 1);
    }

    #[test]
    fn stale_updates_never_win() {
        let mut lists = SiteLists::default();
        lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("c", Phase::Live, 10),
        });
        lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("c", Phase::Waiting, 9),
        });
        assert_eq!(lists.find("c").map(|c| c.phase), Some(Phase::Live));
        // A list from D1 that still says "missed" does not duplicate a live chat.
        lists.set_missed(vec![summary("c", Phase::Missed, 8)]);
        assert_eq!(lists.missed().map(<[_]>::len), Some(0));
    }

    #[test]
    fn active_puts_the_longest_wait_first() {
        let mut lists = SiteLists::default();
        for (id, since) in [("late", 30), ("early", 10)] {
            let mut c = summary(id, Phase::Waiting, since);
            c.waiting_since = Some(since);
            lists.upsert(&c);
        }
        lists.upsert(&summary("live", Phase::Live, 40));
        let ids: Vec<_> = lists.active().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["early", "late", "live"]);
    }

    #[test]
    fn quiet_bot_chats_leave_monitor() {
        let mut lists = SiteLists::default();
        lists.apply(&ServerFrame::Snapshot {
            conversations: vec![summary("old", Phase::Bot, 0)],
            available: false,
        });
        assert_eq!(
            lists.monitor(baton_core::site::MONITOR_IDLE_MS + 1).len(),
            0
        );
        assert_eq!(lists.monitor(10).len(), 1);
    }

    #[test]
    fn the_channel_filter_tells_the_website_chat_from_each_platform() {
        use super::channel_matches;
        let mut widget = crate::model::testing::summary("a", Phase::Waiting, 1);
        widget.channel = None;
        let mut platform = crate::model::testing::summary("b", Phase::Waiting, 1);
        platform.channel = Some("DialogStudio".into());
        assert!(channel_matches(&widget, "") && channel_matches(&platform, ""));
        assert!(channel_matches(&widget, "widget") && !channel_matches(&platform, "widget"));
        assert!(
            channel_matches(&platform, "DialogStudio") && !channel_matches(&widget, "DialogStudio")
        );
        assert!(!channel_matches(&platform, "Other"));
    }

    #[test]
    fn an_erased_conversation_leaves_every_list() {
        let mut lists = SiteLists::default();
        lists.set_archived(vec![summary("a", Phase::Archived, 5)]);
        lists.apply(&ServerFrame::ConversationUpdated {
            conversation: summary("b", Phase::Live, 6),
        });
        for id in ["a", "b"] {
            lists.apply(&ServerFrame::ConversationErased {
                conversation_id: id.into(),
            });
        }
        assert!(lists.archived.as_ref().is_some_and(Vec::is_empty));
        assert!(lists.live.is_empty());
    }
}
