//! FAQ import: turns what a business already has (a spreadsheet, the knowledge-base JSON, pasted
//! "Q:/A:" text, its FAQ web page) into knowledge-base entries for a preview the admin edits
//! before saving. Every bad row gets its own error and the good rows still come through; the
//! same limits as saving settings apply, so a preview that shows no error saves.
//!
//! CSV goes through the `csv` crate and HTML through `scraper` (html5ever), behind the `import`
//! feature so the widget never links them.

#[cfg(feature = "import")]
mod csv_rows;
#[cfg(feature = "import")]
mod html;
mod text;

use serde::{Deserialize, Serialize};

use crate::settings::FaqEntry;

#[cfg(feature = "import")]
pub use csv_rows::parse_csv;
#[cfg(feature = "import")]
pub use html::parse_html;
pub use text::parse_text;

/// Largest input read (a pasted file or a fetched page).
pub const MAX_INPUT_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_ENTRIES: usize = 2_000;
const MAX_QUESTIONS: usize = 50;
const MAX_QUESTION_CHARS: usize = 500;
const MAX_ANSWER_CHARS: usize = 10_000;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// question, answer, more phrasings (one per further column, or `|`-separated).
    Csv,
    /// The knowledge-base format: `[{"questions": […], "answer": "…"}]`.
    Json,
    /// Pasted text: `Q:` lines (several for more phrasings), then `A:` and the answer.
    Text,
    /// An FAQ web page: schema.org FAQPage JSON-LD, `<details>`, `<dt>/<dd>`, or a heading
    /// ending in "?" followed by paragraphs.
    Html,
}

/// One refused row: where it is in the input (1-based row, entry or line) and why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

/// What an import would add, for the admin to review and edit.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPreview {
    pub entries: Vec<FaqEntry>,
    pub errors: Vec<RowError>,
}

impl ImportPreview {
    /// Adds an entry after checking it; a refused one becomes an error for `row`.
    fn push(&mut self, row: usize, questions: Vec<String>, answer: &str) {
        match entry(questions, answer) {
            Ok(_) if self.entries.len() >= MAX_ENTRIES => {
                self.error(
                    row,
                    format!("more than {MAX_ENTRIES} entries; the rest is left out"),
                );
            }
            Ok(entry) => self.entries.push(entry),
            Err(message) => self.error(row, message),
        }
    }

    fn error(&mut self, row: usize, message: impl Into<String>) {
        self.errors.push(RowError {
            row,
            message: message.into(),
        });
    }
}

/// Parses `input` as `format`. Input that is not that format at all is one error (row 0).
#[cfg(feature = "import")]
pub fn parse(format: ImportFormat, input: &str) -> ImportPreview {
    if input.len() > MAX_INPUT_BYTES {
        let mut preview = ImportPreview::default();
        preview.error(0, "the input is larger than 2 MB");
        return preview;
    }
    match format {
        ImportFormat::Csv => parse_csv(input),
        ImportFormat::Json => parse_json(input),
        ImportFormat::Text => parse_text(input),
        ImportFormat::Html => parse_html(input),
    }
}

/// Normalises one entry: trimmed, whitespace collapsed in questions, duplicates dropped, and
/// the same limits as `core::settings_update`.
fn entry(questions: Vec<String>, answer: &str) -> Result<FaqEntry, String> {
    let mut kept: Vec<String> = Vec::new();
    for question in questions {
        let question = collapse(&question);
        if !question.is_empty() && !kept.iter().any(|k| k.eq_ignore_ascii_case(&question)) {
            kept.push(question);
        }
    }
    let answer = answer.trim();
    if kept.is_empty() {
        return Err("the question is empty".into());
    }
    if answer.is_empty() {
        return Err(format!("\"{}\" has no answer", clip(&kept[0])));
    }
    if kept.len() > MAX_QUESTIONS {
        return Err(format!("more than {MAX_QUESTIONS} phrasings"));
    }
    if let Some(long) = kept.iter().find(|q| q.chars().count() > MAX_QUESTION_CHARS) {
        return Err(format!(
            "\"{}…\" is longer than {MAX_QUESTION_CHARS} characters",
            clip(long)
        ));
    }
    if answer.chars().count() > MAX_ANSWER_CHARS {
        return Err(format!(
            "the answer to \"{}\" is longer than {MAX_ANSWER_CHARS} characters",
            clip(&kept[0])
        ));
    }
    Ok(FaqEntry {
        questions: kept,
        answer: answer.to_string(),
    })
}

/// Whitespace runs (newlines included) become one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The start of a long text, for error messages.
fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}

/// The knowledge-base JSON: an array of `{questions, answer}` (or `{question, answer}`), or an
/// object holding it under `knowledge_base`. Each bad element is an error of its own.
pub fn parse_json(input: &str) -> ImportPreview {
    let mut preview = ImportPreview::default();
    let value: serde_json::Value = match serde_json::from_str(input) {
        Ok(value) => value,
        Err(error) => {
            preview.error(0, format!("not JSON: {error}"));
            return preview;
        }
    };
    let items = match &value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(map) => match map.get("knowledge_base") {
            Some(serde_json::Value::Array(items)) => items,
            _ => {
                preview.error(
                    0,
                    "expected an array of {\"questions\", \"answer\"} entries",
                );
                return preview;
            }
        },
        _ => {
            preview.error(
                0,
                "expected an array of {\"questions\", \"answer\"} entries",
            );
            return preview;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let row = i + 1;
        let questions = match (item.get("questions"), item.get("question")) {
            (Some(serde_json::Value::Array(list)), _) => {
                let texts: Option<Vec<String>> = list
                    .iter()
                    .map(|q| q.as_str().map(str::to_string))
                    .collect();
                match texts {
                    Some(texts) => texts,
                    None => {
                        preview.error(row, "`questions` must be a list of texts");
                        continue;
                    }
                }
            }
            (None, Some(serde_json::Value::String(q))) => vec![q.clone()],
            _ => {
                preview.error(row, "needs `questions` (a list of texts)");
                continue;
            }
        };
        let Some(answer) = item.get("answer").and_then(|a| a.as_str()) else {
            preview.error(row, "needs `answer` (a text)");
            continue;
        };
        preview.push(row, questions, answer);
    }
    preview
}

#[cfg(test)]
mod tests;
