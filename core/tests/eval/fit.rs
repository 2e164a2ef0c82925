//! Fitting the confidence rule on the tuning halves, and judging a fit leave-one-business-out:
//! weights fitted on three businesses' tuning halves, the threshold chosen there, both applied
//! to the fourth business's tuning half. The held-out halves are never read here.

use baton_core::bot::{wants_human, FaqBot};

use super::Domain;

/// One tuning question as the confidence rule sees it.
pub struct Row {
    pub x: Vec<f32>,
    /// The best-ranked entry is the right one.
    pub right: bool,
    /// The right entry is among the first three ranked.
    pub offered: bool,
    pub answerable: bool,
    pub domain: usize,
}

/// The tuning rows of every domain, each with the features `pick` takes from the ranking.
/// Also returns the number of answerable and unanswerable tuning questions per domain (a
/// question that ranks nothing or asks for a person counts there but has no row).
pub fn rows(
    domains: &[Domain],
    pick: &dyn Fn(&baton_core::bot::Ranking) -> Vec<f32>,
) -> (Vec<Row>, Vec<(usize, usize)>) {
    let mut rows = Vec::new();
    let mut totals = vec![(0, 0); domains.len()];
    for (k, d) in domains.iter().enumerate() {
        for q in d.questions.iter().filter(|q| !q.held_out) {
            if q.entry.is_some() {
                totals[k].0 += 1;
            } else {
                totals[k].1 += 1;
            }
            if wants_human(&q.text) {
                continue;
            }
            let Some(r) = FaqBot::new(&d.kb).rank(&q.text) else {
                continue;
            };
            rows.push(Row {
                x: pick(&r),
                right: q.entry == r.entries.first().copied(),
                offered: q
                    .entry
                    .is_some_and(|e| r.entries.iter().take(3).any(|x| *x == e)),
                answerable: q.entry.is_some(),
                domain: k,
            });
        }
    }
    (rows, totals)
}

pub fn probability(w: &[f32], x: &[f32]) -> f32 {
    let z = w[0] + x.iter().zip(&w[1..]).map(|(a, b)| a * b).sum::<f32>();
    1.0 / (1.0 + (-z).exp())
}

/// L2-regularised logistic regression of "the best entry is right" by gradient descent.
pub fn fit(rows: &[&Row]) -> Vec<f32> {
    let dims = rows.first().map_or(0, |r| r.x.len());
    let mut w = vec![0.0f32; dims + 1];
    let lambda: f32 = std::env::var("BATON_EVAL_LAMBDA")
        .map(|l| l.parse().unwrap())
        .unwrap_or(0.01);
    for _ in 0..20_000 {
        let mut grad = vec![0.0f32; dims + 1];
        for row in rows {
            let err = probability(&w, &row.x) - f32::from(u8::from(row.right));
            grad[0] += err;
            for k in 0..dims {
                grad[k + 1] += err * row.x[k];
            }
        }
        for k in 0..=dims {
            let reg = if k == 0 { 0.0 } else { lambda * w[k] };
            w[k] -= 0.5 * (grad[k] / rows.len() as f32 + reg);
        }
    }
    w
}

/// The lowest threshold at which at most `share` of the unanswerable questions get an answer.
pub fn threshold(rows: &[&Row], w: &[f32], unanswerable: usize, share: f64) -> f32 {
    (30..=95)
        .map(|k| k as f32 * 0.01)
        .find(|t| {
            let answered = rows
                .iter()
                .filter(|r| !r.answerable && probability(w, &r.x) >= *t)
                .count();
            answered as f64 <= share * unanswerable as f64
        })
        .unwrap_or(0.95)
}

/// What answering at `t` (offering from `suggest`) gives on `rows`:
/// (right answered, right answered or offered, wrong answered, unanswerable answered).
pub fn outcome(rows: &[&Row], w: &[f32], t: f32, suggest: f32) -> [usize; 4] {
    let mut out = [0; 4];
    for r in rows {
        let p = probability(w, &r.x);
        out[0] += usize::from(r.right && p >= t);
        // An answer leaves nothing to offer: a wrong one is not saved by a right runner-up.
        out[1] += usize::from(if p >= t {
            r.right
        } else {
            r.offered && p >= suggest
        });
        out[2] += usize::from(r.answerable && !r.right && p >= t);
        out[3] += usize::from(!r.answerable && p >= t);
    }
    out
}

/// One business scored by the rule fitted on the others.
pub struct Fold {
    /// (answerable, unanswerable) tuning questions of the business.
    pub totals: (usize, usize),
    /// As [`outcome`].
    pub got: [usize; 4],
    pub weights: Vec<f32>,
    pub threshold: f32,
}

/// Leave one business out: per business, weights and threshold from the other three.
pub fn leave_one_out(
    rows: &[Row],
    totals: &[(usize, usize)],
    share: f64,
    suggest: f32,
) -> Vec<Fold> {
    (0..totals.len())
        .map(|k| {
            let train: Vec<&Row> = rows.iter().filter(|r| r.domain != k).collect();
            let test: Vec<&Row> = rows.iter().filter(|r| r.domain == k).collect();
            let unanswerable: usize = totals
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, t)| t.1)
                .sum();
            let w = fit(&train);
            let t = threshold(&train, &w, unanswerable, share);
            Fold {
                totals: totals[k],
                got: outcome(&test, &w, t, suggest),
                weights: w,
                threshold: t,
            }
        })
        .collect()
}
