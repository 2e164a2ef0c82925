//! Every conversation path driven with a simulated clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::{AgentAction, ConversationError, Effect, EventKind, Phase, VisitorProfile};
use sim::{agent, fast_settings, Sim, T0};

#[test]
fn starts_with_the_greeting_and_answers_from_the_knowledge_base() {
    let mut sim = Sim::new(fast_settings());
    assert!(matches!(sim.events[0], EventKind::BotMessage { .. }));
    sim.say("when are your opening hours?").unwrap();
    assert_eq!(
        sim.last(),
        &EventKind::BotMessage {
            text: "We are open 9 to 17.".into(),
            offer_human: false,
            suggestions: Vec::new(),
        }
    );
    assert_eq!(sim.phase(), Phase::Bot);
}

#[test]
fn asking_for_a_human_collects_contact_then_waits_and_notifies() {
    let mut sim = Sim::new(fast_settings());
    sim.say("can I chat with a person?").unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
    assert_eq!(sim.last(), &EventKind::ContactRequested);
    sim.contact("Ann", "ann@example.com").unwrap();
    assert_eq!(sim.phase(), Phase::Waiting);
    assert_eq!(sim.notified, 1);
    assert_eq!(sim.last(), &EventKind::Waiting { group: None });
    assert_eq!(
        sim.conversation.visitor.email.as_deref(),
        Some("ann@example.com")
    );
}

#[test]
fn two_not_understood_messages_hand_over_and_the_first_offers_a_person() {
    let mut sim = Sim::new(fast_settings());
    sim.say("xyzzy plugh").unwrap();
    assert!(matches!(
        sim.last(),
        EventKind::BotMessage {
            offer_human: true,
            ..
        }
    ));
    assert_eq!(sim.phase(), Phase::Bot);
    sim.say("qwerty asdf").unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
}

#[test]
fn an_understood_message_resets_the_not_understood_count() {
    let mut sim = Sim::new(fast_settings());
    sim.say("xyzzy plugh").unwrap();
    sim.say("opening hours?").unwrap();
    sim.say("qwerty asdf").unwrap();
    assert_eq!(sim.phase(), Phase::Bot);
}

#[test]
fn straight_to_live_skips_the_bot() {
    let mut settings = fast_settings();
    settings.straight_to_live = true;
    let mut sim = Sim::new(settings);
    let before = sim.events.len();
    sim.say("opening hours?").unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
    assert!(!sim.events[before..]
        .iter()
        .any(|e| matches!(e, EventKind::BotMessage { .. })));
}

#[test]
fn the_talk_to_a_person_button_and_a_known_visitor_go_straight_enter_waiting() {
    let visitor = VisitorProfile {
        name: Some("Ann".into()),
        email: Some("ann@example.com".into()),
        ..VisitorProfile::default()
    };
    let mut sim = Sim::with_visitor(fast_settings(), visitor);
    let effects = sim.conversation.request_human(sim.now).unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Waiting);
    assert!(!sim.events.contains(&EventKind::ContactRequested));
}

#[test]
fn nobody_available_gives_contact_details_and_offers_a_message() {
    let mut sim = Sim::new(fast_settings());
    sim.available_agents = 0;
    sim.say("I want to speak to a human").unwrap();
    assert_eq!(sim.phase(), Phase::Bot);
    let n = sim.events.len();
    assert_eq!(
        sim.events[n - 2],
        EventKind::NoAgentsAvailable {
            contact_details: "Call +47 555 0100".into()
        }
    );
    assert_eq!(sim.events[n - 1], EventKind::LeaveMessageOffered);
    let effects = sim
        .conversation
        .leave_message(
            "t1".into(),
            "Ann",
            "ann@example.com",
            "Call me back",
            sim.now,
        )
        .unwrap();
    sim.absorb(effects);
    assert_eq!(sim.tickets, vec!["Call me back".to_string()]);
    assert_eq!(
        sim.last(),
        &EventKind::TicketCreated {
            ticket_id: "t1".into()
        }
    );
}

#[test]
fn live_chat_off_never_hands_over() {
    let mut settings = fast_settings();
    settings.live_chat = false;
    let mut sim = Sim::new(settings);
    sim.say("human please").unwrap();
    assert_eq!(sim.phase(), Phase::Bot);
    assert!(matches!(sim.last(), EventKind::NoAgentsAvailable { .. }));
    assert!(!sim
        .effects
        .iter()
        .any(|e| matches!(e, Effect::CheckAvailability { .. })));
}

