//! Domain vocabulary that plain word overlap misses: multi-word phrases that mean one thing
//! ("how much" is a price question) and synonyms ("hire" is "rent", "kids" are "children").
//!
//! The table is English (the knowledge bases seen so far are) and written for small tour and
//! service businesses; it is applied to the knowledge base and to the visitor's message alike,
//! so a synonym only ever widens what matches.

use std::sync::OnceLock;

use super::lang::Lang;
use super::text::{FastMap, FastSet};

/// Phrases replaced by one token before stopwords are removed (several are made of stopwords).
const PHRASES: &[(&[&str], &str)] = &[
    (&["how", "much"], "price"),
    (&["how", "many", "hours"], "duration"),
    (&["how", "many", "people"], "capacity"),
    (&["how", "many", "persons"], "capacity"),
    (&["email", "address"], "email"),
    (&["how", "old"], "age"),
    (&["how", "long"], "duration"),
    (&["money", "back"], "refund"),
    (&["sign", "up"], "book"),
    (&["life", "jacket"], "lifejacket"),
    (&["life", "jackets"], "lifejacket"),
    (&["life", "vest"], "lifejacket"),
    (&["life", "vests"], "lifejacket"),
    (&["wet", "suit"], "wetsuit"),
    (&["wet", "suits"], "wetsuit"),
    (&["e", "mail"], "email"),
    (&["changing", "room"], "changeroom"),
    (&["changing", "rooms"], "changeroom"),
    (&["change", "clothes"], "changeroom"),
    (&["get", "changed"], "changeroom"),
    (&["public", "transport"], "transport"),
    (&["public", "transportation"], "transport"),
    (&["without", "a", "car"], "transport"),
    (&["first", "timer"], "beginner"),
    (&["first", "timers"], "beginner"),
    (&["first", "time"], "beginner"),
    (&["team", "building"], "teambuilding"),
    (&["car", "park"], "parking"),
    (&["camper", "van"], "camper"),
];

/// Synonym groups, one per string; the first word of each group is the canonical one.
const SYNONYMS: &[&str] = &[
    "price cost costs fee charge pricing priced expensive cheap",
    "book reserve reservation register registration enrol enroll",
    "refund reimburse reimbursement repay repayment",
    "kayak canoe canoeing",
    "child children kid kiddo daughter son toddler teen teenager baby infant minor \
        grandchild grandchildren youngster",
    "person people persons guest participant pax",
    "rent rental hire lease",
    "photo picture pic foto image photograph photography selfie",
    "pet dog puppy doggy cat",
    "safe safety danger dangerous risk risky secure",
    "gift voucher present giftcard certificate",
    "discount reduced reduction concession cheaper deal rate",
    "food lunch meal eat dinner breakfast picnic",
    "vegetarian vegan veggie gluten allergy allergic diet dietary intolerance",
    "difficult difficulty hard tough strenuous demanding challenging exhausting tiring easy",
    "fit fitness shape athletic",
    "start begin beginning depart departure",
    "tour trip excursion",
    "company business corporate firm corporation colleague coworker employee workplace",
    "swim swimmer",
    "lifejacket pfd buoyancy",
    "wetsuit drysuit neoprene",
    "email mail",
    "phone telephone mobile cell",
    "wildlife animal creature bird",
    "insurance insure insured insurer",
    "liable liability responsible responsibility",
    "injury injure injured hurt",
    "pay payment paid",
    "card visa mastercard amex creditcard",
    "propose proposal engagement engaged marry",
    "late delay delayed tardy",
    "camper campervan motorhome rv caravan",
    "accessible accessibility disabled disability handicap handicapped impaired mobility",
    "beginner novice newbie inexperienced amateur firsttimer",
    "open close closing closed",
    "month january february april june july august september october november december",
    "season winter summer autumn spring seasonal",
    "weather rain rainy wind windy storm stormy thunder lightning fog foggy gale",
    "address location located",
    "bring pack",
    "clothes clothing wear outfit",
    "locker luggage suitcase",
    // Not "train": "training" would stem to it.
    "transport transportation bus ferry taxi transit shuttle",
    "hike trek trekking",
    "equipment gear",
    "include provide supply supplied",
    "contact reach",
    "agent agency operator reseller",
    "duration length",
    "age old aged",
];

/// Replaces known phrases in `words` by their single token.
pub(crate) fn join_phrases(words: Vec<String>) -> Vec<String> {
    static FIRST: OnceLock<FastSet<&'static str>> = OnceLock::new();
    let first = FIRST.get_or_init(|| {
        PHRASES
            .iter()
            .filter_map(|(p, _)| p.first().copied())
            .collect()
    });
    let mut words = words;
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let phrase = first.contains(words[i].as_str()).then(|| {
            PHRASES.iter().find(|(phrase, _)| {
                words.len() >= i + phrase.len()
                    && words[i..].iter().zip(phrase.iter()).all(|(w, p)| w == p)
            })
        });
        match phrase.flatten() {
            Some((phrase, token)) => {
                out.push((*token).to_string());
                i += phrase.len();
            }
            None => {
                out.push(std::mem::take(&mut words[i]));
                i += 1;
            }
        }
    }
    out
}

/// English stem -> canonical stem.
fn synonym_map() -> &'static FastMap<String, String> {
    static MAP: OnceLock<FastMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = FastMap::default();
        for group in SYNONYMS {
            let mut group = group.split_whitespace();
            let Some(first) = group.next() else { continue };
            let canonical = Lang::En.stem(first);
            for word in group {
                map.insert(Lang::En.stem(word), canonical.clone());
            }
        }
        map
    })
}

/// The canonical form of an already stemmed word.
pub(crate) fn canonical(lang: Lang, stem: String) -> String {
    if lang != Lang::En {
        return stem;
    }
    match synonym_map().get(&stem) {
        Some(canonical) => canonical.clone(),
        None => stem,
    }
}

/// Every synonym with its term, so a misspelt "vouchr" can be recognised even when the
/// knowledge base itself only says "gift card".
pub(crate) fn known_words() -> &'static [(&'static str, String)] {
    static WORDS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    WORDS.get_or_init(|| {
        SYNONYMS
            .iter()
            .flat_map(|group| group.split_whitespace())
            .map(|word| (word, canonical(Lang::En, Lang::En.stem(word))))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::text::tokens;

    fn term(word: &str) -> String {
        canonical(Lang::En, Lang::En.stem(word))
    }

    #[test]
    fn phrases_become_one_token() {
        let joined = join_phrases(tokens(
            "How much is a life jacket, and how old must kids be?",
        ));
        assert_eq!(
            joined.join(" "),
            "price is a lifejacket and age must kids be"
        );
    }

    #[test]
    fn synonyms_share_a_canonical_term() {
        assert_eq!(term("hire"), term("rental"));
        assert_eq!(term("kids"), term("children"));
        assert_eq!(term("vouchers"), term("gift"));
        assert_eq!(term("costs"), term("prices"));
        assert_eq!(term("storm"), term("weather"));
        assert_ne!(term("kayak"), term("price"));
    }

    #[test]
    fn other_languages_are_left_alone() {
        assert_eq!(canonical(Lang::De, "kind".into()), "kind");
    }
}
