//! General customer-service vocabulary that plain word overlap misses: phrases that mean one
//! thing ("how much" asks for a price, "money back" is a refund), synonyms every business's
//! visitors use (cost/fee/price, ship/deliver, kids/children) and irregular English verb forms
//! ("bought" is "buy") that a stemmer leaves alone.
//!
//! Nothing here may belong to one line of business: what a kayak, a sneaker or an invoice is
//! called comes from the site's own knowledge base, never from this table. It is English (the
//! other languages get their stemmer only) and is applied to the knowledge base and to the
//! visitor's message alike, so a synonym only ever widens what matches.

use std::sync::OnceLock;

use super::lang::Lang;
use super::text::{FastMap, FastSet};

/// Phrases replaced by one token before stopwords are removed (several are made of stopwords).
const PHRASES: &[(&[&str], &str)] = &[
    (&["how", "much"], "price"),
    (&["how", "long"], "duration"),
    (&["how", "old"], "age"),
    (&["money", "back"], "refund"),
    (&["send", "back"], "return"),
    (&["sent", "back"], "return"),
    (&["bring", "back"], "return"),
    (&["take", "back"], "return"),
    (&["sign", "up"], "register"),
    (&["signing", "up"], "register"),
    (&["log", "in"], "login"),
    (&["logging", "in"], "login"),
    (&["sign", "in"], "login"),
    (&["e", "mail"], "email"),
    (&["email", "address"], "email"),
    (&["phone", "number"], "phone"),
    (&["telephone", "number"], "phone"),
    (&["opening", "hours"], "hours"),
    (&["opening", "times"], "hours"),
    (&["business", "hours"], "hours"),
    (&["office", "hours"], "hours"),
    (&["credit", "card"], "card"),
    (&["debit", "card"], "card"),
    (&["gift", "card"], "gift"),
    (&["gift", "cards"], "gift"),
    (&["gift", "certificate"], "gift"),
    (&["gift", "voucher"], "gift"),
    (&["gift", "vouchers"], "gift"),
    (&["free", "of", "charge"], "free"),
    (&["no", "charge"], "free"),
    (&["wi", "fi"], "wifi"),
    (&["car", "park"], "parking"),
    (&["public", "transport"], "transport"),
    (&["public", "transportation"], "transport"),
    (&["customer", "service"], "support"),
    (&["customer", "support"], "support"),
    (&["customer", "care"], "support"),
    (&["spread", "the", "cost"], "instalment"),
    (&["spread", "the", "payment"], "instalment"),
    (&["spread", "the", "payments"], "instalment"),
    (&["non", "profit"], "nonprofit"),
    (&["non", "profits"], "nonprofit"),
];

/// Synonym groups, one per string; the first word of each group is the canonical one.
const SYNONYMS: &[&str] = &[
    "price cost costs fee fees charge charged pricing priced expensive cheap tariff",
    "refund reimburse reimbursement repay repayment",
    "book reserve reservation booking appointment",
    "register registration enrol enroll signup",
    "cancel cancellation cancelation terminate stop",
    "change modify alter amend update",
    "ship shipping deliver delivery dispatch shipment postage courier",
    "parcel package",
    "pay payment paid paying",
    "card visa mastercard amex",
    "discount reduction reduced concession promo promotion coupon",
    "gift giftcard voucher",
    "child children kid kids son daughter toddler teen teenager baby infant minor",
    "person people persons",
    "address location located",
    "contact reach",
    "phone telephone call ring mobile smartphone cell cellphone",
    "email mail",
    "hours open opening close closing closed",
    "weekday monday tuesday wednesday thursday friday saturday sunday weekend weekends",
    "duration length",
    "age old aged",
    "damage damaged broken faulty defect defective",
    "wrong incorrect mistake",
    "exchange swap",
    "late delay delayed",
    "free complimentary",
    "login signin",
    "problem issue trouble",
    "buy purchase",
    "delete remove erase",
    "safe safety secure security danger dangerous risk risky",
    "photo photos picture pictures pic pics image images foto fotos photograph",
    "pet pets dog dogs puppy cat cats",
    "start begin beginning starting",
    "reschedule postpone rebook",
    "instalment instalments installment installments finance financing",
    "anxious anxiety nervous scared afraid fear fearful worried phobia",
    "urgent emergency urgently asap",
    "international abroad overseas worldwide foreign country countries usa america american canada australia uk britain england ireland germany france spain italy switzerland netherlands belgium austria sweden norway denmark japan china india brazil mexico",
    "currency currencies usd eur gbp chf dollar dollars euro euros pound pounds franc francs",
    "nonprofit nonprofits charity charities ngo",
    "online website web internet",
    "transport train trains bus buses metro subway underground tube tram station",
    "store stores shop shops boutique",
];

