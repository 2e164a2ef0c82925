//! The edge asks core whether the bot would answer before it pays for an LLM call.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::Phase;
use sim::{fast_settings, Sim};

#[test]
fn the_bot_would_answer_a_fresh_message_in_a_bot_phase() {
    let sim = Sim::new(fast_settings());
    assert!(sim
        .conversation
        .bot_would_answer("hello", Some("m1"), sim.now));
}

#[test]
fn never_for_a_resend_an_invalid_text_or_past_the_rate_limit() {
    let mut settings = fast_settings();
    settings.visitor_messages_per_window = 2;
    // Two not-understood messages must not hand over here.
    settings.not_understood_limit = 0;
    let mut sim = Sim::new(settings);
    let bot = baton_core::bot::FaqBot::new(&[]);
    let now = sim.now;
    let effects = sim
        .conversation
        .visitor_message("first", Some("m1".into()), &bot, now)
        .unwrap();
    sim.absorb(effects);
    assert!(
        !sim.conversation.bot_would_answer("first", Some("m1"), now),
        "resend"
    );
    assert!(
        !sim.conversation.bot_would_answer("   ", None, now),
        "empty"
    );
    let effects = sim
        .conversation
        .visitor_message("second", None, &bot, now)
        .unwrap();
    sim.absorb(effects);
    assert!(
        !sim.conversation.bot_would_answer("third", None, now),
        "rate"
    );
    assert!(sim
        .conversation
        .bot_would_answer("later", None, now + 10_001));
}

#[test]
fn never_while_a_person_is_wanted_or_on_a_straight_to_live_site() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    assert_eq!(sim.phase(), Phase::Waiting);
    assert!(!sim.conversation.bot_would_answer("hello?", None, sim.now));
    let mut settings = fast_settings();
    settings.straight_to_live = true;
    let sim = Sim::new(settings);
    assert!(!sim.conversation.bot_would_answer("hello", None, sim.now));
}
