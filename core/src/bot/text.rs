//! Text normalisation shared by retrieval, small talk and human-request detection: lowercase,
//! accents folded to ASCII, punctuation dropped, English contractions expanded and French
//! elisions split, so "Don't", "dont" and "do not" or "l'agent" and "l agent" look alike.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Appends the ASCII fold of a lowercase char; other scripts pass through unchanged.
fn push_folded(out: &mut String, c: char) {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'ł' => "l",
        'ś' | 'š' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ř' => "r",
        'đ' | 'ð' => "d",
        'þ' => "th",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(folded);
}

/// Expands one raw word that contains an apostrophe.
fn push_apostrophe_word(out: &mut Vec<String>, word: &str) {
    let expansion: Option<(&str, &[&str])> = match word {
        "can't" => Some(("", &["can", "not"])),
        "won't" => Some(("", &["will", "not"])),
        "ain't" => Some(("", &["is", "not"])),
        _ => None,
    };
    if let Some((_, words)) = expansion {
        out.extend(words.iter().map(|w| (*w).to_string()));
        return;
    }
    const SUFFIXES: &[(&str, &str)] = &[
        ("n't", "not"),
        ("'re", "are"),
        ("'ve", "have"),
        ("'ll", "will"),
        ("'d", "would"),
        ("'m", "am"),
        ("'s", ""),
    ];
    for (suffix, replacement) in SUFFIXES {
        if let Some(base) = word.strip_suffix(suffix) {
            if !base.is_empty() && !base.contains('\'') {
                out.push(base.to_string());
                if !replacement.is_empty() {
                    out.push((*replacement).to_string());
                }
                return;
            }
        }
    }
    // French and Italian elisions: l'agent, qu'un, s'il.
    out.extend(
        word.split('\'')
            .filter(|part| !part.is_empty())
            .map(str::to_string),
    );
}

/// Normalised words of `text`, in order: lowercase, accents folded, letters, digits and
/// apostrophes kept, everything else separating words.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if word.contains('\'') {
            push_apostrophe_word(out, word);
            word.clear();
        } else if !word.is_empty() {
            out.push(std::mem::take(word));
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase()); // the common case, without Unicode tables
        } else if matches!(c, '\'' | '’' | '‘' | '`' | '´') {
            word.push('\'');
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                push_folded(&mut word, lower);
            }
        } else {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), or `None` as
/// soon as it must exceed `max`. Typos are mostly one slip, and "humna" is one slip from "human".
pub(crate) fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max * 4 {
        return None; // cheap byte-length reject before looking at characters
    }
    if a.is_ascii() && b.is_ascii() {
        return osa(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b, max)
}

/// Rows live on the stack for words up to 31 letters; longer ones are never typos we fix.
fn osa<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    const CAP: usize = 32;
    if a.len().abs_diff(b.len()) > max || a.len() >= CAP || b.len() >= CAP {
        return (a == b).then_some(0);
    }
    let width = b.len() + 1;
    let mut prev2 = [0usize; CAP];
    let mut prev = [0usize; CAP];
    let mut cur = [0usize; CAP];
    for (j, cell) in prev.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        prev2 = prev;
        prev = cur;
    }
    let d = prev[width - 1];
    (d <= max).then_some(d)
}

/// Edit distance of a typed `word` to a known `candidate` within the word's typo budget.
/// Typos rarely hit the first letter, so candidates must start alike (or swap the first two
/// letters); that keeps a look-up against a whole vocabulary cheap.
pub(crate) fn typo_distance(word: &str, candidate: &str) -> Option<usize> {
    let budget = typo_budget(word);
    let (w, c) = (word.as_bytes(), candidate.as_bytes());
    let alike = match (w, c) {
        ([a, ..], [b, ..]) if a == b => true,
        ([a0, a1, ..], [b0, b1, ..]) => a0 == b1 && a1 == b0,
        _ => false,
    };
    if budget == 0 || !alike {
        return None;
    }
    edit_distance_within(word, candidate, budget)
}

/// How many slips a word of this length may contain and still be recognised: none below five
/// letters (too many real words are one slip apart), one up to eight, two beyond.
pub(crate) fn typo_budget(word: &str) -> usize {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a: a stable hash to vary replies deterministically (no RNG or clock in this crate).
pub(crate) fn stable_hash(words: &[String]) -> u64 {
    let mut hasher = Fnv::default();
    for word in words {
        hasher.write(word.as_bytes());
        hasher.write(b" ");
    }
    hasher.finish()
}

/// FNV-1a as a `Hasher`. The index is rebuilt for every message, and hashing short words with
/// SipHash dominated that; flooding is no concern since visitors only look words up.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
        self.0 = hash;
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> String {
        tokens(text).join(" ")
    }

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            joined("Kann ich mit einem MITARBEITER sprechen?"),
            "kann ich mit einem mitarbeiter sprechen"
        );
        assert_eq!(
            joined("¿Cuánto cuesta? Tschüß, à bientôt!"),
            "cuanto cuesta tschuss a bientot"
        );
        assert_eq!(joined("full-day tour, 8:00"), "full day tour 8 00");
    }

    #[test]
    fn expands_contractions_and_splits_elisions() {
        assert_eq!(joined("I don't need a human"), "i do not need a human");
        assert_eq!(
            joined("I can’t swim, I'd like help"),
            "i can not swim i would like help"
        );
        assert_eq!(
            joined("Puis-je parler à quelqu'un, s'il vous plaît ?"),
            "puis je parler a quelqu un s il vous plait"
        );
        assert_eq!(joined("my dad's birthday"), "my dad birthday");
    }

    #[test]
    fn edit_distance_counts_one_slip() {
        assert_eq!(edit_distance_within("humna", "human", 1), Some(1));
        assert_eq!(edit_distance_within("refnud", "refund", 1), Some(1));
        assert_eq!(edit_distance_within("adress", "address", 1), Some(1));
        assert_eq!(edit_distance_within("kayak", "kayak", 1), Some(0));
        assert_eq!(edit_distance_within("prison", "person", 1), None);
        assert_eq!(
            edit_distance_within("cancelation", "cancellation", 2),
            Some(1)
        );
    }

    #[test]
    fn hash_is_stable() {
        let words = tokens("hello there");
        assert_eq!(stable_hash(&words), stable_hash(&tokens("Hello, there!")));
        assert_ne!(stable_hash(&words), stable_hash(&tokens("hello here")));
    }
}
