//! The knowledge-base bot: human requests first, then small talk, then retrieval over the
//! site's entries; the answer when the confidence rule is sure, "Did you mean…?" with the best
//! entries when it is plausible but unclear, and an honest "not understood" below that.

use std::cell::RefCell;
use std::hash::Hasher;
use std::rc::Rc;

use super::confidence::{
    confidence, features, fused, Features, ANSWER_AT, SUGGEST_AT, SUGGEST_SHARE, WEIGHTS,
};
use super::index::{Index, QueryTerm};
use super::lang::detect;
use super::smalltalk::scan;
use super::text::{stable_hash, tokens, Fnv};
use super::{replies, wants_human, Bot, BotReply};
use crate::settings::FaqEntry;

/// Entries offered at most as "Did you mean…?".
const MAX_SUGGESTIONS: usize = 3;

/// Indexes kept for the knowledge bases seen last, by a hash of their text: the edge builds a
/// bot per message, and a conversation's object (or its isolate's next conversation of the same
/// site) asks about the same knowledge base again and again. Pure memoisation: the index is a
/// function of the entries only.
const CACHED: usize = 4;

thread_local! {
    static INDEXES: RefCell<Vec<(u64, Rc<Index>)>> = const { RefCell::new(Vec::new()) };
}

fn knowledge_base_hash(entries: &[FaqEntry]) -> u64 {
    let mut hasher = Fnv::default();
    for entry in entries {
        for question in &entry.questions {
            hasher.write(question.as_bytes());
            hasher.write(&[0]);
        }
        hasher.write(&[1]);
        hasher.write(entry.answer.as_bytes());
        hasher.write(&[2]);
    }
    hasher.write(&(entries.len() as u64).to_le_bytes());
    hasher.finish()
}

/// Answers from a site's FAQ entries. Building one looks the index up in a small cache first
/// (see the README for the cold and warm figures on a 200-entry knowledge base).
pub struct FaqBot<'a> {
    entries: &'a [FaqEntry],
    index: Rc<Index>,
}

/// How the bot ranked the entries for a message, for evaluation and calibration.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    /// Entries sharing anything with the message, best first.
    pub entries: Vec<usize>,
    pub features: Features,
    pub confidence: f32,
}

impl<'a> FaqBot<'a> {
    pub fn new(entries: &'a [FaqEntry]) -> Self {
        let key = knowledge_base_hash(entries);
        let cached = INDEXES.with_borrow_mut(|cache| {
            let at = cache.iter().position(|(k, _)| *k == key)?;
            let hit = cache.remove(at);
            let index = Rc::clone(&hit.1);
            cache.insert(0, hit);
            Some(index)
        });
        let index = cached.unwrap_or_else(|| {
            let index = Rc::new(Index::new(entries));
            INDEXES.with_borrow_mut(|cache| {
                cache.insert(0, (key, Rc::clone(&index)));
                cache.truncate(CACHED);
            });
            index
        });
        Self { entries, index }
    }

    /// Builds the index without the cache, to measure what a first message costs.
    pub fn uncached(entries: &'a [FaqEntry]) -> Self {
        Self {
            entries,
            index: Rc::new(Index::new(entries)),
        }
    }

    /// The entries ranked for the retrieval part of `text` (small talk removed); `None` when
    /// no entry shares anything with it.
    pub fn rank(&self, text: &str) -> Option<Ranking> {
        let talk = scan(&tokens(text));
        self.rank_message(text, &talk.rest)
    }

    /// The ranking of the whole message, made surer when one of its sentences or clauses on its
    /// own ranks the same entry first with more confidence: "ordered yesterday, when will it
    /// come?", or a question after a story. A clause never picks another entry on its own: a
    /// story's clause ("we would share a double") can match something the visitor did not ask.
    fn rank_message(&self, text: &str, rest: &[String]) -> Option<Ranking> {
        let terms = self.index.query(rest);
        let mut whole = self.rank_terms(&terms)?;
        let clauses = text
            .split(['?', '!', '.', ';', ',', '\n'])
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if clauses.clone().nth(1).is_none() {
            return Some(whole);
        }
        for clause in clauses {
            let words = scan(&tokens(clause)).rest;
            let Some(part) = self.rank_terms(&self.index.query_after(&words, &terms)) else {
                continue;
            };
            if part.confidence > whole.confidence && part.entries.first() == whole.entries.first() {
                whole.confidence = part.confidence;
                whole.features = part.features;
            }
        }
        Some(whole)
    }

    #[cfg(test)]
    fn rank_words(&self, words: &[String]) -> Option<Ranking> {
        self.rank_terms(&self.index.query(words))
    }

