//! Loads the bot evaluation data (`data/eval/`) and scores the bot on it.
//!
//! Every question and human-request message is assigned to the tuning half or the held-out half
//! by a fixed rule on its text (the low bit of its FNV-1a hash), decided before any tuning: the
//! bot's lexicon and thresholds may be adjusted by looking at the tuning half only.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod fit;

use baton_core::bot::{wants_human, Bot, BotReply, FaqBot};
use baton_core::FaqEntry;
use serde::Deserialize;

/// The split rule: odd FNV-1a hash of the trimmed text = held out.
pub fn held_out(text: &str) -> bool {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.trim().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash & 1 == 1
}

pub struct Question {
    pub text: String,
    /// The entry that answers it; `None`: the knowledge base cannot.
    pub entry: Option<usize>,
    pub held_out: bool,
}

pub struct Domain {
    pub name: &'static str,
    pub kb: Vec<FaqEntry>,
    pub keys: Vec<String>,
    pub questions: Vec<Question>,
}

#[derive(Deserialize)]
struct KeyedEntry {
    key: String,
    #[serde(flatten)]
    entry: FaqEntry,
}

fn lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            l.split_once(" | ")
                .unwrap_or_else(|| panic!("bad line {l:?}"))
        })
        .map(|(k, t)| (k.trim(), t.trim()))
}

fn domain(name: &'static str, kb: Vec<FaqEntry>, keys: Vec<String>, questions: &str) -> Domain {
    let questions = lines(questions)
        .map(|(key, text)| Question {
            text: text.to_string(),
            entry: (key != "-").then(|| {
                keys.iter()
                    .position(|k| k == key)
                    .unwrap_or_else(|| panic!("{name}: no entry {key:?} for {text:?}"))
            }),
            held_out: held_out(text),
        })
        .collect();
    Domain {
        name,
        kb,
        keys,
        questions,
    }
}

fn keyed(name: &'static str, kb: &str, questions: &str) -> Domain {
    let entries: Vec<KeyedEntry> = serde_json::from_str(kb).unwrap();
    let keys = entries.iter().map(|e| e.key.clone()).collect();
    let kb = entries.into_iter().map(|e| e.entry).collect();
    domain(name, kb, keys, questions)
}

/// The four businesses: the demo's tour operator, a shoe shop, invoicing software, a dentist.
pub fn domains() -> Vec<Domain> {
    let northwind: Vec<FaqEntry> =
        serde_json::from_str(include_str!("../../../demo-site/knowledge-base.json")).unwrap();
    let keys = include_str!("../data/eval/northwind/keys.txt")
        .split_whitespace()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        keys.len(),
        northwind.len(),
        "northwind keys.txt out of date"
    );
    vec![
        domain(
            "northwind",
            northwind,
            keys,
            include_str!("../data/eval/northwind/questions.txt"),
        ),
        keyed(
            "shoes",
            include_str!("../data/eval/shoes/kb.json"),
            include_str!("../data/eval/shoes/questions.txt"),
        ),
        keyed(
            "saas",
            include_str!("../data/eval/saas/kb.json"),
            include_str!("../data/eval/saas/questions.txt"),
        ),
        keyed(
            "dental",
            include_str!("../data/eval/dental/kb.json"),
            include_str!("../data/eval/dental/questions.txt"),
        ),
    ]
}

pub struct Labelled {
    pub lang: &'static str,
    pub text: String,
    pub human: bool,
    pub held_out: bool,
}

/// Requests for a person and hard negatives, per language.
pub fn human_messages() -> Vec<Labelled> {
    let files: [(&str, &str); 7] = [
        ("en", include_str!("../data/eval/human-en.txt")),
        ("de", include_str!("../data/eval/human-de.txt")),
        ("fr", include_str!("../data/eval/human-fr.txt")),
        ("es", include_str!("../data/eval/human-es.txt")),
        ("it", include_str!("../data/eval/human-it.txt")),
        ("pt", include_str!("../data/eval/human-pt.txt")),
        ("nl", include_str!("../data/eval/human-nl.txt")),
    ];
    files
        .into_iter()
        .flat_map(|(lang, text)| {
            lines(text).map(move |(label, text)| Labelled {
                lang,
                text: text.to_string(),
                human: match label {
                    "h" => true,
                    "n" => false,
                    other => panic!("bad label {other:?}"),
                },
                held_out: held_out(text),
            })
        })
        .collect()
}

