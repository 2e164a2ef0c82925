//! How a visitor's word the knowledge base does not spell the same way is found in it: as a
//! typo, as a closed compound of two of its words, or as a near spelling by trigrams.

use super::{term_of, Index, Lang, SOFT_MIN};
use crate::bot::lexicon::known_words;
use crate::bot::ngram::dice;
use crate::bot::text::{typo_budget, typo_distance};

impl Index {
    /// The term a misspelt word most likely stands for: the closest surface word, stem or synonym,
    /// and among equally close ones the most widespread. "resheduling" is two slips from
    /// "reschedule" but its stem is one slip from "reschedul".
    pub(super) fn correct(&self, word: &str, stem: &str) -> Option<String> {
        if typo_budget(word) == 0 {
            return None;
        }
        let surface = self
            .surface
            .iter()
            .filter(|(w, _)| w.len() >= 4)
            .map(|(w, t)| (word, w.as_str(), t.as_str()));
        let stems = self.terms.keys().map(|t| (stem, t.as_str(), t.as_str()));
        let lexicon = known_words().iter().map(|(w, t)| (word, *w, t.as_str()));
        let mut best: Option<(usize, usize, &str)> = None;
        for (typed, candidate, term) in surface.chain(stems).chain(lexicon) {
            let Some(distance) = typo_distance(typed, candidate) else {
                continue;
            };
            let Some(df) = self.terms.get(term).map(|t| t.postings.len()) else {
                continue;
            };
            let key = (distance, std::cmp::Reverse(df), term);
            if best.is_none_or(|(d, f, t)| key < (d, std::cmp::Reverse(f), t)) {
                best = Some((distance, df, term));
            }
        }
        best.map(|(_, _, term)| term.to_string())
    }

    /// A closed compound made of two knowledge-base words: "giftcard", "Kajaktour".
    pub(super) fn split(&self, word: &str, lang: Lang) -> Option<(String, String)> {
        if word.len() < 7 || !word.is_ascii() {
            return None;
        }
        (3..=word.len() - 3).rev().find_map(|at| {
            let (head, tail) = word.split_at(at);
            // German links compounds with an "s": "Geburtstagsgeschenk".
            let head = self.known_term(head, lang).or_else(|| {
                head.strip_suffix('s')
                    .filter(|h| h.len() >= 3)
                    .and_then(|h| self.known_term(h, lang))
            })?;
            let tail = self.known_term(tail, lang)?;
            Some((head, tail))
        })
    }

    pub(super) fn known_term(&self, word: &str, lang: Lang) -> Option<String> {
        if let Some(term) = self.surface.get(word) {
            return Some(term.clone());
        }
        let term = term_of(lang, word);
        self.terms.contains_key(&term).then_some(term)
    }

    /// The knowledge-base term nearest to an unknown word by trigrams, if near enough: plurals
    /// and inflections the stemmer treats apart, a compound's head ("termin" in
    /// "Zahnarzttermin").
    pub(super) fn near(&self, word: &str) -> Option<(String, f32)> {
        if word.len() < 5 {
            return None;
        }
        let mut best: Option<(f32, &str)> = None;
        for (surface, term) in &self.surface {
            if surface.len() < 4 {
                continue;
            }
            let mut similarity = dice(word, surface);
            // A compound ends with its head ("zahnarzttermin" / "termin").
            let (short, long) = if surface.len() < word.len() {
                (surface.as_str(), word)
            } else {
                (word, surface.as_str())
            };
            if short.len() >= 5 && long.ends_with(short) {
                similarity = similarity.max(0.75);
            }
            if similarity >= SOFT_MIN
                && best.is_none_or(|(s, t)| (similarity, term.as_str()) > (s, t))
            {
                best = Some((similarity, term));
            }
        }
        best.map(|(s, t)| (t.to_string(), s))
    }
}
