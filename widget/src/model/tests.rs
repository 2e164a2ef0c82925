#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn agent(name: &str) -> AgentRef {
    AgentRef {
        id: format!("id-{name}"),
        name: name.into(),
    }
}

fn ev(seq: Seq, kind: EventKind) -> ServerFrame {
    ServerFrame::Event {
        event: Event { seq, at: 0, kind },
    }
}

fn welcome(phase: Phase, last_seq: Seq, agent: Option<AgentRef>) -> ServerFrame {
    ServerFrame::Welcome {
        conversation_id: "c".into(),
        phase,
        agent,
        last_seq,
    }
}

fn bot(text: &str, offer_human: bool) -> EventKind {
    EventKind::BotMessage {
        text: text.into(),
        offer_human,
        suggestions: Vec::new(),
    }
}

fn texts(chat: &Chat) -> Vec<String> {
    chat.items
        .iter()
        .map(|item| match &item.body {
            Body::Message { text, .. } => text.clone(),
            Body::Notice(notice) => format!("{notice:?}"),
        })
        .collect()
}

fn fresh_chat() -> Chat {
    let mut chat = Chat::new(0, "t".into());
    chat.apply(welcome(Phase::Bot, 0, None));
    chat
}

#[test]
fn replayed_history_is_not_news_and_the_welcome_phase_wins() {
    let mut chat = Chat::new(0, "t".into());
    let out = chat.apply(welcome(Phase::Live, 3, Some(agent("Ann"))));
    assert!(out.is_empty(), "nothing to settle before the replay");
    assert!(chat.apply(ev(1, bot("Hi", false))).is_empty());
    chat.apply(ev(2, EventKind::Waiting { group: None }));
    let out = chat.apply(ev(
        3,
        EventKind::AgentJoined {
            agent: agent("Ann"),
        },
    ));
    assert_eq!(out, vec![Outcome::Phase(Phase::Live), Outcome::Welcomed]);
    assert_eq!(chat.agent.as_deref(), Some("Ann"));
    // Live events after the replay are news.
    let out = chat.apply(ev(
        4,
        EventKind::AgentMessage {
            agent: agent("Ann"),
            text: "Hello".into(),
            client_id: None,
        },
    ));
    assert_eq!(out, vec![Outcome::Fresh(3)]);
}

#[test]
fn repeats_are_dropped_by_seq() {
    let mut chat = fresh_chat();
    chat.apply(ev(1, bot("Hi", false)));
    chat.apply(ev(2, bot("There", false)));
    // A reconnect that replays from an older cursor, then the live stream again.
    chat.apply(welcome(Phase::Bot, 2, None));
    chat.apply(ev(1, bot("Hi", false)));
    chat.apply(ev(2, bot("There", false)));
    assert_eq!(texts(&chat), ["Hi", "There"]);
}

#[test]
fn a_pending_message_is_replaced_by_its_stored_echo_and_resent_until_then() {
    let mut chat = fresh_chat();
    chat.apply(ev(1, bot("Hi", false)));
    let VisitorCommand::Message { client_id, .. } = chat.compose("one".into()) else {
        panic!("a message")
    };
    chat.compose("two".into());
    assert_eq!(chat.unconfirmed().len(), 2);
    // An agent's message overtakes the echo: order follows seq, pending stay last.
    chat.apply(ev(
        2,
        EventKind::AgentMessage {
            agent: agent("Ann"),
            text: "agent".into(),
            client_id: None,
        },
    ));
    assert_eq!(texts(&chat), ["Hi", "agent", "one", "two"]);
    chat.apply(ev(
        3,
        EventKind::VisitorMessage {
            text: "one".into(),
            client_id: client_id.clone(),
        },
    ));
    assert_eq!(texts(&chat), ["Hi", "agent", "one", "two"]);
    assert!(chat.items[2].seq == Some(3) && chat.items[3].pending());
    let resend = chat.unconfirmed();
    assert_eq!(resend.len(), 1);
    assert!(matches!(&resend[0], VisitorCommand::Message { text, .. } if text == "two"));
    assert_ne!(
        chat.compose("three".into()),
        resend[0],
        "client ids are unique"
    );
}

