//! Conversations handed over by an outside bot platform (Operator API), with a simulated clock:
//! history first, straight to the handoff, the same ladder and claim, Baton's bot silent, and
//! every agent-side event queued for the platform's webhook.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sim;

use baton_core::{
    AgentAction, Conversation, ConversationError, Delivery, EventKind, HistoryAuthor,
    HistoryMessage, OperatorLink, Phase, VisitorProfile,
};
use sim::{agent, fast_settings, Sim, T0};

fn link() -> OperatorLink {
    OperatorLink {
        channel: "DialogStudio".into(),
        webhook_url: "https://platform.example/hook".into(),
        external_id: "ext-1".into(),
        key_id: "k1".into(),
    }
}

fn vera() -> VisitorProfile {
    VisitorProfile {
        name: Some("Vera".into()),
        email: Some("vera@example.com".into()),
        ..VisitorProfile::default()
    }
}

fn history(n: usize) -> Vec<HistoryMessage> {
    (0..n)
        .map(|i| HistoryMessage {
            from: if i % 2 == 0 {
                HistoryAuthor::Visitor
            } else {
                HistoryAuthor::Bot
            },
            text: format!("message {i}"),
        })
        .collect()
}

/// A simulation around a platform handoff (the Sim's own conversation is replaced).
fn handed_over(messages: usize) -> Sim {
    let mut sim = Sim::new(fast_settings());
    sim.events.clear();
    let (conversation, effects) = Conversation::start_from_platform(
        "c1".into(),
        "s1".into(),
        fast_settings(),
        vera(),
        link(),
        &history(messages),
        T0,
    )
    .unwrap();
    sim.conversation = conversation;
    sim.absorb(effects);
    sim
}

/// The seqs of events queued for the platform, in order.
fn platform_seqs(sim: &Sim) -> Vec<u64> {
    sim.delivered
        .iter()
        .filter_map(|d| match d {
            Delivery::OperatorEvent { seq } => Some(*seq),
            _ => None,
        })
        .collect()
}

#[test]
fn history_then_straight_to_waiting_with_no_greeting_and_no_contact_form() {
    let sim = handed_over(5);
    let kinds = sim.events.clone();
    assert!(matches!(&kinds[0], EventKind::VisitorMessage { text, .. } if text == "message 0"));
    assert!(matches!(&kinds[1], EventKind::BotMessage { text, .. } if text == "message 1"));
    assert_eq!(kinds.len(), 6, "5 history messages and Waiting: {kinds:?}");
    assert!(matches!(kinds[5], EventKind::Waiting { .. }));
    assert_eq!(sim.phase(), Phase::Waiting);
    assert_eq!(sim.notified, 1);
    // The platform hears that the handoff is waiting, and nothing of its own history.
    assert_eq!(platform_seqs(&sim), [6]);
}

#[test]
fn agents_events_go_to_the_platform_and_the_bot_never_answers() {
    let mut sim = handed_over(2);
    let effects = sim
        .conversation
        .platform_message("still there?", Some("p1".into()), sim.now)
        .unwrap();
    sim.absorb(effects);
    assert!(
        matches!(sim.last(), EventKind::VisitorMessage { .. }),
        "no bot reply"
    );
    sim.claim("a1", AgentAction::Accept).unwrap();
    let effects = sim
        .conversation
        .agent_message(&agent("a1"), "Hi Vera", None, sim.now)
        .unwrap();
    sim.absorb(effects);
    let effects = sim
        .conversation
        .leave_and_archive(&agent("a1"), sim.now)
        .unwrap();
    sim.absorb(effects);
    let told: Vec<&str> = platform_seqs(&sim)
        .iter()
        .filter_map(|seq| sim.events[*seq as usize - 1].platform_event())
        .collect();
    assert_eq!(
        told,
        [
            "handoff.waiting",
            "agent.joined",
            "agent.message",
            "agent.left",
            "handoff.ended"
        ]
    );
    // Control is back with the platform: its messages are refused now.
    let refused = sim.conversation.platform_message("hello?", None, sim.now);
    assert!(matches!(refused, Err(ConversationError::NotAllowed { .. })));
}

