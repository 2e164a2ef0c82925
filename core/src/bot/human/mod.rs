//! Detects a visitor asking for a person (handoff trigger 2), in en/de/fr/es/it/pt/nl.
//!
//! A person word alone is not enough: "price per person?", "do you give travel agents a
//! discount?" and "is the reception open on Sunday?" are ordinary questions. A request is one of
//! a few families of wording, each an intent pattern around a person or a desk:
//! - talking to someone: "can I chat with a person", "mit einem Mitarbeiter sprechen",
//!   "is there an employee I can talk to?";
//! - wanting, getting or being handed to someone: "I need a human", "get me a real person",
//!   "connect me to the billing department", "pásame con un agente", "be connected to an operator";
//! - someone contacting the visitor: "can someone call me back?", "rappelez-moi";
//! - asking whether anyone is there at all: "is anyone available?", "ist jemand da?";
//! - escalating or complaining to someone: "escalate this", "a complaint to a manager";
//! - terse contrasts of bot and person, or a bare request: "human not bot", "agent please".
//!
//! A negation just before the verb, in the same clause, cancels it ("I don't need a human, just
//! the price"), and questions about the bot itself ("are you a human?") are small talk.

mod reach;
mod talk;
mod words;

use std::sync::OnceLock;

use super::text::{tokens, typo_distance, FastMap};
use words::*;

/// The roles a word can play, as bits.
#[derive(Clone, Copy)]
enum Role {
    People,
    PeoplePlural,
    Desk,
    BareDesk,
    Determiner,
    Talk,
    TalkLast,
    Modal,
    TalkPreposition,
    Want,
    HandOver,
    HandOverMe,
    Handed,
    Me,
    CallBack,
    Contact,
    Escalate,
    Complaint,
    Present,
    There,
    Identity,
    Bot,
    Negation,
    HowWhen,
    Filler,
    PresentFiller,
}

use Role::*;

/// Desks that make a request on their own ("customer service please"); not "sales?", which may
/// ask about a sale.
const BARE_DESKS: &str = "\
    support service services helpdesk reception kundendienst kundenservice klantenservice \
    klantendienst atendimento assistenza soporte servizio suporte atencion";

const LISTS: [(Role, &str); 26] = [
    (People, PEOPLE),
    (PeoplePlural, PEOPLE_PLURAL),
    (Desk, DESKS),
    (BareDesk, BARE_DESKS),
    (Determiner, DETERMINERS),
    (Talk, TALK),
    (TalkLast, TALK_LAST),
    (Modal, MODALS),
    (TalkPreposition, TALK_PREPOSITIONS),
    (Want, WANT),
    (HandOver, HAND_OVER),
    (HandOverMe, HAND_OVER_ME),
    (Handed, HANDED),
    (Me, ME),
    (CallBack, CALL_BACK),
    (Contact, CONTACT),
    (Escalate, ESCALATE),
    (Complaint, COMPLAINT),
    (Present, PRESENT),
    (There, THERE),
    (Identity, IDENTITY),
    (Bot, BOT),
    (Negation, NEGATIONS),
    (HowWhen, HOW_WHEN),
    (Filler, FILLER),
    (PresentFiller, PRESENT_FILLER),
];

impl Role {
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Verbs after "someone to …" that still ask for a person: "get a colleague to look at this".
const HELP_VERBS: &str = "look help check call contact talk speak answer assist handle see";
/// Words that may end a request after the person: "a human please", "someone who can help".
const TAIL: &str = "\
    please pls plz now asap not instead rather than who that which on here there line \
    bitte sofort jetzt svp maintenant por favor ahora per subito agora graag nu";

/// The roles of `word`; person words also with one slip ("humna", "persn") and in the plural.
fn roles_of(word: &str) -> u32 {
    static MAP: OnceLock<FastMap<&'static str, u32>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: FastMap<&'static str, u32> = FastMap::default();
        for (role, words) in LISTS {
            for w in words.split_whitespace() {
                *map.entry(w).or_default() |= role.bit();
            }
        }
        map
    });
    let mut bits = map.get(word).copied().unwrap_or(0);
    if bits & (People.bit() | Desk.bit()) == 0 {
        if let Some(singular) = word.strip_suffix('s').filter(|w| w.len() >= 4) {
            bits |= map.get(singular).copied().unwrap_or(0) & (People.bit() | Desk.bit());
        }
    }
    if bits & Desk.bit() == 0 && (word.ends_with("afdeling") || word.ends_with("abteilung")) {
        bits |= Desk.bit();
    }
    if bits & People.bit() == 0 && slip_of(PEOPLE, word) {
        bits |= People.bit();
    }
    bits
}

/// `word` is one slip away from a word of five letters or more in `list`.
fn slip_of(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|candidate| {
        candidate.len() >= 5 && typo_distance(word, candidate).is_some_and(|d| d <= 1)
    })
}

