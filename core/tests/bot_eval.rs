//! The knowledge-base bot measured as a new customer meets it: four unrelated businesses, each a
//! knowledge base and visitor questions written the way visitors write, plus requests for a
//! person (and hard negatives) in seven languages. Everything is scored on a tuning half and a
//! held-out half (see `eval/mod.rs` for the split rule); the floors apply to the held-out half.
//!
//! Run `cargo test -p baton-core --release --test bot_eval -- --nocapture` for the figures;
//! `BATON_EVAL_MISSES=1` also lists the tuning half's misses (never the held-out half's, so that
//! nobody tunes on it by accident); `BATON_EVAL_TUNING_ONLY=1` prints no held-out figure at all
//! (a floor missed then says only that), for working on the bot.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod eval;

use std::time::{Duration, Instant};

use baton_core::bot::{Bot, FaqBot};
use baton_core::FaqEntry;
use eval::{domains, human_messages, human_score, ratio, score, Score};

fn pct(hits: usize, total: usize) -> String {
    format!("{:5.1}% ({hits}/{total})", ratio(hits, total) * 100.0)
}

fn print_row(name: &str, half: &str, s: &Score) {
    println!(
        "  {name:<10} {half:<8} top-1 {}  +did-you-mean {}  unanswerable answered {}  wrong answer {}  human false alarms {}",
        pct(s.top1, s.answerable),
        pct(s.answered_or_offered, s.answerable),
        pct(s.unanswerable_answered, s.unanswerable),
        s.wrong_answer,
        s.human_false_alarms,
    );
}

/// Held-out floors per domain: (top-1, answered-or-offered, max unanswerable answered).
/// Set just under what the held-out halves reach, so a change that loses ground fails.
fn floors(name: &str) -> (f64, f64, f64) {
    match name {
        "northwind" => (0.80, 0.94, 0.30),
        "shoes" => (0.69, 0.88, 0.30),
        "saas" => (0.65, 0.87, 0.12),
        "dental" => (0.72, 0.85, 0.12),
        _ => (1.0, 1.0, 0.0),
    }
}

#[test]
fn knowledge_bases_and_questions_are_well_formed() {
    for d in domains() {
        assert!(d.kb.len() >= 25, "{}: {} entries", d.name, d.kb.len());
        assert!(
            d.questions.len() >= 100,
            "{}: {} questions",
            d.name,
            d.questions.len()
        );
        let unanswerable = d.questions.iter().filter(|q| q.entry.is_none()).count();
        assert!(
            ratio(unanswerable, d.questions.len()) >= 0.15,
            "{}: only {unanswerable} unanswerable",
            d.name
        );
        let held = d.questions.iter().filter(|q| q.held_out).count();
        assert!(held * 3 >= d.questions.len() && held * 3 <= d.questions.len() * 2);
        for (i, entry) in d.kb.iter().enumerate() {
            assert!(!entry.questions.is_empty() && !entry.answer.is_empty());
            assert!(
                d.kb[..i].iter().all(|e| e.answer != entry.answer),
                "{}: duplicate answer",
                d.name
            );
        }
    }
    let human = human_messages();
    assert!(human.len() >= 400, "{} human-request messages", human.len());
}

#[test]
fn bot_evaluation() {
    let show_misses = std::env::var_os("BATON_EVAL_MISSES").is_some();
    let tuning_only = std::env::var_os("BATON_EVAL_TUNING_ONLY").is_some();
    println!("knowledge-base bot, per domain (tuning half / held-out half):");
    let mut all = [Score::default(), Score::default()];
    let mut failures = Vec::new();
    for d in domains() {
        for (i, held_out) in [false, true].into_iter().enumerate() {
            let s = score(&d, held_out);
            if !(held_out && tuning_only) {
                print_row(d.name, if held_out { "held-out" } else { "tuning" }, &s);
            }
            all[i].add(&s);
            if show_misses && !held_out {
                for miss in &s.misses {
                    println!("      miss {miss}");
                }
            }
            if held_out {
                let (top1, offered, unanswerable) = floors(d.name);
                let got = (
                    ratio(s.top1, s.answerable),
                    ratio(s.answered_or_offered, s.answerable),
                    ratio(s.unanswerable_answered, s.unanswerable),
                );
                if got.0 < top1 || got.1 < offered || got.2 > unanswerable {
                    failures.push(format!(
                        "{}: {got:?} vs floors {:?}",
                        d.name,
                        (top1, offered, unanswerable)
                    ));
                }
            }
        }
    }
    print_row("all", "tuning", &all[0]);
    if !tuning_only {
        print_row("all", "held-out", &all[1]);
    }

    println!("requests for a person (precision / recall):");
    let messages = human_messages();
    let langs = ["en", "de", "fr", "es", "it", "pt", "nl"];
    for lang in langs.iter().map(|l| Some(*l)).chain([None]) {
        let mut line = format!("  {:<4}", lang.unwrap_or("all"));
        for held_out in [false, true] {
            if held_out && tuning_only {
                continue;
            }
            let (tp, fp, fneg, misses) = human_score(&messages, lang, held_out);
            line += &format!(
                "  {:<8} precision {:.3} recall {:.3} ({tp}/{})",
                if held_out { "held-out" } else { "tuning" },
                ratio(tp, tp + fp),
                ratio(tp, tp + fneg),
                tp + fneg
            );
            if show_misses && !held_out && lang.is_some() {
                for miss in misses {
                    line += &format!("\n      {miss}");
                }
            }
        }
        println!("{line}");
    }
    let (tp, fp, fneg, _) = human_score(&messages, None, true);
    let (precision, recall) = (ratio(tp, tp + fp), ratio(tp, tp + fneg));
    if precision < 0.97 || recall < 0.97 {
        failures.push(format!(
            "human requests: precision {precision:.3} recall {recall:.3}"
        ));
    }
    if tuning_only {
        assert!(failures.is_empty(), "under the held-out floors");
    }
    assert!(failures.is_empty(), "under the floors: {failures:#?}");
}

