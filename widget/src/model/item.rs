//! One line of the visitor's transcript, made from a stored event: who wrote it, or which
//! structural notice it is.

use baton_core::{Event, EventKind, Seq};

/// Who wrote a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Author {
    Visitor,
    /// `offer_human`: the bot could not help, so "Talk to a person" is offered under it;
    /// `suggestions`: "Did you mean…?" questions offered as buttons.
    Bot {
        offer_human: bool,
        suggestions: Vec<String>,
    },
    Agent(String),
}

/// Structural events shown as a centred line; the view words them in the visitor's language.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Waiting,
    WaitNotice,
    LeaveMessageOffered,
    NoAgents(String),
    AgentJoined(String),
    AgentLeft(String),
    Missed(String),
    Forwarded,
    TicketCreated(String),
    /// "How was your chat?": the scores are offered as buttons.
    RateAsked,
    /// The transcript went to the visitor's email.
    TranscriptSent,
    Rated,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Message { author: Author, text: String },
    Notice(Notice),
}

/// One line of the transcript. `seq` is `None` while a visitor message is on its way.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub seq: Option<Seq>,
    pub client_id: Option<String>,
    pub body: Body,
    /// A file sent in the chat (its id, and whether it is an image shown inline); the message's
    /// text is then the file's name.
    pub file: Option<(String, bool)>,
}

impl Item {
    pub fn pending(&self) -> bool {
        self.seq.is_none()
    }

    pub(super) fn from_event(event: &Event) -> Option<Self> {
        let message = |author, text: &String| Body::Message {
            author,
            text: text.clone(),
        };
        let body = match &event.kind {
            EventKind::VisitorMessage { text, .. } => message(Author::Visitor, text),
            EventKind::BotMessage {
                text,
                offer_human,
                suggestions,
            } => message(
                Author::Bot {
                    offer_human: *offer_human,
                    suggestions: suggestions.clone(),
                },
                text,
            ),
            EventKind::AgentMessage { agent, text, .. } => {
                message(Author::Agent(agent.name.clone()), text)
            }
            EventKind::Waiting { .. } => Body::Notice(Notice::Waiting),
            EventKind::WaitNotice => Body::Notice(Notice::WaitNotice),
            EventKind::LeaveMessageOffered => Body::Notice(Notice::LeaveMessageOffered),
            EventKind::NoAgentsAvailable { contact_details } => {
                Body::Notice(Notice::NoAgents(contact_details.clone()))
            }
            EventKind::AgentJoined { agent } => {
                Body::Notice(Notice::AgentJoined(agent.name.clone()))
            }
            EventKind::AgentLeft { agent } => Body::Notice(Notice::AgentLeft(agent.name.clone())),
            EventKind::Missed { contact_details } => {
                Body::Notice(Notice::Missed(contact_details.clone()))
            }
            EventKind::Forwarded { .. } => Body::Notice(Notice::Forwarded),
            EventKind::TicketCreated { ticket_id } => {
                Body::Notice(Notice::TicketCreated(ticket_id.clone()))
            }
            EventKind::Rated { .. } => Body::Notice(Notice::Rated),
            EventKind::RatingRequested { .. } => Body::Notice(Notice::RateAsked),
            EventKind::TranscriptSent { .. } => Body::Notice(Notice::TranscriptSent),
            // A note's file never reaches a visitor's socket; dropped here all the same.
            EventKind::Attachment {
                agent,
                file,
                internal: false,
            } => {
                let author = match agent {
                    Some(agent) => Author::Agent(agent.name.clone()),
                    None => Author::Visitor,
                };
                return Some(Self {
                    seq: Some(event.seq),
                    client_id: None,
                    body: message(author, &file.name),
                    file: Some((file.id.clone(), file.inline)),
                });
            }
            EventKind::ContactRequested
            | EventKind::ContactReceived { .. }
            | EventKind::InternalComment { .. }
            | EventKind::VisitorBlocked { .. }
            | EventKind::Archived { .. }
            | EventKind::Attachment { .. } => return None,
        };
        let client_id = match &event.kind {
            EventKind::VisitorMessage { client_id, .. } => client_id.clone(),
            _ => None,
        };
        Some(Self {
            seq: Some(event.seq),
            client_id,
            body,
            file: None,
        })
    }
}
