//! A conversation from the queue on, driven with a simulated clock: the waiting ladder and its
//! alarms (early, twice, late), the claim (two accepts at one instant), the live chat and what an
//! agent does with it (leave and archive, review a missed chat, take control, forward, block),
//! and leaving a message while waiting. The bot's part is in `bot_phase_sim.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::{AgentAction, ConversationError, Effect, EventKind, Phase};
use sim::{agent, fast_settings, Sim};

#[test]
fn the_whole_ladder_runs_in_order_at_its_times_then_the_bot_takes_over() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    let waiting_since = sim.now;
    let mut fired = Vec::new();
    while sim.fire_next_alarm() {
        fired.push((sim.now - waiting_since, sim.last().clone()));
    }
    assert_eq!(
        fired,
        vec![
            (1_000, EventKind::WaitNotice),
            (2_000, EventKind::LeaveMessageOffered),
            (
                3_000,
                EventKind::Missed {
                    contact_details: "Call +47 555 0100".into()
                }
            ),
        ]
    );
    assert_eq!(sim.phase(), Phase::Missed);
    sim.say("opening hours?").unwrap();
    assert!(matches!(sim.last(), EventKind::BotMessage { .. }));
}

#[test]
fn alarms_that_fire_early_twice_or_late_change_nothing_extra() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    let before = sim.conversation.clone();
    let effects = sim.conversation.on_alarm(sim.now + 999);
    assert!(effects.is_empty());
    assert_eq!(sim.conversation, before);

    sim.now += 1_000;
    let first = sim.conversation.on_alarm(sim.now);
    assert_eq!(first.len(), 1);
    assert!(
        sim.conversation.on_alarm(sim.now).is_empty(),
        "second firing is a no-op"
    );

    // Very late: both remaining steps fire once, in order, and the chat is missed.
    sim.absorb(first);
    sim.now += 60_000;
    let late = sim.conversation.on_alarm(sim.now);
    sim.absorb(late);
    let n = sim.events.len();
    assert_eq!(sim.events[n - 2], EventKind::LeaveMessageOffered);
    assert!(matches!(sim.events[n - 1], EventKind::Missed { .. }));
    assert!(sim.conversation.on_alarm(sim.now + 10_000).is_empty());
    assert_eq!(sim.conversation.next_deadline(), None);
}

#[test]
fn of_two_accepts_at_the_same_instant_exactly_one_wins() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    assert_eq!(
        sim.claim("b", AgentAction::Accept),
        Err(ConversationError::AlreadyClaimed { by: agent("a") })
    );
    assert_eq!(sim.phase(), Phase::Live);
    assert_eq!(sim.conversation.agent, Some(agent("a")));
    assert_eq!(sim.last(), &EventKind::AgentJoined { agent: agent("a") });
    assert_eq!(sim.conversation.next_deadline(), None, "ladder stopped");
    // The winner accepting again is harmless.
    let len = sim.events.len();
    sim.claim("a", AgentAction::Accept).unwrap();
    assert_eq!(sim.events.len(), len);
}

#[test]
fn live_messages_flow_both_ways_and_only_the_holder_writes() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    sim.say("hello?").unwrap();
    assert!(
        matches!(sim.last(), EventKind::VisitorMessage { .. }),
        "no bot while live"
    );
    let effects = sim
        .conversation
        .agent_message(&agent("a"), "Hi Ann", None, sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(
        sim.last(),
        &EventKind::AgentMessage {
            agent: agent("a"),
            text: "Hi Ann".into(),
            client_id: None
        }
    );
    assert_eq!(
        sim.conversation
            .agent_message(&agent("b"), "me too", None, sim.now),
        Err(ConversationError::NotHolder {
            holder: Some(agent("a"))
        })
    );
    let comment = sim
        .conversation
        .comment(&agent("b"), "VIP customer", sim.now)
        .unwrap();
    let Effect::Emit(event) = &comment[0] else {
        panic!("comment emits")
    };
    assert!(!event.kind.visible_to_visitor());
}

