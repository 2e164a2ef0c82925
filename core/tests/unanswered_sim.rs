//! Which visitor messages a conversation records as unanswered questions (through its outbox),
//! driven through the real state machine and knowledge-base bot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::unanswered::{Unanswered, MAX_TEXT_CHARS};
use baton_core::{Delivery, Phase};
use sim::{fast_settings, Sim};

fn recorded(sim: &Sim) -> Vec<Unanswered> {
    sim.delivered
        .iter()
        .filter_map(|d| match d {
            Delivery::Unanswered(question) => Some(question.clone()),
            _ => None,
        })
        .collect()
}

fn texts(sim: &Sim) -> Vec<String> {
    recorded(sim).into_iter().map(|q| q.text).collect()
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
fn a_message_the_bot_did_not_understand_is_recorded_once_with_its_event() {
    let mut sim = Sim::new(fast_settings());
    sim.say("do you have a sauna on board").unwrap();
    let questions = recorded(&sim);
    assert_eq!(questions.len(), 1, "{questions:?}");
    let question = &questions[0];
    assert_eq!(question.text, "do you have a sauna on board");
    assert_eq!(
        (question.site_id.as_str(), question.conversation_id.as_str()),
        ("s1", "c1")
    );
    // Keyed by the visitor message's event: the receiver stores it once whatever the retries.
    let seq = sim.conversation.last_seq - 1;
    assert_eq!(question.seq, seq);
    assert_eq!(question.key(), format!("c1:{seq}"));
    assert_eq!(
        Delivery::Unanswered(question.clone()).key(),
        format!("unanswered:{seq}")
    );
}

#[test]
fn answers_small_talk_and_requests_for_a_person_are_not_recorded() {
    let mut sim = Sim::new(fast_settings());
    sim.say("What are your opening hours?").unwrap();
    sim.say("hi").unwrap();
    sim.say("thanks a lot!").unwrap();
    sim.say("can I talk to a person please").unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
    assert_eq!(texts(&sim), Vec::<String>::new());
}

#[test]
fn an_offer_written_past_records_the_question_that_got_it() {
    let mut sim = Sim::new(fast_settings());
    sim.say_to(&Unsure, "hours?? or when").unwrap();
    assert_eq!(
        texts(&sim),
        Vec::<String>::new(),
        "not yet: it may be chosen"
    );
    // Written past, and understood this time: the offered question still was not answered.
    sim.say("What are your opening hours?  (sorry)").unwrap();
    assert_eq!(texts(&sim), vec!["hours?? or when"]);
    // An offer chosen records nothing.
    sim.say_to(&Unsure, "when are u there").unwrap();
    sim.say("What are your opening hours?").unwrap();
    assert_eq!(texts(&sim), vec!["hours?? or when"]);
    assert!(sim.conversation.offered_for.is_none());
}

#[test]
fn the_message_that_hands_over_after_too_many_misses_is_recorded_too() {
    let mut sim = Sim::new(fast_settings());
    sim.say("qwerty asdf").unwrap();
    sim.say("zxcv uiop").unwrap();
    assert_eq!(sim.phase(), Phase::Contact);
    assert_eq!(texts(&sim), vec!["qwerty asdf", "zxcv uiop"]);
}

#[test]
fn a_resend_is_not_recorded_twice_and_long_text_is_cut() {
    let mut sim = Sim::new(fast_settings());
    let bot = baton_core::bot::FaqBot::new(&[]);
    let long = format!("sauna {}", "very ".repeat(200));
    for _ in 0..2 {
        let effects = sim
            .conversation
            .visitor_message(&long, Some("client-1".into()), &bot, sim.now)
            .unwrap();
        sim.absorb(effects);
    }
    let questions = recorded(&sim);
    assert_eq!(questions.len(), 1);
    assert_eq!(questions[0].text.chars().count(), MAX_TEXT_CHARS);
}

#[test]
fn messages_to_a_person_are_not_questions_for_the_bot() {
    let mut sim = Sim::new(fast_settings());
    sim.say("can I talk to a person please").unwrap();
    sim.contact("Vera", "vera@example.com").unwrap();
    sim.claim("a1", baton_core::AgentAction::Accept).unwrap();
    sim.say("my sauna booking is gone").unwrap();
    assert_eq!(texts(&sim), Vec::<String>::new());
}
