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
/// Words between a person and the verb of [`Message::contacts_me`]: "can", "peut".
const CONTACT_FILLER: &str = "can could please will kann peut puede pode puo";
/// Verbs of helping, which ask for a person only at the end of the clause.
const HELP: &str = "help helfen aider ayudar aiutare ajudar helpen";
/// Places a last-position talk verb may be followed by: "iemand spreken over mijn bestelling".
const ABOUT: &str = "about uber wegen over sobre su";

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

    /// "talk to a person", "parler à quelqu'un", "hablar con alguien", "get in touch with someone".
    fn talk_to(&self, i: usize) -> bool {
        let mut next = i + 1;
        if matches!(
            self.word(next),
            "directly" | "quickly" | "please" | "urgently"
        ) {
            next += 1;
        }
        let talking_now = i >= 2 && self.word(i - 2) == "am" && self.word(i - 1) == "i";
        self.is(next, TalkPreposition) && self.person_phrase(next + 1).is_some() && !talking_now
    }

    /// "je veux joindre la comptabilité", "can I reach a human", "can I message a real employee":
    /// a verb that takes the person as its object; not in "how do I contact…" questions.
    fn talk_direct(&self, i: usize) -> bool {
        matches!(
            self.word(i),
            "joindre" | "contacter" | "contact" | "reach" | "message"
        ) && self
            .person_phrase(i + 1)
            .is_some_and(|end| self.tail_ok(end))
    }

    /// "est-ce que je peux avoir quelqu'un au téléphone", "a real person on the line".
    fn on_the_line(&self, i: usize) -> bool {
        let Some(end) = self.person_phrase(i) else {
            return false;
        };
        let mut at = end + usize::from(self.word(end) == "un");
        if matches!(
            self.word(at),
            "au" | "on" | "am" | "al" | "aan" | "ao" | "at"
        ) {
            at += 1;
            if self.is(at, Determiner) {
                at += 1;
            }
            return matches!(
                self.word(at),
                "telephone" | "phone" | "line" | "telefon" | "telefono" | "telefone" | "lijn"
            );
        }
        false
    }

    /// "is there an employee I can talk to?", "¿hay alguien con quien pueda hablar?", "a human
    /// I could ask": a person, then within five words a talk verb that ends the clause.
    fn person_to_talk_to(&self, i: usize) -> bool {
        let end = self.clause_end(i);
        (i + 1..end.min(i + 7)).any(|j| {
            let preposition_after = j + 2 == end && self.is(j + 1, TalkPreposition);
            let relative_before = j + 1 == end
                && (i + 1..j).any(|k| {
                    matches!(
                        self.word(k),
                        "whom" | "quien" | "qui" | "dem" | "denen" | "cui" | "quem"
                    )
                });
            let ask = matches!(self.word(j), "ask")
                && (j + 1 == end || (j + 2 == end && self.word(j + 1) == "instead"));
            let talk = self.is(j, Talk) || self.is(j, TalkLast);
            ((talk && (preposition_after || relative_before)) || ask) && !self.negated(j)
        })
    }

    /// German and Dutch put the verb last: "mit einem Mitarbeiter sprechen", "ik wil de manager
    /// spreken", "einen Menschen, mit dem ich chatten kann".
    fn talk_last(&self, i: usize) -> bool {
        let Some(after) = self.person_phrase(i) else {
            return false;
        };
        let end = self.clause_end(i);
        (after..end.min(after + 5)).any(|j| {
            let rest_ok = (j + 1..end).all(|k| self.is(k, Modal) || self.is(k, Filler))
                || in_list(ABOUT, self.word(j + 1));
            self.is(j, TalkLast) && rest_ok && !self.negated(j)
        })
    }

    /// "I need a human", "I'd like a person", "quiero un humano"; not "do I need a person".
    fn wants_person(&self, i: usize) -> bool {
        let word = self.word(i);
        if word == "like" && (i == 0 || !matches!(self.word(i - 1), "would" | "d")) {
            return false;
        }
        // German "will" is "want", English "will" is not: "will someone meet us?".
        if word == "will" && (i == 0 || !matches!(self.word(i - 1), "ich" | "ik")) {
            return false;
        }
        let question = i >= 2
            && matches!(
                self.word(i - 2),
                "do" | "does"
                    | "did"
                    | "will"
                    | "would"
                    | "should"
                    | "must"
                    | "shall"
                    | "can"
                    | "could"
            )
            && matches!(self.word(i - 1), "i" | "we" | "you" | "one");
        let start = i
            + 1
            + usize::from(matches!(
                self.word(i + 1),
                "to" | "for" | "de" | "di" | "speak" | "talk"
            ));
        !question
            && self
                .person_phrase(start)
                .is_some_and(|end| self.tail_ok(end))
    }

    /// "connect me to an agent", "passez-moi un conseiller", "mi passi l'assistenza", "get me a
    /// real person", "I'd like to be connected to an operator".
    fn hands_over(&self, i: usize) -> bool {
        let person_within = |from: usize, span: usize| {
            let end = self.clause_end(from.saturating_sub(1).max(i));
            (from..end.min(from + span)).any(|k| self.person(k) && self.person_phrase(k).is_some())
        };
        if self.is(i, HandOverMe) || self.is(i, Handed) {
            return person_within(i + 1, 6);
        }
        // "can I have a human": "have" only asked for, not "I have a person with me".
        let may_i_have = self.word(i) == "have"
            && matches!(self.word(i.wrapping_sub(1)), "i" | "we")
            && matches!(self.word(i.wrapping_sub(2)), "can" | "could" | "may");
        if may_i_have {
            return self
                .person_phrase(i + 1)
                .is_some_and(|end| self.tail_ok(end));
        }
        if !self.is(i, HandOver) {
            return false;
        }
        let polite = matches!(self.word(i + 1), "sie" | "u" | "vous" | "lei" | "usted");
        let me_after =
            (self.is(i + 1, Me) && self.word(i + 1) != "mi") || (polite && self.is(i + 2, Me));
        let me_before = (i.saturating_sub(2)..i).any(|k| self.same_clause(k, i) && self.is(k, Me));
        if me_after || me_before {
            return person_within(i + 1, 7);
        }
        // German and Dutch put the verb last: "können Sie mich mit einem Berater verbinden".
        let end = self.clause_end(i);
        let verb_last = i + 1 == end
            && (i.saturating_sub(7)..i).any(|me| {
                self.same_clause(me, i)
                    && self.is(me, Me)
                    && (me + 1..i).any(|k| self.person(k) && self.person_phrase(k) == Some(i))
            });
        if verb_last {
            return true;
        }
        // "get a human", "find someone who can help", but not "get someone else to pick it up".
        matches!(
            self.word(i),
            "get" | "find" | "bring" | "geef" | "avoir" | "avere" | "krijgen"
        ) && self
            .person_phrase(i + 1)
            .is_some_and(|end| self.tail_ok(end))
    }

    /// "can someone call me back?", "can someone from support contact me", "a human help me",
    /// with the visitor before the verb where the language puts it there ("quelqu'un peut
    /// m'aider", "kann mir ein Mitarbeiter helfen"). Then the verb must end the clause, and
    /// "help" always must ("can staff help us carry the kayaks?" is not a request).
    fn contacts_me(&self, i: usize) -> bool {
        if !(self.is(i, People)) {
            return false;
        }
        let end = self.clause_end(i);
        let mut me_before =
            (i.saturating_sub(3)..i).any(|k| self.same_clause(k, i) && self.is(k, Me));
        let mut verb = self.person_phrase(i).unwrap_or(i + 1);
        let after_person = verb;
        while verb < after_person + 3
            && (self.is(verb, Modal)
                || self.is(verb, Me)
                || in_list(CONTACT_FILLER, self.word(verb)))
        {
            me_before |= self.is(verb, Me);
            verb += 1;
        }
        if !self.is(verb, Contact) {
            return false;
        }
        let me_after = self.is(verb + 1, Me);
        let help = in_list(HELP, self.word(verb));
        let last = verb + 1 + usize::from(me_after);
        let ends = last == end || (last + 1 == end && in_list(TAIL, self.word(last)));
        (me_after && (!help || ends)) || (me_before && ends)
    }

    /// "call me back", "rappelez-moi", "llámenme", "bel me terug", "can I get a call from your
    /// team": the visitor asks to be called, with nothing after it ("call me when it ships").
    fn call_back(&self, i: usize) -> bool {
        let combined = matches!(
            self.word(i),
            "llamenme" | "llamame" | "richiamatemi" | "chiamatemi" | "callback"
        );
        let me = (i.saturating_sub(2)..(i + 3).min(self.len()))
            .any(|k| k != i && self.same_clause(k, i) && self.is(k, Me));
        let asked = i >= 1
            && matches!(self.word(i - 1), "a" | "get")
            && (i.saturating_sub(3)..i)
                .any(|k| matches!(self.word(k), "get" | "have" | "want" | "like" | "request"));
        if !(self.is(i, CallBack) && (combined || me || asked)) {
            return false;
        }
        let end = self.clause_end(i);
        (i + 1..end).all(|k| {
            self.is(k, Me)
                || self.is(k, Filler)
                || self.is(k, People)
                || self.is(k, Desk)
                || matches!(
                    self.word(k),
                    "sie"
                        | "u"
                        | "vous"
                        | "lei"
                        | "usted"
                        | "back"
                        | "terug"
                        | "zuruck"
                        | "an"
                        | "from"
                        | "your"
                        | "please"
                        | "today"
                        | "soon"
                        | "por"
                        | "favor"
                        | "favore"
                        | "alsjeblieft"
                        | "svp"
                        | "bitte"
                )
        })
    }

    /// "is anyone there?", "is a person available right now", "ist jemand da?", "hay alguien
    /// ahí?", "c'è un operatore disponibile", "is er iemand?": someone being there at all.
    fn present(&self, n: usize) -> bool {
        if !(self.is(n, People) || self.is(n, PeoplePlural)) {
            return false;
        }
        if n > 0
            && matches!(
                self.word(n - 1),
                "for" | "per" | "fur" | "pour" | "para" | "voor"
            )
        {
            return false;
        }
        let end = self.clause_end(n);
        let between_ok = |a: usize, b: usize| {
            (a + 1..b).all(|k| {
                self.is(k, PresentFiller)
                    || self.is(k, Determiner)
                    || self.is(k, Desk)
                    || matches!(
                        self.word(k),
                        "est" | "il" | "e" | "esta" | "is" | "er" | "es" | "y" | "a" | "t"
                    )
            })
        };
        let rest_ok = |from: usize| {
            (from..end).all(|k| {
                self.is(k, PresentFiller)
                    || self.is(k, Filler)
                    || self.is(k, Present)
                    || self.is(k, Bot)
                    || matches!(self.word(k), "or" | "just" | "un")
            })
        };
        // "available" either side; "there", "da", "ahí" only after the person ("is there
        // someone who…" is existence, not presence).
        let here = |p: usize| {
            matches!(
                self.word(p),
                "there" | "here" | "da" | "ahi" | "ai" | "around"
            )
        };
        let present = (n.saturating_sub(3)..(n + 6).min(end)).any(|p| {
            p != n
                && self.same_clause(p, n)
                && self.is(p, Present)
                && (p > n || !here(p))
                && between_ok(p.min(n), p.max(n))
                && rest_ok(p.max(n) + 1)
        });
        let there = (n.saturating_sub(5)..n).any(|t| {
            // French drops the "il" of "il y a" in speech: "y a quelqu'un ?".
            let there = self.is(t, There) || (self.word(t) == "y" && self.word(t + 1) == "a");
            self.same_clause(t, n) && there && between_ok(t, n) && rest_ok(n + 1)
        });
        present || there
    }

    /// "human not bot", "not a bot please", "kein Bot, ein Mensch", "any real people here or
    /// just bots": the bot refused in favour of a person.
    fn contrast(&self) -> bool {
        let short = self.len() <= 10;
        let person = (0..self.len()).any(|k| self.is(k, People) || self.is(k, PeoplePlural));
        let refused_bot = (0..self.len()).any(|b| {
            self.is(b, Bot)
                && (b.saturating_sub(3)..b).any(|k| {
                    self.same_clause(k, b)
                        && (self.is(k, Negation) || self.word(k) == "useless")
                        && !(k > 0 && matches!(self.word(k - 1), "am" | "im"))
                })
        }) || (0..self.len())
            .any(|b| self.is(b, Bot) && matches!(self.word(b + 1), "useless" | "sucks"));
        let both = person && self.any(Bot) && self.len() <= 8;
        (refused_bot && (short || person)) || both
    }

    /// Nothing but a person and filler, in some clause: "agent please", "real human", "hello?
    /// anybody?", "humano por favor", "customer service please".
    fn bare_request(&self) -> bool {
        let mut clause_ok = true;
        let mut noun = false;
        for at in 0..self.len() {
            if at > 0 && !self.same_clause(at, at - 1) {
                if clause_ok && noun {
                    return true;
                }
                clause_ok = true;
                noun = false;
            }
            if self.is(at, People) || self.is(at, BareDesk) {
                noun = true;
            } else if !self.is(at, Filler) {
                clause_ok = false;
            }
        }
        clause_ok && noun
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
