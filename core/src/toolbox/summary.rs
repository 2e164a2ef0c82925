//! The handoff summary: an extractive digest of a chat for the agent who takes it, derived from
//! the conversation's events (plus its knowledge base, to name the entry each answer quoted).
//! Agents only; the visitor never receives it.

use serde::{Deserialize, Serialize};

use crate::bot::{is_small_talk, language_of, question_key, wants_human};
use crate::conversation::{ConversationSummary, Phase, VisitorProfile};
use crate::event::{Event, EventKind};
use crate::settings::FaqEntry;
use crate::Millis;

/// Why the chat reached a person (the latest time it did).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    /// The visitor asked for a person in words (trigger 2).
    AskedForPerson,
    /// The bot did not understand the site's count of messages in a row (trigger 3).
    NotUnderstood,
    /// The visitor pressed "Talk to a person" (trigger 4).
    Button,
    /// The site sends every conversation to a person at the first message (trigger 1).
    StraightToLive,
    /// An agent monitoring the bot conversation took control (trigger 5).
    TakeOver,
    /// An agent re-opened a missed or archived chat.
    Rejoined,
    /// The holder forwarded it to another group.
    Forwarded,
    /// The holder went away and put it back in the queue.
    ReturnedToQueue,
}

/// What the bot made of one question.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Answered with a knowledge-base entry ([`AskedQuestion::entry`]).
    Answered,
    /// Answered, but not with an entry's text (the optional LLM answered).
    AnsweredFreely,
    /// Unsure: offered entries as "Did you mean…?" ([`AskedQuestion::offered`]); the visitor
    /// took none of them then.
    Offered,
    /// Not understood, or never seen by the bot (straight to live).
    Unanswered,
}

/// One question the visitor asked the bot, however many times. Flat fields rather than a
/// tagged enum with data: the dashboard's wasm pays for every serde shape it decodes, and a
/// flattened tagged enum costs far more than three plain fields.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AskedQuestion {
    /// As the visitor first wrote it.
    pub text: String,
    pub times: u32,
    pub outcome: Outcome,
    /// The entry that answered it (its first question, the entry's title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The entries offered as "Did you mean…?".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offered: Vec<String>,
}

impl AskedQuestion {
    pub fn answered(&self) -> bool {
        matches!(self.outcome, Outcome::Answered | Outcome::AnsweredFreely)
    }
}

/// An earlier conversation of the same visitor (same email), from the site's index.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct EarlierConversation {
    pub id: String,
    pub started_at: Millis,
    pub updated_at: Millis,
    /// Where it ended up: missed, archived, or still live with someone.
    pub phase: Phase,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub last_message: Option<String>,
}

impl EarlierConversation {
    pub fn from_summary(summary: &ConversationSummary) -> Self {
        Self {
            id: summary.id.clone(),
            started_at: summary.started_at,
            updated_at: summary.updated_at,
            phase: summary.phase,
            agent: summary.agent.as_ref().map(|a| a.name.clone()),
            last_message: summary.last_message.clone(),
        }
    }
}

/// Earlier conversations listed at most.
pub const EARLIER_SHOWN: usize = 5;

/// What the agent reads first when a chat reaches them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HandoffSummary {
    pub reason: HandoffReason,
    /// When it was handed over (the event that did it).
    pub handoff_at: Millis,
    /// The visitor's questions to the bot, deduplicated, in the order first asked. Small talk
    /// and the request for a person itself are left out.
    pub questions: Vec<AskedQuestion>,
    /// Pages the visitor was on (the conversation's start page; the widget reports no later
    /// navigation yet).
    pub pages: Vec<String>,
    #[serde(default)]
    pub referrer: Option<String>,
    /// The language the visitor writes in, by the bot's detector; else their browser's.
    #[serde(default)]
    pub language: Option<String>,
    /// Time in the queue: until an agent joined, or until `now` while still waiting. `None`
    /// when it never queued (taken over, re-joined).
    #[serde(default)]
    pub waited_ms: Option<Millis>,
    /// Filled in by the edge from the site's index, newest first.
    #[serde(default)]
    pub earlier: Vec<EarlierConversation>,
}

