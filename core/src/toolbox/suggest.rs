//! Suggested answers (the seeds' "context prompter") and knowledge-base search (their
//! "prompter assistant"): the same retrieval the bot answers with, but showing the agent the
//! best entries whatever the confidence, since a person decides whether one fits.

use serde::{Deserialize, Serialize};

use crate::bot::FaqBot;
use crate::settings::FaqEntry;

/// Suggestions shown beside the composer.
pub const SUGGESTIONS_SHOWN: usize = 3;

/// One knowledge-base entry offered to the agent.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The entry's first question.
    pub title: String,
    pub answer: String,
}

/// The best entries for `text`, at most `limit`, best first; none when no entry shares a word
/// (or a close spelling) with it.
pub fn suggest(knowledge_base: &[FaqEntry], text: &str, limit: usize) -> Vec<Suggestion> {
    let Some(ranking) = FaqBot::new(knowledge_base).rank(text) else {
        return Vec::new();
    };
    ranking
        .entries
        .iter()
        .filter_map(|e| knowledge_base.get(*e))
        .take(limit)
        .map(|entry| Suggestion {
            title: entry.questions.first().cloned().unwrap_or_default(),
            answer: entry.answer.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> Vec<FaqEntry> {
        let entry = |qs: &[&str], a: &str| FaqEntry {
            questions: qs.iter().map(|q| (*q).to_string()).collect(),
            answer: a.to_string(),
        };
        vec![
            entry(
                &["Do you rent kayaks?", "kayak rental"],
                "Yes, single and double kayaks from 25 EUR a day.",
            ),
            entry(
                &["Where do we meet?", "meeting point"],
                "At the boathouse on Harbour Road 4.",
            ),
            entry(
                &["Can I cancel my booking?", "refund"],
                "Free cancellation up to 48 hours before the tour.",
            ),
        ]
    }

    #[test]
    fn the_matching_entry_comes_first() {
        let found = suggest(&kb(), "how much is it to rent a kayak for a day?", 3);
        assert_eq!(found[0].title, "Do you rent kayaks?");
        assert!(found[0].answer.starts_with("Yes, single"));
    }

    #[test]
    fn a_refund_question_finds_cancellation() {
        let found = suggest(&kb(), "I want a refund", 3);
        assert_eq!(found[0].title, "Can I cancel my booking?");
    }

    #[test]
    fn nothing_shared_finds_nothing_and_the_limit_holds() {
        assert!(suggest(&kb(), "zebra xylophone", 3).is_empty());
        assert!(suggest(&kb(), "", 3).is_empty());
        assert!(suggest(&kb(), "kayak meeting point refund", 1).len() <= 1);
        assert!(suggest(&[], "kayak", 3).is_empty());
    }
}
