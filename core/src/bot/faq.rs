//! The knowledge-base bot: human requests first, then small talk, then retrieval over the
//! site's entries, and an honest "not understood" below a confidence threshold.

use super::index::{Index, Match};
use super::lang::detect;
use super::smalltalk::scan;
use super::text::{stable_hash, tokens};
use super::{replies, wants_human, Bot, BotReply};
use crate::settings::FaqEntry;

/// Share of the message the best entry must explain. Below it the bot says it did not
/// understand rather than answer something else: a wrong answer costs more than a handoff.
const MIN_COVERAGE: f32 = 0.5;
/// Minimum score (1.0 = one rare word in one phrasing), so a single common word ("tour") is not
/// enough on its own.
const MIN_SCORE: f32 = 0.3;
/// Explaining only about half the message ("do you sell bicycles": "sell" known, "bicycles"
/// not) is enough only when the match is strong: the word recurs across the entry's phrasings
/// ("is there a maximum age": "age" is what that entry is about).
const CLEAR_COVERAGE: f32 = 0.6;
const STRONG_SCORE: f32 = 1.2;

/// Answers from a site's FAQ entries. Cheap to build (an index over a few dozen entries takes
/// well under a millisecond), so the caller may build one per message.
pub struct FaqBot<'a> {
    entries: &'a [FaqEntry],
    index: Index,
}

impl<'a> FaqBot<'a> {
    pub fn new(entries: &'a [FaqEntry]) -> Self {
        Self {
            entries,
            index: Index::new(entries),
        }
    }

    fn confident(found: &Match) -> bool {
        found.coverage >= MIN_COVERAGE
            && found.score >= MIN_SCORE
            && (found.coverage >= CLEAR_COVERAGE || found.score >= STRONG_SCORE)
    }
}

fn reply(text: &str, understood: bool, wants_human: bool) -> BotReply {
    BotReply {
        text: text.to_string(),
        understood,
        wants_human,
        suggestions: Vec::new(),
    }
}

impl Bot for FaqBot<'_> {
    fn answer(&self, text: &str) -> BotReply {
        let words = tokens(text);
        let lang = detect(&words, self.index.lang);
        let hash = stable_hash(&words);
        if wants_human(text) {
            return reply(replies::handoff(lang), true, true);
        }
        let talk = scan(&words);
        let small_talk = |(kind, said_in): (_, Option<_>)| {
            reply(
                replies::small_talk(kind, said_in.unwrap_or(lang), hash),
                true,
                false,
            )
        };
        if talk.pure {
            if let Some(found) = talk.kind {
                return small_talk(found);
            }
        }
        let terms = self.index.query(&talk.rest);
        let best = self.index.search(&terms).filter(Self::confident);
        if let Some(entry) = best.and_then(|found| self.entries.get(found.entry)) {
            return reply(&entry.answer, true, false);
        }
        // "Hi there, I have a question": a greeting with nothing to look up.
        if let (true, Some(found)) = (terms.is_empty(), talk.kind) {
            return small_talk(found);
        }
        reply(replies::fallback(lang, hash), false, false)
    }
}

#[cfg(test)]
mod tests {
    use super::super::lang::Lang;
    use super::*;

    fn kb() -> Vec<FaqEntry> {
        let entry = |qs: &[&str], a: &str| FaqEntry {
            questions: qs.iter().map(|q| (*q).to_string()).collect(),
            answer: a.to_string(),
        };
        vec![
            entry(
                &["Where is the meeting point?", "Where do we meet?"],
                "At the boathouse.",
            ),
            entry(
                &["How much does a tour cost?", "What are your prices?"],
                "790 NOK per person.",
            ),
            entry(
                &["Can I bring my dog?", "Are pets allowed?"],
                "Dogs are welcome on hikes.",
            ),
        ]
    }

