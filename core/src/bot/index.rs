//! BM25F retrieval over the knowledge base: each entry is one document with two fields, its
//! question phrasings (full weight) and its answer (a fraction). A word that several phrasings of
//! one entry share gets a higher term frequency, which is what makes it that entry's word.
//!
//! A visitor's word the knowledge base does not spell the same way is looked for as a typo, as
//! two words written together ("giftcard") or one written apart, as part of a closed compound
//! ("Zahnarzttermin"), and as a near spelling by trigrams; only what is left is unknown. The
//! search reports, besides the score, how much of the message's known words the best entry
//! explains and how much weight the unknown words carry, for the confidence rule to weigh.

use super::lang::{detect, Lang};
use super::lexicon::{canonical, is_concept, join_phrases, regular};
use super::ngram::Grams;
use super::text::{tokens, FastMap};
use crate::settings::FaqEntry;

/// BM25 saturation: a third mention of a word adds little.
mod lookup;

const K1: f32 = 1.2;
/// Length normalisation, mild because entries differ in phrasing count more than in topic.
const B: f32 = 0.5;
/// How much the answer text counts next to the question phrasings.
const ANSWER_WEIGHT: f32 = 0.3;
/// How much a word found only in the answer explains of the visitor's message.
const ANSWER_COVER: f32 = 0.7;
/// How much more a general customer-service concept of the message (price, refund, cancel,
/// delivery, hours…, the lexicon's groups) counts in BM25 than another word of the same rarity.
const CONCEPT_WEIGHT: f32 = 1.5;
/// Trigram similarity a word needs to stand for a knowledge-base word it does not match.
const SOFT_MIN: f32 = 0.6;

struct Posting {
    entry: usize,
    questions: f32,
    answer: f32,
}

struct Term {
    postings: Vec<Posting>,
    idf: f32,
}

/// One content word of a visitor's message, as the index understood it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct QueryTerm {
    pub term: String,
    /// The surface word as typed (for the trigram ranker).
    pub word: String,
    /// How surely it is that knowledge-base term: 1 for an exact or corrected match, the
    /// trigram similarity for a near one, 0 for a word the knowledge base does not have.
    pub weight: f32,
}

/// How each entry scores for a message.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Scores {
    /// BM25 per entry, in units of the rarest word's IDF: 1.0 is one rare word in one phrasing,
    /// so thresholds mean the same for a site with three entries and one with two hundred.
    pub bm25: Vec<f32>,
    /// BM25 without the concept weight, for the confidence (a strength that means the same
    /// whatever words the message uses).
    pub plain: Vec<f32>,
    /// Share of the known words' weight each entry explains, 0..=1.
    pub coverage: Vec<f32>,
    /// Trigram cosine similarity per entry, 0..=1.
    pub trigram: Vec<f32>,
    /// Share of the message's weight in words the knowledge base does not have, 0..=1.
    pub unknown: f32,
    /// Number of content words in the message.
    pub words: usize,
}

pub(crate) struct Index {
    terms: FastMap<String, Term>,
    /// Folded surface word -> term, to correct typos and join compounds against what the
    /// knowledge base says.
    surface: FastMap<String, String>,
    lengths: Vec<(f32, f32)>,
    average: (f32, f32),
    grams: Grams,
    /// Each entry's phrasings as their terms, to tell how much of one phrasing a message says.
    phrasings: Vec<Vec<Vec<String>>>,
    /// The knowledge base's main language, assumed for messages too short to tell.
    pub lang: Lang,
}

/// (surface word, term) for every content word of `words`. `memo` remembers terms already
/// worked out, since the knowledge base repeats its words across entries.
pub(crate) fn analyse(
    words: Vec<String>,
    lang: Lang,
    memo: &mut FastMap<String, (Lang, String)>,
) -> Vec<(String, String)> {
    join_phrases(words)
        .into_iter()
        .filter(|w| w.len() > 1 && !w.bytes().all(|b| b.is_ascii_digit()))
        .filter(|w| !lang.is_stopword(w))
        .map(|w| {
            let term = match memo.get(&w) {
                Some((known, term)) if *known == lang => term.clone(),
                _ => {
                    let term = term_of(lang, &w);
                    memo.insert(w.clone(), (lang, term.clone()));
                    term
                }
            };
            (w, term)
        })
        .collect()
}

fn term_of(lang: Lang, word: &str) -> String {
    let base = regular(lang, word).unwrap_or(word);
    canonical(lang, lang.stem(base))
}

