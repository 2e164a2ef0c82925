//! The lists fed with site-socket frames and HTTP answers.

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
