//! BM25F retrieval over the knowledge base: each entry is one document with two fields, its
//! question phrasings (full weight) and its answer (a fraction). A word that several phrasings of
//! one entry share gets a higher term frequency, which is what makes it that entry's word.
//!
//! Besides the BM25 score, a search reports *coverage*: the share of the message's weight (IDF)
//! that the best entry explains. Unknown words weigh in too, so "do you sell bicycles" does not
//! count as understood just because "sell" appears somewhere.

use super::lang::{detect, Lang};
use super::lexicon::{canonical, join_phrases, known_words};
use super::text::{tokens, typo_budget, typo_distance, FastMap};
use crate::settings::FaqEntry;

/// BM25 saturation: a third mention of a word adds little.
const K1: f32 = 1.2;
/// Length normalisation, mild because entries differ in phrasing count more than in topic.
const B: f32 = 0.5;
/// How much the answer text counts next to the question phrasings.
const ANSWER_WEIGHT: f32 = 0.3;
/// How much a word found only in the answer explains of the visitor's message.
const ANSWER_COVER: f32 = 0.7;
/// Weight of a word the knowledge base does not know, relative to the rarest known word: it is
/// at least as telling, since nothing here can answer it.
const UNKNOWN_WEIGHT: f32 = 1.0;

struct Posting {
    entry: usize,
    questions: f32,
    answer: f32,
}

struct Term {
    postings: Vec<Posting>,
    idf: f32,
}

/// The best entry for a message.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Match {
    pub entry: usize,
    /// BM25 score in units of the rarest word's IDF, so thresholds mean the same for a site
    /// with three entries and one with a hundred: 1.0 is one rare word in one phrasing.
    pub score: f32,
    /// Share of the message's weight this entry explains, 0..=1.
    pub coverage: f32,
}

/// One content word of a visitor's message.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct QueryTerm {
    pub term: String,
    pub known: bool,
}

