//! The confidence rule's calibration on the tuning halves of the four businesses (the held-out
//! halves are never read here): `fit_confidence` fits the weights on all four at once,
//! `confidence_leave_one_out` judges a fit on businesses it has not seen. Both print; run by hand:
//! `cargo test -p baton-core --release --test bot_calibration -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod eval;

use baton_core::bot::FaqBot;
use eval::{domains, ratio};

fn pct(hits: usize, total: usize) -> String {
    format!("{:5.1}% ({hits}/{total})", ratio(hits, total) * 100.0)
}

/// Number of the confidence rule's features.
const FEATURES: usize = baton_core::bot::WEIGHTS.len() - 1;

/// Fits the confidence rule's logistic weights on the tuning halves of all four businesses at
/// once and prints them with what each threshold would give there; the held-out halves are not
/// read. Run by hand after changing the ranking:
/// `cargo test -p baton-core --release --test bot_calibration fit_confidence -- --ignored --nocapture`.
#[test]
#[ignore = "prints fitted weights; run by hand"]
fn fit_confidence() {
    use baton_core::bot::{confidence, wants_human};
    // (features, best entry right, right entry among the first three, answerable)
    let mut rows: Vec<([f32; FEATURES], bool, bool, bool)> = Vec::new();
    let mut answerable = 0usize;
    let mut unanswerable = 0usize;
    for d in domains() {
        for q in d.questions.iter().filter(|q| !q.held_out) {
            if q.entry.is_some() {
                answerable += 1;
            } else {
                unanswerable += 1;
            }
            if wants_human(&q.text) {
                continue;
            }
            let Some(r) = FaqBot::new(&d.kb).rank(&q.text) else {
                continue;
            };
            let right = q.entry == r.entries.first().copied();
            if let (false, Some(want)) = (right, q.entry) {
                if std::env::var_os("BATON_EVAL_MISSES").is_some() {
                    let rank = r.entries.iter().position(|e| *e == want);
                    let top: Vec<&str> = r
                        .entries
                        .iter()
                        .take(3)
                        .map(|e| d.keys[*e].as_str())
                        .collect();
                    println!(
                        "  ranked {rank:?} want {:<16} top {top:?} {:?}",
                        d.keys[want], q.text
                    );
                }
            }
            let offered = q
                .entry
                .is_some_and(|e| r.entries.iter().take(3).any(|x| *x == e));
            if std::env::var_os("BATON_EVAL_FEATURES").is_some() {
                let kind = match (q.entry, right) {
                    (None, _) => "UNANS",
                    (Some(_), true) => "RIGHT",
                    (Some(_), false) => "WRONG",
                };
                let f = r.features.to_array();
                println!("  {kind} conf {:.2} f {f:.2?} {:?}", r.confidence, q.text);
            }
            rows.push((r.features.to_array(), right, offered, q.entry.is_some()));
        }
    }
    let fitted: Vec<eval::fit::Row> = rows
        .iter()
        .map(|(x, right, offered, answerable)| eval::fit::Row {
            x: x.to_vec(),
            right: *right,
            offered: *offered,
            answerable: *answerable,
            domain: 0,
        })
        .collect();
    let w: [f32; FEATURES + 1] = eval::fit::fit(&fitted.iter().collect::<Vec<_>>())
        .try_into()
        .unwrap();
    println!("fitted on {} tuning questions: WEIGHTS = {w:?}", rows.len());
    for weights in [w, baton_core::bot::WEIGHTS] {
        println!("weights {weights:?}");
        for t in (40..=80).map(|k| k as f32 * 0.01) {
            let p = |x: &[f32; FEATURES]| {
                confidence(&baton_core::bot::Features::from_array(*x), &weights)
            };
            let right = rows.iter().filter(|r| r.1 && p(&r.0) >= t).count();
            let offered = rows.iter().filter(|r| r.2 && p(&r.0) >= t).count();
            let wrong = rows.iter().filter(|r| r.3 && !r.1 && p(&r.0) >= t).count();
            let unans = rows.iter().filter(|r| !r.3 && p(&r.0) >= t).count();
            println!(
                "  at {t:.2}: top-1 {:5.1}%  right entry in first three {:5.1}%  wrong answers {wrong:3}  unanswerable answered {:5.1}%",
                100.0 * right as f64 / answerable as f64,
                100.0 * offered as f64 / answerable as f64,
                100.0 * unans as f64 / unanswerable as f64,
            );
        }
    }
}

