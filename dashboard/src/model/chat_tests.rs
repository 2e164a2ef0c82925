//! The chat model: claims, holders, actions, typing and read state.

use super::*;
use crate::model::testing::{event, summary};

fn agent(id: &str, name: &str) -> AgentRef {
    AgentRef {
        id: id.into(),
        name: name.into(),
    }
}

fn chat() -> ChatModel {
    ChatModel::new("s", "c", agent("me", "Me"))
}

#[test]
fn events_are_kept_once_and_in_order() {
    let mut chat = chat();
    let hello = EventKind::VisitorMessage {
        text: "hello".into(),
        client_id: None,
    };
    chat.add_events([event(2, hello.clone()), event(1, hello.clone())]);
    chat.apply(&ServerFrame::Event {
        event: event(2, hello),
    });
    let seqs: Vec<_> = chat.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(chat.last_seq(), 2);
}

#[test]
fn waiting_offers_accept_and_the_loser_sees_who_took_it() {
    let mut chat = chat();
    chat.apply(&ServerFrame::Welcome {
        conversation_id: "c".into(),
        phase: Phase::Waiting,
        agent: None,
        last_seq: 3,
    });
    assert!(chat.actions().accept);
    assert!(!chat.can_reply());
    chat.apply(&ServerFrame::AlreadyClaimed {
        conversation_id: "c".into(),
        by: agent("ann", "Ann"),
    });
    assert_eq!(chat.status_line(), "Taken by Ann");
    assert_eq!(chat.held_by_other().map(|a| a.name.as_str()), Some("Ann"));
    assert!(!chat.actions().accept && !chat.actions().leave_and_archive);
    assert!(
        !chat.actions().block,
        "a co-worker's live chat cannot be blocked"
    );
}

#[test]
fn winning_gives_the_holder_actions() {
    let mut chat = chat();
    chat.apply(&ServerFrame::Welcome {
        conversation_id: "c".into(),
        phase: Phase::Waiting,
        agent: None,
        last_seq: 0,
    });
    chat.apply(&ServerFrame::Event {
        event: event(
            1,
            EventKind::AgentJoined {
                agent: agent("me", "Me"),
            },
        ),
    });
    let actions = chat.actions();
    assert!(chat.can_reply());
    assert!(actions.leave_and_archive && actions.forward && actions.block);
    assert!(!actions.accept && !actions.join);
    chat.apply(&ServerFrame::Event {
        event: event(
            2,
            EventKind::Archived {
                agent: agent("me", "Me"),
            },
        ),
    });
    assert!(chat.actions().join);
    assert!(!chat.can_reply());
}

#[test]
fn missed_offers_join_and_review() {
    let mut chat = chat();
    chat.apply_summary(&summary("c", Phase::Missed, 5));
    let actions = chat.actions();
    assert!(actions.join && actions.review_and_archive && actions.block);
    // An older summary does not undo a newer one.
    chat.apply_summary(&summary("c", Phase::Waiting, 4));
    assert_eq!(chat.phase, Some(Phase::Missed));
}

#[test]
fn bot_conversations_offer_take_control() {
    let mut chat = chat();
    chat.apply_summary(&summary("c", Phase::Bot, 1));
    assert!(chat.actions().take_control);
    assert_eq!(chat.status_line(), "The bot is answering");
}

#[test]
fn typing_read_and_errors() {
    let mut chat = chat();
    chat.apply(&ServerFrame::Typing {
        by: Party::Visitor,
        typing: true,
    });
    assert!(chat.visitor_typing);
    chat.apply(&ServerFrame::Event {
        event: event(
            1,
            EventKind::AgentMessage {
                agent: agent("me", "Me"),
                text: "hi".into(),
                client_id: None,
            },
        ),
    });
    assert!(!chat.seen_by_visitor());
    chat.apply(&ServerFrame::Read {
        by: Party::Visitor,
        seq: 1,
    });
    assert!(chat.seen_by_visitor());
    chat.apply(&ServerFrame::Event {
        event: event(
            2,
            EventKind::VisitorMessage {
                text: "x".into(),
                client_id: None,
            },
        ),
    });
    assert!(!chat.visitor_typing, "a message ends the typing indicator");
    chat.apply(&ServerFrame::error(
        ErrorCode::TooManyChats,
        "you already have 1 chats",
    ));
    assert_eq!(
        chat.refusal.as_ref().map(|r| r.code),
        Some(ErrorCode::TooManyChats)
    );
    let text = chat
        .refusal
        .as_ref()
        .map(Refusal::explain)
        .unwrap_or_default();
    assert!(text.starts_with("You cannot take another chat: you already have 1 chats"));
}

#[test]
fn a_co_worker_taking_the_chat_being_watched_is_taken_by() {
    let mut watching = chat();
    watching.apply_summary(&summary("c", Phase::Waiting, 1));
    let mut live = summary("c", Phase::Live, 2);
    live.agent = Some(agent("ann", "Ann"));
    watching.apply_summary(&live);
    assert_eq!(watching.status_line(), "Taken by Ann");
    // Opening a chat that is already live is no race lost: just who holds it.
    let mut late = ChatModel::new("s", "c", agent("me", "Me"));
    late.apply_summary(&live);
    assert_eq!(late.status_line(), "Held by Ann — read only");
    // Winning clears it.
    let mut won = chat();
    won.apply_summary(&summary("c", Phase::Waiting, 1));
    won.apply(&ServerFrame::Event {
        event: event(
            5,
            EventKind::AgentJoined {
                agent: agent("me", "Me"),
            },
        ),
    });
    assert_eq!(won.taken_by, None);
    assert!(won.mine());
}

#[test]
fn history_of_an_earlier_claim_is_not_a_lost_race() {
    let mut chat = chat();
    let history = [
        event(1, EventKind::Waiting { group: None }),
        event(
            2,
            EventKind::AgentJoined {
                agent: agent("ann", "Ann"),
            },
        ),
    ];
    chat.add_events(history.clone());
    assert_eq!(chat.taken_by, None);
    // Nor is the same history replayed by the socket after its welcome.
    let mut replayed = ChatModel::new("s", "c", agent("me", "Me"));
    replayed.apply(&ServerFrame::Welcome {
        conversation_id: "c".into(),
        phase: Phase::Live,
        agent: Some(agent("ann", "Ann")),
        last_seq: 2,
    });
    for event in history {
        replayed.apply(&ServerFrame::Event { event });
    }
    assert_eq!(replayed.taken_by, None);
    assert_eq!(replayed.status_line(), "Held by Ann — read only");
}

#[test]
fn the_history_shows_what_the_bot_offered() {
    let offer = event(
        1,
        EventKind::BotMessage {
            text: "Did you mean one of these?".into(),
            offer_human: true,
            suggestions: vec!["Is there parking?".into(), "Where are you?".into()],
        },
    );
    let line = crate::model::transcript::line(&offer);
    assert_eq!(
        line.text,
        "Did you mean one of these? [Offered: Is there parking? · Where are you?]"
    );
}
