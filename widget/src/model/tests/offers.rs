//! What is offered around a chat: the queue place, the rating, the transcript, files, and
//! deleting the conversation.

use super::*;

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
