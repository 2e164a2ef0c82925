//! The agent's toolbox as plain data: the handoff summary's sentences, which visitor message
//! the suggestions are for, and the `/` canned-reply picker of the composer.

use baton_core::toolbox::canned::{self, CannedReply, CannedVars};
use baton_core::toolbox::{AskedQuestion, EarlierConversation, HandoffReason, Outcome};
use baton_core::{EventKind, Phase, Seq};

use super::chat::ChatModel;
use super::transcript::ago;

pub fn reason_text(reason: HandoffReason) -> &'static str {
    match reason {
        HandoffReason::AskedForPerson => "The visitor asked for a person.",
        HandoffReason::NotUnderstood => {
            "The bot did not understand the visitor, several times in a row."
        }
        HandoffReason::Button => "The visitor pressed “Talk to a person”.",
        HandoffReason::StraightToLive => "This site sends every chat straight to a person.",
        HandoffReason::TakeOver => "An agent took control from the bot (Monitor).",
        HandoffReason::Rejoined => "An agent re-opened this chat.",
        HandoffReason::Forwarded => "Forwarded from another group.",
        HandoffReason::ReturnedToQueue => "Put back in the queue by the agent who held it.",
    }
}

/// What the bot did with one question, as the summary shows it.
pub fn outcome_text(question: &AskedQuestion) -> String {
    match question.outcome {
        Outcome::Answered => match &question.entry {
            Some(entry) => format!("Answered: “{entry}”"),
            None => "Answered".into(),
        },
        Outcome::AnsweredFreely => "Answered (not from an entry)".into(),
        Outcome::Offered => format!("Unsure, offered: {}", question.offered.join(" · ")),
        Outcome::Unanswered => "Not answered".into(),
    }
}

pub fn wait_text(waited_ms: Option<i64>) -> Option<String> {
    waited_ms.map(|ms| format!("Waited {}", ago(0, ms)))
}

pub fn earlier_text(earlier: &EarlierConversation, now: i64) -> String {
    let outcome = match earlier.phase {
        Phase::Missed => "missed".to_string(),
        Phase::Archived => match &earlier.agent {
            Some(agent) => format!("answered by {agent}, archived"),
            None => "archived".into(),
        },
        Phase::Live => match &earlier.agent {
            Some(agent) => format!("live with {agent}"),
            None => "live".into(),
        },
        Phase::Bot | Phase::Contact | Phase::Waiting => "with the bot".into(),
    };
    format!("{} ago: {outcome}", ago(earlier.started_at, now))
}

/// The visitor message the suggestions are for: the latest one, while this agent holds the
/// chat. Its sequence number says when to ask again.
pub fn suggestion_query(chat: &ChatModel) -> Option<(Seq, String)> {
    if !chat.mine() {
        return None;
    }
    chat.events.iter().rev().find_map(|e| match &e.kind {
        EventKind::VisitorMessage { text, .. } => Some((e.seq, text.clone())),
        _ => None,
    })
}

/// What follows a `/` that starts the composer's text, while it is one word: the picker's
/// filter. `None` once there is a space (the agent is writing, not picking).
pub fn slash_query(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('/')?;
    (!rest.contains(char::is_whitespace)).then_some(rest)
}

/// The `/` picker: replies matching the query, and the highlighted one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picker {
    pub matches: Vec<CannedReply>,
    pub selected: usize,
}

impl Picker {
    pub fn for_text(all: &[CannedReply], text: &str) -> Option<Self> {
        let query = slash_query(text)?;
        let matches: Vec<CannedReply> = canned::filter(all, query).into_iter().cloned().collect();
        Some(Self {
            matches,
            selected: 0,
        })
    }

    /// Arrow keys move the highlight, wrapping around.
    pub fn move_by(&mut self, step: isize) {
        let n = self.matches.len() as isize;
        if n > 0 {
            self.selected = (self.selected as isize + step).rem_euclid(n) as usize;
        }
    }

    pub fn chosen(&self) -> Option<&CannedReply> {
        self.matches.get(self.selected)
    }
}

