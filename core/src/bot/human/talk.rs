//! Requests built on a verb: talking to someone ("can I chat with a person", "mit einem
//! Mitarbeiter sprechen"), wanting someone ("I need a human") and being handed over ("connect me
//! to an agent", "können Sie mich mit einem Berater verbinden").

use super::Role::*;
use super::{in_list, Message};

/// Places a last-position talk verb may be followed by: "iemand spreken over mijn bestelling".
const ABOUT: &str = "about uber wegen over sobre su";

impl Message {
    /// "talk to a person", "parler à quelqu'un", "hablar con alguien", "get in touch with someone".
    pub(super) fn talk_to(&self, i: usize) -> bool {
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
    pub(super) fn talk_direct(&self, i: usize) -> bool {
        matches!(
            self.word(i),
            "joindre" | "contacter" | "contact" | "reach" | "message"
        ) && self
            .person_phrase(i + 1)
            .is_some_and(|end| self.tail_ok(end))
    }

    /// "est-ce que je peux avoir quelqu'un au téléphone", "a real person on the line".
    pub(super) fn on_the_line(&self, i: usize) -> bool {
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
    pub(super) fn person_to_talk_to(&self, i: usize) -> bool {
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
    pub(super) fn talk_last(&self, i: usize) -> bool {
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
    pub(super) fn wants_person(&self, i: usize) -> bool {
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
    pub(super) fn hands_over(&self, i: usize) -> bool {
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
}
