//! The visitor's view of one conversation, as plain data: frames from the edge go in through
//! [`Chat::apply`], and what the shell must do about them comes out as [`Outcome`]s. No signals,
//! no DOM, no clock, so every rule here (dedupe by seq, resend by client id, phase after a
//! replay, unread count) is tested natively.

use baton_core::protocol::{Party, ServerFrame, VisitorCommand, CLOSE_ERASED};
use baton_core::settings::RatingScale;
use baton_core::{AgentRef, ErrorCode, Event, EventKind, Phase, Seq};

mod item;

pub use item::{Author, Body, Item, Notice};

/// What the shell does after a frame: tell the host page, announce, show an error.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A message or notice that the visitor has not seen yet, at this index of `items`.
    Fresh(usize),
    /// The conversation moved to another phase (handover to a person, back to the bot).
    Phase(Phase),
    /// The socket is up and the replay is done: safe to resend pending messages.
    Welcomed,
    Error(ErrorCode, String),
}

/// The phase and agent the edge reported in `welcome`, to adopt once the replay reaches it.
#[derive(Clone, Debug)]
struct Target {
    last_seq: Seq,
    phase: Phase,
    agent: Option<AgentRef>,
    /// The phase the shell knew when the socket (re)opened.
    reported: Phase,
}

#[derive(Clone, Debug)]
pub struct Chat {
    pub items: Vec<Item>,
    pub last_seq: Seq,
    pub phase: Phase,
    pub agent: Option<String>,
    pub agent_typing: bool,
    /// The highest seq the agent has read (shows "Seen" under the visitor's messages).
    pub agent_read: Seq,
    /// "Leave a message" is on offer (ladder step 2, nobody online, or missed).
    pub leave_offered: bool,
    /// Everything up to here was on screen while the widget was open.
    pub seen_seq: Seq,
    /// Name and email the visitor gave in this conversation (prefills the leave-a-message form).
    pub contact: Option<(String, String)>,
    /// "How was your chat?" is asked on this scale (until the visitor answers).
    pub rating: Option<RatingScale>,
    /// While waiting: the place in the queue (1 is next) and the usual wait in ms, if known.
    pub queue: Option<(u32, Option<i64>)>,
    /// "Delete this conversation?" is asked; the composer makes way for the answer.
    pub erase_asked: bool,
    /// Events up to here existed before this page loaded: history, not news.
    history_mark: Option<Seq>,
    target: Option<Target>,
    next_client: u64,
    /// Makes client ids unique across page loads and tabs without a clock or RNG in the model.
    client_prefix: String,
}

impl Chat {
    pub fn new(seen_seq: Seq, client_prefix: String) -> Self {
        Self {
            items: Vec::new(),
            last_seq: 0,
            phase: Phase::Bot,
            agent: None,
            agent_typing: false,
            agent_read: 0,
            leave_offered: false,
            seen_seq,
            contact: None,
            queue: None,
            erase_asked: false,
            rating: None,
            history_mark: None,
            target: None,
            next_client: 0,
            client_prefix,
        }
    }

    pub fn apply(&mut self, frame: ServerFrame) -> Vec<Outcome> {
        let mut out = Vec::new();
        match frame {
            ServerFrame::Welcome {
                phase,
                agent,
                last_seq,
                ..
            } => {
                // The first welcome of this page: what exists already is history.
                self.history_mark.get_or_insert(last_seq);
                self.target = Some(Target {
                    last_seq,
                    phase,
                    agent,
                    reported: self.phase,
                });
                self.settle(&mut out);
            }
            ServerFrame::Event { event } => self.event(event, &mut out),
            ServerFrame::Typing {
                by: Party::Agent,
                typing,
            } => self.agent_typing = typing && self.phase == Phase::Live,
            ServerFrame::Read {
                by: Party::Agent,
                seq,
            } => self.agent_read = self.agent_read.max(seq),
            ServerFrame::Error { code, message } => {
                // A refused erase (or anything else) ends the question: ask again if need be.
                self.erase_asked = false;
                out.push(Outcome::Error(code, message))
            }
            ServerFrame::QueuePlace {
                position,
                estimate_ms,
            } => self.queue = Some((position, estimate_ms)),
            _ => {}
        }
        out
    }

