//! Canned replies: texts an agent inserts with `/shortcut` in the composer. Per site (managed by
//! admins) or personal (each agent their own). Variables are filled in when inserted, so the
//! agent sees and may edit the final text before sending it.

use serde::{Deserialize, Serialize};

/// Longest shortcut, in characters.
pub const SHORTCUT_MAX: usize = 32;
/// Longest canned text, in bytes.
pub const TEXT_MAX: usize = 4_000;
/// Canned replies one site may hold (site-wide and personal together).
pub const PER_SITE_MAX: usize = 500;

/// Why a canned reply was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum CannedError {
    /// The shortcut is empty, too long, or has characters other than letters, digits, `-`, `_`.
    #[error("shortcut must be 1–{SHORTCUT_MAX} letters, digits, '-' or '_'")]
    BadShortcut,
    /// The text is empty or longer than [`TEXT_MAX`].
    #[error("text must be 1–{TEXT_MAX} bytes")]
    BadText,
    /// The text names a variable that does not exist (a typo would be sent as is).
    #[error("unknown variable {0}: use {{visitor.name}} or {{agent.name}}")]
    UnknownVariable(String),
}

/// One canned reply as the dashboard lists it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CannedReply {
    pub id: String,
    pub shortcut: String,
    pub text: String,
    /// Only its owner sees it; otherwise it belongs to the site.
    pub personal: bool,
    pub uses: u32,
}

/// What the variables stand for in one chat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CannedVars<'a> {
    /// `None` when the visitor gave no name.
    pub visitor_name: Option<&'a str>,
    pub agent_name: &'a str,
}

const VARIABLES: [&str; 2] = ["visitor.name", "agent.name"];

/// The shortcut as stored (without a leading `/`), or why not.
pub fn shortcut(raw: &str) -> Result<String, CannedError> {
    let s = raw.trim().trim_start_matches('/');
    let ok = !s.is_empty()
        && s.chars().count() <= SHORTCUT_MAX
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(s.to_lowercase())
    } else {
        Err(CannedError::BadShortcut)
    }
}

/// The text as stored, or why not: trimmed, bounded, and only known `{variables}`.
pub fn text(raw: &str) -> Result<String, CannedError> {
    let t = raw.trim();
    if t.is_empty() || t.len() > TEXT_MAX {
        return Err(CannedError::BadText);
    }
    for name in placeholders(t) {
        if !VARIABLES.contains(&name) {
            return Err(CannedError::UnknownVariable(format!("{{{name}}}")));
        }
    }
    Ok(t.to_string())
}

/// The `{name}` placeholders of `text` whose name looks like a variable (`word.word`); other
/// braces ("{ }", JSON in a reply) are left alone.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let name = rest.split_once('}')?.0;
        let looks_like = name.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        });
        looks_like.then_some(name)
    })
}

/// `text` with its variables filled in. A visitor without a name becomes "there" in English
/// greetings ("Hi {visitor.name}" → "Hi there"), which reads better than an empty gap.
pub fn fill(text: &str, vars: &CannedVars) -> String {
    // One pass, so a visitor whose name looks like a variable is not filled in again.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (value, len) = if tail.starts_with("{visitor.name}") {
            (vars.visitor_name.unwrap_or("there"), "{visitor.name}".len())
        } else if tail.starts_with("{agent.name}") {
            (vars.agent_name, "{agent.name}".len())
        } else {
            ("{", 1)
        };
        out.push_str(value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// The replies for what follows `/` in the composer: shortcut prefix matches first, then
/// shortcut or text containing the query; within each, most used first, then by shortcut.
pub fn filter<'a>(replies: &'a [CannedReply], query: &str) -> Vec<&'a CannedReply> {
    let q = query.trim().trim_start_matches('/').to_lowercase();
    let mut found: Vec<(u8, &CannedReply)> = replies
        .iter()
        .filter_map(|r| {
            if r.shortcut.starts_with(&q) {
                Some((0, r))
            } else if r.shortcut.contains(&q) || r.text.to_lowercase().contains(&q) {
                Some((1, r))
            } else {
                None
            }
        })
        .collect();
    found.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then(b.uses.cmp(&a.uses))
            .then(a.shortcut.cmp(&b.shortcut))
            .then(a.personal.cmp(&b.personal))
    });
    found.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(shortcut: &str, text: &str, uses: u32) -> CannedReply {
        CannedReply {
            id: shortcut.into(),
            shortcut: shortcut.into(),
            text: text.into(),
            personal: false,
            uses,
        }
    }

    #[test]
    fn shortcuts_are_checked_and_normalised() {
        assert_eq!(shortcut("/Hello").as_deref(), Ok("hello"));
        assert_eq!(shortcut(" refund_policy "), Ok("refund_policy".into()));
        for bad in ["", "/", "two words", "a/b", "<b>", &"x".repeat(33)] {
            assert_eq!(shortcut(bad), Err(CannedError::BadShortcut), "{bad:?}");
        }
    }

    #[test]
    fn texts_may_use_only_known_variables() {
        assert!(text("Hi {visitor.name}, {agent.name} here").is_ok());
        assert!(text("JSON like {\"a\": 1} or { } is fine").is_ok());
        assert_eq!(
            text("Hi {visitor.nmae}"),
            Err(CannedError::UnknownVariable("{visitor.nmae}".into()))
        );
        assert_eq!(text("   "), Err(CannedError::BadText));
        assert_eq!(text(&"x".repeat(TEXT_MAX + 1)), Err(CannedError::BadText));
    }

    #[test]
    fn variables_are_filled_in() {
        let vars = CannedVars {
            visitor_name: Some("Vera"),
            agent_name: "Ann",
        };
        assert_eq!(
            fill(
                "Hi {visitor.name}, {agent.name} here. {visitor.name}?",
                &vars
            ),
            "Hi Vera, Ann here. Vera?"
        );
        let anonymous = CannedVars {
            visitor_name: None,
            agent_name: "Ann",
        };
        assert_eq!(fill("Hi {visitor.name}!", &anonymous), "Hi there!");
        // A name that looks like a variable is not filled in again.
        let tricky = CannedVars {
            visitor_name: Some("{agent.name}"),
            agent_name: "Ann",
        };
        assert_eq!(fill("Hi {visitor.name}", &tricky), "Hi {agent.name}");
    }

    #[test]
    fn filter_puts_prefixes_first_then_most_used() {
        let all = [
            reply("thanks", "Thanks for waiting!", 2),
            reply("hello", "Hi {visitor.name}", 1),
            reply("help", "How can I help?", 9),
            reply("refund", "Our refund policy: thanks to ...", 0),
        ];
        let names = |q: &str| -> Vec<&str> {
            filter(&all, q)
                .iter()
                .map(|r| r.shortcut.as_str())
                .collect()
        };
        assert_eq!(names("/he"), ["help", "hello"]);
        assert_eq!(names("thank"), ["thanks", "refund"]);
        assert_eq!(names(""), ["help", "thanks", "hello", "refund"]);
        assert!(names("zzz").is_empty());
    }
}
