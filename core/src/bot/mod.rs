//! The bot that answers visitors by default. The conversation rules only need three things from
//! it: an answer, whether it understood, and whether the visitor asked for a human.
//!
//! The embedded bot is retrieval, not generation: it normalises the message (accents, contractions,
//! Snowball stemming, general customer-service synonyms, typo correction, compounds), ranks the
//! site's FAQ entries by word BM25 fused with character-trigram similarity, and quotes the best
//! entry's answer only when a calibrated confidence says so; when the match is plausible but
//! unclear it offers the best entries as "Did you mean…?". It never invents an answer and needs
//! no model download, network or clock.

mod confidence;
mod faq;
mod human;
mod index;
mod lang;
mod lexicon;
pub mod llm;
mod ngram;
mod replies;
mod smalltalk;
mod text;

pub use confidence::{confidence, Features, ANSWER_AT, SUGGEST_AT, WEIGHTS};
pub use faq::{FaqBot, Ranking};
pub use human::wants_human;

/// Whether `text` is nothing but small talk ("hi", "thanks a lot", "bye"): not a question.
pub fn is_small_talk(text: &str) -> bool {
    let talk = smalltalk::scan(&text::tokens(text));
    talk.pure && talk.kind.is_some()
}

/// The two-letter language most of `texts` is written in, by stopwords; `None` when they
/// hold too few to tell ("kayak prices?").
pub fn language_of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    let words: Vec<String> = texts.into_iter().flat_map(text::tokens).collect();
    // Two guesses with different fallbacks agree only when one language clearly wins.
    let first = lang::detect(&words, lang::Lang::En);
    let second = lang::detect(&words, lang::Lang::De);
    (first == second).then(|| first.code())
}

/// A key under which two wordings of the same question meet: lowercase, accents folded,
/// punctuation and spacing ignored ("Do you rent kayaks?" and "do you rent  KAYAKS").
pub fn question_key(text: &str) -> String {
    text::tokens(text).join(" ")
}

/// The content terms of a question as retrieval sees them: small talk, stopwords and numbers
/// dropped, words stemmed in the message's language and mapped to their general synonym; sorted,
/// each once. Two wordings with the same terms ask the same thing ("Do you rent kayaks?", "kayak
/// rental?").
pub fn question_terms(text: &str) -> Vec<String> {
    let words = text::tokens(text);
    let lang = lang::detect(&words, lang::Lang::En);
    let rest = smalltalk::scan(&words).rest;
    let mut memo = text::FastMap::default();
    let mut terms: Vec<String> = index::analyse(rest, lang, &mut memo)
        .into_iter()
        .map(|(_, term)| term)
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// How alike two words are by their character trigrams (0..=1), as the bot's second ranker
/// sees them: a typo ("kayak", "kayka") stays close.
pub fn word_similarity(a: &str, b: &str) -> f32 {
    ngram::dice(a, b)
}

/// Whether two words are at most one slip apart (the bot's typo measure).
pub fn one_slip_apart(a: &str, b: &str) -> bool {
    text::edit_distance_within(a, b, 1).is_some()
}

/// A bot's answer to one visitor message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BotReply {
    pub text: String,
    /// False feeds the consecutive not-understood counter (handoff trigger 3).
    pub understood: bool,
    /// The visitor asked for a person (handoff trigger 2).
    pub wants_human: bool,
    /// "Did you mean…?": entries offered (by their first question) when the bot is unsure.
    /// Such a reply is not understood, but counts as such only if the visitor ignores it.
    pub suggestions: Vec<String>,
}

/// Anything that can answer a visitor: the embedded knowledge-base bot, or an LLM whose answer
/// the edge fetched beforehand.
pub trait Bot {
    fn answer(&self, text: &str) -> BotReply;

    /// The visitor pressed a "Did you mean…?" button: the entry whose first question it is.
    fn choose(&self, question: &str) -> BotReply {
        self.answer(question)
    }
}