#[test]
fn leave_and_archive_returns_the_visitor_to_the_bot() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .leave_and_archive(&agent("a"), sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Archived);
    assert_eq!(sim.released, vec!["a".to_string()]);
    assert!(sim
        .events
        .contains(&EventKind::AgentLeft { agent: agent("a") }));
    sim.say("opening hours?").unwrap();
    assert!(matches!(sim.last(), EventKind::BotMessage { .. }));
    // An archived chat can be joined again.
    sim.claim("b", AgentAction::Join).unwrap();
    assert_eq!(sim.phase(), Phase::Live);
}

#[test]
fn missed_chats_can_be_reviewed_and_archived_or_joined_but_not_accepted() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    while sim.fire_next_alarm() {}
    assert_eq!(sim.phase(), Phase::Missed);
    assert_eq!(
        sim.claim("a", AgentAction::Accept),
        Err(ConversationError::NotAllowed {
            phase: Phase::Missed
        })
    );
    let mut joined = Sim::new(fast_settings());
    joined.enter_waiting();
    while joined.fire_next_alarm() {}
    joined.claim("a", AgentAction::Join).unwrap();
    assert_eq!(joined.phase(), Phase::Live);

    let effects = sim
        .conversation
        .review_and_archive(&agent("a"), sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Archived);
}

#[test]
fn take_control_needs_no_visitor_request() {
    let mut sim = Sim::new(fast_settings());
    sim.say("opening hours?").unwrap();
    sim.claim("a", AgentAction::TakeControl).unwrap();
    assert_eq!(sim.phase(), Phase::Live);
    assert_eq!(sim.last(), &EventKind::AgentJoined { agent: agent("a") });
}

#[test]
fn forward_puts_the_chat_back_in_another_groups_queue() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    assert_eq!(
        sim.conversation.forward(&agent("a"), "billing", sim.now),
        Err(ConversationError::UnknownGroup("billing".into()))
    );
    let effects = sim
        .conversation
        .forward(&agent("a"), "sales", sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Waiting);
    assert_eq!(sim.conversation.group.as_deref(), Some("sales"));
    assert_eq!(sim.notified, 2);
    assert!(sim.effects.contains(&Effect::NotifyAgents {
        group: Some("sales".into())
    }));
    assert!(
        sim.conversation.next_deadline().is_some(),
        "ladder re-armed"
    );
    sim.claim("b", AgentAction::Accept).unwrap();
}

#[test]
fn a_blocked_visitor_only_reaches_the_bot_and_gets_the_block_message() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .block(&agent("a"), "abusive", "This chat is closed.", sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Archived);
    assert_eq!(sim.released, vec!["a".to_string()]);
    sim.say("I want a human now").unwrap();
    assert_eq!(
        sim.last(),
        &EventKind::BotMessage {
            text: "This chat is closed.".into(),
            offer_human: false,
            suggestions: Vec::new(),
        }
    );
    assert_eq!(sim.phase(), Phase::Archived);
    sim.say("xyzzy").unwrap();
    sim.say("plugh").unwrap();
    assert_eq!(
        sim.phase(),
        Phase::Archived,
        "not-understood cannot hand over either"
    );
}

#[test]
fn leaving_a_message_while_waiting_leaves_the_queue() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.now += 2_000;
    let effects = sim
        .conversation
        .leave_message(
            "t1".into(),
            "Ann",
            "ann@example.com",
            "Please call",
            sim.now,
        )
        .unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Bot);
    assert_eq!(sim.conversation.next_deadline(), None);
    assert!(!sim.fire_next_alarm());
    assert_eq!(
        sim.conversation
            .leave_message("t2".into(), "Ann", "bad", "x", sim.now),
        Err(ConversationError::InvalidEmail)
    );
}
