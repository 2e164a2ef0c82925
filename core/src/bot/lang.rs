//! The four languages the bot knows: stopwords, a rough detector and light stemmers.
//!
//! The stemmers are deliberately light (plural and common verb/noun endings only): they must map
//! "bookings"/"booking"/"book" together without conflating unrelated words, and the same stemmer
//! runs over the knowledge base and the visitor's message, so consistency matters more than
//! linguistic accuracy.

use std::sync::OnceLock;

use super::text::FastMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    De,
    Fr,
    Es,
}

impl Lang {
    pub(crate) const ALL: [Lang; 4] = [Lang::En, Lang::De, Lang::Fr, Lang::Es];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// Function words that say nothing about which answer is meant.
    pub(crate) fn is_stopword(self, word: &str) -> bool {
        stopword_languages(word) & self.bit() != 0
    }

    /// Reduces a word to a stem shared with its inflections.
    pub(crate) fn stem(self, word: &str) -> String {
        // Digits and short words carry no inflection worth removing.
        if word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
            return word.to_string();
        }
        match self {
            Lang::En => stem_en(word),
            Lang::De => strip_one(word, DE_SUFFIXES, 3),
            Lang::Fr => strip_one(word, FR_SUFFIXES, 3),
            Lang::Es => strip_one(word, ES_SUFFIXES, 3),
        }
    }
}

/// The languages (as bits) in which `word` is a stopword: one lookup serves detection and
/// filtering, which matters because every FAQ entry is analysed for every message.
fn stopword_languages(word: &str) -> u8 {
    static MAP: OnceLock<FastMap<&'static str, u8>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: FastMap<&'static str, u8> = FastMap::default();
        for (lang, lines) in Lang::ALL
            .into_iter()
            .zip([EN_STOP, DE_STOP, FR_STOP, ES_STOP])
        {
            for word in lines.iter().flat_map(|line| line.split_whitespace()) {
                *map.entry(word).or_default() |= lang.bit();
            }
        }
        map
    });
    map.get(word).copied().unwrap_or(0)
}

/// The language with the most stopwords in `words`; `fallback` unless another one clearly wins,
/// because short messages ("kayak prices?") have no stopwords at all.
pub(crate) fn detect<'a>(words: impl IntoIterator<Item = &'a String>, fallback: Lang) -> Lang {
    let mut counts = [0usize; 4];
    for word in words {
        let bits = stopword_languages(word);
        for lang in Lang::ALL {
            counts[lang as usize] += usize::from(bits & lang.bit() != 0);
        }
    }
    let mut best = (fallback, counts[fallback as usize]);
    for lang in Lang::ALL {
        let n = counts[lang as usize];
        if n > best.1 && n >= 2 {
            best = (lang, n);
        }
    }
    best.0
}

fn has_vowel(s: &str) -> bool {
    s.bytes()
        .any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
}

/// A small Porter-like English stemmer: plurals, -ing, -ed, -ation, final -e and -y.
fn stem_en(word: &str) -> String {
    let mut s = word.to_string();
    if s.ends_with("sses") {
        s.truncate(s.len() - 2);
    } else if s.ends_with("ies") && s.len() > 4 {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") {
        s.pop();
    }
    for suffix in ["ation", "ing", "ed"] {
        if let Some(base) = s.strip_suffix(suffix) {
            let min = if suffix == "ation" { 4 } else { 3 };
            if base.len() >= min && has_vowel(base) {
                s.truncate(base.len());
            }
            break;
        }
    }
    // Always, so that both sides agree: cancelled/cancel, swimming/swim, reselling/resell.
    let bytes = s.as_bytes();
    if bytes.len() >= 4 {
        let (a, b) = (bytes[bytes.len() - 1], bytes[bytes.len() - 2]);
        if a == b && !matches!(a, b's' | b'a' | b'e' | b'i' | b'o' | b'u') {
            s.pop();
        }
    }
    if s.ends_with('e') && s.len() > 3 {
        s.pop();
    }
    if s.ends_with('y') && s.len() > 3 {
        s.pop();
        s.push('i');
    }
    s
}

const DE_SUFFIXES: &[&str] = &[
    "ungen", "innen", "heit", "keit", "ung", "ern", "em", "en", "er", "es", "e", "s", "n",
];
const FR_SUFFIXES: &[&str] = &[
    "ements", "ement", "ations", "ation", "euses", "euse", "eurs", "eur", "ees", "ee", "es", "er",
    "ez", "e", "s", "x",
];
const ES_SUFFIXES: &[&str] = &[
    "aciones", "acion", "amente", "mente", "ciones", "cion", "es", "as", "os", "ar", "er", "ir",
    "a", "o", "e", "s",
];

