//! How sure the bot is that the best-ranked entry answers the message: a logistic model over a
//! few scale-free features of the ranking, fitted on the tuning halves of four unrelated
//! businesses at once (`core/tests/bot_calibration.rs`, `fit_confidence`), never on one.
//!
//! Words the knowledge base does not have count on their own (`unknown`), not as a share the
//! best entry failed to explain: a short story around a question ("we are visiting next week
//! with the kids, is there parking?") is not a question about something else.

use super::index::Scores;

/// How much the trigram similarity counts next to BM25 when ranking (BM25 is in units of one
/// rare word, the similarity is 0..=1).
pub(crate) const TRIGRAM_WEIGHT: f32 = 2.0;

/// Features of the best entry, in the order of [`WEIGHTS`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Features {
    /// ln(1 + BM25 of the best entry), in units of one rare word.
    pub strength: f32,
    /// Share of the message's known words the best entry explains.
    pub coverage: f32,
    /// Trigram similarity of the best entry.
    pub trigram: f32,
    /// Share of the message's weight in words the knowledge base does not have.
    pub unknown: f32,
    /// (best − second) / best of the fused score: 1 when nothing else comes close.
    pub margin: f32,
    /// How much of the best entry's closest phrasing the message says.
    pub phrasing: f32,
}

impl Features {
    pub fn to_array(self) -> [f32; 6] {
        [
            self.strength,
            self.coverage,
            self.trigram,
            self.unknown,
            self.margin,
            self.phrasing,
        ]
    }

    pub fn from_array(x: [f32; 6]) -> Self {
        Self {
            strength: x[0],
            coverage: x[1],
            trigram: x[2],
            unknown: x[3],
            margin: x[4],
            phrasing: x[5],
        }
    }
}

/// Fitted by `fit_confidence` on the tuning halves of the four businesses (bias first, then
/// the features in their order).
pub const WEIGHTS: [f32; 7] = [-2.294, 1.205, 1.002, 1.434, -1.510, 2.242, 0.609];

/// At or above: quote the entry's answer. Chosen on the tuning halves so that at most about one
/// unanswerable question in ten gets an answer (a wrong answer costs more than a question back).
pub const ANSWER_AT: f32 = 0.62;
/// At or above (and below [`ANSWER_AT`]): offer the best entries as "Did you mean…?". Low: a
/// visitor loses nothing by a question back, and gibberish matches nothing at all.
pub const SUGGEST_AT: f32 = 0.2;
/// Offered entries must score at least this share of the best one.
pub(crate) const SUGGEST_SHARE: f32 = 0.5;

/// The fused score each entry is ranked by.
pub(crate) fn fused(scores: &Scores) -> Vec<f32> {
    scores
        .bm25
        .iter()
        .zip(&scores.trigram)
        .map(|(bm25, trigram)| bm25 + TRIGRAM_WEIGHT * trigram)
        .collect()
}

/// The features of entry `best`, given the fused scores of all entries.
pub(crate) fn features(
    scores: &Scores,
    fused: &[f32],
    best: usize,
    second: Option<usize>,
    phrasing: f32,
) -> Features {
    let top = fused.get(best).copied().unwrap_or(0.0);
    let runner_up = second.and_then(|s| fused.get(s)).copied().unwrap_or(0.0);
    Features {
        strength: scores.plain.get(best).copied().unwrap_or(0.0).ln_1p(),
        coverage: scores.coverage.get(best).copied().unwrap_or(0.0),
        trigram: scores.trigram.get(best).copied().unwrap_or(0.0),
        unknown: scores.unknown,
        margin: if top > 0.0 {
            (top - runner_up) / top
        } else {
            0.0
        },
        phrasing,
    }
}

/// Probability that the best entry is the right answer.
pub fn confidence(features: &Features, weights: &[f32; 7]) -> f32 {
    let z = weights[0]
        + features
            .to_array()
            .iter()
            .zip(&weights[1..])
            .map(|(x, w)| x * w)
            .sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}