    fn rank_terms(&self, terms: &[QueryTerm]) -> Option<Ranking> {
        let scores = self.index.scores(terms);
        let fused = fused(&scores);
        let mut ranked: Vec<usize> = (0..fused.len()).filter(|e| fused[*e] > 0.0).collect();
        ranked.sort_by(|a, b| fused[*b].total_cmp(&fused[*a]).then(a.cmp(b)));
        let best = *ranked.first()?;
        let phrasing = self.index.phrasing_match(best, terms);
        let features = features(&scores, &fused, best, ranked.get(1).copied(), phrasing);
        let share = fused[best] * SUGGEST_SHARE;
        ranked.retain(|e| fused[*e] >= share.min(fused[best]));
        Some(Ranking {
            entries: ranked,
            confidence: confidence(&features, &WEIGHTS),
            features,
        })
    }

    /// The answer of the entry whose first question is `question` (a "Did you mean…?" button).
    pub fn entry_answer(&self, question: &str) -> Option<&'a str> {
        self.entries
            .iter()
            .find(|e| e.questions.first().is_some_and(|q| q == question))
            .map(|e| e.answer.as_str())
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
        let ranking = self.rank_message(text, &talk.rest);
        if let Some(ranking) = &ranking {
            let best = ranking.entries.first().and_then(|e| self.entries.get(*e));
            if let (Some(entry), true) = (best, ranking.confidence >= ANSWER_AT) {
                return reply(&entry.answer, true, false);
            }
            if ranking.confidence >= SUGGEST_AT {
                let suggestions: Vec<String> = ranking
                    .entries
                    .iter()
                    .take(MAX_SUGGESTIONS)
                    .filter_map(|e| self.entries.get(*e)?.questions.first().cloned())
                    .collect();
                if !suggestions.is_empty() {
                    return BotReply {
                        suggestions,
                        ..reply(replies::did_you_mean(lang), false, false)
                    };
                }
            }
        }
        // "Hi there, I have a question": a greeting with nothing to look up.
        if let (None, Some(found)) = (&ranking, talk.kind) {
            return small_talk(found);
        }
        reply(replies::fallback(lang, hash), false, false)
    }

    fn choose(&self, question: &str) -> BotReply {
        match self.entry_answer(question) {
            Some(answer) => reply(answer, true, false),
            None => self.answer(question),
        }
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
    fn a_clear_clause_makes_a_long_message_sure_but_never_picks_another_entry() {
        let kb = kb();
        let bot = FaqBot::new(&kb);
        let story =
            "we fly in on monday with two teenagers and a lot of luggage from the airport, \
                     where do we meet?";
        let (Some(whole), Some(ranked)) =
            (bot.rank_words(&scan(&tokens(story)).rest), bot.rank(story))
        else {
            panic!("nothing ranked for {story:?}");
        };
        assert_eq!(ranked.entries.first(), Some(&0));
        assert_eq!(ranked.entries, whole.entries);
        assert!(ranked.confidence > whole.confidence, "{ranked:?} {whole:?}");
        assert_eq!(bot.answer(story).text, "At the boathouse.");
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

    /// The knowledge base of the widget's "Did you mean…?" browser test.
    fn shop() -> Vec<FaqEntry> {
        let entry = |qs: &[&str], a: &str| FaqEntry {
            questions: qs.iter().map(|q| (*q).to_string()).collect(),
            answer: a.to_string(),
        };
        vec![
            entry(
                &["How long does delivery take?"],
                "Delivery takes 2 to 4 working days.",
            ),
            entry(
                &["How much is shipping?", "Is delivery free?"],
                "Shipping is free over 60 EUR.",
            ),
            entry(
                &["Do you ship outside the EU?"],
                "We ship to the UK, Switzerland and the US.",
            ),
            entry(
                &["What are your opening hours?"],
                "We are open from 9 to 17.",
            ),
        ]
    }

    #[test]
    fn an_unclear_message_offers_the_closest_entries_and_a_click_answers() {
        let kb = shop();
        let bot = FaqBot::new(&kb);
        let got = bot.answer("delivery?");
        assert!(!got.understood && !got.wants_human, "{got:?}");
        assert_eq!(
            got.suggestions,
            vec!["How long does delivery take?", "How much is shipping?"],
            "{got:?}"
        );
        assert!(replies::did_you_mean(Lang::En) == got.text);
        let chosen = bot.choose("How long does delivery take?");
        assert_eq!(
            (chosen.text.as_str(), chosen.understood),
            ("Delivery takes 2 to 4 working days.", true)
        );
        // A question that is no longer an entry's first is answered like a message.
        assert!(bot.choose("What are your opening hours?").understood);
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
