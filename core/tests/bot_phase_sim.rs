//! A conversation before a person joins, driven with a simulated clock: the greeting and the
//! bot's answers (with "Did you mean…?"), handing over to a person (contact details, straight to
//! live, nobody available, live chat off), and the visitor's input refused or slowed down without
//! changing anything. The waiting ladder and the live chat are in `waiting_and_live_sim.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::{ConversationError, Effect, EventKind, Phase, VisitorProfile};
use sim::{fast_settings, Sim, T0};

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