fn in_list(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// A message as words, each with its roles and the clause it belongs to (clauses end at
/// punctuation: "the bot does not understand, I need a human" negates only the first).
struct Message {
    words: Vec<String>,
    roles: Vec<u32>,
    clause: Vec<usize>,
}

impl Message {
    fn new(text: &str) -> Self {
        let mut words = Vec::new();
        let mut clause = Vec::new();
        let clauses = text.split([',', '.', ';', '!', '?', '\n', '¿', '¡', ':']);
        for (n, part) in clauses.filter(|p| !p.trim().is_empty()).enumerate() {
            for word in tokens(part) {
                words.push(word);
                clause.push(n);
            }
        }
        let roles = words.iter().map(|w| roles_of(w)).collect();
        Self {
            words,
            roles,
            clause,
        }
    }

    fn len(&self) -> usize {
        self.words.len()
    }

    fn is(&self, at: usize, role: Role) -> bool {
        self.roles
            .get(at)
            .is_some_and(|bits| bits & role.bit() != 0)
    }

    fn word(&self, at: usize) -> &str {
        self.words.get(at).map_or("", String::as_str)
    }

    fn same_clause(&self, a: usize, b: usize) -> bool {
        self.clause.get(a).is_some() && self.clause.get(a) == self.clause.get(b)
    }

    /// One past the last word of `at`'s clause.
    fn clause_end(&self, at: usize) -> usize {
        let mut end = at;
        while end < self.len() && self.same_clause(end, at) {
            end += 1;
        }
        end
    }

    fn any(&self, role: Role) -> bool {
        (0..self.len()).any(|k| self.is(k, role))
    }

    fn person(&self, at: usize) -> bool {
        self.is(at, People) || self.is(at, PeoplePlural) || self.is(at, Desk)
    }

    /// A negation among the three words before `at`, in its clause.
    fn negated(&self, at: usize) -> bool {
        (at.saturating_sub(3)..at).any(|k| self.same_clause(k, at) && self.is(k, Negation))
    }

    /// "are you a human?", "is this a real person?", "bist du ein Bot?": about the bot itself.
    fn about_the_bot(&self) -> bool {
        const COPULAS: &str = "is are am be bist ist sind es est etes e ben bent";
        (0..self.len()).any(|k| {
            self.is(k, Identity)
                && (matches!(self.word(k), "eres" | "sei")
                    || in_list(COPULAS, self.word(k.wrapping_sub(1))))
        })
    }

    /// A person within three determiners from `start`, in the same clause: the index after
    /// the whole phrase ("someone in accounts", "the billing department", "one of your agents").
    fn person_phrase(&self, start: usize) -> Option<usize> {
        let mut at = start;
        while at < start + 4 && at < self.len() && self.same_clause(at, start) {
            if self.person(at) {
                // "quelqu'un" is two tokens.
                let mut end =
                    at + 1 + usize::from(self.word(at) == "quelqu" && self.word(at + 1) == "un");
                // "support team", "someone from support", "a colleague of yours".
                while end < self.len() && self.same_clause(end, start) {
                    let linked = matches!(
                        self.word(end),
                        "in" | "from" | "of" | "at" | "du" | "de" | "del" | "van" | "vom" | "yours"
                    );
                    if self.person(end) || (linked && self.is(end + 1, Desk)) {
                        end += 1 + usize::from(linked);
                    } else if self.word(end) == "yours" {
                        end += 1;
                    } else if linked && (self.is(end + 1, Determiner) && self.is(end + 2, Desk)) {
                        end += 3;
                    } else {
                        break;
                    }
                }
                return Some(end);
            }
            if !self.is(at, Determiner) {
                return None;
            }
            at += 1;
        }
        None
    }

    /// The words after a person end a request: nothing, "please", "who can help", "to look at
    /// this"; not "size kayak" or "plan" ("a human size kayak", "the team plan").
    fn tail_ok(&self, at: usize) -> bool {
        let end = self.clause_end(at.saturating_sub(1));
        if at >= end {
            return true;
        }
        let word = self.word(at);
        if word == "to" || word == "a" {
            return in_list(HELP_VERBS, self.word(at + 1)) && end <= at + 5;
        }
        if word == "else" {
            return false;
        }
        in_list(TAIL, word) || self.is(at, Filler) || self.is(at, Negation)
    }
}

/// Whether `text` asks to talk to a person.
pub fn wants_human(text: &str) -> bool {
    let m = Message::new(text);
    if m.len() == 0 {
        return false;
    }
    let about_bot = m.about_the_bot();
    if !about_bot && (m.bare_request() || m.contrast()) {
        return true;
    }
    let how = m.any(HowWhen);
    (0..m.len()).any(|i| {
        let pattern = (m.is(i, Talk) && m.talk_to(i))
            || (m.person(i) && (m.person_to_talk_to(i) || m.talk_last(i) || m.on_the_line(i)))
            || (!how && m.talk_direct(i))
            || (m.word(i) == "mit" || m.word(i) == "met") && m.talk_last(i + 1)
            || m.contacts_me(i)
            || (m.is(i, Want) && m.wants_person(i))
            || m.hands_over(i)
            || m.call_back(i)
            || (!how && !about_bot && m.present(i))
            || (!how && m.is(i, Escalate))
            || (!how && m.is(i, Complaint) && (0..m.len()).any(|k| m.is(k, People)));
        pattern && !m.negated(i)
    })
}

#[cfg(test)]
mod tests;
