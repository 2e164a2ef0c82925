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

#[test]
fn the_queue_place_stands_while_waiting_and_goes_with_the_queue() {
    let mut chat = fresh_chat();
    chat.apply(welcome(Phase::Bot, 0, None));
    chat.apply(ev(1, EventKind::Waiting { group: None }));
    let place = |position, estimate_ms| ServerFrame::QueuePlace {
        position,
        estimate_ms,
    };
    chat.apply(place(2, None));
    assert_eq!(chat.queue, Some((2, None)));
    chat.apply(place(1, Some(60_000)));
    assert_eq!(chat.queue, Some((1, Some(60_000))));
    chat.apply(ev(
        2,
        EventKind::AgentJoined {
            agent: agent("Ann"),
        },
    ));
    assert_eq!(chat.queue, None);
    // Forwarded: waiting again, with no place until the site sends one.
    chat.apply(ev(
        3,
        EventKind::Forwarded {
            group: "sales".into(),
        },
    ));
    assert_eq!((chat.phase, chat.queue), (Phase::Waiting, None));
}

#[test]
fn a_rating_is_asked_until_it_is_given_and_thanked_for() {
    use baton_core::settings::RatingScale;
    let mut chat = fresh_chat();
    chat.apply(welcome(Phase::Live, 0, None));
    chat.apply(ev(
        1,
        EventKind::AgentLeft {
            agent: agent("Ann"),
        },
    ));
    chat.apply(ev(
        2,
        EventKind::RatingRequested {
            scale: RatingScale::Thumbs,
        },
    ));
    assert_eq!(chat.rating, Some(RatingScale::Thumbs));
    assert_eq!(chat.choices(), ["👍", "👎"]);
    assert_eq!(
        (chat.score_of(0), chat.score_of(1), chat.score_of(2)),
        (Some(5), Some(1), None)
    );
    chat.apply(ev(
        3,
        EventKind::Rated {
            score: 5,
            comment: String::new(),
        },
    ));
    assert_eq!(chat.rating, None);
    assert_eq!(
        chat.items.last().map(|i| &i.body),
        Some(&Body::Notice(Notice::Rated))
    );
}

#[test]
fn stars_are_five_buttons_and_the_bots_questions_come_first() {
    use baton_core::settings::RatingScale;
    let mut chat = fresh_chat();
    chat.apply(welcome(Phase::Archived, 0, None));
    chat.apply(ev(
        1,
        EventKind::RatingRequested {
            scale: RatingScale::Stars,
        },
    ));
    assert_eq!(chat.choices(), ["1", "2", "3", "4", "5"]);
    assert_eq!(chat.score_of(3), Some(4));
    chat.apply(ev(
        2,
        EventKind::BotMessage {
            text: "Did you mean?".into(),
            offer_human: false,
            suggestions: vec!["Parking?".into()],
        },
    ));
    assert_eq!(chat.choices(), ["Parking?"]);
    assert_eq!(chat.score_of(0), None);
}

#[test]
fn the_transcript_is_offered_after_a_chat_with_a_person_until_it_is_sent() {
    let mut chat = fresh_chat();
    chat.apply(welcome(Phase::Bot, 0, None));
    assert!(!chat.offers_transcript());
    chat.apply(ev(
        1,
        EventKind::ContactReceived {
            name: "Vera".into(),
            email: "vera@example.com".into(),
        },
    ));
    chat.apply(ev(
        2,
        EventKind::AgentJoined {
            agent: agent("Ann"),
        },
    ));
    assert!(chat.offers_transcript());
    chat.apply(ev(
        3,
        EventKind::TranscriptSent {
            to: "vera@example.com".into(),
        },
    ));
    assert!(!chat.offers_transcript());
}

#[test]
fn files_show_with_their_sender_and_may_be_sent_only_to_a_person() {
    let mut chat = fresh_chat();
    assert!(!chat.may_attach(), "the bot cannot read a file");
    chat.apply(ev(1, EventKind::Waiting { group: None }));
    assert!(chat.may_attach());
    let file = |id: &str, inline| baton_core::FileRef {
        id: id.into(),
        name: format!("{id}.png"),
        mime: String::new(),
        size: 0,
        inline,
    };
    chat.apply(ev(
        2,
        EventKind::Attachment {
            agent: None,
            file: file("mine", true),
            internal: false,
        },
    ));
    let out = chat.apply(ev(
        3,
        EventKind::Attachment {
            agent: Some(agent("Ann")),
            file: file("theirs", false),
            internal: false,
        },
    ));
    assert_eq!(out, vec![Outcome::Fresh(2)], "the agent's file is news");
    let files: Vec<_> = chat
        .items
        .iter()
        .filter_map(|item| item.file.clone().map(|f| (f, item.body.clone())))
        .collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].0, ("mine".to_string(), true));
    assert!(
        matches!(&files[0].1, Body::Message { author: Author::Visitor, text } if text == "mine.png")
    );
    assert!(
        matches!(&files[1].1, Body::Message { author: Author::Agent(name), .. } if name == "Ann")
    );
    // A note's file never shows, even if it ever reached the widget.
    chat.apply(ev(
        4,
        EventKind::Attachment {
            agent: Some(agent("Ann")),
            file: file("note", false),
            internal: true,
        },
    ));
    assert_eq!(chat.items.iter().filter(|i| i.file.is_some()).count(), 2);
}

#[test]
fn delete_is_offered_once_something_is_stored_and_asks_before_it_erases() {
    let mut chat = fresh_chat();
    assert!(
        !chat.offers_erase(),
        "nothing stored yet, nothing to delete"
    );
    chat.apply(ev(
        1,
        EventKind::VisitorMessage {
            text: "hi".into(),
            client_id: None,
        },
    ));
    chat.apply(ev(2, bot("Hello!", false)));
    assert!(chat.offers_erase());

    // Asked, then cancelled: nothing is sent, and the offer is back.
    chat.erase_asked = true;
    assert!(!chat.offers_erase(), "no second offer while asking");
    assert_eq!(chat.answer_erase(false), None);
    assert!(!chat.erase_asked);
    assert!(chat.offers_erase());

    // Asked, then confirmed: the erase command, once.
    chat.erase_asked = true;
    assert_eq!(chat.answer_erase(true), Some(VisitorCommand::Erase));
    assert!(!chat.erase_asked);
    assert_eq!(
        chat.answer_erase(true),
        None,
        "a stray second click sends nothing"
    );
}

#[test]
fn an_error_from_the_edge_ends_the_delete_question() {
    let mut chat = fresh_chat();
    chat.apply(ev(1, bot("Hello!", false)));
    chat.erase_asked = true;
    let out = chat.apply(ServerFrame::Error {
        code: ErrorCode::Internal,
        message: "try again".into(),
    });
    assert!(matches!(
        out.as_slice(),
        [Outcome::Error(ErrorCode::Internal, _)]
    ));
    assert!(!chat.erase_asked);
    assert!(chat.offers_erase());
}

#[test]
fn only_the_erased_close_code_starts_afresh() {
    assert!(erased_on_close(baton_core::protocol::CLOSE_ERASED));
    assert!(erased_on_close(4003));
    // Normal closes, a cut connection, a revoked or replaced socket: reconnect.
    for code in [1000, 1001, 1006, 1011, 4000, 4001, 4002] {
        assert!(!erased_on_close(code), "{code}");
    }
}
