#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn ann() -> AgentRef {
    AgentRef {
        id: "a1".into(),
        name: "Ann".into(),
    }
}

/// Every event kind a visitor can receive, with optional fields both set and unset.
fn visitor_kinds() -> Vec<EventKind> {
    vec![
        EventKind::RatingRequested {
            scale: baton_core::settings::RatingScale::Thumbs,
        },
        EventKind::RatingRequested {
            scale: baton_core::settings::RatingScale::Stars,
        },
        EventKind::Rated {
            score: 4,
            comment: "Kind <i>".into(),
        },
        EventKind::Rated {
            score: 1,
            comment: String::new(),
        },
        EventKind::VisitorMessage {
            text: "Hi <b>".into(),
            client_id: Some("w1-1".into()),
        },
        EventKind::VisitorMessage {
            text: "again".into(),
            client_id: None,
        },
        EventKind::BotMessage {
            text: "Hello".into(),
            offer_human: true,
            suggestions: Vec::new(),
        },
        EventKind::BotMessage {
            text: "Hello".into(),
            offer_human: false,
            suggestions: Vec::new(),
        },
        EventKind::BotMessage {
            text: "Did you mean one of these?".into(),
            offer_human: true,
            suggestions: vec!["Is there parking?".into(), "Where are you?".into()],
        },
        EventKind::AgentMessage {
            agent: ann(),
            text: "Ann here".into(),
            client_id: Some("a-1".into()),
        },
        EventKind::ContactRequested,
        EventKind::ContactReceived {
            name: "Vera".into(),
            email: "vera@example.com".into(),
        },
        EventKind::Waiting { group: None },
        EventKind::Waiting {
            group: Some("sales".into()),
        },
        EventKind::WaitNotice,
        EventKind::LeaveMessageOffered,
        EventKind::NoAgentsAvailable {
            contact_details: "Call us".into(),
        },
        EventKind::AgentJoined { agent: ann() },
        EventKind::AgentLeft { agent: ann() },
        EventKind::Missed {
            contact_details: "Call us".into(),
        },
        EventKind::Forwarded {
            group: "support".into(),
        },
        EventKind::TicketCreated {
            ticket_id: "t-9".into(),
        },
    ]
}

fn round_trip(frame: &ServerFrame) -> Option<ServerFrame> {
    let json = serde_json::to_value(frame).unwrap();
    super::frame(&json)
}

#[test]
fn a_file_reads_back_with_what_the_widget_shows() {
    for agent in [None, Some(ann())] {
        let frame = ServerFrame::Event {
            event: Event {
                seq: 7,
                at: 9,
                kind: EventKind::Attachment {
                    agent: agent.clone(),
                    file: baton_core::FileRef {
                        id: "f1".into(),
                        name: "bill <1>.pdf".into(),
                        mime: "application/pdf".into(),
                        size: 1234,
                        inline: agent.is_some(),
                    },
                    internal: false,
                },
            },
        };
        let Some(ServerFrame::Event { event }) = round_trip(&frame) else {
            panic!("not read")
        };
        let EventKind::Attachment {
            agent: read_agent,
            file,
            internal,
        } = event.kind
        else {
            panic!("not a file")
        };
        assert_eq!(read_agent, agent);
        assert_eq!(
            (file.id.as_str(), file.name.as_str()),
            ("f1", "bill <1>.pdf")
        );
        assert_eq!(file.inline, agent.is_some());
        assert!(!internal);
    }
}

#[test]
fn every_visitor_event_reads_back_as_core_wrote_it() {
    for (i, kind) in visitor_kinds().into_iter().enumerate() {
        assert!(kind.visible_to_visitor());
        let frame = ServerFrame::Event {
            event: Event {
                seq: i as u64 + 1,
                at: 1_763_771_234_567,
                kind,
            },
        };
        assert_eq!(round_trip(&frame).as_ref(), Some(&frame));
    }
    // The transcript notice is read without its address (the widget says "your email").
    let sent = ServerFrame::Event {
        event: Event {
            seq: 1,
            at: 5,
            kind: EventKind::TranscriptSent {
                to: "vera@example.com".into(),
            },
        },
    };
    let read = round_trip(&sent);
    assert!(
        matches!(&read, Some(ServerFrame::Event { event }) if event.kind == EventKind::TranscriptSent { to: String::new() }),
        "{read:?}"
    );
}