/// Irregular English forms a stemmer cannot join with their base.
const IRREGULAR: &[(&str, &str)] = &[
    ("bought", "buy"),
    ("paid", "pay"),
    ("sent", "send"),
    ("went", "go"),
    ("gone", "go"),
    ("came", "come"),
    ("took", "take"),
    ("taken", "take"),
    ("gave", "give"),
    ("given", "give"),
    ("brought", "bring"),
    ("left", "leave"),
    ("lost", "lose"),
    ("broke", "broken"),
    ("wore", "wear"),
    ("worn", "wear"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("spent", "spend"),
    ("ran", "run"),
    ("told", "tell"),
    ("made", "make"),
    ("found", "find"),
    ("ate", "eat"),
    ("eaten", "eat"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("flew", "fly"),
    ("forgot", "forget"),
    ("forgotten", "forget"),
    ("held", "hold"),
    ("kept", "keep"),
    ("met", "meet"),
    ("stole", "steal"),
    ("stolen", "steal"),
    ("sold", "sell"),
    ("wrote", "write"),
    ("written", "write"),
    ("children", "child"),
    ("feet", "foot"),
    ("teeth", "tooth"),
    ("women", "woman"),
    ("men", "man"),
    ("mice", "mouse"),
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

/// The base form of an irregular English word, if it is one.
pub(crate) fn regular(lang: Lang, word: &str) -> Option<&'static str> {
    static MAP: OnceLock<FastMap<&'static str, &'static str>> = OnceLock::new();
    if lang != Lang::En {
        return None;
    }
    MAP.get_or_init(|| IRREGULAR.iter().copied().collect())
        .get(word)
        .copied()
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

/// Whether an analysed term is one of the general customer-service concepts above (price,
/// refund, cancel, delivery, hours…): what a question asks about, next to what it is about.
pub(crate) fn is_concept(term: &str) -> bool {
    static SET: OnceLock<FastSet<String>> = OnceLock::new();
    SET.get_or_init(|| known_words().iter().map(|(_, t)| t.clone()).collect())
        .contains(term)
}

/// Every synonym with its term, so a misspelt "cancelation" or "refnd" is recognised even when
/// the knowledge base says it another way.
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
        let word = regular(Lang::En, word).unwrap_or(word);
        canonical(Lang::En, Lang::En.stem(word))
    }

    #[test]
    fn phrases_become_one_token() {
        let joined = join_phrases(tokens(
            "How much is a gift card, and can I get my money back?",
        ));
        assert_eq!(joined.join(" "), "price is a gift and can i get my refund");
    }

    #[test]
    fn synonyms_share_a_canonical_term() {
        assert_eq!(term("fees"), term("prices"));
        assert_eq!(term("kids"), term("children"));
        assert_eq!(term("shipping"), term("delivery"));
        assert_eq!(term("bought"), term("purchases"));
        assert_eq!(term("cancellation"), term("cancelled"));
        assert_ne!(term("price"), term("refund"));
        assert_eq!(term("stop"), term("cancel"));
        assert_eq!(term("nervous"), term("scared"));
        assert_eq!(term("installments"), term("instalment"));
        assert_eq!(term("usd"), term("currencies"));
        assert_eq!(term("australia"), term("abroad"));
        assert_eq!(term("charity"), term("nonprofits"));
        assert_eq!(term("website"), term("online"));
        assert_eq!(term("tube"), term("station"));
        assert_eq!(term("shop"), term("stores"));
    }

    #[test]
    fn concept_phrases_become_one_token() {
        let joined = join_phrases(tokens("can I spread the cost, we are a non profit"));
        assert_eq!(joined.join(" "), "can i instalment we are a nonprofit");
    }

    #[test]
    fn no_line_of_business_is_assumed() {
        // A tour operator's "hire" is not every business's "rent"; "register" is not "book".
        assert_ne!(term("hire"), term("rent"));
        assert_ne!(term("register"), term("book"));
        assert_eq!(canonical(Lang::De, "kind".into()), "kind");
    }
}
