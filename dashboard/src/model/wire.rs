//! Reads socket frames into `baton_core`'s own types without serde's deserializer.
//!
//! Why: the protocol's internally tagged enums (`ServerFrame`, `EventKind` flattened into
//! `Event`) make serde buffer every frame into its generic `Content` tree, and that machinery is
//! among the largest code in the first screen's wasm. In the browser the frame is parsed by
//! `JSON.parse` and read through [`Json`] (as the widget does); natively the same code reads
//! `serde_json::Value`, and the tests feed it frames *serialised by baton-core's serde derives*,
//! so a change to the wire format in core fails here rather than in production.

use baton_core::conversation::{ConversationSummary, VisitorProfile};
use baton_core::protocol::{Party, ServerFrame};
use baton_core::settings::RatingScale;
use baton_core::{AgentRef, ErrorCode, Event, EventKind, FileRef, Phase};

/// A parsed JSON value, as much of it as the dashboard reads.
pub trait Json: Sized {
    /// A field of an object; `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<Self>;
    /// The items of an array; `None` when not an array.
    fn items(&self) -> Option<Vec<Self>>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
}

pub(crate) fn text<J: Json>(json: &J, key: &str) -> Option<String> {
    json.get(key)?.string()
}

/// A field that serde fills with its default when absent.
fn text_or_empty<J: Json>(json: &J, key: &str) -> String {
    text(json, key).unwrap_or_default()
}

pub(crate) fn uint<J: Json>(json: &J, key: &str) -> Option<u64> {
    json.get(key)?
        .number()
        .filter(|n| *n >= 0.0 && n.fract() == 0.0)
        .map(|n| n as u64)
}

fn int<J: Json>(json: &J, key: &str) -> Option<i64> {
    json.get(key)?
        .number()
        .filter(|n| n.fract() == 0.0)
        .map(|n| n as i64)
}

pub(crate) fn flag<J: Json>(json: &J, key: &str) -> Option<bool> {
    json.get(key)?.boolean()
}

pub(crate) fn agent<J: Json>(json: &J, key: &str) -> Option<AgentRef> {
    let value = json.get(key)?;
    Some(AgentRef {
        id: text(&value, "id")?,
        name: text(&value, "name")?,
    })
}

/// Any frame of an agent's site or conversation socket; `None` for one this build does not know
/// (or a malformed one), which the caller skips as it did serde's errors.
pub fn frame<J: Json>(json: &J) -> Option<ServerFrame> {
    Some(match text(json, "type")?.as_str() {
        "welcome" => ServerFrame::Welcome {
            conversation_id: text(json, "conversation_id")?,
            phase: phase(&text(json, "phase")?)?,
            agent: agent(json, "agent"),
            last_seq: uint(json, "last_seq")?,
        },
        "event" => ServerFrame::Event {
            event: event(&json.get("event")?)?,
        },
        "typing" => ServerFrame::Typing {
            by: party(&text(json, "by")?)?,
            typing: flag(json, "typing")?,
        },
        "read" => ServerFrame::Read {
            by: party(&text(json, "by")?)?,
            seq: uint(json, "seq")?,
        },
        "claimed" => ServerFrame::Claimed {
            conversation_id: text(json, "conversation_id")?,
        },
        "already_claimed" => ServerFrame::AlreadyClaimed {
            conversation_id: text(json, "conversation_id")?,
            by: agent(json, "by")?,
        },
        "queue_place" => ServerFrame::QueuePlace {
            position: u32::try_from(uint(json, "position")?).ok()?,
            estimate_ms: int(json, "estimate_ms"),
        },
        _ => return site_frame(json),
    })
}

/// The frames of a site socket (the lists, availability, errors); a conversation's frames give
/// `None`. Kept apart from [`frame`] so the first screen's wasm has no reader for events: the
/// conversation sockets (the chat view) are in a lazy module.
pub fn site_frame<J: Json>(json: &J) -> Option<ServerFrame> {
    Some(match text(json, "type")?.as_str() {
        "snapshot" => ServerFrame::Snapshot {
            conversations: json
                .get("conversations")?
                .items()?
                .iter()
                .map(summary)
                .collect::<Option<_>>()?,
            available: flag(json, "available")?,
        },
        "conversation_updated" => ServerFrame::ConversationUpdated {
            conversation: summary(&json.get("conversation")?)?,
        },
        "chat_waiting" => ServerFrame::ChatWaiting {
            conversation: summary(&json.get("conversation")?)?,
        },
        "availability" => ServerFrame::Availability {
            available: flag(json, "available")?,
        },
        "error" => ServerFrame::Error {
            code: error_code(&text(json, "code")?)?,
            message: text(json, "message")?,
        },
        "pong" => ServerFrame::Pong,
        "conversation_erased" => ServerFrame::ConversationErased {
            conversation_id: text(json, "conversation_id")?,
        },
        _ => return None,
    })
}

/// A list row, as `ConversationSummary`'s serde reads it (absent optional fields are `None`).
pub fn summary<J: Json>(json: &J) -> Option<ConversationSummary> {
    let visitor = json.get("visitor")?;
    let field = |key| text(&visitor, key);
    Some(ConversationSummary {
        id: text(json, "id")?,
        site_id: text(json, "site_id")?,
        phase: phase(&text(json, "phase")?)?,
        group: text(json, "group"),
        agent: agent(json, "agent"),
        visitor: VisitorProfile {
            name: field("name"),
            email: field("email"),
            page: field("page"),
            referrer: field("referrer"),
            user_agent: field("user_agent"),
            locale: field("locale"),
            location: field("location"),
        },
        waiting_since: int(json, "waiting_since"),
        started_at: int(json, "started_at")?,
        updated_at: int(json, "updated_at")?,
        last_message: text(json, "last_message"),
        blocked: flag(json, "blocked").unwrap_or(false),
        channel: text(json, "channel"),
    })
}

