//! Detects a visitor asking for a person (handoff trigger 2), in en/de/fr/es.
//!
//! A human noun alone is not enough: "price per person?", "do you give travel agents a
//! discount?" and "how many persons per kayak?" are ordinary questions. A request is an intent
//! pattern: a verb of talking followed by "to/with" and a human noun ("can I chat with a person"),
//! a human noun that one can talk to ("is there an employee I can talk to?"), wanting or being
//! put through to one ("I need a human", "connect me to an agent"), someone contacting the
//! visitor ("can someone call me?"), or a bare request ("agent please", "real human"). A negation
//! just before the verb cancels it ("I don't need a human, just the price").

use std::sync::OnceLock;

use super::text::{tokens, typo_distance, FastMap};

/// People the visitor may want to talk to.
const NOUNS: &str = "\
    human humans person persons people someone somebody anyone anybody agent agents \
    representative representatives rep employee employees staff operator manager supervisor \
    advisor adviser consultant owner service support team desk mensch menschen mitarbeiter \
    mitarbeiterin mitarbeitern personen jemand jemandem jemanden berater beraterin \
    kundendienst kundenservice ansprechpartner humain humains personne quelqu quelquun \
    conseiller conseillere employe operateur operatrice responsable humano humanos persona \
    personas alguien agente empleado empleada asesor asesora operador operadora \
    representante encargado";

/// Nouns that make a request on their own ("human!", "Mitarbeiter bitte").
const BARE_NOUNS: &str = "\
    human person someone somebody agent representative rep employee operator manager mensch \
    menschen mitarbeiter mitarbeiterin berater humain conseiller conseillere humano persona \
    agente asesor operador";

/// Words that may stand between a verb or preposition and the noun: "to one of your real agents".
const DETERMINERS: &str = "\
    a an the some any one of your real live actual human physical living proper customer \
    sales member ein eine einem einen einer dem der den ihrem ihren echten echte echter \
    richtigen lebenden menschlichen un une le la l des du vrai vraie veritable votre vos de \
    el los las una unos unas alguna algun su sus gern gerne";

/// Verbs of talking, typically followed by "to/with" (verbs match exactly: with typo tolerance
/// "walking with a person" would read as "talking with a person").
const TALK: &str = "\
    talk talking tlak speak speaking speek chat chatting converse touch parler parle \
    discuter discute echanger hablar hablo hable charlar chatear conversar comunicar \
    comunicarme comunicame pasar pasame ponme ponerme";
/// German puts the verb last, so these count anywhere in the message after "mit" + person.
const TALK_DE: &str = "\
    sprechen spreche sprich reden rede chatten schreiben verbinden verbinde verbunden \
    kontaktieren telefonieren unterhalten weiterleiten";
const TALK_PREPOSITIONS: &str = "to with a avec con mit";

/// Verbs of wanting; followed directly by a person they mean a request.
const WANT: &str = "\
    want need like prefer wish request mochte mochten brauche brauchen hatte suche wunsche \
    veux voudrais souhaite souhaiterais aimerais demande quiero quisiera necesito busco \
    prefiero deseo";

/// Verbs that hand the visitor over: "connect me to", "get me", "passez-moi".
const HAND_OVER: &str = "\
    connect transfer put pass forward redirect switch hand send get give find bring passez \
    passe";
const ME: &str = "me us moi nous";
const HAND_OVER_PARTICLES: &str = "to with through over on a avec";

/// "with whom" in four languages, for a talk verb that ends the message.
const RELATIVES: &str = "whom quien qui dem denen";

/// Ways a person can reach or help the visitor: "can someone call me?", "can a human help me".
const CONTACT: &str = "call contact phone ring email text reach help";

/// In a question ("do I need a person to come along?") a want verb is not a request.
const AUXILIARIES: &str = "do does did will would should must shall can could";
const SUBJECTS: &str = "i we you one";

const NEGATIONS: &str =
    "not no never dont without nicht kein keine keinen nie ne pas jamais nunca sin ni";

/// Allowed around a bare noun: "a real human please", "un humain s'il vous plaît".
const BARE_FILLER: &str = "\
    please pls plz now asap a an the real live actual i want need talk speak to with me give \
    get just only being customer service bitte sofort jetzt ein eine einen einem echten \
    echter echte mit ich un une vrai vraie s il vous plait svp maintenant je veux por favor \
    una de verdad ahora quiero";

