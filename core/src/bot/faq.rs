//! A knowledge-base bot: answers with the entry whose questions share the most words with the
//! visitor's message.

use std::collections::BTreeSet;

use super::{wants_human, Bot, BotReply};
use crate::settings::FaqEntry;

pub struct FaqBot<'a> {
    entries: &'a [FaqEntry],
}

impl<'a> FaqBot<'a> {
    pub fn new(entries: &'a [FaqEntry]) -> Self {
        Self { entries }
    }
}

fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

impl Bot for FaqBot<'_> {
    fn answer(&self, text: &str) -> BotReply {
        if wants_human(text) {
            return BotReply {
                text: "Let me find a person for you.".into(),
                understood: true,
                wants_human: true,
            };
        }
        let asked = words(text);
        let best = self
            .entries
            .iter()
            .map(|entry| {
                let score = entry
                    .questions
                    .iter()
                    .map(|q| words(q).intersection(&asked).count())
                    .max()
                    .unwrap_or(0);
                (score, entry)
            })
            .max_by_key(|(score, _)| *score);
        match best {
            Some((score, entry)) if score > 0 => BotReply {
                text: entry.answer.clone(),
                understood: true,
                wants_human: false,
            },
            _ => BotReply {
                text: "Sorry, I did not understand that. Could you rephrase?".into(),
                understood: false,
                wants_human: false,
            },
        }
    }
}
