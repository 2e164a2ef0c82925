//! Questions the bot could not answer, for the site's admins: what is recorded (a visitor's
//! message the bot did not understand, or one whose "Did you mean…?" offer the visitor wrote
//! past), how near-duplicates are grouped for the dashboard, and how an admin's answer to a group
//! changes the knowledge base (a new phrasing of an entry, or a new entry), validated exactly as a
//! settings save validates it.
//!
//! Pure rules: the conversation queues a record through its outbox
//! ([`crate::Delivery::Unanswered`]), the edge stores it in D1 and asks here how to group and
//! how to resolve. Grouping reuses the bot's own normalisation ([`crate::bot::question_terms`]),
//! so what the admin sees as one question is what the bot would treat as one.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::bot::{one_slip_apart, question_key, question_terms, word_similarity};
use crate::settings::{FaqEntry, SiteSettings};
use crate::settings_update::{self, LlmPolicy, SettingsError, UpdateMode};
use crate::{Millis, Seq};

/// A recorded question keeps at most this many characters (a message may be 64 KB).
pub const MAX_TEXT_CHARS: usize = 300;

/// Two wordings whose terms overlap this much (Dice over the term sets) are one question: three
/// shared terms of four, not two of three ("parking at the lake" is not "parking cost at the
/// lake").
pub const SAME_QUESTION_AT: f32 = 0.85;

/// Two terms this alike by trigrams count as the same term (a typo the stemmer left apart).
const SAME_TERM_AT: f32 = 0.7;

/// Wordings shown per group besides its title.
const WORDINGS_SHOWN: usize = 5;

/// One visitor message the bot did not answer, as the conversation records it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Unanswered {
    pub site_id: String,
    pub conversation_id: String,
    /// The visitor message's event.
    pub seq: Seq,
    /// The message, cut to [`MAX_TEXT_CHARS`].
    pub text: String,
    pub at: Millis,
}

impl Unanswered {
    pub fn new(site_id: &str, conversation_id: &str, seq: Seq, text: &str, at: Millis) -> Self {
        Self {
            site_id: site_id.to_string(),
            conversation_id: conversation_id.to_string(),
            seq,
            text: bounded(text),
            at,
        }
    }

    /// Unique across the deployment, and the receiver's idempotency key: a delivery repeated
    /// after a crash stores nothing twice.
    pub fn key(&self) -> String {
        format!("{}:{}", self.conversation_id, self.seq)
    }
}

/// `text` cut to [`MAX_TEXT_CHARS`] characters.
pub fn bounded(text: &str) -> String {
    text.chars().take(MAX_TEXT_CHARS).collect()
}

/// A stored, still open record (resolved and dismissed ones are not grouped).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub key: String,
    pub conversation_id: String,
    pub text: String,
    pub at: Millis,
}

/// Near-duplicate questions, as the dashboard lists them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Group {
    /// The most frequent wording (the newest spelling of it).
    pub title: String,
    /// How many times it was asked.
    pub count: u32,
    /// Other wordings, most frequent first (at most [`WORDINGS_SHOWN`]).
    pub wordings: Vec<String>,
    /// The conversations it was asked in, newest first, each once.
    pub conversations: Vec<String>,
    pub first_seen: Millis,
    pub last_seen: Millis,
    /// The stored records it groups (what a resolve or dismiss marks).
    #[serde(skip)]
    pub keys: Vec<String>,
    /// The distinct term sets of its wordings (what a new question is compared with).
    #[serde(skip)]
    terms: Vec<Vec<String>>,
}

/// A wording's terms; one made only of stopwords or small talk keeps its folded text instead,
/// so "what?" and "hmm?" do not all become one question.
fn terms_of(text: &str) -> Vec<String> {
    let terms = question_terms(text);
    if terms.is_empty() {
        vec![format!("={}", question_key(text))]
    } else {
        terms
    }
}

/// A word the stemmer did not recognise (a typo) keeps its letters, so a stem that begins it
/// ("park", "parkign"), one slip, or close trigrams are the same term; short words must match.
fn same_term(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.starts_with('=') || short.chars().count() < 4 {
        return false;
    }
    long.starts_with(short) || one_slip_apart(a, b) || word_similarity(a, b) >= SAME_TERM_AT
}