/// The text a canned reply puts in the composer for this chat.
pub fn insert_text(reply: &CannedReply, chat: &ChatModel) -> String {
    let visitor_name = chat
        .summary
        .as_ref()
        .and_then(|s| s.visitor.name.as_deref());
    let vars = CannedVars {
        visitor_name,
        agent_name: &chat.me.name,
    };
    canned::fill(&reply.text, &vars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::event;
    use baton_core::{AgentRef, ConversationSummary, VisitorProfile};

    fn reply(shortcut: &str, text: &str) -> CannedReply {
        CannedReply {
            id: shortcut.into(),
            shortcut: shortcut.into(),
            text: text.into(),
            personal: false,
            uses: 0,
        }
    }

    fn chat(holder: Option<&str>) -> ChatModel {
        let me = AgentRef {
            id: "a1".into(),
            name: "Ann".into(),
        };
        let mut chat = ChatModel::new("s", "c", me);
        chat.apply_summary(&ConversationSummary {
            id: "c".into(),
            site_id: "s".into(),
            phase: Phase::Live,
            group: None,
            agent: holder.map(|id| AgentRef {
                id: id.into(),
                name: "X".into(),
            }),
            visitor: VisitorProfile {
                name: Some("Vera".into()),
                ..VisitorProfile::default()
            },
            waiting_since: None,
            started_at: 0,
            updated_at: 0,
            last_message: None,
            blocked: false,
            channel: None,
        });
        chat
    }

    fn said(seq: u64, text: &str) -> baton_core::Event {
        event(
            seq,
            EventKind::VisitorMessage {
                text: text.into(),
                client_id: None,
            },
        )
    }

    #[test]
    fn suggestions_follow_the_last_visitor_message_of_my_chat() {
        let mut mine = chat(Some("a1"));
        assert_eq!(suggestion_query(&mine), None);
        mine.add_events([said(3, "first"), said(5, "do you rent kayaks?")]);
        assert_eq!(
            suggestion_query(&mine),
            Some((5, "do you rent kayaks?".into()))
        );
        let mut theirs = chat(Some("b2"));
        theirs.add_events([said(3, "hello")]);
        assert_eq!(suggestion_query(&theirs), None, "a co-worker's chat");
    }

    #[test]
    fn the_picker_opens_on_a_leading_slash_and_moves_around() {
        let all = [
            reply("hello", "Hi {visitor.name}, {agent.name} here."),
            reply("help", "?"),
        ];
        assert_eq!(Picker::for_text(&all, "hello"), None);
        assert_eq!(Picker::for_text(&all, "/hel lo"), None);
        let mut picker = Picker::for_text(&all, "/he").unwrap_or_default();
        assert_eq!(picker.matches.len(), 2);
        picker.move_by(-1);
        assert_eq!(picker.chosen().map(|r| r.shortcut.as_str()), Some("help"));
        picker.move_by(1);
        let hello = picker.chosen().cloned().unwrap_or_else(|| reply("", ""));
        assert_eq!(insert_text(&hello, &chat(Some("a1"))), "Hi Vera, Ann here.");
        let none = Picker::for_text(&all, "/zzz").unwrap_or_default();
        assert_eq!(none.chosen(), None);
    }

    #[test]
    fn summary_sentences() {
        let q = AskedQuestion {
            text: "kayak?".into(),
            times: 1,
            outcome: Outcome::Answered,
            entry: Some("Do you rent kayaks?".into()),
            offered: Vec::new(),
        };
        assert_eq!(outcome_text(&q), "Answered: “Do you rent kayaks?”");
        assert_eq!(wait_text(Some(125_000)).as_deref(), Some("Waited 2 min"));
        let earlier = EarlierConversation {
            id: "e".into(),
            started_at: 0,
            updated_at: 0,
            phase: Phase::Archived,
            agent: Some("Bob".into()),
            last_message: None,
        };
        assert_eq!(
            earlier_text(&earlier, 3 * 3_600_000),
            "3 h ago: answered by Bob, archived"
        );
    }
}
