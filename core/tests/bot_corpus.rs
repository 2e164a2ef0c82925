//! Scores the knowledge-base bot against a labelled corpus of visitor messages written for the
//! demo site's knowledge base (paraphrases, typos, word-order changes, small talk, off-topic
//! questions and human requests in en/de/fr/es), prints the figures and asserts floors.
//!
//! Corpus rows: `{"text", "expect", "entry"?, "tags"}` where `expect` is `answer` (then `entry`
//! is the first question of the expected entry), `human`, `smalltalk`, `not_understood`, or
//! `not_human` (anything but a human request). The tag `must_not_fire` marks ordinary questions
//! that contain words like "person" or "agent" and must never start a handoff. The tag
//! `holdout` marks 30 questions written after the bot was built and run blind once (70% then;
//! one change, answer-only matches counting more, was kept after looking at them): they are
//! scored separately, so the main figure, which the lexicon and thresholds were tuned on, is not
//! mistaken for what to expect on new questions.
//!
//! This corpus was written for the demo's tour-specific lexicon, since removed (issue 11): the
//! bot is now measured across four businesses by `bot_eval.rs`, and the floors here only guard
//! against regressions on the demo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::bot::{wants_human, Bot, BotReply, FaqBot};
use baton_core::FaqEntry;
use serde::Deserialize;

#[derive(Deserialize)]
struct Row {
    text: String,
    expect: String,
    entry: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

fn knowledge_base() -> Vec<FaqEntry> {
    serde_json::from_str(include_str!("../../demo-site/knowledge-base.json")).unwrap()
}

fn corpus() -> Vec<Row> {
    serde_json::from_str(include_str!("data/bot_corpus.json")).unwrap()
}

fn ratio(hits: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        hits as f64 / total as f64
    }
}

#[derive(Default)]
struct Tally {
    answers: (usize, usize),
    holdout: (usize, usize),
    answers_wrong_entry: usize,
    smalltalk: (usize, usize),
    not_understood: (usize, usize),
    false_understood: usize,
    must_not_fire: (usize, usize),
    human_true_pos: usize,
    human_false_pos: usize,
    human_expected: usize,
    misses: Vec<String>,
}

impl Tally {
    fn record(&mut self, ok: bool, row: &Row, reply: &BotReply) {
        if !ok {
            self.misses.push(format!(
                "[{}] {:?} -> understood={} human={} {:?}",
                row.expect,
                row.text,
                reply.understood,
                reply.wants_human,
                reply.text.chars().take(60).collect::<String>()
            ));
        }
    }
}

#[test]
fn knowledge_base_is_well_formed() {
    let kb = knowledge_base();
    assert!(kb.len() >= 30, "{} entries", kb.len());
    for entry in &kb {
        assert!(entry.questions.len() >= 3, "{:?}", entry.questions);
        assert!(!entry.answer.is_empty());
    }
}

