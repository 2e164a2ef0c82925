//! The admin's settings form over the site's settings JSON. Driven by the table of fields
//! (`settings_fields`), and working on the JSON object itself, so settings this dashboard does
//! not know yet (a newer edge) are kept as they are instead of being reset by a save.

use std::collections::{BTreeMap, BTreeSet};

use baton_core::settings_update::SettingsError;
use baton_core::FaqEntry;
use serde_json::{Map, Value};

use super::settings_fields::{Kind, FIELDS};

/// A knowledge-base entry as the form edits it: questions one per line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KbDraft {
    pub questions: String,
    pub answer: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsForm {
    /// The settings as loaded; fields the form does not know are saved back unchanged.
    base: Map<String, Value>,
    /// Text of each known field present in the settings.
    pub values: BTreeMap<&'static str, String>,
    pub knowledge_base: Vec<KbDraft>,
    /// Write-only secrets the edge says are set (it never sends their value).
    pub secrets_set: BTreeSet<&'static str>,
    /// Secrets the admin chose to remove on the next save.
    pub clear_secrets: BTreeSet<&'static str>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

impl SettingsForm {
    pub fn from_json(settings: &Value) -> Self {
        let base = settings.as_object().cloned().unwrap_or_default();
        let mut values = BTreeMap::new();
        let mut secrets_set = BTreeSet::new();
        for field in FIELDS {
            if field.kind == Kind::Secret {
                // Secrets are write-only: the edge answers only whether each is set.
                if let Some(set) = base.get(&format!("{}_set", field.key)) {
                    if set.as_bool() == Some(true) {
                        secrets_set.insert(field.key);
                    }
                    values.insert(field.key, String::new());
                }
                continue;
            }
            let Some(value) = base.get(field.key) else {
                continue; // an older edge without this setting: leave it out of the form
            };
            let text = match (field.kind, value) {
                (Kind::Flag, Value::Bool(b)) => b.to_string(),
                (Kind::Seconds, Value::Number(n)) => {
                    let ms = n.as_f64().unwrap_or(0.0);
                    let s = ms / 1000.0;
                    if s.fract() == 0.0 {
                        format!("{s:.0}")
                    } else {
                        format!("{s}")
                    }
                }
                (Kind::Days, Value::Number(n)) => {
                    let days = n.as_f64().unwrap_or(0.0) / 86_400_000.0;
                    let text = format!("{days:.6}");
                    text.trim_end_matches('0').trim_end_matches('.').to_string()
                }
                (Kind::Lines, Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            values.insert(field.key, text);
        }
        let entries: Vec<FaqEntry> = base
            .get("knowledge_base")
            .and_then(|kb| serde_json::from_value(kb.clone()).ok())
            .unwrap_or_default();
        let knowledge_base = entries
            .into_iter()
            .map(|e| KbDraft {
                questions: e.questions.join("\n"),
                answer: e.answer,
            })
            .collect();
        Self {
            base,
            values,
            knowledge_base,
            secrets_set,
            clear_secrets: BTreeSet::new(),
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    pub fn set(&mut self, key: &'static str, text: String) {
        self.values.insert(key, text);
    }

    /// The settings JSON to PUT, or the first field that does not parse (label, why).
    pub fn to_json(&self) -> Result<Value, (String, String)> {
        let mut out = self.base.clone();
        for field in FIELDS {
            let Some(text) = self.values.get(field.key) else {
                continue;
            };
            let bad = |why: &str| (field.label.to_string(), why.to_string());
            let value = match field.kind {
                Kind::Flag => Value::Bool(text == "true"),
                Kind::Seconds => {
                    let seconds: f64 = text
                        .trim()
                        .parse()
                        .map_err(|_| bad("enter a number of seconds"))?;
                    if !(0.0..=86_400.0).contains(&seconds) {
                        return Err(bad("between 0 and 86400 seconds"));
                    }
                    Value::from((seconds * 1000.0).round() as i64)
                }
                Kind::Days => {
                    let days: f64 = text
                        .trim()
                        .parse()
                        .map_err(|_| bad("enter a number of days (0: off)"))?;
                    if !(0.0..=3650.0).contains(&days) {
                        return Err(bad("between 0 (off) and 3650 days"));
                    }
                    Value::from((days * 86_400_000.0).round() as i64)
                }
                Kind::Count => {
                    let count: u32 = text
                        .trim()
                        .parse()
                        .map_err(|_| bad("enter a whole number"))?;
                    Value::from(count)
                }
                Kind::Lines => Value::from(lines(text)),
                // An empty secret field keeps the secret; removing it is an explicit choice.
                Kind::Secret if self.clear_secrets.contains(field.key) => Value::from(""),
                Kind::Secret if text.trim().is_empty() => continue,
                Kind::Text | Kind::Secret => Value::from(text.trim().to_string()),
                Kind::LongText => Value::from(text.clone()),
            };
            out.insert(field.key.to_string(), value);
        }
        let mut entries = Vec::new();
        for (i, draft) in self.knowledge_base.iter().enumerate() {
            let questions = lines(&draft.questions);
            let answer = draft.answer.trim().to_string();
            if questions.is_empty() && answer.is_empty() {
                continue; // an empty row added and never filled
            }
            if questions.is_empty() || answer.is_empty() {
                return Err((
                    format!("Knowledge base entry {}", i + 1),
                    "needs at least one question and an answer".into(),
                ));
            }
            entries.push(FaqEntry { questions, answer });
        }
        let kb =
            serde_json::to_value(entries).map_err(|e| ("Knowledge base".into(), e.to_string()))?;
        out.insert("knowledge_base".into(), kb);
        // The edge's own rules, with its messages: the form refuses what the edge would.
        baton_core::settings_update::check_form(&out).map_err(|error| match error {
            SettingsError::Invalid { field, why } => (label_of(&field), why),
            other => ("Settings".to_string(), other.to_string()),
        })?;
        Ok(Value::Object(out))
    }
}

/// The form's label for a settings key (`attachments.max_bytes` → its field's), or the key.
fn label_of(key: &str) -> String {
    let base = key.split('.').next().unwrap_or(key);
    FIELDS
        .iter()
        .find(|field| field.key == base)
        .map_or_else(|| key.to_string(), |field| field.label.to_string())
}

#[cfg(test)]
#[path = "settings_form_tests.rs"]
mod tests;