#[test]
fn control_frames_read_back() {
    for phase in [
        Phase::Bot,
        Phase::Contact,
        Phase::Waiting,
        Phase::Live,
        Phase::Missed,
        Phase::Archived,
    ] {
        let frame = ServerFrame::Welcome {
            conversation_id: "c0ffee".into(),
            phase,
            agent: (phase == Phase::Live).then(ann),
            last_seq: 12,
        };
        assert_eq!(round_trip(&frame).as_ref(), Some(&frame));
    }
    for frame in [
        ServerFrame::Typing {
            by: Party::Agent,
            typing: true,
        },
        ServerFrame::Read {
            by: Party::Agent,
            seq: 7,
        },
        ServerFrame::Pong,
        ServerFrame::QueuePlace {
            position: 3,
            estimate_ms: Some(95_000),
        },
        ServerFrame::QueuePlace {
            position: 1,
            estimate_ms: None,
        },
    ] {
        assert_eq!(round_trip(&frame).as_ref(), Some(&frame));
    }
    for code in [
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidName,
        ErrorCode::RateLimited,
        ErrorCode::TooLarge,
        ErrorCode::EmptyMessage,
        ErrorCode::NotAllowed,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::BadRequest,
        ErrorCode::Internal,
    ] {
        let frame = ServerFrame::error(code, "why");
        assert_eq!(round_trip(&frame).as_ref(), Some(&frame));
    }
}

#[test]
fn agent_only_and_unknown_frames_are_skipped() {
    let comment = ServerFrame::Event {
        event: Event {
            seq: 3,
            at: 0,
            kind: EventKind::InternalComment {
                agent: ann(),
                text: "VIP".into(),
            },
        },
    };
    assert_eq!(round_trip(&comment), None);
    let unknown = serde_json::json!({"type": "hologram", "seq": 1});
    assert_eq!(frame(&unknown), None);
    let broken = serde_json::json!({"type": "event", "event": {"type": "bot_message", "seq": 1}});
    assert_eq!(
        frame(&broken),
        None,
        "a bot message without text is refused"
    );
}

/// Every visitor command, written by hand for the browser, is what core's serde writes.
#[test]
fn commands_are_written_as_core_writes_them() {
    let commands = [
        VisitorCommand::Message {
            text: "hi \"there\" \u{1F600}".into(),
            client_id: Some("w1-1".into()),
        },
        VisitorCommand::Message {
            text: "no id".into(),
            client_id: None,
        },
        VisitorCommand::Typing { typing: true },
        VisitorCommand::RequestHuman,
        VisitorCommand::Contact {
            name: "Vera".into(),
            email: "vera@example.com".into(),
        },
        VisitorCommand::LeaveMessage {
            name: "Vera".into(),
            email: "vera@example.com".into(),
            message: "Call me".into(),
        },
        VisitorCommand::Read { seq: 9_007_199 },
        VisitorCommand::Ping,
        VisitorCommand::EmailTranscript,
        VisitorCommand::Rate {
            score: 4,
            comment: "kind".into(),
        },
        VisitorCommand::Erase,
    ];
    for cmd in &commands {
        let mut expected = serde_json::to_value(cmd).unwrap();
        // `client_id: null` and an absent `client_id` mean the same to the edge.
        expected
            .as_object_mut()
            .unwrap()
            .retain(|_, v| !v.is_null());
        let mut written = serde_json::Map::new();
        command(cmd, &mut written);
        assert_eq!(serde_json::Value::Object(written), expected, "{cmd:?}");
        // And the edge reads it back as the same command.
        let text = serde_json::to_string(&expected).unwrap();
        assert_eq!(&serde_json::from_str::<VisitorCommand>(&text).unwrap(), cmd);
    }
}
