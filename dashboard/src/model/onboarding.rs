//! The self-service screens without their view: which one-time link the page was opened with,
//! the site form's suggestions and parsing, and the FAQ preview the admin edits before saving.

use baton_core::faq_import::{ImportFormat, ImportPreview};
use baton_core::FaqEntry;

/// A screen opened from an email or a link, by the URL fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// `#signup` or `#signup=INVITATION` (invite-only deployments).
    SignUp(Option<String>),
    /// `#verify=TOKEN`: the sign-up's emailed link.
    Verify(String),
    /// `#join=TOKEN`: a team invitation.
    Join(String),
    /// `#new-site`: the first-run guide for another site.
    NewSite,
}

fn token(value: &str) -> Option<String> {
    let ok =
        !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| value.to_string())
}

impl Link {
    pub fn parse(hash: &str) -> Option<Self> {
        let hash = hash.trim_start_matches('#');
        match hash.split_once('=') {
            Some(("signup", value)) => Some(Self::SignUp(token(value))),
            Some(("verify", value)) => token(value).map(Self::Verify),
            Some(("join", value)) => token(value).map(Self::Join),
            None if hash == "signup" => Some(Self::SignUp(None)),
            None if hash == "new-site" => Some(Self::NewSite),
            _ => None,
        }
    }
}

/// A site id suggested from its name: lower-case letters, digits and dashes.
pub fn suggest_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    id.trim_end_matches('-').chars().take(40).collect()
}

/// Origins typed one per line or separated by commas or spaces; a trailing slash is dropped.
pub fn parse_origins(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the error list calls a position in each format.
pub fn row_label(format: ImportFormat, row: usize) -> String {
    if row == 0 {
        return "The input".into();
    }
    match format {
        ImportFormat::Csv => format!("Row {row}"),
        ImportFormat::Text => format!("Line {row}"),
        ImportFormat::Json | ImportFormat::Html => format!("Entry {row}"),
    }
}

/// The preview being edited: one line of phrasings per question field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub entries: Vec<DraftEntry>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DraftEntry {
    /// Phrasings, one per line.
    pub questions: String,
    pub answer: String,
}

impl Draft {
    pub fn from_preview(preview: &ImportPreview) -> Self {
        Self {
            entries: preview
                .entries
                .iter()
                .map(|e| DraftEntry {
                    questions: e.questions.join("\n"),
                    answer: e.answer.clone(),
                })
                .collect(),
        }
    }

    /// The entries to save; an entry emptied by the admin is left out.
    pub fn entries(&self) -> Vec<FaqEntry> {
        self.entries
            .iter()
            .filter_map(|e| {
                let questions: Vec<String> = e
                    .questions
                    .lines()
                    .map(str::trim)
                    .filter(|q| !q.is_empty())
                    .map(str::to_string)
                    .collect();
                let answer = e.answer.trim();
                (!questions.is_empty() && !answer.is_empty()).then(|| FaqEntry {
                    questions,
                    answer: answer.to_string(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_from_the_fragment() {
        assert_eq!(
            Link::parse("#verify=ab12"),
            Some(Link::Verify("ab12".into()))
        );
        assert_eq!(Link::parse("#join=ff"), Some(Link::Join("ff".into())));
        assert_eq!(Link::parse("#signup"), Some(Link::SignUp(None)));
        assert_eq!(
            Link::parse("#signup=c0"),
            Some(Link::SignUp(Some("c0".into())))
        );
        assert_eq!(Link::parse("#new-site"), Some(Link::NewSite));
        assert_eq!(Link::parse("#verify=<script>"), None);
        assert_eq!(Link::parse("#/northwind/active"), None);
    }

    #[test]
    fn ids_and_origins() {
        assert_eq!(suggest_id("Vera's Kayak Shop!"), "vera-s-kayak-shop");
        assert_eq!(suggest_id("  Ölberg  "), "lberg");
        assert_eq!(
            parse_origins("https://a.example/\nhttps://b.example, http://127.0.0.1:9"),
            vec![
                "https://a.example",
                "https://b.example",
                "http://127.0.0.1:9"
            ]
        );
    }

    #[test]
    fn the_edited_preview_is_what_is_saved() {
        let preview = ImportPreview {
            entries: vec![
                FaqEntry {
                    questions: vec!["a?".into(), "b?".into()],
                    answer: "x".into(),
                },
                FaqEntry {
                    questions: vec!["c?".into()],
                    answer: "y".into(),
                },
            ],
            errors: vec![],
        };
        let mut draft = Draft::from_preview(&preview);
        assert_eq!(draft.entries[0].questions, "a?\nb?");
        draft.entries[0].questions.push_str("\n  \nd?");
        draft.entries[1].answer.clear();
        let saved = draft.entries();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].questions, vec!["a?", "b?", "d?"]);
        assert_eq!(row_label(ImportFormat::Csv, 3), "Row 3");
        assert_eq!(row_label(ImportFormat::Text, 0), "The input");
    }
}