/// How alike two term sets are: Dice over terms (a term matching at most one of the other
/// side); a fragment of one term inside a question of two counts as alike too ("gift cards?",
/// "do you sell gift cards?").
pub fn similarity(a: &[String], b: &[String]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut free: Vec<&String> = b.iter().collect();
    let mut matched = 0;
    for term in a {
        if let Some(at) = free.iter().position(|other| same_term(term, other)) {
            free.swap_remove(at);
            matched += 1;
        }
    }
    if matched == 1 && a.len().min(b.len()) == 1 && a.len().max(b.len()) == 2 {
        return SAME_QUESTION_AT;
    }
    2.0 * matched as f32 / (a.len() + b.len()) as f32
}

/// Records of one exact term set, while grouping.
struct Bucket<'a> {
    terms: Vec<String>,
    rows: Vec<&'a Recorded>,
}

/// Groups near-duplicates: records with the same terms first, then each such bucket (most asked
/// first) joins the first group holding a wording at least [`SAME_QUESTION_AT`] alike, else
/// starts one. Groups come newest first by when they were last asked.
pub fn group(records: &[Recorded]) -> Vec<Group> {
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut memo: Vec<(String, Vec<String>)> = Vec::new();
    for row in records {
        let key = question_key(&row.text);
        let terms = match memo.iter().find(|(k, _)| *k == key) {
            Some((_, terms)) => terms.clone(),
            None => {
                let terms = terms_of(&row.text);
                memo.push((key, terms.clone()));
                terms
            }
        };
        match buckets.iter_mut().find(|b| b.terms == terms) {
            Some(bucket) => bucket.rows.push(row),
            None => buckets.push(Bucket {
                terms,
                rows: vec![row],
            }),
        }
    }
    let newest = |b: &Bucket| b.rows.iter().map(|r| r.at).max().unwrap_or_default();
    buckets.sort_by(|a, b| {
        b.rows
            .len()
            .cmp(&a.rows.len())
            .then(newest(b).cmp(&newest(a)))
            .then(a.terms.cmp(&b.terms))
    });
    let mut clusters: Vec<Vec<Bucket>> = Vec::new();
    for bucket in buckets {
        let home = clusters.iter_mut().find(|cluster| {
            cluster
                .iter()
                .any(|b| similarity(&b.terms, &bucket.terms) >= SAME_QUESTION_AT)
        });
        match home {
            Some(cluster) => cluster.push(bucket),
            None => clusters.push(vec![bucket]),
        }
    }
    let mut groups: Vec<Group> = clusters.into_iter().map(summarise).collect();
    groups.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(a.title.cmp(&b.title)));
    groups
}

fn summarise(cluster: Vec<Bucket>) -> Group {
    let terms: Vec<Vec<String>> = cluster.iter().map(|b| b.terms.clone()).collect();
    let mut rows: Vec<&Recorded> = cluster.into_iter().flat_map(|b| b.rows).collect();
    rows.sort_by(|a, b| b.at.cmp(&a.at).then(a.key.cmp(&b.key)));
    // Wordings by their folded text: (key, newest spelling, count), most asked first.
    let mut wordings: Vec<(String, String, u32)> = Vec::new();
    for row in &rows {
        let key = question_key(&row.text);
        match wordings.iter_mut().find(|(k, _, _)| *k == key) {
            Some(wording) => wording.2 += 1,
            None => wordings.push((key, row.text.clone(), 1)),
        }
    }
    // Stable: equally frequent wordings stay newest first.
    wordings.sort_by_key(|w| std::cmp::Reverse(w.2));
    let mut conversations: Vec<String> = Vec::new();
    for row in &rows {
        if !conversations.contains(&row.conversation_id) {
            conversations.push(row.conversation_id.clone());
        }
    }
    let mut texts = wordings.into_iter().map(|(_, text, _)| text);
    Group {
        title: texts.next().unwrap_or_default(),
        wordings: texts.take(WORDINGS_SHOWN).collect(),
        count: rows.len() as u32,
        conversations,
        first_seen: rows.iter().map(|r| r.at).min().unwrap_or_default(),
        last_seen: rows.iter().map(|r| r.at).max().unwrap_or_default(),
        keys: rows.iter().map(|r| r.key.clone()).collect(),
        terms,
    }
}