    /// Once the replay has caught up with the welcome, the edge's phase is the truth.
    fn settle(&mut self, out: &mut Vec<Outcome>) {
        let Some(target) = self.target.take_if(|t| t.last_seq <= self.last_seq) else {
            return;
        };
        self.agent = target.agent.map(|a| a.name);
        self.set_phase(target.phase);
        if self.phase != target.reported {
            out.push(Outcome::Phase(self.phase));
        }
        out.push(Outcome::Welcomed);
    }

    fn event(&mut self, event: Event, out: &mut Vec<Outcome>) {
        // In order on one socket, and a reconnect asks for `after=last_seq`: anything at or
        // below it is a repeat.
        if event.seq <= self.last_seq {
            return;
        }
        self.last_seq = event.seq;
        let before = self.phase;
        self.follow_phase(&event.kind);
        if let Some(item) = Item::from_event(&event) {
            let fresh = !matches!(
                item.body,
                Body::Message {
                    author: Author::Visitor,
                    ..
                }
            ) && event.seq > self.history_mark.unwrap_or(0);
            let index = self.insert(item);
            if fresh {
                out.push(Outcome::Fresh(index));
            }
        }
        // During a replay the phase is reported once, when the replay is done.
        if self.target.is_none() && self.phase != before {
            out.push(Outcome::Phase(self.phase));
        }
        self.settle(out);
    }

    /// Tracks the phase from the events themselves, so a live chat shows the right controls
    /// without waiting for another welcome.
    fn follow_phase(&mut self, kind: &EventKind) {
        match kind {
            EventKind::ContactRequested => self.set_phase(Phase::Contact),
            EventKind::Waiting { .. } | EventKind::Forwarded { .. } => {
                self.set_phase(Phase::Waiting)
            }
            EventKind::AgentJoined { agent } => {
                self.agent = Some(agent.name.clone());
                self.leave_offered = false;
                self.set_phase(Phase::Live);
            }
            EventKind::AgentLeft { .. } => {
                self.agent = None;
                self.set_phase(Phase::Archived);
            }
            EventKind::Missed { .. } => {
                self.leave_offered = true;
                self.set_phase(Phase::Missed);
            }
            EventKind::LeaveMessageOffered => self.leave_offered = true,
            EventKind::TicketCreated { .. } => {
                self.leave_offered = false;
                if matches!(self.phase, Phase::Waiting | Phase::Contact) {
                    self.set_phase(Phase::Bot);
                }
            }
            EventKind::AgentMessage { .. } => self.agent_typing = false,
            EventKind::ContactReceived { name, email } => {
                self.contact = Some((name.clone(), email.clone()));
            }
            EventKind::RatingRequested { scale } => self.rating = Some(*scale),
            EventKind::Rated { .. } => self.rating = None,
            _ => {}
        }
    }

    fn set_phase(&mut self, phase: Phase) {
        self.phase = phase;
        if phase != Phase::Live {
            self.agent_typing = false;
        }
        if phase != Phase::Waiting {
            self.queue = None;
        }
    }

    /// Keeps the transcript in seq order with pending messages last; a stored echo of a
    /// pending message replaces it.
    fn insert(&mut self, item: Item) -> usize {
        if let Some(id) = &item.client_id {
            self.items
                .retain(|old| !(old.pending() && old.client_id.as_ref() == Some(id)));
        }
        let seq = item.seq;
        let at = self
            .items
            .iter()
            .position(|old| old.pending() || old.seq > seq)
            .unwrap_or(self.items.len());
        self.items.insert(at, item);
        at
    }

    /// A message typed by the visitor: shown at once as pending, and the command to send.
    pub fn compose(&mut self, text: String) -> VisitorCommand {
        self.next_client += 1;
        let client_id = format!("{}-{}", self.client_prefix, self.next_client);
        self.items.push(Item {
            seq: None,
            client_id: Some(client_id.clone()),
            body: Body::Message {
                author: Author::Visitor,
                text: text.clone(),
            },
            file: None,
        });
        VisitorCommand::Message {
            text,
            client_id: Some(client_id),
        }
    }

    /// Messages not yet confirmed by the edge, to send again after a reconnect. The edge
    /// stores a client id once, so a message that did arrive is not duplicated.
    pub fn unconfirmed(&self) -> Vec<VisitorCommand> {
        self.items
            .iter()
            .filter(|item| item.pending())
            .filter_map(|item| match &item.body {
                Body::Message { text, .. } => Some(VisitorCommand::Message {
                    text: text.clone(),
                    client_id: item.client_id.clone(),
                }),
                Body::Notice(_) => None,
            })
            .collect()
    }