impl HandoffSummary {
    /// Adds the visitor's earlier conversations (any order; `own_id` and duplicates dropped).
    pub fn with_earlier(mut self, own_id: &str, mut rows: Vec<EarlierConversation>) -> Self {
        rows.retain(|row| row.id != own_id);
        rows.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(a.id.cmp(&b.id)));
        rows.dedup_by(|a, b| a.id == b.id);
        rows.truncate(EARLIER_SHOWN);
        self.earlier = rows;
        self
    }
}

/// The bot's answer to one question, while walking the events.
enum Answer {
    Entry(String),
    Freely,
    Offered(Vec<String>),
    None,
}

impl Answer {
    fn into(self, question: &mut AskedQuestion) {
        let (outcome, entry, offered) = match self {
            Self::Entry(title) => (Outcome::Answered, Some(title), Vec::new()),
            Self::Freely => (Outcome::AnsweredFreely, None, Vec::new()),
            Self::Offered(titles) => (Outcome::Offered, None, titles),
            Self::None => (Outcome::Unanswered, None, Vec::new()),
        };
        question.outcome = outcome;
        question.entry = entry;
        question.offered = offered;
    }
}

/// Where the walk over the events is.
#[derive(Clone, Copy, PartialEq)]
enum Track {
    Bot,
    Contact,
    Waiting,
    Live,
    /// The holder left; what follows says whether it was forwarded, queued again or archived.
    Left,
}

struct Walk<'a> {
    knowledge_base: &'a [FaqEntry],
    straight_to_live: bool,
    track: Track,
    /// A visitor message in a bot phase that the bot has not answered (yet).
    pending: Option<&'a str>,
    /// Anything reached the bot and was answered by it (straight to live never does).
    bot_replied: bool,
    /// The chat was missed or archived since the last person held it.
    closed: bool,
    forwarded: bool,
    handoff: Option<(HandoffReason, Millis)>,
    queued_at: Option<Millis>,
    joined_at: Option<Millis>,
    questions: Vec<AskedQuestion>,
}

impl<'a> Walk<'a> {
    fn record(&mut self, text: &'a str, answer: Answer) {
        if is_small_talk(text) || wants_human(text) {
            return;
        }
        let key = question_key(text);
        if key.is_empty() {
            return;
        }
        if let Some(seen) = self
            .questions
            .iter_mut()
            .find(|q| question_key(&q.text) == key)
        {
            seen.times += 1;
            // An answer given on any asking is what the agent needs to know.
            if !seen.answered() {
                answer.into(seen);
            }
            return;
        }
        let mut question = AskedQuestion {
            text: text.to_string(),
            times: 1,
            outcome: Outcome::Unanswered,
            entry: None,
            offered: Vec::new(),
        };
        answer.into(&mut question);
        self.questions.push(question);
    }

    /// The bot's reply to the pending question.
    fn bot_reply(&mut self, text: &str, offer_human: bool, suggestions: &[String]) {
        let Some(question) = self.pending.take() else {
            return;
        };
        self.bot_replied = true;
        let entry = self
            .knowledge_base
            .iter()
            .find(|e| e.answer == text)
            .and_then(|e| e.questions.first());
        let answer = match entry {
            _ if !suggestions.is_empty() => Answer::Offered(suggestions.to_vec()),
            Some(title) => Answer::Entry(title.clone()),
            None if offer_human => Answer::None,
            None => Answer::Freely,
        };
        self.record(question, answer);
    }

    /// A handoff from a bot phase: why, from the message that caused it (if any).
    fn reason_from_bot(&mut self) -> HandoffReason {
        match self.pending.take() {
            Some(text) if wants_human(text) => HandoffReason::AskedForPerson,
            Some(text) => {
                let reason = if self.straight_to_live && !self.bot_replied {
                    HandoffReason::StraightToLive
                } else {
                    HandoffReason::NotUnderstood
                };
                self.record(text, Answer::None);
                reason
            }
            None => HandoffReason::Button,
        }
    }

    fn handed_over(&mut self, reason: HandoffReason, at: Millis) {
        self.handoff = Some((reason, at));
        self.queued_at = None;
        self.joined_at = None;
    }

