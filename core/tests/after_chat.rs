//! What follows the end of a conversation, with a simulated clock: a rating for a conversation
//! the bot handled alone (on sites that want one), and the transcript emailed after a chat with
//! a person (on sites that send one).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::event::Event;
use baton_core::settings::RatingScale;
use baton_core::{AgentAction, Delivery, Effect, EventKind, SiteSettings};
use sim::{agent, fast_settings, Sim};

fn rated_bot(after_ms: i64) -> SiteSettings {
    SiteSettings {
        rating_bot_after_ms: after_ms,
        ..fast_settings()
    }
}

fn asked(sim: &Sim) -> usize {
    sim.events
        .iter()
        .filter(|kind| matches!(kind, EventKind::RatingRequested { .. }))
        .count()
}

#[test]
fn a_bot_conversation_quiet_after_the_answer_is_asked_for_a_rating_once() {
    let mut sim = Sim::new(rated_bot(5_000));
    sim.say("what are your opening hours?").unwrap();
    sim.advance(4_000);
    sim.say("thanks!").unwrap(); // the quiet period starts again
    sim.advance(4_000);
    assert_eq!(asked(&sim), 0, "not quiet long enough yet");
    while sim.fire_next_alarm() {}
    assert_eq!(asked(&sim), 1);
    assert_eq!(
        *sim.last(),
        EventKind::RatingRequested {
            scale: RatingScale::Stars
        }
    );
    let effects = sim.conversation.rate(5, "", sim.now).unwrap();
    sim.absorb(effects);
    sim.say("when do you open?").unwrap();
    while sim.fire_next_alarm() {}
    assert_eq!(asked(&sim), 1, "asked once per conversation");
}

#[test]
fn no_bot_rating_when_the_site_does_not_rate_or_a_person_took_over() {
    let mut off = Sim::new(rated_bot(0));
    off.say("what are your opening hours?").unwrap();
    while off.fire_next_alarm() {}
    assert_eq!(asked(&off), 0, "0 means off");

    let mut no_scale = Sim::new(SiteSettings {
        rating: RatingScale::Off,
        ..rated_bot(1_000)
    });
    no_scale.say("what are your opening hours?").unwrap();
    while no_scale.fire_next_alarm() {}
    assert_eq!(asked(&no_scale), 0);

    let mut handed = Sim::new(rated_bot(1_000));
    handed.say("what are your opening hours?").unwrap();
    handed.enter_waiting();
    handed.claim("a", AgentAction::Accept).unwrap();
    handed.advance(10_000);
    while handed.fire_next_alarm() {}
    assert_eq!(
        asked(&handed),
        0,
        "a chat with a person is rated when it is archived"
    );
}

fn transcript_emails(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Deliver(Delivery::Email { key, email }) if key.starts_with("transcript:") => {
                Some(email.text.clone())
            }
            _ => None,
        })
        .collect()
}

fn live_chat(settings: SiteSettings) -> (Sim, Vec<Event>) {
    let mut sim = Sim::new(settings);
    sim.enter_waiting();
    sim.claim("a", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .agent_message(&agent("a"), "Hi Ann, how can I help?", None, sim.now)
        .unwrap();
    sim.absorb(effects);
    let effects = sim
        .conversation
        .comment(&agent("a"), "VIP customer", sim.now)
        .unwrap();
    sim.absorb(effects);
    // The history as the edge reads it: what the visitor saw, with sequence numbers.
    let history = sim
        .events
        .iter()
        .enumerate()
        .map(|(i, kind)| Event {
            seq: i as u64 + 1,
            at: sim.now,
            kind: kind.clone(),
        })
        .filter(|event| event.kind.visible_to_visitor())
        .collect();
    (sim, history)
}

#[test]
fn with_transcripts_after_chats_leave_and_archive_emails_the_visitor_once() {
    let (mut sim, history) = live_chat(SiteSettings {
        transcript_after_chat: true,
        ..fast_settings()
    });
    let effects = sim
        .conversation
        .leave_and_archive_with_transcript(&agent("a"), "Northwind", &history, sim.now)
        .unwrap();
    let mails = transcript_emails(&effects);
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("Hi Ann, how can I help?"));
    assert!(
        mails[0].contains("left the chat"),
        "the archive's own line is in it"
    );
    assert!(!mails[0].contains("VIP customer"), "never an internal note");
    sim.absorb(effects);
    assert!(matches!(
        sim.events.iter().rev().find(|k| matches!(k, EventKind::TranscriptSent { .. })),
        Some(EventKind::TranscriptSent { to }) if to == "ann@example.com"
    ));
}

#[test]
fn without_the_setting_leave_and_archive_sends_no_transcript() {
    let (mut sim, history) = live_chat(fast_settings());
    let effects = sim
        .conversation
        .leave_and_archive_with_transcript(&agent("a"), "Northwind", &history, sim.now)
        .unwrap();
    assert!(transcript_emails(&effects).is_empty());
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Emit(event) if matches!(event.kind, EventKind::Archived { .. })
    )));
}