    /// Messages from the bot or an agent that arrived while the widget was closed.
    pub fn unread(&self) -> usize {
        self.items
            .iter()
            .filter(|item| item.seq.is_some_and(|seq| seq > self.seen_seq))
            .filter(|item| {
                matches!(&item.body, Body::Message { author, .. } if *author != Author::Visitor)
            })
            .count()
    }

    /// The widget is open: everything so far has been seen. True when that changed anything.
    pub fn mark_seen(&mut self) -> bool {
        let moved = self.last_seq > self.seen_seq;
        self.seen_seq = self.last_seq;
        moved
    }

    /// The latest message, if the bot wrote it and still answers: what it offers stands.
    fn bot_offer(&self) -> Option<(bool, &[String])> {
        let item = self
            .items
            .iter()
            .rev()
            .find(|item| matches!(item.body, Body::Message { .. }))?;
        match &item.body {
            Body::Message {
                author:
                    Author::Bot {
                        offer_human,
                        suggestions,
                    },
                ..
            } if self.phase.bot_answers() => Some((*offer_human, suggestions)),
            _ => None,
        }
    }

    /// The buttons under the transcript: the bot's "Did you mean…?" questions, else the scores
    /// of a rating asked for (1–5, or thumbs up and down).
    pub fn choices(&self) -> Vec<String> {
        let suggestions = self.suggestions();
        match self.rating {
            Some(scale) if suggestions.is_empty() => match scale {
                RatingScale::Thumbs => vec!["👍".into(), "👎".into()],
                _ => ["1", "2", "3", "4", "5"].map(String::from).to_vec(),
            },
            _ => suggestions,
        }
    }

    /// The score the `i`-th button gives, when the buttons are a rating's (thumbs: 5 and 1).
    pub fn score_of(&self, i: usize) -> Option<u8> {
        if !self.suggestions().is_empty() || i > 4 {
            return None;
        }
        match self.rating? {
            RatingScale::Thumbs => [5, 1].get(i).copied(),
            _ => Some(i as u8 + 1),
        }
    }

    /// "Email me this conversation" is offered once the visitor gave an email and talked to a
    /// person, until a transcript covers the latest line.
    pub fn offers_transcript(&self) -> bool {
        let sent = matches!(
            self.items.last().map(|i| &i.body),
            Some(Body::Notice(Notice::TranscriptSent))
        );
        self.contact.is_some() && !sent && matches!(self.phase, Phase::Live | Phase::Archived)
    }

    /// "Talk to a person" is offered under the latest bot answer that could not help.
    pub fn offers_human(&self) -> bool {
        self.bot_offer().is_some_and(|(offer, _)| offer)
    }

    /// The "Did you mean…?" questions under the latest bot answer, until the visitor moves on.
    pub fn suggestions(&self) -> Vec<String> {
        self.bot_offer()
            .map(|(_, s)| s.to_vec())
            .unwrap_or_default()
    }

    /// "Delete this conversation" is offered once the edge stored something of it, and not
    /// while the visitor is being asked to confirm.
    pub fn offers_erase(&self) -> bool {
        self.last_seq > 0 && !self.erase_asked
    }

    /// The answer to "Delete this conversation?": yes gives the command that erases it (the
    /// edge then closes the socket with [`CLOSE_ERASED`]), no just ends the question.
    pub fn answer_erase(&mut self, yes: bool) -> Option<VisitorCommand> {
        (std::mem::take(&mut self.erase_asked) && yes).then_some(VisitorCommand::Erase)
    }

    /// The seq of the visitor's latest message once the agent has read it ("Seen" under it).
    /// Whether the visitor may send a file: a person reads the chat or is on the way.
    pub fn may_attach(&self) -> bool {
        matches!(self.phase, Phase::Waiting | Phase::Live)
    }

    pub fn seen_marker(&self) -> Option<Seq> {
        let seq = self
            .items
            .iter()
            .rev()
            .find(|item| {
                matches!(
                    item.body,
                    Body::Message {
                        author: Author::Visitor,
                        ..
                    }
                )
            })?
            .seq?;
        (self.phase == Phase::Live && self.agent_read >= seq).then_some(seq)
    }
}

/// A socket closed with this code belongs to a conversation that was erased (by the visitor
/// or an admin): the widget forgets it and starts afresh instead of reconnecting to it.
pub fn erased_on_close(code: u16) -> bool {
    code == CLOSE_ERASED
}

#[cfg(test)]
mod tests;