/// The confidence rule judged leave-one-business-out on the tuning halves: fitted (weights and
/// threshold) on three businesses, applied to the fourth. `BATON_EVAL_PICK=0,1,6` picks the
/// features by their place in `Features::to_array` (default: all); `BATON_EVAL_SHARE` is the
/// share of unanswerable questions the threshold may answer on the three (default 0.1).
/// `cargo test -p baton-core --release --test bot_calibration confidence_leave_one_out -- --ignored --nocapture`
#[test]
#[ignore = "prints leave-one-business-out figures; run by hand"]
fn confidence_leave_one_out() {
    use eval::fit::{leave_one_out, rows};
    let pick: Vec<usize> = std::env::var("BATON_EVAL_PICK")
        .map(|p| p.split(',').map(|k| k.trim().parse().unwrap()).collect())
        .unwrap_or_else(|_| (0..FEATURES).collect());
    let share: f64 = std::env::var("BATON_EVAL_SHARE")
        .map(|s| s.parse().unwrap())
        .unwrap_or(0.1);
    let suggest: f32 = std::env::var("BATON_EVAL_SUGGEST")
        .map(|s| s.parse().unwrap())
        .unwrap_or(baton_core::bot::SUGGEST_AT);
    let domains = domains();
    let (rows, totals) = rows(&domains, &|r| {
        let all = r.features.to_array();
        pick.iter().map(|k| all[*k]).collect()
    });
    let mut sum = [0usize; 6];
    let folds = leave_one_out(&rows, &totals, share, suggest);
    for (d, fold) in domains.iter().zip(folds) {
        let (got, (answerable, unanswerable)) = (fold.got, fold.totals);
        let (w, t) = (fold.weights, fold.threshold);
        println!(
            "  {:<10} top-1 {}  +did-you-mean {}  wrong {}  unanswerable answered {}  (at {t:.2}, w {w:.2?})",
            d.name,
            pct(got[0], answerable),
            pct(got[1], answerable),
            got[2],
            pct(got[3], unanswerable)
        );
        for (s, v) in sum
            .iter_mut()
            .zip([got[0], got[1], got[2], got[3], answerable, unanswerable])
        {
            *s += v;
        }
    }
    // Pooled out-of-fold curve: each business scored by the weights fitted on the other three.
    let fits: Vec<Vec<f32>> = (0..domains.len())
        .map(|k| eval::fit::fit(&rows.iter().filter(|r| r.domain != k).collect::<Vec<_>>()))
        .collect();
    let mut curve = String::new();
    for t in (56..=74).step_by(2).map(|k| k as f32 * 0.01) {
        let mut got = [0usize; 4];
        for (k, w) in fits.iter().enumerate() {
            let test: Vec<_> = rows.iter().filter(|r| r.domain == k).collect();
            let o = eval::fit::outcome(&test, w, t, suggest);
            for (g, v) in got.iter_mut().zip(o) {
                *g += v;
            }
        }
        curve += &format!(" {t:.2}:{}/{}/{}", got[0], got[2], got[3]);
    }
    println!("  pooled (threshold:right/wrong/unanswerable answered){curve}");
    // Threshold-free: out-of-fold log-loss and the chance that a right best entry gets more
    // confidence than a wrong one or an unanswerable question (AUC), less noisy than counts.
    let scored: Vec<(f32, bool, bool)> = fits
        .iter()
        .enumerate()
        .flat_map(|(k, w)| {
            rows.iter()
                .filter(move |r| r.domain == k)
                .map(move |r| (eval::fit::probability(w, &r.x), r.right, r.answerable))
        })
        .collect();
    let loss = scored
        .iter()
        .map(|(p, right, _)| -f64::from(if *right { *p } else { 1.0 - *p }).max(1e-6).ln())
        .sum::<f64>()
        / scored.len() as f64;
    let auc = |negative: &dyn Fn(&(f32, bool, bool)) -> bool| {
        let (mut pairs, mut won) = (0usize, 0.0f64);
        for a in scored.iter().filter(|s| s.1) {
            for b in scored.iter().filter(|s| negative(s)) {
                pairs += 1;
                won += if a.0 > b.0 {
                    1.0
                } else if a.0 == b.0 {
                    0.5
                } else {
                    0.0
                };
            }
        }
        won / pairs.max(1) as f64
    };
    println!(
        "  out of fold: log-loss {loss:.4}  AUC right vs wrong {:.4}  right vs unanswerable {:.4}",
        auc(&|s| !s.1 && s.2),
        auc(&|s| !s.2)
    );
    println!(
        "  {:<10} top-1 {}  +did-you-mean {}  wrong {}  unanswerable answered {}  pick {pick:?}",
        "all",
        pct(sum[0], sum[4]),
        pct(sum[1], sum[4]),
        sum[2],
        pct(sum[3], sum[5])
    );
}
