//! Every frame and event, written by core's serde, reads back equal; serde's own reading and
//! ours agree on what they refuse.

use baton_core::protocol::{Party, ServerFrame};
use baton_core::settings::RatingScale;
use baton_core::{AgentRef, ErrorCode, EventKind, FileRef, Phase, VisitorProfile};
use serde_json::{json, Value};

use super::{frame, site_frame, Json};
use crate::model::testing::{event, summary};

fn ann() -> AgentRef {
    AgentRef {
        id: "a1".into(),
        name: "Ann".into(),
    }
}

fn round_trip(original: ServerFrame) {
    let written = serde_json::to_value(&original).unwrap_or_default();
    assert_eq!(frame(&written), Some(original), "{written}");
}

fn full_summary() -> baton_core::ConversationSummary {
    let mut row = summary("c1", Phase::Live, 42);
    row.group = Some("sales".into());
    row.agent = Some(ann());
    row.visitor = VisitorProfile {
        name: Some("Vera".into()),
        email: Some("vera@example.com".into()),
        page: Some("https://shop.example/".into()),
        referrer: Some("https://search.example/".into()),
        user_agent: Some("Mozilla/5.0".into()),
        locale: Some("de".into()),
        location: Some("Berlin".into()),
    };
    row.waiting_since = Some(7);
    row.last_message = Some("Hello".into());
    row.blocked = true;
    row.channel = Some("whatsapp".into());
    row
}

#[test]
fn every_frame_reads_back() {
    let frames = [
        ServerFrame::Welcome {
            conversation_id: "c1".into(),
            phase: Phase::Waiting,
            agent: Some(ann()),
            last_seq: 9,
        },
        ServerFrame::Welcome {
            conversation_id: "c1".into(),
            phase: Phase::Bot,
            agent: None,
            last_seq: 0,
        },
        ServerFrame::Typing {
            by: Party::Visitor,
            typing: true,
        },
        ServerFrame::Read {
            by: Party::Agent,
            seq: 3,
        },
        ServerFrame::Claimed {
            conversation_id: "c1".into(),
        },
        ServerFrame::AlreadyClaimed {
            conversation_id: "c1".into(),
            by: ann(),
        },
        ServerFrame::Snapshot {
            conversations: vec![full_summary(), summary("c2", Phase::Waiting, 1)],
            available: true,
        },
        ServerFrame::Snapshot {
            conversations: vec![],
            available: false,
        },
        ServerFrame::ConversationUpdated {
            conversation: full_summary(),
        },
        ServerFrame::ChatWaiting {
            conversation: summary("c3", Phase::Waiting, 5),
        },
        ServerFrame::Availability { available: true },
        ServerFrame::Error {
            code: ErrorCode::TooManyChats,
            message: "You already have 3 chats.".into(),
        },
        ServerFrame::Pong,
        ServerFrame::QueuePlace {
            position: 2,
            estimate_ms: Some(60_000),
        },
        ServerFrame::QueuePlace {
            position: 1,
            estimate_ms: None,
        },
        ServerFrame::ConversationErased {
            conversation_id: "c1".into(),
        },
    ];
    for original in frames {
        let written = serde_json::to_value(&original).unwrap_or_default();
        // The site socket's reader: the same frame for a site frame, none for a conversation's.
        let site = matches!(
            original,
            ServerFrame::Snapshot { .. }
                | ServerFrame::ConversationUpdated { .. }
                | ServerFrame::ChatWaiting { .. }
                | ServerFrame::Availability { .. }
                | ServerFrame::Error { .. }
                | ServerFrame::Pong
                | ServerFrame::ConversationErased { .. }
        );
        let expected = site.then(|| original.clone());
        assert_eq!(site_frame(&written), expected, "{written}");
        round_trip(original);
    }
}

#[test]
fn every_error_code_reads_back() {
    use ErrorCode::*;
    for code in [
        BadJson,
        UnknownType,
        BadRequest,
        TooLarge,
        EmptyMessage,
        InvalidEmail,
        InvalidName,
        NotAllowed,
        AlreadyClaimed,
        TooManyChats,
        NotHolder,
        Unauthorized,
        Forbidden,
        NotFound,
        RateLimited,
        Internal,
    ] {
        round_trip(ServerFrame::Error {
            code,
            message: String::new(),
        });
    }
}