/// The word lists above, so a message's words are looked up once each.
#[derive(Clone, Copy)]
enum List {
    Nouns,
    BareNouns,
    Determiners,
    Talk,
    TalkDe,
    TalkPrepositions,
    Relatives,
    Want,
    HandOver,
    Me,
    HandOverParticles,
    Contact,
    Auxiliaries,
    Subjects,
    Negations,
    BareFiller,
    Adverbs,
}

use List::*;

const LISTS: [(List, &str); 17] = [
    (Nouns, NOUNS),
    (BareNouns, BARE_NOUNS),
    (Determiners, DETERMINERS),
    (Talk, TALK),
    (TalkDe, TALK_DE),
    (TalkPrepositions, TALK_PREPOSITIONS),
    (Relatives, RELATIVES),
    (Want, WANT),
    (HandOver, HAND_OVER),
    (Me, ME),
    (HandOverParticles, HAND_OVER_PARTICLES),
    (Contact, CONTACT),
    (Auxiliaries, AUXILIARIES),
    (Subjects, SUBJECTS),
    (Negations, NEGATIONS),
    (BareFiller, BARE_FILLER),
    (Adverbs, "directly quickly please"),
];

impl List {
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// The lists `word` belongs to, as bits; person nouns also with one slip ("humna", "persn").
fn lists_of(word: &str) -> u32 {
    static MAP: OnceLock<FastMap<&'static str, u32>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: FastMap<&'static str, u32> = FastMap::default();
        for (list, words) in LISTS {
            for w in words.split_whitespace() {
                *map.entry(w).or_default() |= list.bit();
            }
        }
        map
    });
    let mut bits = map.get(word).copied().unwrap_or(0);
    for (list, words) in [(Nouns, NOUNS), (BareNouns, BARE_NOUNS)] {
        if bits & list.bit() == 0 && slip_of(words, word) {
            bits |= list.bit();
        }
    }
    bits
}

/// `word` is one slip away from a word of five letters or more in `list`.
fn slip_of(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|candidate| {
        candidate.len() >= 5 && typo_distance(word, candidate).is_some_and(|d| d <= 1)
    })
}

/// A tokenised message with each word's lists found once: the typo-tolerant noun match is the
/// costly part, and the patterns below look at the same words several times.
struct Message {
    words: Vec<String>,
    lists: Vec<u32>,
}

impl Message {
    fn new(text: &str) -> Self {
        let words = tokens(text);
        let lists = words.iter().map(|w| lists_of(w)).collect();
        Self { words, lists }
    }

    fn is(&self, at: usize, list: List) -> bool {
        self.lists
            .get(at)
            .is_some_and(|bits| bits & list.bit() != 0)
    }

    /// A noun within three determiners from `start`.
    fn noun_follows(&self, start: usize) -> bool {
        for at in start..(start + 4).min(self.words.len()) {
            if self.is(at, Nouns) {
                return true;
            }
            if !self.is(at, Determiners) {
                return false;
            }
        }
        false
    }

    /// A negation among the three words before `at`.
    fn negated(&self, at: usize) -> bool {
        (at.saturating_sub(3)..at).any(|k| self.is(k, Negations))
    }

    /// "talk to a person", "parler à quelqu'un", "hablar con alguien", "get in touch with someone".
    fn talk_to(&self, i: usize) -> bool {
        let mut next = i + 1;
        if self.is(next, Adverbs) {
            next += 1;
        }
        self.is(next, TalkPrepositions) && self.noun_follows(next + 1)
    }

    /// "is there an employee I can talk to?" or "¿hay alguien con quien pueda hablar?": a noun,
    /// then within five words a talk verb that ends the message, with its preposition after it
    /// or, as in "with whom", before it.
    fn noun_to_talk_to(&self, i: usize) -> bool {
        let end = self.words.len();
        (i + 1..end.min(i + 6)).any(|j| {
            let preposition_after = j + 2 == end && self.is(j + 1, TalkPrepositions);
            let relative_before = j + 1 == end && (i + 1..j).any(|k| self.is(k, Relatives));
            let talk = self.is(j, Talk) || self.is(j, TalkDe);
            talk && (preposition_after || relative_before) && !self.negated(j)
        })
    }