/// What became of one question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with this entry.
    Answered(usize),
    /// "Did you mean…?" with these entries (right one among them or not is up to the caller).
    Offered,
    /// Not understood, small talk, or handed over.
    Refused,
}

pub fn outcome(kb: &[FaqEntry], reply: &BotReply) -> Outcome {
    if reply.understood && !reply.wants_human {
        if let Some(i) = kb.iter().position(|e| e.answer == reply.text) {
            return Outcome::Answered(i);
        }
    }
    if reply.suggestions.is_empty() {
        Outcome::Refused
    } else {
        Outcome::Offered
    }
}

fn offered(kb: &[FaqEntry], reply: &BotReply, entry: usize) -> bool {
    kb.get(entry)
        .and_then(|e| e.questions.first())
        .is_some_and(|q| reply.suggestions.iter().any(|s| s == q))
}

/// Figures for one half of one domain.
#[derive(Clone, Default, Debug)]
pub struct Score {
    pub answerable: usize,
    pub top1: usize,
    pub answered_or_offered: usize,
    pub wrong_answer: usize,
    pub unanswerable: usize,
    pub unanswerable_answered: usize,
    pub human_false_alarms: usize,
    pub misses: Vec<String>,
}

impl Score {
    pub fn add(&mut self, other: &Score) {
        self.answerable += other.answerable;
        self.top1 += other.top1;
        self.answered_or_offered += other.answered_or_offered;
        self.wrong_answer += other.wrong_answer;
        self.unanswerable += other.unanswerable;
        self.unanswerable_answered += other.unanswerable_answered;
        self.human_false_alarms += other.human_false_alarms;
    }
}

pub fn ratio(hits: usize, total: usize) -> f64 {
    if total == 0 {
        1.0
    } else {
        hits as f64 / total as f64
    }
}

/// Scores `domain`'s questions of one half; the bot is built per message as the edge does.
pub fn score(domain: &Domain, held_out: bool) -> Score {
    let mut s = Score::default();
    for q in domain.questions.iter().filter(|q| q.held_out == held_out) {
        let reply = FaqBot::new(&domain.kb).answer(&q.text);
        let got = outcome(&domain.kb, &reply);
        s.human_false_alarms += usize::from(reply.wants_human);
        let label = |i: usize| domain.keys[i].as_str();
        let said = match got {
            Outcome::Answered(i) => format!("answered {}", label(i)),
            Outcome::Offered => format!("offered {:?}", reply.suggestions),
            Outcome::Refused if reply.wants_human => "handed over".to_string(),
            Outcome::Refused => "refused".to_string(),
        };
        match q.entry {
            Some(want) => {
                s.answerable += 1;
                let top1 = got == Outcome::Answered(want);
                let ok = top1 || (got == Outcome::Offered && offered(&domain.kb, &reply, want));
                s.top1 += usize::from(top1);
                s.answered_or_offered += usize::from(ok);
                s.wrong_answer += usize::from(matches!(got, Outcome::Answered(i) if i != want));
                if !top1 {
                    s.misses
                        .push(format!("want {:<16} {said:<40} {:?}", label(want), q.text));
                }
            }
            None => {
                s.unanswerable += 1;
                let answered = matches!(got, Outcome::Answered(_));
                s.unanswerable_answered += usize::from(answered);
                if answered {
                    s.misses
                        .push(format!("want -                {said:<40} {:?}", q.text));
                }
            }
        }
    }
    s
}

/// Human-request detection on one half: (true positives, false positives, false negatives).
pub fn human_score(
    messages: &[Labelled],
    lang: Option<&str>,
    held_out: bool,
) -> (usize, usize, usize, Vec<String>) {
    let (mut tp, mut fp, mut fneg, mut misses) = (0, 0, 0, Vec::new());
    for m in messages
        .iter()
        .filter(|m| m.held_out == held_out && lang.is_none_or(|l| l == m.lang))
    {
        let got = wants_human(&m.text);
        match (m.human, got) {
            (true, true) => tp += 1,
            (false, true) => {
                fp += 1;
                misses.push(format!("[{}] false alarm {:?}", m.lang, m.text));
            }
            (true, false) => {
                fneg += 1;
                misses.push(format!("[{}] missed      {:?}", m.lang, m.text));
            }
            (false, false) => {}
        }
    }
    (tp, fp, fneg, misses)
}