pub(crate) struct Index {
    terms: FastMap<String, Term>,
    /// Folded surface word -> term, to correct typos against what the knowledge base says.
    surface: FastMap<String, String>,
    lengths: Vec<(f32, f32)>,
    average: (f32, f32),
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
                    let term = canonical(lang, lang.stem(&w));
                    memo.insert(w.clone(), (lang, term.clone()));
                    term
                }
            };
            (w, term)
        })
        .collect()
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
        let mut votes = [0usize; 4];
        let mut counts: FastMap<String, (f32, f32)> = FastMap::default();
        let mut memo = FastMap::default();
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
            for (words, is_question) in fields {
                for (word, term) in analyse(words, lang, &mut memo) {
                    if word.len() >= 4 && word != term && !surface.contains_key(&word) {
                        surface.insert(word, term.clone());
                    }
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
            lang,
        }
    }

    /// The term a misspelt word most likely stands for: the closest surface word, stem or synonym,
    /// and among equally close ones the most widespread. "resheduling" is two slips from
    /// "reschedule" but its stem is one slip from "reschedul".
    fn correct(&self, word: &str, stem: &str) -> Option<String> {
        if typo_budget(word) == 0 {
            return None;
        }
        let surface = self
            .surface
            .iter()
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

    /// The content words of a message, typos corrected where the knowledge base allows. Only
    /// the first distinct words count: FAQ questions are short, and typo correction compares a
    /// word with the whole vocabulary, which a pasted essay must not multiply.
    pub(crate) fn query(&self, words: &[String]) -> Vec<QueryTerm> {
        const MAX_TERMS: usize = 32;
        const MAX_CORRECTIONS: usize = 6;
        let lang = detect(words, self.lang);
        let mut terms: Vec<QueryTerm> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut corrections = 0;
        for (word, term) in analyse(words.to_vec(), lang, &mut FastMap::default()) {
            if terms.len() >= MAX_TERMS {
                break;
            }
            if seen.contains(&word) {
                continue;
            }
            let next = if self.terms.contains_key(&term) {
                QueryTerm { term, known: true }
            } else if let Some(corrected) = (corrections < MAX_CORRECTIONS)
                .then(|| {
                    corrections += 1;
                    self.correct(&word, &term)
                })
                .flatten()
            {
                QueryTerm {
                    term: corrected,
                    known: true,
                }
            } else {
                QueryTerm { term, known: false }
            };
            seen.push(word);
            if !terms.contains(&next) {
                terms.push(next);
            }
        }
        terms
    }

    /// The highest-scoring entry, if any entry shares a word with the message.
    pub(crate) fn search(&self, query: &[QueryTerm]) -> Option<Match> {
        let scores = self.search_all(query);
        let (entry, (score, coverage)) = scores
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))?;
        let unit = idf(self.lengths.len(), 1);
        (score > 0.0).then_some(Match {
            entry,
            score: score / unit,
            coverage,
        })
    }

    /// (score, coverage) of every entry.
    fn search_all(&self, query: &[QueryTerm]) -> Vec<(f32, f32)> {
        let mut scores = vec![(0.0f32, 0.0f32); self.lengths.len()];
        let unknown = idf(self.lengths.len(), 1) * UNKNOWN_WEIGHT;
        let mut total = 0.0;
        for query_term in query {
            let Some(term) = self
                .terms
                .get(&query_term.term)
                .filter(|_| query_term.known)
            else {
                total += unknown;
                continue;
            };
            total += term.idf;
            for p in &term.postings {
                let (len_q, len_a) = self.lengths[p.entry];
                let tf_q = p.questions / (1.0 - B + B * len_q / self.average.0);
                let tf_a = p.answer / (1.0 - B + B * len_a / self.average.1);
                let tf = tf_q + ANSWER_WEIGHT * tf_a;
                let (score, cover) = &mut scores[p.entry];
                *score += term.idf * tf * (K1 + 1.0) / (tf + K1);
                *cover += term.idf * if p.questions > 0.0 { 1.0 } else { ANSWER_COVER };
            }
        }
        for (_, cover) in &mut scores {
            *cover = if total > 0.0 { *cover / total } else { 0.0 };
        }
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::text::tokens;

    fn kb() -> Vec<FaqEntry> {
        let entry = |qs: &[&str], a: &str| FaqEntry {
            questions: qs.iter().map(|q| (*q).to_string()).collect(),
            answer: a.to_string(),
        };
        vec![
            entry(
                &["How do I book?", "Can I reserve online?"],
                "Book on our website.",
            ),
            entry(
                &["What does it cost?", "What are your prices?"],
                "790 NOK per person.",
            ),
            entry(
                &["Can I rent a kayak?", "Do you hire out kayaks?"],
                "Rentals from 450 NOK.",
            ),
            entry(&["Is there parking?"], "Free parking behind the boathouse."),
        ]
    }

    fn best(index: &Index, text: &str) -> Option<Match> {
        index.search(&index.query(&tokens(text)))
    }

    #[test]
    fn finds_paraphrases_through_stems_and_synonyms() {
        let index = Index::new(&kb());
        assert_eq!(best(&index, "bookings?").map(|m| m.entry), Some(0));
        assert_eq!(best(&index, "how much is it").map(|m| m.entry), Some(1));
        assert_eq!(best(&index, "kayak hire").map(|m| m.entry), Some(2));
        assert_eq!(best(&index, "where can I park").map(|m| m.entry), Some(3));
    }

    #[test]
    fn corrects_typos_against_the_vocabulary() {
        let index = Index::new(&kb());
        let terms = index.query(&tokens("parkng boathose"));
        assert!(terms.iter().all(|t| t.known), "{terms:?}");
        assert_eq!(index.search(&terms).map(|m| m.entry), Some(3));
    }

    #[test]
    fn unknown_words_lower_coverage() {
        let index = Index::new(&kb());
        let full = best(&index, "kayak rental")
            .map(|m| m.coverage)
            .unwrap_or(0.0);
        let diluted = best(&index, "kayak rental for my spaceship on the asteroid belt");
        let diluted = diluted.map(|m| m.coverage).unwrap_or(1.0);
        assert!(full > 0.99, "{full}");
        assert!(diluted < 0.5, "{diluted}");
        assert_eq!(best(&index, "bananas"), None);
    }

    #[test]
    fn empty_knowledge_base_answers_nothing() {
        let index = Index::new(&[]);
        assert_eq!(best(&index, "hello"), None);
    }
}