#[test]
fn bad_contact_details_are_refused_and_change_nothing() {
    let mut sim = Sim::new(fast_settings());
    sim.say("talk to a person").unwrap();
    let before = sim.conversation.clone();
    assert_eq!(
        sim.contact("Ann", "not-an-email"),
        Err(ConversationError::InvalidEmail)
    );
    assert_eq!(
        sim.contact("", "ann@example.com"),
        Err(ConversationError::InvalidName)
    );
    assert_eq!(sim.conversation, before);
}

#[test]
fn oversize_and_empty_messages_are_refused_and_change_nothing() {
    let mut sim = Sim::new(fast_settings());
    let before = sim.conversation.clone();
    assert!(matches!(
        sim.say(&"a".repeat(4097)),
        Err(ConversationError::TooLarge { max: 4096, .. })
    ));
    assert_eq!(sim.say("   "), Err(ConversationError::EmptyMessage));
    assert_eq!(sim.conversation, before);
}

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

#[test]
fn a_resent_message_with_the_same_client_id_is_stored_once() {
    let mut sim = Sim::new(fast_settings());
    let bot = baton_core::bot::FaqBot::new(&[]);
    let first = sim
        .conversation
        .visitor_message("hi", Some("m1".into()), &bot, T0)
        .unwrap();
    assert!(!first.is_empty());
    let again = sim
        .conversation
        .visitor_message("hi", Some("m1".into()), &bot, T0)
        .unwrap();
    assert!(again.is_empty());
}

#[test]
fn a_visitor_flooding_the_chat_is_slowed_down_without_losing_state() {
    let mut settings = fast_settings();
    settings.visitor_messages_per_window = 3;
    let mut sim = Sim::new(settings);
    for _ in 0..3 {
        sim.say("opening hours?").unwrap();
    }
    let before = sim.conversation.clone();
    assert_eq!(
        sim.say("opening hours?"),
        Err(ConversationError::RateLimited)
    );
    assert_eq!(sim.conversation, before);
    sim.advance(10_001);
    sim.say("opening hours?").unwrap();
}

/// A bot that always offers "Did you mean…?" with the site's one entry.
struct Unsure;

impl baton_core::Bot for Unsure {
    fn answer(&self, _text: &str) -> baton_core::BotReply {
        baton_core::BotReply {
            text: "Did you mean one of these?".into(),
            understood: false,
            wants_human: false,
            suggestions: vec!["What are your opening hours?".into()],
        }
    }
}

#[test]
fn did_you_mean_is_data_and_counts_as_not_understood_only_if_ignored() {
    let mut sim = Sim::new(fast_settings());
    sim.say_to(&Unsure, "hours?? or when").unwrap();
    assert_eq!(
        sim.last(),
        &EventKind::BotMessage {
            text: "Did you mean one of these?".into(),
            offer_human: true,
            suggestions: vec!["What are your opening hours?".into()],
        }
    );
    assert_eq!(sim.conversation.not_understood, 0);
    // Offered again: still nothing counted beyond the ignored first offer.
    sim.say_to(&Unsure, "hmm").unwrap();
    assert_eq!(sim.conversation.not_understood, 1);
    assert_eq!(sim.phase(), Phase::Bot);
    // Written past a second time, then not understood: that is two, so a person is fetched.
    sim.say("qwerty asdf").unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
}

#[test]
fn choosing_a_suggestion_answers_with_that_entry() {
    let mut sim = Sim::new(fast_settings());
    sim.say_to(&Unsure, "hours?? or when").unwrap();
    // The widget's button sends the offered question as the visitor's message.
    sim.say("What are your opening hours?").unwrap();
    let n = sim.events.len();
    assert_eq!(
        sim.events[n - 2],
        EventKind::VisitorMessage {
            text: "What are your opening hours?".into(),
            client_id: None,
        }
    );
    assert_eq!(
        sim.events[n - 1],
        EventKind::BotMessage {
            text: "We are open 9 to 17.".into(),
            offer_human: false,
            suggestions: Vec::new(),
        }
    );
    assert_eq!(sim.conversation.not_understood, 0);
    assert!(sim.conversation.offered.is_empty());
    // Writing an offered question is choosing it, as the widget's buttons do.
    sim.say_to(&Unsure, "hours?? or when").unwrap();
    sim.say("What are your opening hours?").unwrap();
    assert_eq!(sim.conversation.not_understood, 0);
    assert!(
        matches!(sim.last(), EventKind::BotMessage { text, .. } if text == "We are open 9 to 17.")
    );
    // A not-understood message after a click is the first one, not the second.
    sim.say("qwerty asdf").unwrap();
    assert_eq!(sim.phase(), Phase::Bot);
}