fn idf(entries: usize, df: usize) -> f32 {
    let (n, df) = (entries as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl Index {
    pub(crate) fn new(entries: &[FaqEntry]) -> Self {
        let mut postings: FastMap<String, Vec<Posting>> = FastMap::default();
        let mut surface = FastMap::default();
        let mut lengths = Vec::with_capacity(entries.len());
        let mut votes = [0usize; Lang::ALL.len()];
        let mut counts: FastMap<String, (f32, f32)> = FastMap::default();
        let mut memo = FastMap::default();
        let mut gram_words = Vec::with_capacity(entries.len());
        let mut phrasings = Vec::with_capacity(entries.len());
        for (entry, faq) in entries.iter().enumerate() {
            let fields: Vec<(Vec<String>, bool)> = faq
                .questions
                .iter()
                .map(|q| (tokens(q), true))
                .chain(std::iter::once((tokens(&faq.answer), false)))
                .collect();
            // The whole entry, since one short phrasing or answer may not tell its language.
            let lang = detect(fields.iter().flat_map(|(words, _)| words), Lang::En);
            votes[lang as usize] += 1;
            let mut length = (0.0, 0.0);
            let mut grams_of_entry: Vec<(String, f32)> = Vec::new();
            let mut entry_phrasings = Vec::new();
            for (words, is_question) in fields {
                let analysed = analyse(words, lang, &mut memo);
                if is_question {
                    let mut terms: Vec<String> = analysed.iter().map(|(_, t)| t.clone()).collect();
                    terms.sort();
                    terms.dedup();
                    entry_phrasings.push(terms);
                }
                for (word, term) in analysed {
                    grams_of_entry
                        .push((word.clone(), if is_question { 1.0 } else { ANSWER_WEIGHT }));
                    surface.entry(word).or_insert_with(|| term.clone());
                    let count = counts.entry(term).or_default();
                    if is_question {
                        count.0 += 1.0;
                        length.0 += 1.0;
                    } else {
                        count.1 += 1.0;
                        length.1 += 1.0;
                    }
                }
            }
            gram_words.push(grams_of_entry);
            phrasings.push(entry_phrasings);
            for (term, (questions, answer)) in counts.drain() {
                postings.entry(term).or_default().push(Posting {
                    entry,
                    questions,
                    answer,
                });
            }
            lengths.push(length);
        }
        // IDF counts the entries whose *questions* use a word: answers repeat words like "refund"
        // or "book" in passing, which says little about what the entry is for.
        let n = entries.len();
        let terms = postings
            .into_iter()
            .map(|(term, postings)| {
                let in_questions = postings.iter().filter(|p| p.questions > 0.0).count();
                let df = if in_questions > 0 {
                    in_questions
                } else {
                    postings.len()
                };
                let idf = idf(n, df);
                (term, Term { postings, idf })
            })
            .collect();
        let count = n.max(1) as f32;
        let average = (
            (lengths.iter().map(|l| l.0).sum::<f32>() / count).max(1.0),
            (lengths.iter().map(|l| l.1).sum::<f32>() / count).max(1.0),
        );
        let most = votes.iter().copied().max().unwrap_or(0);
        let lang = Lang::ALL[votes.iter().position(|v| *v == most).unwrap_or(0)];
        Self {
            terms,
            surface,
            lengths,
            average,
            grams: Grams::new(&gram_words),
            phrasings,
            lang,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.lengths.len()
    }

    /// The content words of a message as the knowledge base knows them. Only the first distinct
    /// words count: FAQ questions are short, and the look-ups compare a word with the whole
    /// vocabulary, which a pasted essay must not multiply.
    pub(crate) fn query(&self, words: &[String]) -> Vec<QueryTerm> {
        self.query_after(words, &[])
    }

    /// [`Index::query`] for a part of a message whose whole was already looked up as `prior`:
    /// a word the whole message resolved (typo, compound, near spelling) is not looked up again.
    pub(crate) fn query_after(&self, words: &[String], prior: &[QueryTerm]) -> Vec<QueryTerm> {
        const MAX_TERMS: usize = 32;
        const MAX_LOOKUPS: usize = 8;
        let lang = detect(words, self.lang);
        let analysed = analyse(words.to_vec(), lang, &mut FastMap::default());
        let mut terms: Vec<QueryTerm> = Vec::new();
        let mut lookups = 0;
        let mut skip = false;
        for (k, (word, term)) in analysed.iter().enumerate() {
            if terms.len() >= MAX_TERMS {
                break;
            }
            if std::mem::take(&mut skip) || terms.iter().any(|t| &t.word == word) {
                continue;
            }
            let known = |term: &str, weight: f32| QueryTerm {
                term: term.to_string(),
                word: word.clone(),
                weight,
            };
            // "gift card" where the knowledge base says "giftcard", or "wheel chair".
            if let Some((next, _)) = analysed.get(k + 1) {
                let joined = format!("{word}{next}");
                if let Some(t) = self
                    .known_term(&joined, lang)
                    .filter(|_| !self.terms.contains_key(term))
                {
                    terms.push(known(&t, 1.0));
                    skip = true;
                    continue;
                }
            }
            if self.terms.contains_key(term) {
                terms.push(known(term, 1.0));
                continue;
            }
            let before = terms.len();
            terms.extend(prior.iter().filter(|t| &t.word == word).cloned());
            if terms.len() > before {
                continue;
            }
            if lookups >= MAX_LOOKUPS {
                terms.push(known(term, 0.0));
                continue;
            }
            lookups += 1;
            if let Some(corrected) = self.correct(word, term) {
                terms.push(known(&corrected, 1.0));
            } else if let Some((head, tail)) = self.split(word, lang) {
                terms.push(known(&head, 1.0));
                terms.push(known(&tail, 1.0));
            } else if let Some((near, similarity)) = self.near(word) {
                terms.push(known(&near, similarity));
            } else {
                terms.push(known(term, 0.0));
            }
        }
        terms
    }

    /// How much of its best phrasing the message says, by IDF weight, 0..=1: "do you sell
    /// handbags" says a third of "Do you sell gift cards?", "gift cards?" nearly all of it.
    pub(crate) fn phrasing_match(&self, entry: usize, query: &[QueryTerm]) -> f32 {
        let Some(phrasings) = self.phrasings.get(entry) else {
            return 0.0;
        };
        let said = |term: &String| {
            query
                .iter()
                .filter(|q| &q.term == term)
                .map(|q| q.weight)
                .fold(0.0f32, f32::max)
        };
        let idf_of = |term: &String| self.terms.get(term).map_or(0.0, |t| t.idf);
        phrasings
            .iter()
            .map(|terms| {
                let total: f32 = terms.iter().map(idf_of).sum();
                let hit: f32 = terms.iter().map(|t| idf_of(t) * said(t)).sum();
                if total > 0.0 {
                    hit / total
                } else {
                    0.0
                }
            })
            .fold(0.0, f32::max)
    }

    /// Every entry's scores for `query`.
    pub(crate) fn scores(&self, query: &[QueryTerm]) -> Scores {
        let n = self.len();
        let mut bm25 = vec![0.0f32; n];
        let mut plain = vec![0.0f32; n];
        let mut cover = vec![0.0f32; n];
        let unit = idf(n, 1);
        let (mut known_total, mut unknown_total) = (0.0f32, 0.0f32);
        let mut seen: Vec<&str> = Vec::new();
        for query_term in query {
            let term = self
                .terms
                .get(&query_term.term)
                .filter(|_| query_term.weight > 0.0);
            let Some(term) = term else {
                unknown_total += unit;
                continue;
            };
            // A split compound or a synonym may bring the same term twice.
            if seen.contains(&query_term.term.as_str()) {
                continue;
            }
            seen.push(&query_term.term);
            let weight = query_term.weight;
            // What the message asks (price, refund, delivery…) decides between entries about
            // the same thing more than a detail does ("cost of the full-day tour").
            let boost = if is_concept(&query_term.term) {
                CONCEPT_WEIGHT
            } else {
                1.0
            };
            known_total += term.idf * weight;
            unknown_total += unit * (1.0 - weight);
            for p in &term.postings {
                let (len_q, len_a) = self.lengths[p.entry];
                let tf_q = p.questions / (1.0 - B + B * len_q / self.average.0);
                let tf_a = p.answer / (1.0 - B + B * len_a / self.average.1);
                let tf = tf_q + ANSWER_WEIGHT * tf_a;
                let score = weight * term.idf * tf * (K1 + 1.0) / (tf + K1);
                bm25[p.entry] += boost * score;
                plain[p.entry] += score;
                cover[p.entry] +=
                    weight * term.idf * if p.questions > 0.0 { 1.0 } else { ANSWER_COVER };
            }
        }
        for score in bm25.iter_mut().chain(&mut plain) {
            *score /= unit;
        }
        for c in &mut cover {
            *c = if known_total > 0.0 {
                *c / known_total
            } else {
                0.0
            };
        }
        let words: Vec<&str> = query.iter().map(|t| t.word.as_str()).collect();
        let trigram = if words.is_empty() {
            vec![0.0; n]
        } else {
            self.grams.similarity(&words)
        };
        let total = known_total + unknown_total;
        Scores {
            bm25,
            plain,
            coverage: cover,
            trigram,
            unknown: if total > 0.0 {
                unknown_total / total
            } else {
                0.0
            },
            words: query.len(),
        }
    }
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