    /// German puts the verb last: "Kann ich mit einem Mitarbeiter sprechen?".
    fn german_mit(&self, i: usize) -> bool {
        let anywhere = |list| (0..self.words.len()).any(|k| self.is(k, list));
        self.words[i] == "mit"
            && self.noun_follows(i + 1)
            && anywhere(TalkDe)
            && !anywhere(Negations)
    }

    /// "I need a human", "I'd like a person", "quiero un humano"; not "do I need a person".
    fn wants_noun(&self, i: usize) -> bool {
        if self.words[i] == "like" && (i == 0 || self.words[i - 1] != "would") {
            return false;
        }
        let question = i >= 2 && self.is(i - 2, Auxiliaries) && self.is(i - 1, Subjects);
        !question && self.noun_follows(i + 1)
    }

    /// "connect me to an agent", "get me a real person", "passez-moi un conseiller".
    fn hands_over(&self, i: usize) -> bool {
        if !self.is(i + 1, Me) {
            return false;
        }
        let mut next = i + 2;
        while self.is(next, HandOverParticles) && next < i + 4 {
            next += 1;
        }
        self.noun_follows(next)
    }

    /// "can someone call me back?", "can a human help me"; but "help" only when the message
    /// ends there, since "can staff help us carry the kayaks?" is a question about the tour.
    fn contacts_me(&self, i: usize) -> bool {
        let help = self.words.get(i + 1).is_some_and(|w| w == "help");
        self.is(i + 1, Contact) && self.is(i + 2, Me) && (!help || i + 3 == self.words.len())
    }

    /// Nothing but a person and filler: "agent please", "real human", "humano por favor".
    fn bare_request(&self) -> bool {
        let mut noun = false;
        for at in 0..self.words.len() {
            if self.is(at, BareNouns) {
                noun = true;
            } else if !self.is(at, BareFiller) {
                return false;
            }
        }
        noun
    }
}

/// Whether `text` asks to talk to a person.
pub fn wants_human(text: &str) -> bool {
    let m = Message::new(text);
    if m.bare_request() {
        return true;
    }
    (0..m.words.len()).any(|i| {
        let pattern = (m.is(i, Talk) && m.talk_to(i))
            || (m.is(i, Nouns) && (m.noun_to_talk_to(i) || m.contacts_me(i)))
            || m.german_mit(i)
            || (m.is(i, Want) && m.wants_noun(i))
            || (m.is(i, HandOver) && m.hands_over(i));
        pattern && !m.negated(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_requests() {
        for text in [
            "can I chat with a person?",
            "is there an employee I can talk to?",
            "representative please",
            "real human",
            "humna",
            "talk to someone",
            "I'd like to speak to one of your agents",
            "put me through to a real person",
            "Can someone call me back?",
            "I don't want a bot, I want a human",
            "get in touch with a human",
            "Kann ich mit einem Mitarbeiter sprechen?",
            "Ich möchte einen Menschen",
            "Ich hätte gern einen Mitarbeiter",
            "je veux parler à un humain",
            "Passez-moi un conseiller",
            "quiero hablar con una persona",
            "pásame con un agente",
            "can a human help me",
            "¿Hay alguien con quien pueda hablar?",
        ] {
            assert!(wants_human(text), "{text}");
        }
    }

    #[test]
    fn ignores_ordinary_questions() {
        for text in [
            "how many persons per kayak?",
            "do you give travel agents a discount?",
            "I don't need a human, just the price",
            "price per person?",
            "are you a human?",
            "do I need a person to go with my child?",
            "Do your staff speak German?",
            "is there someone who speaks Spanish on the tour?",
            "Can I talk to the guide during the tour?",
            "Who should I talk to about lost property?",
            "We are 4 persons, can we talk about a discount?",
            "how do I reach you by email?",
            "I'm a travel agent",
            "Wie viel kostet die Tour pro Person?",
            "Ich möchte nicht mit einem Menschen sprechen",
            "Will someone meet us at the harbour?",
            "Can I go walking with a person in a wheelchair?",
            "do you need someone to help carry the kayak?",
            "je ne veux pas parler à un humain",
            "¿Cuántas personas caben en un kayak?",
            "can someone pick us up at the station?",
            "I spoke to someone yesterday about my booking, is it confirmed?",
            "talk me through the cancellation policy",
            "can staff help us carry the kayaks?",
            "",
        ] {
            assert!(!wants_human(text), "{text}");
        }
    }
}