    fn event(&mut self, event: &'a Event) {
        let at = event.at;
        match &event.kind {
            EventKind::VisitorMessage { text, .. } if self.track == Track::Bot => {
                // A message the bot never answered (a handoff was pending) stays unanswered.
                if let Some(earlier) = self.pending.replace(text) {
                    self.record(earlier, Answer::None);
                }
            }
            EventKind::BotMessage {
                text,
                offer_human,
                suggestions,
            } => self.bot_reply(text, *offer_human, suggestions),
            // A failed attempt: nobody took the chat, but its trigger is not a question.
            EventKind::NoAgentsAvailable { .. } if self.track == Track::Bot => {
                self.reason_from_bot();
            }
            EventKind::ContactRequested => {
                if self.track == Track::Bot {
                    let reason = self.reason_from_bot();
                    self.handed_over(reason, at);
                }
                self.track = Track::Contact;
            }
            EventKind::Waiting { .. } => {
                match self.track {
                    Track::Bot => {
                        let reason = self.reason_from_bot();
                        self.handed_over(reason, at);
                    }
                    Track::Left | Track::Live => {
                        let reason = if self.forwarded {
                            HandoffReason::Forwarded
                        } else {
                            HandoffReason::ReturnedToQueue
                        };
                        self.handed_over(reason, at);
                    }
                    Track::Contact | Track::Waiting => {}
                }
                self.forwarded = false;
                self.queued_at = Some(at);
                self.joined_at = None;
                self.track = Track::Waiting;
            }
            EventKind::AgentJoined { .. } => {
                if self.track == Track::Bot {
                    let reason = if self.closed {
                        HandoffReason::Rejoined
                    } else {
                        HandoffReason::TakeOver
                    };
                    // A question still pending when the agent took over went unanswered.
                    if let Some(text) = self.pending.take() {
                        self.record(text, Answer::None);
                    }
                    self.handed_over(reason, at);
                }
                self.joined_at.get_or_insert(at);
                self.closed = false;
                self.track = Track::Live;
            }
            EventKind::AgentLeft { .. } => self.track = Track::Left,
            EventKind::Forwarded { .. } => self.forwarded = true,
            EventKind::Missed { .. } | EventKind::Archived { .. } => {
                self.closed = true;
                self.track = Track::Bot;
            }
            EventKind::VisitorBlocked { .. } => {
                self.closed = true;
                self.track = Track::Bot;
            }
            // Leaving a message while waiting sends the chat back to the bot.
            EventKind::TicketCreated { .. }
                if matches!(self.track, Track::Waiting | Track::Contact) =>
            {
                self.track = Track::Bot;
            }
            _ => {}
        }
    }
}

/// The summary of the latest handoff of a conversation, from its events in order; `None` if it
/// never reached a person. `straight_to_live` is the conversation's setting (its snapshot);
/// `now` bounds the wait of a chat still waiting.
pub fn handoff_summary(
    events: &[Event],
    visitor: &VisitorProfile,
    knowledge_base: &[FaqEntry],
    straight_to_live: bool,
    now: Millis,
) -> Option<HandoffSummary> {
    let mut walk = Walk {
        knowledge_base,
        straight_to_live,
        track: Track::Bot,
        pending: None,
        bot_replied: false,
        closed: false,
        forwarded: false,
        handoff: None,
        queued_at: None,
        joined_at: None,
        questions: Vec::new(),
    };
    for event in events {
        walk.event(event);
    }
    let (reason, handoff_at) = walk.handoff?;
    let waited_ms = walk
        .queued_at
        .map(|queued| walk.joined_at.unwrap_or(now).max(queued) - queued);
    let visitor_texts = events.iter().filter_map(|e| match &e.kind {
        EventKind::VisitorMessage { text, .. } => Some(text.as_str()),
        _ => None,
    });
    let language = language_of(visitor_texts)
        .map(str::to_string)
        .or_else(|| visitor.locale.clone());
    Some(HandoffSummary {
        reason,
        handoff_at,
        questions: walk.questions,
        pages: visitor.page.iter().cloned().collect(),
        referrer: visitor.referrer.clone(),
        language,
        waited_ms,
        earlier: Vec::new(),
    })
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
