//! Golden JSON for the wire protocol: these strings are what clients in other languages rely on.

#![allow(clippy::unwrap_used)]

use baton_core::protocol::{
    parse_frame, AgentCommand, FrameError, Party, ServerFrame, VisitorCommand,
};
use baton_core::{AgentRef, ErrorCode, Event, EventKind, Phase};

fn roundtrip<T>(value: &T, json: &str)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::to_string(value).unwrap(), json);
    assert_eq!(&serde_json::from_str::<T>(json).unwrap(), value);
}

#[test]
fn visitor_commands() {
    roundtrip(
        &VisitorCommand::Message {
            text: "hi".into(),
            client_id: Some("m1".into()),
        },
        r#"{"type":"message","text":"hi","client_id":"m1"}"#,
    );
    roundtrip(&VisitorCommand::RequestHuman, r#"{"type":"request_human"}"#);
    roundtrip(
        &VisitorCommand::Contact {
            name: "Ann".into(),
            email: "ann@example.com".into(),
        },
        r#"{"type":"contact","name":"Ann","email":"ann@example.com"}"#,
    );
    roundtrip(
        &VisitorCommand::LeaveMessage {
            name: "Ann".into(),
            email: "ann@example.com".into(),
            message: "call me".into(),
        },
        r#"{"type":"leave_message","name":"Ann","email":"ann@example.com","message":"call me"}"#,
    );
    roundtrip(
        &VisitorCommand::Read { seq: 7 },
        r#"{"type":"read","seq":7}"#,
    );
    roundtrip(
        &VisitorCommand::Typing { typing: true },
        r#"{"type":"typing","typing":true}"#,
    );
    roundtrip(
        &VisitorCommand::Rate {
            score: 4,
            comment: "Quick".into(),
        },
        r#"{"type":"rate","score":4,"comment":"Quick"}"#,
    );
    // client_id may be omitted.
    assert_eq!(
        serde_json::from_str::<VisitorCommand>(r#"{"type":"message","text":"hi"}"#).unwrap(),
        VisitorCommand::Message {
            text: "hi".into(),
            client_id: None
        }
    );
}

#[test]
fn agent_commands() {
    roundtrip(&AgentCommand::Accept, r#"{"type":"accept"}"#);
    roundtrip(&AgentCommand::TakeControl, r#"{"type":"take_control"}"#);
    roundtrip(
        &AgentCommand::LeaveAndArchive,
        r#"{"type":"leave_and_archive"}"#,
    );
    roundtrip(
        &AgentCommand::Forward {
            group: "sales".into(),
        },
        r#"{"type":"forward","group":"sales"}"#,
    );
    roundtrip(
        &AgentCommand::Block {
            reason: "spam".into(),
            message: "Bye".into(),
        },
        r#"{"type":"block","reason":"spam","message":"Bye"}"#,
    );
    roundtrip(
        &AgentCommand::Comment { text: "vip".into() },
        r#"{"type":"comment","text":"vip"}"#,
    );
}

#[test]
fn server_frames() {
    let ann = AgentRef {
        id: "a1".into(),
        name: "Ann".into(),
    };
    roundtrip(
        &ServerFrame::Event {
            event: Event {
                seq: 3,
                at: 1000,
                kind: EventKind::AgentJoined { agent: ann.clone() },
            },
        },
        r#"{"type":"event","event":{"seq":3,"at":1000,"type":"agent_joined","agent":{"id":"a1","name":"Ann"}}}"#,
    );
    roundtrip(
        &ServerFrame::Event {
            event: Event {
                seq: 4,
                at: 1001,
                kind: EventKind::BotMessage {
                    text: "Hello".into(),
                    offer_human: true,
                    suggestions: Vec::new(),
                },
            },
        },
        r#"{"type":"event","event":{"seq":4,"at":1001,"type":"bot_message","text":"Hello","offer_human":true}}"#,
    );
    roundtrip(
        &ServerFrame::Event {
            event: Event {
                seq: 5,
                at: 1002,
                kind: EventKind::BotMessage {
                    text: "Did you mean one of these?".into(),
                    offer_human: true,
                    suggestions: vec!["Is there parking?".into(), "Where are you?".into()],
                },
            },
        },
        r#"{"type":"event","event":{"seq":5,"at":1002,"type":"bot_message","text":"Did you mean one of these?","offer_human":true,"suggestions":["Is there parking?","Where are you?"]}}"#,
    );
    roundtrip(
        &ServerFrame::AlreadyClaimed {
            conversation_id: "c1".into(),
            by: ann,
        },
        r#"{"type":"already_claimed","conversation_id":"c1","by":{"id":"a1","name":"Ann"}}"#,
    );
    roundtrip(
        &ServerFrame::Welcome {
            conversation_id: "c1".into(),
            phase: Phase::Waiting,
            agent: None,
            last_seq: 9,
        },
        r#"{"type":"welcome","conversation_id":"c1","phase":"waiting","last_seq":9}"#,
    );
    roundtrip(
        &ServerFrame::Typing {
            by: Party::Agent,
            typing: true,
        },
        r#"{"type":"typing","by":"agent","typing":true}"#,
    );
    roundtrip(
        &ServerFrame::error(ErrorCode::InvalidEmail, "bad"),
        r#"{"type":"error","code":"invalid_email","message":"bad"}"#,
    );
    roundtrip(
        &ServerFrame::Event {
            event: Event {
                seq: 8,
                at: 1003,
                kind: EventKind::RatingRequested {
                    scale: baton_core::settings::RatingScale::Thumbs,
                },
            },
        },
        r#"{"type":"event","event":{"seq":8,"at":1003,"type":"rating_requested","scale":"thumbs"}}"#,
    );
    roundtrip(
        &ServerFrame::Event {
            event: Event {
                seq: 9,
                at: 1004,
                kind: EventKind::Rated {
                    score: 5,
                    comment: String::new(),
                },
            },
        },
        r#"{"type":"event","event":{"seq":9,"at":1004,"type":"rated","score":5}}"#,
    );
    roundtrip(
        &ServerFrame::QueuePlace {
            position: 2,
            estimate_ms: Some(180_000),
        },
        r#"{"type":"queue_place","position":2,"estimate_ms":180000}"#,
    );
    roundtrip(
        &ServerFrame::QueuePlace {
            position: 1,
            estimate_ms: None,
        },
        r#"{"type":"queue_place","position":1}"#,
    );
}

#[test]
fn frame_errors_are_told_apart() {
    assert!(matches!(
        parse_frame::<VisitorCommand>("{not json", 4096),
        Err(FrameError::BadJson(_))
    ));
    assert_eq!(
        parse_frame::<VisitorCommand>(r#"{"type":"launch_rockets"}"#, 4096),
        Err(FrameError::UnknownType("launch_rockets".into()))
    );
    assert!(matches!(
        parse_frame::<VisitorCommand>(r#"{"type":"message"}"#, 4096),
        Err(FrameError::BadFields(_))
    ));
    assert!(matches!(
        parse_frame::<VisitorCommand>(r#"{"text":"hi"}"#, 4096),
        Err(FrameError::BadFields(_))
    ));
    assert!(matches!(
        parse_frame::<VisitorCommand>(&"x".repeat(5000), 4096),
        Err(FrameError::TooLarge {
            len: 5000,
            max: 4096
        })
    ));
    assert_eq!(
        parse_frame::<AgentCommand>(r#"{"type":"accept"}"#, 4096),
        Ok(AgentCommand::Accept)
    );
    // A misspelt field is an error, not silently dropped (commands without fields, such as
    // `ping` or `accept`, have nothing to misspell: serde ignores extras there).
    for raw in [
        r#"{"type":"message","text":"hi","clientid":"c1"}"#,
        r#"{"type":"typing","typing":true,"extra":1}"#,
    ] {
        assert!(
            matches!(
                parse_frame::<VisitorCommand>(raw, 4096),
                Err(FrameError::BadFields(_))
            ),
            "{raw}"
        );
    }
    assert!(matches!(
        parse_frame::<AgentCommand>(r#"{"type":"forward","group":"x","to":"y"}"#, 4096),
        Err(FrameError::BadFields(_))
    ));
    assert!(matches!(
        parse_frame::<baton_core::protocol::SiteCommand>(
            r#"{"type":"set_availability","available":true,"for":"x"}"#,
            4096
        ),
        Err(FrameError::BadFields(_))
    ));
}