#[test]
fn every_event_reads_back() {
    let file = FileRef {
        id: "f1".into(),
        name: "photo.png".into(),
        mime: "image/png".into(),
        size: 1234,
        inline: true,
    };
    let kinds = [
        EventKind::VisitorMessage {
            text: "Hi".into(),
            client_id: Some("k1".into()),
        },
        EventKind::VisitorMessage {
            text: "Hi".into(),
            client_id: None,
        },
        EventKind::BotMessage {
            text: "Hello".into(),
            offer_human: true,
            suggestions: vec!["Prices".into(), "Opening hours".into()],
        },
        EventKind::BotMessage {
            text: "Hello".into(),
            offer_human: false,
            suggestions: vec![],
        },
        EventKind::AgentMessage {
            agent: ann(),
            text: "How can I help?".into(),
            client_id: Some("k2".into()),
        },
        EventKind::InternalComment {
            agent: ann(),
            text: "VIP".into(),
        },
        EventKind::ContactRequested,
        EventKind::ContactReceived {
            name: "Vera".into(),
            email: "vera@example.com".into(),
        },
        EventKind::Waiting {
            group: Some("sales".into()),
        },
        EventKind::Waiting { group: None },
        EventKind::WaitNotice,
        EventKind::LeaveMessageOffered,
        EventKind::NoAgentsAvailable {
            contact_details: "Call us".into(),
        },
        EventKind::AgentJoined { agent: ann() },
        EventKind::AgentLeft { agent: ann() },
        EventKind::Missed {
            contact_details: String::new(),
        },
        EventKind::Forwarded {
            group: "support".into(),
        },
        EventKind::TicketCreated {
            ticket_id: "t1".into(),
        },
        EventKind::VisitorBlocked {
            agent: ann(),
            reason: "spam".into(),
        },
        EventKind::Archived { agent: ann() },
        EventKind::RatingRequested {
            scale: RatingScale::Thumbs,
        },
        EventKind::RatingRequested {
            scale: RatingScale::Stars,
        },
        EventKind::RatingRequested {
            scale: RatingScale::Off,
        },
        EventKind::TranscriptSent {
            to: "vera@example.com".into(),
        },
        EventKind::Attachment {
            agent: Some(ann()),
            file: file.clone(),
            internal: true,
        },
        EventKind::Attachment {
            agent: None,
            file,
            internal: false,
        },
        EventKind::Rated {
            score: 5,
            comment: "Great".into(),
        },
        EventKind::Rated {
            score: 1,
            comment: String::new(),
        },
    ];
    for (seq, kind) in kinds.into_iter().enumerate() {
        round_trip(ServerFrame::Event {
            event: event(seq as u64 + 1, kind),
        });
    }
}

/// What serde refuses, the reader refuses too (the socket skips such frames either way).
#[test]
fn refuses_what_serde_refuses() {
    let frames = [
        json!({ "type": "shout" }),
        json!({ "no_type": true }),
        json!({ "type": "claimed" }),
        json!({ "type": "error", "code": "brand_new", "message": "x" }),
        json!({ "type": "typing", "by": "robot", "typing": true }),
        json!({ "type": "event", "event": { "seq": 1, "at": 0, "type": "teleported" } }),
        json!({ "type": "event", "event": { "seq": -1, "at": 0, "type": "wait_notice" } }),
        json!({ "type": "snapshot", "conversations": [{ "id": "c1" }], "available": true }),
    ];
    for json in frames {
        let serde = serde_json::from_value::<ServerFrame>(json.clone()).ok();
        assert_eq!(serde, None, "serde accepts {json}");
        assert_eq!(frame(&json), None, "the reader accepts {json}");
    }
}

#[test]
fn null_reads_as_absent() {
    let json: Value = json!({ "type": "welcome", "conversation_id": "c1", "phase": "live",
        "agent": null, "last_seq": 2 });
    assert_eq!(Json::get(&json, "agent"), None);
    assert_eq!(
        frame(&json),
        serde_json::from_value::<ServerFrame>(json.clone()).ok()
    );
}
