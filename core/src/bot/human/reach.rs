//! Requests without a talk verb: someone contacting the visitor ("can someone call me back?",
//! "kann mir ein Mitarbeiter helfen"), someone being there at all ("is anyone available?"),
//! terse contrasts of bot and person ("human not bot") and bare requests ("agent please").

use super::Role::*;
use super::{in_list, Message, TAIL};

/// Words between a person and the verb of [`Message::contacts_me`]: "can", "peut".
const CONTACT_FILLER: &str = "can could please will kann peut puede pode puo";
/// Verbs of helping, which ask for a person only at the end of the clause.
const HELP: &str = "help helfen aider ayudar aiutare ajudar helpen";

impl Message {
    /// "can someone call me back?", "can someone from support contact me", "a human help me",
    /// with the visitor before the verb where the language puts it there ("quelqu'un peut
    /// m'aider", "kann mir ein Mitarbeiter helfen"). Then the verb must end the clause, and
    /// "help" always must ("can staff help us carry the kayaks?" is not a request).
    pub(super) fn contacts_me(&self, i: usize) -> bool {
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
    pub(super) fn call_back(&self, i: usize) -> bool {
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
    pub(super) fn present(&self, n: usize) -> bool {
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
    pub(super) fn contrast(&self) -> bool {
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
    pub(super) fn bare_request(&self) -> bool {
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