#[test]
fn the_handoff_path_moves_the_phase_and_offers() {
    let mut chat = fresh_chat();
    chat.apply(ev(1, bot("Sorry, I did not get that", true)));
    assert!(chat.offers_human());
    let out = chat.apply(ev(2, EventKind::ContactRequested));
    assert_eq!(out, vec![Outcome::Phase(Phase::Contact)]);
    assert!(!chat.offers_human(), "no offer outside the bot phases");
    chat.apply(ev(
        3,
        EventKind::ContactReceived {
            name: "Vera".into(),
            email: "v@example.com".into(),
        },
    ));
    chat.apply(ev(4, EventKind::Waiting { group: None }));
    assert_eq!(chat.phase, Phase::Waiting);
    chat.apply(ev(5, EventKind::WaitNotice));
    chat.apply(ev(6, EventKind::LeaveMessageOffered));
    assert!(chat.leave_offered);
    chat.apply(ev(
        7,
        EventKind::AgentJoined {
            agent: agent("Ann"),
        },
    ));
    assert!(!chat.leave_offered);
    chat.apply(ServerFrame::Typing {
        by: Party::Agent,
        typing: true,
    });
    assert!(chat.agent_typing);
    chat.apply(ev(
        8,
        EventKind::AgentMessage {
            agent: agent("Ann"),
            text: "Hi".into(),
            client_id: None,
        },
    ));
    assert!(!chat.agent_typing, "a message ends the typing indicator");
    chat.apply(ev(
        9,
        EventKind::AgentLeft {
            agent: agent("Ann"),
        },
    ));
    assert_eq!(chat.phase, Phase::Archived);
    assert!(chat.phase.bot_answers() && chat.agent.is_none());
}

#[test]
fn missed_and_ticket_offer_then_close_leave_a_message() {
    let mut chat = fresh_chat();
    chat.apply(ev(1, EventKind::Waiting { group: None }));
    chat.apply(ev(
        2,
        EventKind::Missed {
            contact_details: "Call us".into(),
        },
    ));
    assert!(chat.leave_offered && chat.phase == Phase::Missed);
    chat.apply(ev(
        3,
        EventKind::TicketCreated {
            ticket_id: "t1".into(),
        },
    ));
    assert!(!chat.leave_offered);
    chat.apply(ev(4, EventKind::Waiting { group: None }));
    chat.apply(ev(
        5,
        EventKind::TicketCreated {
            ticket_id: "t2".into(),
        },
    ));
    assert_eq!(chat.phase, Phase::Bot, "leaving a message leaves the queue");
}

#[test]
fn unread_counts_bot_and_agent_messages_after_the_seen_mark() {
    let mut chat = Chat::new(1, "t".into());
    chat.apply(welcome(Phase::Bot, 2, None));
    chat.apply(ev(1, bot("Hi", false)));
    chat.apply(ev(
        2,
        EventKind::VisitorMessage {
            text: "q".into(),
            client_id: None,
        },
    ));
    chat.apply(ev(3, bot("answer", false)));
    assert_eq!(chat.unread(), 1);
    assert!(chat.mark_seen());
    assert_eq!(chat.unread(), 0);
    assert!(!chat.mark_seen());
}

#[test]
fn typing_outside_a_live_chat_is_ignored_and_seen_needs_a_read() {
    let mut chat = fresh_chat();
    chat.apply(ServerFrame::Typing {
        by: Party::Agent,
        typing: true,
    });
    assert!(!chat.agent_typing);
    chat.apply(ev(
        1,
        EventKind::AgentJoined {
            agent: agent("Ann"),
        },
    ));
    chat.apply(ev(
        2,
        EventKind::VisitorMessage {
            text: "hello".into(),
            client_id: None,
        },
    ));
    assert_eq!(chat.seen_marker(), None);
    chat.apply(ServerFrame::Read {
        by: Party::Agent,
        seq: 2,
    });
    assert_eq!(chat.seen_marker(), Some(2));
}

#[test]
fn hidden_events_make_no_rows() {
    let mut chat = fresh_chat();
    chat.apply(ev(
        1,
        EventKind::ContactReceived {
            name: "V".into(),
            email: "v@example.com".into(),
        },
    ));
    assert!(chat.items.is_empty());
    assert_eq!(chat.last_seq, 1);
}

#[test]
fn did_you_mean_buttons_stand_until_the_visitor_moves_on() {
    let mut chat = fresh_chat();
    chat.apply(ev(
        1,
        EventKind::BotMessage {
            text: "Did you mean one of these?".into(),
            offer_human: true,
            suggestions: vec!["Is there parking?".into(), "Where are you?".into()],
        },
    ));
    assert_eq!(
        chat.suggestions(),
        vec!["Is there parking?", "Where are you?"]
    );
    assert!(chat.offers_human());
    chat.apply(ev(
        2,
        EventKind::VisitorMessage {
            text: "Is there parking?".into(),
            client_id: None,
        },
    ));
    assert!(chat.suggestions().is_empty());
}

mod offers;
