//! Reads edge frames into `baton_core`'s own types without serde's deserializer.
//!
//! Why: the protocol's internally tagged enums (`#[serde(tag = "type")]`, `flatten`) make serde
//! buffer every frame into its generic `Content` tree, and that machinery plus serde_json's
//! parser and error formatting cost ~125 KB of wasm, more than the whole view. In the browser
//! the JSON is parsed by `JSON.parse` and read through [`Json`]; natively the same code reads
//! `serde_json::Value`, and the tests below feed it frames *serialised by baton-core's serde
//! derives*, so any change to the wire format in core fails here rather than in production.
//! Outgoing commands are written the same way ([`command`]): core's `Serialize` through
//! serde_json cost ~1.3 KB brotli for a handful of flat objects; the tests compare every
//! command with what core's serde writes.

use baton_core::protocol::{Party, ServerFrame, VisitorCommand};
use baton_core::settings::RatingScale;
use baton_core::{AgentRef, ErrorCode, Event, EventKind, FileRef, Phase};

/// A parsed JSON value, as much of it as the widget reads.
pub trait Json: Sized {
    fn get(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
}

fn text<J: Json>(json: &J, key: &str) -> Option<String> {
    json.get(key)?.string()
}

fn uint<J: Json>(json: &J, key: &str) -> Option<u64> {
    json.get(key)?
        .number()
        .filter(|n| *n >= 0.0 && n.fract() == 0.0)
        .map(|n| n as u64)
}

fn flag<J: Json>(json: &J, key: &str) -> bool {
    json.get(key).and_then(|v| v.boolean()).unwrap_or(false)
}

fn agent<J: Json>(json: &J, key: &str) -> Option<AgentRef> {
    let value = json.get(key)?;
    Some(AgentRef {
        id: text(&value, "id")?,
        name: text(&value, "name")?,
    })
}

/// The frames a visitor's socket receives; agent-only frames give `None`.
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
            typing: flag(json, "typing"),
        },
        "read" => ServerFrame::Read {
            by: party(&text(json, "by")?)?,
            seq: uint(json, "seq")?,
        },
        "error" => ServerFrame::Error {
            code: error_code(&text(json, "code")?),
            message: text(json, "message").unwrap_or_default(),
        },
        "pong" => ServerFrame::Pong,
        "queue_place" => ServerFrame::QueuePlace {
            position: uint(json, "position")? as u32,
            estimate_ms: uint(json, "estimate_ms").map(|ms| ms as i64),
        },
        _ => return None,
    })
}