#[test]
fn corpus_accuracy() {
    let kb = knowledge_base();
    let rows = corpus();
    assert!(rows.len() >= 120, "{} rows", rows.len());
    let is_answer = |text: &str| kb.iter().any(|e| e.answer == text);
    let mut t = Tally::default();

    for row in &rows {
        // Built per message, as the conversation does.
        let reply = FaqBot::new(&kb).answer(&row.text);
        assert_eq!(reply.wants_human, wants_human(&row.text), "{:?}", row.text);
        if row.expect == "human" {
            t.human_expected += 1;
        }
        if reply.wants_human {
            if row.expect == "human" {
                t.human_true_pos += 1;
            } else {
                t.human_false_pos += 1;
            }
        }
        if row.tags.iter().any(|tag| tag == "must_not_fire") {
            t.must_not_fire.1 += 1;
            if !reply.wants_human {
                t.must_not_fire.0 += 1;
            }
        }
        let ok = match row.expect.as_str() {
            "answer" => {
                let entry = row.entry.as_deref().unwrap();
                let want = kb.iter().find(|e| e.questions[0] == entry);
                let want = want.unwrap_or_else(|| panic!("no entry {entry:?}"));
                let ok = reply.understood && !reply.wants_human && reply.text == want.answer;
                if reply.understood && !ok && is_answer(&reply.text) {
                    t.answers_wrong_entry += 1;
                }
                let tally = if row.tags.iter().any(|tag| tag == "holdout") {
                    &mut t.holdout
                } else {
                    &mut t.answers
                };
                tally.1 += 1;
                tally.0 += usize::from(ok);
                ok
            }
            "smalltalk" => {
                let ok = reply.understood && !reply.wants_human && !is_answer(&reply.text);
                t.smalltalk.1 += 1;
                t.smalltalk.0 += usize::from(ok);
                ok
            }
            "not_understood" => {
                let ok = !reply.understood && !reply.wants_human;
                t.not_understood.1 += 1;
                t.not_understood.0 += usize::from(ok);
                t.false_understood += usize::from(reply.understood);
                ok
            }
            "human" => reply.wants_human,
            "not_human" => !reply.wants_human,
            other => panic!("unknown expectation {other:?}"),
        };
        t.record(ok, row, &reply);
    }

    let answer_acc = ratio(t.answers.0, t.answers.1);
    let holdout_acc = ratio(t.holdout.0, t.holdout.1);
    let precision = ratio(t.human_true_pos, t.human_true_pos + t.human_false_pos);
    let recall = ratio(t.human_true_pos, t.human_expected);
    let smalltalk_acc = ratio(t.smalltalk.0, t.smalltalk.1);
    let false_understood = ratio(t.false_understood, t.not_understood.1);
    let must_not_fire = ratio(t.must_not_fire.0, t.must_not_fire.1);
    println!("bot corpus: {} utterances", rows.len());
    println!(
        "  answer accuracy      {:5.1}% ({}/{}), wrong entry given {}",
        answer_acc * 100.0,
        t.answers.0,
        t.answers.1,
        t.answers_wrong_entry
    );
    println!(
        "  holdout accuracy     {:5.1}% ({}/{})",
        holdout_acc * 100.0,
        t.holdout.0,
        t.holdout.1
    );
    println!(
        "  human precision      {:5.1}%  recall {:5.1}% ({}/{})",
        precision * 100.0,
        recall * 100.0,
        t.human_true_pos,
        t.human_expected
    );
    println!(
        "  must-not-fire held   {:5.1}% ({}/{})",
        must_not_fire * 100.0,
        t.must_not_fire.0,
        t.must_not_fire.1
    );
    println!(
        "  small talk accuracy  {:5.1}% ({}/{})",
        smalltalk_acc * 100.0,
        t.smalltalk.0,
        t.smalltalk.1
    );
    println!(
        "  false-understood     {:5.1}% ({}/{} off-topic answered)",
        false_understood * 100.0,
        t.false_understood,
        t.not_understood.1
    );
    for miss in &t.misses {
        println!("  miss {miss}");
    }

    assert!(answer_acc >= 0.84, "answer accuracy {answer_acc:.3}");
    assert!(holdout_acc >= 0.65, "holdout accuracy {holdout_acc:.3}");
    assert!(
        must_not_fire >= 1.0,
        "a must-not-fire example started a handoff"
    );
    assert!(precision >= 0.97, "human precision {precision:.3}");
    assert!(recall >= 0.95, "human recall {recall:.3}");
    assert!(
        smalltalk_acc >= 0.90,
        "small talk accuracy {smalltalk_acc:.3}"
    );
    assert!(
        false_understood <= 0.18,
        "false-understood {false_understood:.3}"
    );
}

#[test]
fn construction_and_answer_are_cheap() {
    let kb = knowledge_base();
    let rows = corpus();
    let start = std::time::Instant::now();
    for row in &rows {
        let _ = FaqBot::new(&kb).answer(&row.text);
    }
    let per_message = start.elapsed() / rows.len() as u32;
    // A figure to watch, not a gate: debug builds on shared CI machines vary too much.
    println!("bot: build index + answer = {per_message:?} per message (40 entries)");
}