    #[test]
    fn answers_paraphrases_and_typos() {
        let kb = kb();
        let bot = FaqBot::new(&kb);
        for (text, answer) in [
            ("where should we meet you", "At the boathouse."),
            ("Hi! what's the prise?", "790 NOK per person."),
            ("are puppies allowed", "Dogs are welcome on hikes."),
        ] {
            let got = bot.answer(text);
            assert_eq!(
                (got.text.as_str(), got.understood),
                (answer, true),
                "{text}"
            );
        }
    }

    #[test]
    fn small_talk_is_understood_but_not_an_answer() {
        let kb = kb();
        let bot = FaqBot::new(&kb);
        for text in [
            "hello",
            "Danke schön!",
            "bye",
            "hi there, I have a question",
        ] {
            let got = bot.answer(text);
            assert!(got.understood && !got.wants_human, "{text}");
            assert!(kb.iter().all(|e| e.answer != got.text), "{text}");
        }
        assert!(bot.answer("Gracias").text.contains("nada"));
    }

    #[test]
    fn not_understood_varies_and_offers_a_person() {
        let kb = kb();
        let bot = FaqBot::new(&kb);
        let replies: Vec<BotReply> = [
            "what is the capital of peru",
            "asdf",
            "tell me a poem about cheese",
        ]
        .iter()
        .map(|t| bot.answer(t))
        .collect();
        assert!(replies.iter().all(|r| !r.understood && !r.wants_human));
        assert!(replies.iter().all(|r| r.text.contains("person")));
        let mut texts: Vec<&str> = replies.iter().map(|r| r.text.as_str()).collect();
        texts.dedup();
        assert!(texts.len() > 1, "fallbacks never vary: {texts:?}");
        assert_eq!(bot.answer("asdf"), bot.answer("asdf"));
    }

    #[test]
    fn works_with_a_single_entry() {
        let kb = vec![FaqEntry {
            questions: vec!["What are your opening hours?".into()],
            answer: "We are open 9 to 17.".into(),
        }];
        let bot = FaqBot::new(&kb);
        assert!(bot.answer("are you open?").understood);
        assert!(bot.answer("opening hours?").understood);
        assert!(!bot.answer("do you sell bicycles?").understood);
    }

    #[test]
    fn answers_a_german_knowledge_base_in_german() {
        let entry = |qs: &[&str], a: &str| FaqEntry {
            questions: qs.iter().map(|q| (*q).to_string()).collect(),
            answer: a.to_string(),
        };
        let kb = vec![
            entry(
                &["Was kostet eine Tour?", "Wie hoch sind die Preise?"],
                "790 NOK pro Person.",
            ),
            entry(
                &["Wo ist der Treffpunkt?", "Wo treffen wir uns?"],
                "Am Bootshaus am Hafen.",
            ),
            entry(
                &["Kann ich meinen Hund mitbringen?", "Sind Hunde erlaubt?"],
                "Hunde sind willkommen.",
            ),
        ];
        let bot = FaqBot::new(&kb);
        assert_eq!(
            bot.answer("Welchen Preis hat die Tour?").text,
            "790 NOK pro Person."
        );
        assert_eq!(
            bot.answer("Darf mein Hund mit?").text,
            "Hunde sind willkommen."
        );
        assert_eq!(
            bot.answer("wo treffen wir uns denn").text,
            "Am Bootshaus am Hafen."
        );
        let lost = bot.answer("Was ist die Hauptstadt von Peru?");
        let german = (0..3).any(|h| replies::fallback(Lang::De, h) == lost.text);
        assert!(!lost.understood && german, "{}", lost.text);
    }

    #[test]
    fn human_requests_win_and_empty_knowledge_base_falls_back() {
        let kb = kb();
        assert!(
            FaqBot::new(&kb)
                .answer("can I talk to a person about prices?")
                .wants_human
        );
        let got = FaqBot::new(&[]).answer("where do we meet?");
        assert!(!got.understood && !got.wants_human);
    }
}