pub fn event<J: Json>(json: &J) -> Option<Event> {
    let kind = match text(json, "type")?.as_str() {
        "visitor_message" => EventKind::VisitorMessage {
            text: text(json, "text")?,
            client_id: text(json, "client_id"),
        },
        "bot_message" => EventKind::BotMessage {
            text: text(json, "text")?,
            offer_human: flag(json, "offer_human").unwrap_or(false),
            suggestions: match json.get("suggestions") {
                Some(list) => list
                    .items()?
                    .iter()
                    .map(Json::string)
                    .collect::<Option<_>>()?,
                None => Vec::new(),
            },
        },
        "agent_message" => EventKind::AgentMessage {
            agent: agent(json, "agent")?,
            text: text(json, "text")?,
            client_id: text(json, "client_id"),
        },
        "internal_comment" => EventKind::InternalComment {
            agent: agent(json, "agent")?,
            text: text(json, "text")?,
        },
        "contact_requested" => EventKind::ContactRequested,
        "contact_received" => EventKind::ContactReceived {
            name: text(json, "name")?,
            email: text(json, "email")?,
        },
        "waiting" => EventKind::Waiting {
            group: text(json, "group"),
        },
        "wait_notice" => EventKind::WaitNotice,
        "leave_message_offered" => EventKind::LeaveMessageOffered,
        "no_agents_available" => EventKind::NoAgentsAvailable {
            contact_details: text(json, "contact_details")?,
        },
        "agent_joined" => EventKind::AgentJoined {
            agent: agent(json, "agent")?,
        },
        "agent_left" => EventKind::AgentLeft {
            agent: agent(json, "agent")?,
        },
        "missed" => EventKind::Missed {
            contact_details: text(json, "contact_details")?,
        },
        "forwarded" => EventKind::Forwarded {
            group: text(json, "group")?,
        },
        "ticket_created" => EventKind::TicketCreated {
            ticket_id: text(json, "ticket_id")?,
        },
        "visitor_blocked" => EventKind::VisitorBlocked {
            agent: agent(json, "agent")?,
            reason: text(json, "reason")?,
        },
        "archived" => EventKind::Archived {
            agent: agent(json, "agent")?,
        },
        "rating_requested" => EventKind::RatingRequested {
            scale: match text(json, "scale")?.as_str() {
                "off" => RatingScale::Off,
                "stars" => RatingScale::Stars,
                "thumbs" => RatingScale::Thumbs,
                _ => return None,
            },
        },
        "transcript_sent" => EventKind::TranscriptSent {
            to: text(json, "to")?,
        },
        "attachment" => {
            let file = json.get("file")?;
            EventKind::Attachment {
                agent: agent(json, "agent"),
                file: FileRef {
                    id: text(&file, "id")?,
                    name: text(&file, "name")?,
                    mime: text(&file, "mime")?,
                    size: uint(&file, "size")?,
                    inline: flag(&file, "inline")?,
                },
                internal: flag(json, "internal").unwrap_or(false),
            }
        }
        "rated" => EventKind::Rated {
            score: u8::try_from(uint(json, "score")?).ok()?,
            comment: text_or_empty(json, "comment"),
        },
        _ => return None,
    };
    Some(Event {
        seq: uint(json, "seq")?,
        at: int(json, "at")?,
        kind,
    })
}

fn phase(name: &str) -> Option<Phase> {
    Some(match name {
        "bot" => Phase::Bot,
        "contact" => Phase::Contact,
        "waiting" => Phase::Waiting,
        "live" => Phase::Live,
        "missed" => Phase::Missed,
        "archived" => Phase::Archived,
        _ => return None,
    })
}

fn party(name: &str) -> Option<Party> {
    match name {
        "visitor" => Some(Party::Visitor),
        "agent" => Some(Party::Agent),
        _ => None,
    }
}

pub(crate) fn error_code(name: &str) -> Option<ErrorCode> {
    Some(match name {
        "bad_json" => ErrorCode::BadJson,
        "unknown_type" => ErrorCode::UnknownType,
        "bad_request" => ErrorCode::BadRequest,
        "too_large" => ErrorCode::TooLarge,
        "empty_message" => ErrorCode::EmptyMessage,
        "invalid_email" => ErrorCode::InvalidEmail,
        "invalid_name" => ErrorCode::InvalidName,
        "not_allowed" => ErrorCode::NotAllowed,
        "already_claimed" => ErrorCode::AlreadyClaimed,
        "too_many_chats" => ErrorCode::TooManyChats,
        "not_holder" => ErrorCode::NotHolder,
        "unauthorized" => ErrorCode::Unauthorized,
        "forbidden" => ErrorCode::Forbidden,
        "not_found" => ErrorCode::NotFound,
        "rate_limited" => ErrorCode::RateLimited,
        "internal" => ErrorCode::Internal,
        _ => return None,
    })
}

/// Natively (the tests), the same reader over `serde_json::Value`.
#[cfg(not(target_arch = "wasm32"))]
impl Json for serde_json::Value {
    fn get(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
