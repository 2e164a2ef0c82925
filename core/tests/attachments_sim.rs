//! Files in the chat: who may send one when, and who sees it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::protocol::ServerFrame;
use baton_core::{AgentAction, ConversationError, Effect, EventKind, FileRef, Phase};
use sim::{agent, fast_settings, Sim};

fn file(id: &str) -> FileRef {
    FileRef {
        id: id.into(),
        name: "receipt.png".into(),
        mime: "image/png".into(),
        size: 68,
        inline: true,
    }
}

fn attachments(sim: &Sim) -> Vec<(Option<String>, String, bool)> {
    sim.events
        .iter()
        .filter_map(|kind| match kind {
            EventKind::Attachment {
                agent,
                file,
                internal,
            } => Some((
                agent.as_ref().map(|a| a.id.clone()),
                file.id.clone(),
                *internal,
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn the_visitor_sends_files_only_when_a_person_is_there_or_on_the_way() {
    let mut sim = Sim::new(fast_settings());
    let refused = sim.conversation.visitor_attachment(file("f0"), sim.now);
    assert_eq!(
        refused,
        Err(ConversationError::NotAllowed { phase: Phase::Bot }),
        "the bot cannot read a file"
    );
    assert!(!sim.conversation.visitor_may_attach());
    sim.enter_waiting();
    assert!(sim.conversation.visitor_may_attach());
    let effects = sim
        .conversation
        .visitor_attachment(file("f1"), sim.now)
        .unwrap();
    sim.absorb(effects);
    sim.claim("a1", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .visitor_attachment(file("f2"), sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(
        attachments(&sim),
        [(None, "f1".into(), false), (None, "f2".into(), false)]
    );
}

#[test]
fn a_file_counts_against_the_visitors_message_rate() {
    let mut settings = fast_settings();
    settings.visitor_messages_per_window = 3;
    let mut sim = Sim::new(settings);
    sim.enter_waiting();
    // The human request was one message of three.
    for id in ["f1", "f2"] {
        let effects = sim
            .conversation
            .visitor_attachment(file(id), sim.now)
            .unwrap();
        sim.absorb(effects);
    }
    assert_eq!(
        sim.conversation.visitor_attachment(file("f3"), sim.now),
        Err(ConversationError::RateLimited)
    );
    assert_eq!(attachments(&sim).len(), 2);
}

#[test]
fn agents_send_files_to_the_visitor_only_from_the_held_chat_and_on_notes_always() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    // Not held yet: not to the visitor, but a note's file is fine.
    assert!(matches!(
        sim.conversation
            .agent_attachment(&agent("a1"), file("f1"), false, sim.now),
        Err(ConversationError::NotHolder { .. })
    ));
    let effects = sim
        .conversation
        .agent_attachment(&agent("a2"), file("note"), true, sim.now)
        .unwrap();
    sim.absorb(effects);
    sim.claim("a1", AgentAction::Accept).unwrap();
    assert!(matches!(
        sim.conversation
            .agent_attachment(&agent("a2"), file("f2"), false, sim.now),
        Err(ConversationError::NotHolder { .. })
    ));
    let effects = sim
        .conversation
        .agent_attachment(&agent("a1"), file("f3"), false, sim.now)
        .unwrap();
    sim.absorb(effects);
    assert_eq!(
        attachments(&sim),
        [
            (Some("a2".into()), "note".into(), true),
            (Some("a1".into()), "f3".into(), false)
        ]
    );
}

#[test]
fn a_notes_file_never_reaches_the_visitor() {
    let mut sim = Sim::new(fast_settings());
    sim.enter_waiting();
    sim.claim("a1", AgentAction::Accept).unwrap();
    let note = sim
        .conversation
        .agent_attachment(&agent("a1"), file("note"), true, sim.now)
        .unwrap();
    let shared = sim
        .conversation
        .agent_attachment(&agent("a1"), file("shared"), false, sim.now)
        .unwrap();
    let visible = |effects: &[Effect]| {
        effects.iter().any(|e| match e {
            Effect::Emit(event) => event.kind.visible_to_visitor(),
            _ => false,
        })
    };
    assert!(!visible(&note));
    assert!(visible(&shared));
    // The wire form: a visitor's file has no agent, a note's file says internal.
    let Some(Effect::Emit(event)) = shared.into_iter().find(|e| matches!(e, Effect::Emit(_)))
    else {
        panic!("an event")
    };
    let json = ServerFrame::Event { event }.to_json();
    assert!(json.contains(r#""type":"attachment""#), "{json}");
    assert!(json.contains(r#""inline":true"#), "{json}");
    assert!(!json.contains("internal"), "{json}");
}
