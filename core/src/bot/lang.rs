//! The seven languages the bot knows: stopwords, a rough detector, and Snowball stemmers
//! (`rust-stemmers`) for each.
//!
//! Words reach the stemmer already folded to ASCII ("réservation" → "reservation"), on the
//! knowledge base and on the visitor's message alike: visitors often type without accents, and
//! the same pipeline on both sides matters more than the stemmer's view of accents.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::text::FastMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    De,
    Fr,
    Es,
    It,
    Pt,
    Nl,
}

impl Lang {
    pub(crate) const ALL: [Lang; 7] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::Es,
        Lang::It,
        Lang::Pt,
        Lang::Nl,
    ];

    /// The ISO 639-1 code.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Nl => "nl",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// Function words that say nothing about which answer is meant.
    pub(crate) fn is_stopword(self, word: &str) -> bool {
        stopword_languages(word) & self.bit() != 0
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Lang::En => Algorithm::English,
            Lang::De => Algorithm::German,
            Lang::Fr => Algorithm::French,
            Lang::Es => Algorithm::Spanish,
            Lang::It => Algorithm::Italian,
            Lang::Pt => Algorithm::Portuguese,
            Lang::Nl => Algorithm::Dutch,
        }
    }

    /// Reduces a word to the Snowball stem it shares with its inflections.
    pub(crate) fn stem(self, word: &str) -> String {
        // Digits and short words carry no inflection worth removing.
        if word.len() <= 3 || word.bytes().any(|b| b.is_ascii_digit()) {
            return word.to_string();
        }
        Stemmer::create(self.algorithm()).stem(word).into_owned()
    }
}

/// The languages (as bits) in which `word` is a stopword: one lookup serves detection and
/// filtering, which matters because every FAQ entry is analysed for every message.
fn stopword_languages(word: &str) -> u8 {
    static MAP: OnceLock<FastMap<&'static str, u8>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: FastMap<&'static str, u8> = FastMap::default();
        let lists = [
            EN_STOP, DE_STOP, FR_STOP, ES_STOP, IT_STOP, PT_STOP, NL_STOP,
        ];
        for (lang, lines) in Lang::ALL.into_iter().zip(lists) {
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
    let mut counts = [0usize; 7];
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

// Stopwords are stored folded (no accents), as the tokeniser produces them. The English list
// also holds conversational filler ("please", "tell", "know", "wondering") that visitors wrap
// around a question, and words for who and when ("my dad", "tomorrow"), which rarely decide
// which answer is meant.
const EN_STOP: &[&str] = &[
    "a about above after again all also am an and any anybody anyone anything are as at",
    "available be been before being both but by can cant could couldnt did didnt do does doesnt",
    "doing dont each else etc even ever every for from further get gets getting go going got had",
    "has have having he hello her here hey hi him his how however i id if im in into is isnt it",
    "its ive just know let lets like me might mine more most much must my myself need needs",
    "needed no nor not now of off ok okay on once one only or other our ours out over own please",
    "pls plz possible really same shall she should so some something such tell than thank thanks",
    "that thats the their them then there theres these they this those thx to too u under until",
    "up us very want wanted wants was we were what whats which while who whom whose why will",
    "with wont would wouldnt you youre your yours yourself able way question questions ask",
    "asking wondering wonder help information info along still somewhere anywhere",
    "hoping hope thinking planning looking guys anyway actually maybe perhaps probably",
    "dad mum mom mother father wife husband friend friends girlfriend boyfriend brother sister",
    "today tomorrow yesterday tonight without take takes taking took make makes making",
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
const IT_STOP: &[&str] = &[
    "a ad al alla alle agli ai anche che chi ci come con cosa da dal dalla dei del della delle",
    "di e ed gli ha hai ho i il in io la le lo ma mi mia mio nel nella non o per perche piu",
    "posso puo quale quali quando quanto quanti se si sono su sua suo ti tu un una uno vi voi",
];
const PT_STOP: &[&str] = &[
    "a ao aos as com como da das de do dos e ela ele em eu ha isso mais mas me meu minha na nas",
    "no nos o os ou para pela pelo por pode posso qual quando quanto que se sem seu sua tem um",
    "uma voce voces",
];
const NL_STOP: &[&str] = &[
    "aan als bij dan dat de die dit doen een en er geen heb hebben heeft het hoe ik in is je",
    "jij jullie kan kunnen kun maar me met mij mijn na naar niet nog nu of om onze ook op over",
    "te tot u uw van voor waar wanneer wat we wel welke wij worden wordt zijn zo",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::text::tokens;

    #[test]
    fn snowball_stems_join_inflections() {
        let same = |lang: Lang, a: &str, b: &str| {
            assert_eq!(lang.stem(a), lang.stem(b), "{lang:?} {a} / {b}")
        };
        same(Lang::En, "booking", "book");
        same(Lang::En, "bookings", "books");
        same(Lang::En, "cancelled", "cancel");
        same(Lang::En, "families", "family");
        assert_eq!(Lang::En.stem("small"), "small");
        same(Lang::De, "menschen", "mensch");
        same(Lang::Fr, "personnes", "personne");
        same(Lang::Es, "personas", "persona");
        same(Lang::It, "prenotazioni", "prenotazione");
        same(Lang::Pt, "reservas", "reserva");
        same(Lang::Nl, "boekingen", "boeking");
    }

    #[test]
    fn detects_language_only_on_clear_evidence() {
        let d = |text: &str| detect(&tokens(text), Lang::En);
        assert_eq!(d("Wie viel kostet die Tour pro Person?"), Lang::De);
        assert_eq!(d("Combien de personnes par kayak ?"), Lang::Fr);
        assert_eq!(d("¿Cuánto cuesta por persona y por día?"), Lang::Es);
        assert_eq!(d("Quanto costa il tour per una persona?"), Lang::It);
        assert_eq!(d("Quanto custa o passeio para uma pessoa?"), Lang::Pt);
        assert_eq!(d("Hoeveel kost de tour voor een persoon?"), Lang::Nl);
        assert_eq!(d("kayak prices?"), Lang::En);
        assert_eq!(d("do you have a discount for students?"), Lang::En);
    }
}