/// Strips the first (longest-listed-first) matching suffix that leaves at least `min` bytes.
fn strip_one(word: &str, suffixes: &[&str], min: usize) -> String {
    for suffix in suffixes {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.len() >= min {
                return base.to_string();
            }
        }
    }
    word.to_string()
}

// Stopwords are stored folded (no accents), as the tokeniser produces them. The English list
// also holds conversational filler ("please", "tell", "know") that visitors add to questions.
const EN_STOP: &[&str] = &[
    "a about above after again all also am an and any anybody anyone anything are as at",
    "available be been before being both but by can cant could couldnt did didnt do does doesnt",
    "doing dont each else etc even ever every for from further get gets getting go going got had",
    "has have having he hello her here hey hi him his how however i id if im in into is isnt it",
    "its ive just know let lets like many me might mine more most much must my myself need needs",
    "needed no nor not now of off ok okay on once one only or other our ours out over own please",
    "pls plz possible really same shall she should so some something such tell than thank thanks",
    "that thats the their them then there theres these they this those thx to too u under until",
    "up us very want wanted wants was we were what whats which while who whom whose why will",
    "with wont would wouldnt you youre your yours yourself able way question questions ask",
    "asking wondering help information info option options along still next previous somewhere anywhere",
    // Who and when rarely decide which answer is meant: "a gift card for my dad", "for Saturday".
    "dad mum mom mother father wife husband friend friends girlfriend boyfriend brother sister",
    "monday tuesday wednesday thursday friday saturday sunday",
];
const DE_STOP: &[&str] = &[
    "aber alle als also am an auch auf aus bei bin bis bitte da damit dann das dass dem den der",
    "des die dies diese dieser doch du durch ein eine einem einen einer eines er es etwas euch",
    "euer fur gibt gerne gern hab habe haben hallo hat hatte ich ihr ihre ihnen im in ist ja kann",
    "kannst konnen konnte man mich mir mit mochte muss nach nicht noch nur ob oder ohne sein sich",
    "sie sind so soll uber um und uns unser vom von vor war was wann warum weil welche welcher",
    "welches wenn wer werden wie wieviel will wir wird wo zu zum zur mein meine meinen meinem",
    "meiner dein deine darf durfen sollte denn mal",
];
const FR_STOP: &[&str] = &[
    "a ai au aux avec avez c ce ces cette combien comment d dans de des du elle en est et etre",
    "il ils j je l la le les leur ma mais me mes moi mon n ne nous on ou par pas peut peux plus",
    "pour qu que quel quelle quels qui s sa se ses si son sont sur svp ta te tes toi ton tu un",
    "une vos votre vous y",
];
const ES_STOP: &[&str] = &[
    "a al algo como con cual cuando cuanto cuanta cuantos cuantas de del donde el ella en es",
    "esta este esto hay la las lo los me mi mis muy no nos o para pero por puedo puede que se si",
    "sin su sus te tengo tiene un una unos y yo",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::text::tokens;

    #[test]
    fn english_stems_join_inflections() {
        let same = |a: &str, b: &str| assert_eq!(Lang::En.stem(a), Lang::En.stem(b), "{a} / {b}");
        same("booking", "book");
        same("bookings", "books");
        same("cancelled", "cancel");
        same("cancellation", "cancel");
        same("cancelation", "cancel");
        same("hiking", "hike");
        same("hikes", "hike");
        same("swimming", "swim");
        same("families", "family");
        same("paddling", "paddle");
        same("buses", "bus");
        same("reselling", "resell");
        assert_eq!(Lang::En.stem("station"), "station");
        assert_eq!(Lang::En.stem("bring"), "bring");
    }

    #[test]
    fn other_stemmers_strip_plurals() {
        assert_eq!(Lang::De.stem("menschen"), Lang::De.stem("mensch"));
        assert_eq!(Lang::Fr.stem("personnes"), Lang::Fr.stem("personne"));
        assert_eq!(Lang::Es.stem("personas"), Lang::Es.stem("persona"));
    }

    #[test]
    fn detects_language_only_on_clear_evidence() {
        let d = |text: &str| detect(&tokens(text), Lang::En);
        assert_eq!(d("Wie viel kostet die Tour pro Person?"), Lang::De);
        assert_eq!(d("Combien de personnes par kayak ?"), Lang::Fr);
        assert_eq!(d("¿Cuánto cuesta por persona y por día?"), Lang::Es);
        assert_eq!(d("kayak prices?"), Lang::En);
        assert_eq!(d("do you have a discount for students?"), Lang::En);
    }
}