pub fn event<J: Json>(json: &J) -> Option<Event> {
    let details = |key| text(json, key).unwrap_or_default();
    let kind = match text(json, "type")?.as_str() {
        "visitor_message" => EventKind::VisitorMessage {
            text: text(json, "text")?,
            client_id: text(json, "client_id"),
        },
        "bot_message" => EventKind::BotMessage {
            text: text(json, "text")?,
            offer_human: flag(json, "offer_human"),
            suggestions: json
                .get("suggestions")
                // The bot offers at most three.
                .map(|list| {
                    ["0", "1", "2"]
                        .iter()
                        .map_while(|i| text(&list, i))
                        .collect()
                })
                .unwrap_or_default(),
        },
        "agent_message" => EventKind::AgentMessage {
            agent: agent(json, "agent")?,
            text: text(json, "text")?,
            client_id: text(json, "client_id"),
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
            contact_details: details("contact_details"),
        },
        "agent_joined" => EventKind::AgentJoined {
            agent: agent(json, "agent")?,
        },
        "agent_left" => EventKind::AgentLeft {
            agent: agent(json, "agent")?,
        },
        "missed" => EventKind::Missed {
            contact_details: details("contact_details"),
        },
        "forwarded" => EventKind::Forwarded {
            group: details("group"),
        },
        "rating_requested" => EventKind::RatingRequested {
            scale: if details("scale") == "thumbs" {
                RatingScale::Thumbs
            } else {
                RatingScale::Stars
            },
        },
        // The address is not shown: the notice says "your email".
        "transcript_sent" => EventKind::TranscriptSent { to: String::new() },
        "rated" => EventKind::Rated {
            score: uint(json, "score")? as u8,
            comment: details("comment"),
        },
        // Only what the widget shows: the file's id, name and whether it is an inline image.
        "attachment" => {
            let file = json.get("file")?;
            EventKind::Attachment {
                agent: agent(json, "agent"),
                file: FileRef {
                    id: text(&file, "id")?,
                    name: text(&file, "name")?,
                    mime: String::new(),
                    size: 0,
                    inline: flag(&file, "inline"),
                },
                internal: false,
            }
        }
        "ticket_created" => EventKind::TicketCreated {
            ticket_id: text(json, "ticket_id")?,
        },
        // Agent-only events never reach a visitor socket; anything newer is skipped.
        _ => return None,
    };
    Some(Event {
        seq: uint(json, "seq")?,
        at: json.get("at").and_then(|v| v.number()).unwrap_or(0.0) as i64,
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

/// Codes the widget reacts to; any other is shown as a generic failure.
fn error_code(name: &str) -> ErrorCode {
    match name {
        "invalid_email" => ErrorCode::InvalidEmail,
        "invalid_name" => ErrorCode::InvalidName,
        "rate_limited" => ErrorCode::RateLimited,
        "too_large" => ErrorCode::TooLarge,
        "empty_message" => ErrorCode::EmptyMessage,
        "not_allowed" => ErrorCode::NotAllowed,
        "unauthorized" => ErrorCode::Unauthorized,
        "forbidden" => ErrorCode::Forbidden,
        "not_found" => ErrorCode::NotFound,
        "bad_request" => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    }
}

/// Where an outgoing command's JSON object is written, one field at a time.
pub trait JsonOut {
    fn text(&mut self, key: &str, value: &str);
    fn number(&mut self, key: &str, value: f64);
    fn boolean(&mut self, key: &str, value: bool);
}

/// A visitor command, as core's serde writes it (a `client_id` of `None` is left out; the
/// edge reads it as absent).
pub fn command<O: JsonOut>(command: &VisitorCommand, out: &mut O) {
    let kind = match command {
        VisitorCommand::Message { text, client_id } => {
            out.text("text", text);
            if let Some(id) = client_id {
                out.text("client_id", id);
            }
            "message"
        }
        VisitorCommand::Typing { typing } => {
            out.boolean("typing", *typing);
            "typing"
        }
        VisitorCommand::RequestHuman => "request_human",
        VisitorCommand::Contact { name, email } => {
            out.text("name", name);
            out.text("email", email);
            "contact"
        }
        VisitorCommand::LeaveMessage {
            name,
            email,
            message,
        } => {
            out.text("name", name);
            out.text("email", email);
            out.text("message", message);
            "leave_message"
        }
        VisitorCommand::Read { seq } => {
            out.number("seq", *seq as f64);
            "read"
        }
        VisitorCommand::Ping => "ping",
        VisitorCommand::EmailTranscript => "email_transcript",
        VisitorCommand::Rate { score, comment } => {
            out.number("score", f64::from(*score));
            out.text("comment", comment);
            "rate"
        }
        VisitorCommand::Erase => "erase",
    };
    out.text("type", kind);
}

#[cfg(not(target_arch = "wasm32"))]
impl Json for serde_json::Value {
    /// Arrays by index as a key, as `Reflect::get` reads them in the browser.
    fn get(&self, key: &str) -> Option<Self> {
        match self {
            serde_json::Value::Array(items) => items.get(key.parse::<usize>().ok()?),
            _ => self.as_object()?.get(key),
        }
        .filter(|v| !v.is_null())
        .cloned()
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

/// Natively, commands are written into a `serde_json` object (the tests compare it with core's).
#[cfg(not(target_arch = "wasm32"))]
impl JsonOut for serde_json::Map<String, serde_json::Value> {
    fn text(&mut self, key: &str, value: &str) {
        self.insert(key.into(), value.into());
    }
    fn number(&mut self, key: &str, value: f64) {
        self.insert(key.into(), (value as u64).into());
    }
    fn boolean(&mut self, key: &str, value: bool) {
        self.insert(key.into(), value.into());
    }
}