/// The four knowledge bases together, cycled to 200 entries: a large site's FAQ.
fn big_knowledge_base() -> Vec<FaqEntry> {
    let all: Vec<FaqEntry> = domains().into_iter().flat_map(|d| d.kb).collect();
    all.iter().cycle().take(200).cloned().collect()
}

#[test]
fn bot_time_per_message() {
    let kb = big_knowledge_base();
    let texts: Vec<String> = domains()
        .into_iter()
        .flat_map(|d| d.questions.into_iter().map(|q| q.text))
        .collect();
    // Debug builds (scripts/test.sh) time a sample; the README's figures come from --release.
    let sample = if cfg!(debug_assertions) {
        40
    } else {
        texts.len()
    };
    let measure = |cold: bool| {
        let mut times: Vec<Duration> = texts
            .iter()
            .take(sample)
            .map(|text| {
                let start = Instant::now();
                // A bot per message, as the conversation's object does; cold builds the index
                // (a knowledge base's first message in an isolate), warm finds it cached.
                let bot = if cold {
                    FaqBot::uncached(&kb)
                } else {
                    FaqBot::new(&kb)
                };
                std::hint::black_box(bot.answer(text));
                start.elapsed()
            })
            .collect();
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        (at(0.5), at(0.99))
    };
    let (cold, warm) = (measure(true), measure(false));
    println!(
        "bot time per message, 200-entry knowledge base ({} messages, {} build): warm p50 {:?} p99 {:?}; cold (index built) p50 {:?} p99 {:?}",
        sample,
        if cfg!(debug_assertions) { "debug" } else { "release" },
        warm.0,
        warm.1,
        cold.0,
        cold.1
    );
}

/// Where the right entry ranks, per business, on the tuning halves only (the held-out halves are
/// not read): what any confidence rule is capped by. Run by hand after changing the ranking:
/// `cargo test -p baton-core --release --test bot_eval ranking_on_tuning -- --ignored --nocapture`.
#[test]
#[ignore = "prints ranking figures; run by hand"]
fn ranking_on_tuning() {
    let mut total = (0usize, 0usize, 0usize, 0.0f64);
    for d in domains() {
        let mut row = (0usize, 0usize, 0usize, 0.0f64);
        for q in d.questions.iter().filter(|q| !q.held_out) {
            let Some(want) = q.entry else { continue };
            row.0 += 1;
            let rank = FaqBot::new(&d.kb)
                .rank(&q.text)
                .and_then(|r| r.entries.iter().position(|e| *e == want));
            row.1 += usize::from(rank == Some(0));
            row.2 += usize::from(rank.is_some_and(|r| r < 3));
            row.3 += rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        }
        println!(
            "  {:<10} first {}  first three {}  MRR {:.3}",
            d.name,
            pct(row.1, row.0),
            pct(row.2, row.0),
            row.3 / row.0 as f64
        );
        total = (
            total.0 + row.0,
            total.1 + row.1,
            total.2 + row.2,
            total.3 + row.3,
        );
    }
    println!(
        "  {:<10} first {}  first three {}  MRR {:.3}",
        "all",
        pct(total.1, total.0),
        pct(total.2, total.0),
        total.3 / total.0 as f64
    );
}

/// Where an entry's own phrasing ranks when it is taken out of the knowledge base and asked as
/// a message (every entry with two phrasings or more): a second check of a ranking change that
/// reads no visitor question at all, so it cannot have been tuned on them.
/// `cargo test -p baton-core --release --test bot_eval ranking_on_phrasings -- --ignored --nocapture`
#[test]
#[ignore = "prints ranking figures; run by hand"]
fn ranking_on_phrasings() {
    let show_misses = std::env::var_os("BATON_EVAL_MISSES").is_some();
    let mut total = (0usize, 0usize, 0usize);
    for d in domains() {
        let mut row = (0usize, 0usize, 0usize);
        for (e, entry) in d.kb.iter().enumerate() {
            if entry.questions.len() < 2 {
                continue;
            }
            for (k, question) in entry.questions.iter().enumerate() {
                let mut kb = d.kb.clone();
                kb[e].questions.remove(k);
                let ranking = FaqBot::uncached(&kb).rank(question);
                let rank = ranking
                    .as_ref()
                    .and_then(|r| r.entries.iter().position(|x| *x == e));
                if show_misses && rank != Some(0) {
                    let first = ranking.and_then(|r| r.entries.first().map(|x| d.keys[*x].clone()));
                    println!(
                        "      miss want {:<16} first {first:?} {question:?}",
                        d.keys[e]
                    );
                }
                row.0 += 1;
                row.1 += usize::from(rank == Some(0));
                row.2 += usize::from(rank.is_some_and(|r| r < 3));
            }
        }
        println!(
            "  {:<10} phrasings first {}  first three {}",
            d.name,
            pct(row.1, row.0),
            pct(row.2, row.0)
        );
        total = (total.0 + row.0, total.1 + row.1, total.2 + row.2);
    }
    println!(
        "  {:<10} phrasings first {}  first three {}",
        "all",
        pct(total.1, total.0),
        pct(total.2, total.0)
    );
}