#[test]
fn too_much_history_or_no_contact_is_refused() {
    let mut settings = fast_settings();
    settings.operator_history = 3;
    let start = |visitor: VisitorProfile, n: usize| {
        Conversation::start_from_platform(
            "c1".into(),
            "s1".into(),
            settings.clone(),
            visitor,
            link(),
            &history(n),
            T0,
        )
        .map(|_| ())
    };
    assert!(start(vera(), 3).is_ok());
    assert!(matches!(
        start(vera(), 4),
        Err(ConversationError::TooLarge { len: 4, max: 3 })
    ));
    let mut no_email = vera();
    no_email.email = None;
    assert_eq!(start(no_email, 1), Err(ConversationError::InvalidEmail));
    let mut bad_name = vera();
    bad_name.name = Some(" ".into());
    assert_eq!(start(bad_name, 1), Err(ConversationError::InvalidName));
}

#[test]
fn the_platform_closes_a_waiting_handoff_but_not_one_an_agent_holds() {
    let mut sim = handed_over(1);
    let effects = sim.conversation.platform_close(sim.now).unwrap();
    sim.absorb(effects);
    assert_eq!(sim.phase(), Phase::Bot);
    assert_eq!(sim.conversation.next_deadline(), None, "the ladder is gone");
    let mut held = handed_over(1);
    held.claim("a1", AgentAction::Accept).unwrap();
    assert!(held.conversation.platform_close(held.now).is_err());
    assert_eq!(held.phase(), Phase::Live);
}

#[test]
fn a_missed_handoff_is_reported_to_the_platform() {
    let mut sim = handed_over(1);
    while sim.fire_next_alarm() {}
    assert_eq!(sim.phase(), Phase::Missed);
    let told: Vec<&str> = platform_seqs(&sim)
        .iter()
        .filter_map(|seq| sim.events[*seq as usize - 1].platform_event())
        .collect();
    assert_eq!(told, ["handoff.waiting", "handoff.missed"]);
}

#[test]
fn the_holding_agents_typing_goes_to_the_platform_as_a_short_lived_signal() {
    let mut sim = handed_over(1);
    // Waiting: nobody holds the chat, so nobody's typing is the platform's business yet.
    assert!(sim
        .conversation
        .agent_typing(&agent("a1"), true, sim.now)
        .is_empty());
    sim.claim("a1", AgentAction::Accept).unwrap();
    let effects = sim.conversation.agent_typing(&agent("a1"), true, sim.now);
    let typing: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            baton_core::conversation::Effect::Deliver(d @ Delivery::OperatorTyping { .. }) => {
                Some(d.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        typing,
        [Delivery::OperatorTyping {
            typing: true,
            at: sim.now
        }]
    );
    let key = typing[0].key();
    let entry = sim.conversation.outbox.get(&key).unwrap().clone();
    assert_eq!(entry.kind, baton_core::DeliveryKind::Signal);
    // Another agent (a monitor) typing is not the holder's: nothing is sent.
    assert!(sim
        .conversation
        .agent_typing(&agent("a2"), true, sim.now)
        .is_empty());

    // Failing, it is retried only within its lifetime, then dropped; never sent late.
    let lifetime = baton_core::outbox::SIGNAL_LIFETIME_MS;
    let first = sim.conversation.delivery_failed(&key, sim.now + 1).unwrap();
    assert!(matches!(
        first,
        baton_core::outbox::AfterFailure::Retry { .. }
    ));
    assert!(!entry.expired(sim.now + lifetime));
    assert!(entry.expired(sim.now + lifetime + 1));
    let mut outcome = first;
    let mut at = sim.now;
    while let baton_core::outbox::AfterFailure::Retry { due, .. } = outcome {
        at = due;
        outcome = sim.conversation.delivery_failed(&key, at).unwrap();
    }
    assert!(at - sim.now <= lifetime, "retried past its lifetime: {at}");
    assert!(sim.conversation.outbox.get(&key).is_none(), "dropped");
}

#[test]
fn a_widget_chat_tells_nobody_about_typing() {
    let mut sim = Sim::new(fast_settings());
    sim.say("a person please").unwrap();
    let _ = sim.contact("Vera", "vera@example.com");
    let _ = sim.claim("a1", AgentAction::Accept);
    assert!(sim
        .conversation
        .agent_typing(&agent("a1"), true, sim.now)
        .is_empty());
}