/// The group `question` belongs to (the most alike, at least [`SAME_QUESTION_AT`]), if any:
/// what a resolve or dismiss of that question marks.
pub fn group_of<'a>(question: &str, groups: &'a [Group]) -> Option<&'a Group> {
    let asked = terms_of(question);
    groups
        .iter()
        .filter_map(|g| {
            let best = g
                .terms
                .iter()
                .map(|t| similarity(t, &asked))
                .fold(0.0f32, f32::max);
            (best >= SAME_QUESTION_AT).then_some((g, best))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(g, _)| g)
}

/// Why an admin's answer to a question was refused; nothing changed.
#[derive(Error, Debug, Clone, PartialEq, Eq)]
pub enum UnansweredError {
    /// Neither or both ways of answering were given.
    #[error("give either `entry` (add the question to that entry) or `new_entry: true` with an `answer`")]
    OneWay,
    /// The question is empty.
    #[error("`question` must not be empty")]
    EmptyQuestion,
    /// The entry named does not exist.
    #[error(
        "`entry` {entry} is not an entry of the knowledge base (it has {len}; the first is 0)"
    )]
    NoSuchEntry { entry: usize, len: usize },
    /// The changed knowledge base breaks a rule of the settings (same limits and messages).
    #[error("{0}")]
    Settings(#[from] SettingsError),
    /// No open question is like it (a dismiss of something never asked, or already handled).
    #[error("no open unanswered question is like that one")]
    NotFound,
}

/// An admin's answer to a question, as the resolve route receives it.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    pub question: String,
    /// Add the question as a phrasing of this entry (its index in the knowledge base).
    #[serde(default)]
    pub entry: Option<usize>,
    /// Start a new entry with the question and `answer`.
    #[serde(default)]
    pub new_entry: bool,
    #[serde(default)]
    pub answer: Option<String>,
}

/// What the knowledge base gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// `question` becomes a phrasing of entry `entry`.
    Phrasing { entry: usize, question: String },
    /// A new entry: `question` and `answer`.
    NewEntry { question: String, answer: String },
}

impl ResolveRequest {
    /// Which of the two it asks for; both or neither is refused.
    pub fn resolution(&self) -> Result<Resolution, UnansweredError> {
        let question = self.question.trim().to_string();
        if question.is_empty() {
            return Err(UnansweredError::EmptyQuestion);
        }
        match (self.entry, self.new_entry, &self.answer) {
            (Some(entry), false, None) => Ok(Resolution::Phrasing { entry, question }),
            (None, true, Some(answer)) => Ok(Resolution::NewEntry {
                question,
                answer: answer.trim().to_string(),
            }),
            _ => Err(UnansweredError::OneWay),
        }
    }
}

/// The question a dismiss names.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DismissRequest {
    pub question: String,
}

/// The site's settings with the question added, validated as a settings save is (the same
/// [`settings_update::update`] of `knowledge_base`), so every limit and message is the same.
/// Adding a phrasing the entry already has (same words after folding) changes nothing.
pub fn resolve(
    settings: &SiteSettings,
    resolution: &Resolution,
    policy: &LlmPolicy,
) -> Result<SiteSettings, UnansweredError> {
    let mut entries = settings.knowledge_base.clone();
    match resolution {
        Resolution::Phrasing { entry, question } => {
            let len = entries.len();
            let target = entries
                .get_mut(*entry)
                .ok_or(UnansweredError::NoSuchEntry { entry: *entry, len })?;
            let key = question_key(question);
            if !target.questions.iter().any(|q| question_key(q) == key) {
                target.questions.push(question.clone());
            }
        }
        Resolution::NewEntry { question, answer } => entries.push(FaqEntry {
            questions: vec![question.clone()],
            answer: answer.clone(),
        }),
    }
    let body = serde_json::json!({ "knowledge_base": entries });
    Ok(settings_update::update(
        settings,
        &body,
        UpdateMode::Patch,
        policy,
    )?)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
#[path = "unanswered_tests.rs"]
mod tests;
