//! Greetings, thanks, goodbyes, "how are you" and "are you a bot" in en/de/fr/es.
//!
//! A message is small talk when nothing but such phrases and filler ("hi there", "thanks a lot
//! for your help") remains. In a mixed message ("Hi, where do we meet?") the phrases are removed
//! and the rest goes to retrieval.

use std::sync::OnceLock;

use super::lang::Lang;

/// Kinds of small talk, in ascending priority: "ok thanks, bye" is a goodbye.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Ack,
    Greeting,
    Identity,
    HowAreYou,
    Thanks,
    Goodbye,
}

use Kind::*;

/// (phrase, kind, language). `None` means the phrase does not tell the language.
const PHRASES: &[(&str, Kind, Option<Lang>)] = &[
    ("hi", Greeting, None),
    ("hello", Greeting, Some(Lang::En)),
    ("hey", Greeting, None),
    ("hiya", Greeting, Some(Lang::En)),
    ("howdy", Greeting, Some(Lang::En)),
    ("greetings", Greeting, Some(Lang::En)),
    ("good morning", Greeting, Some(Lang::En)),
    ("good afternoon", Greeting, Some(Lang::En)),
    ("good evening", Greeting, Some(Lang::En)),
    ("hallo", Greeting, Some(Lang::De)),
    ("guten morgen", Greeting, Some(Lang::De)),
    ("guten tag", Greeting, Some(Lang::De)),
    ("guten abend", Greeting, Some(Lang::De)),
    ("moin", Greeting, Some(Lang::De)),
    ("servus", Greeting, Some(Lang::De)),
    ("gruss gott", Greeting, Some(Lang::De)),
    ("gruezi", Greeting, Some(Lang::De)),
    ("bonjour", Greeting, Some(Lang::Fr)),
    ("bonsoir", Greeting, Some(Lang::Fr)),
    ("salut", Greeting, Some(Lang::Fr)),
    ("coucou", Greeting, Some(Lang::Fr)),
    ("hola", Greeting, Some(Lang::Es)),
    ("buenos dias", Greeting, Some(Lang::Es)),
    ("buenas tardes", Greeting, Some(Lang::Es)),
    ("buenas noches", Greeting, Some(Lang::Es)),
    ("buenas", Greeting, Some(Lang::Es)),
    ("salve", Greeting, Some(Lang::It)),
    ("buongiorno", Greeting, Some(Lang::It)),
    ("buonasera", Greeting, Some(Lang::It)),
    ("ola", Greeting, Some(Lang::Pt)),
    ("oi", Greeting, Some(Lang::Pt)),
    ("bom dia", Greeting, Some(Lang::Pt)),
    ("boa tarde", Greeting, Some(Lang::Pt)),
    ("boa noite", Greeting, Some(Lang::Pt)),
    ("goedemorgen", Greeting, Some(Lang::Nl)),
    ("goedemiddag", Greeting, Some(Lang::Nl)),
    ("goedenavond", Greeting, Some(Lang::Nl)),
    ("hoi", Greeting, Some(Lang::Nl)),
    ("grazie", Thanks, Some(Lang::It)),
    ("grazie mille", Thanks, Some(Lang::It)),
    ("obrigado", Thanks, Some(Lang::Pt)),
    ("obrigada", Thanks, Some(Lang::Pt)),
    ("muito obrigado", Thanks, Some(Lang::Pt)),
    ("muito obrigada", Thanks, Some(Lang::Pt)),
    ("dank je", Thanks, Some(Lang::Nl)),
    ("dank je wel", Thanks, Some(Lang::Nl)),
    ("dank u", Thanks, Some(Lang::Nl)),
    ("dank u wel", Thanks, Some(Lang::Nl)),
    ("bedankt", Thanks, Some(Lang::Nl)),
    ("arrivederci", Goodbye, Some(Lang::It)),
    ("tchau", Goodbye, Some(Lang::Pt)),
    ("ate logo", Goodbye, Some(Lang::Pt)),
    ("doei", Goodbye, Some(Lang::Nl)),
    ("tot ziens", Goodbye, Some(Lang::Nl)),
    ("thanks", Thanks, Some(Lang::En)),
    ("thank you", Thanks, Some(Lang::En)),
    ("thank u", Thanks, Some(Lang::En)),
    ("thx", Thanks, Some(Lang::En)),
    ("ty", Thanks, Some(Lang::En)),
    ("cheers", Thanks, Some(Lang::En)),
    ("much appreciated", Thanks, Some(Lang::En)),
    ("appreciate it", Thanks, Some(Lang::En)),
    ("danke", Thanks, Some(Lang::De)),
    ("danke schon", Thanks, Some(Lang::De)),
    ("dankeschon", Thanks, Some(Lang::De)),
    ("vielen dank", Thanks, Some(Lang::De)),
    ("merci", Thanks, Some(Lang::Fr)),
    ("je vous remercie", Thanks, Some(Lang::Fr)),
    ("gracias", Thanks, Some(Lang::Es)),
    ("bye", Goodbye, Some(Lang::En)),
    ("goodbye", Goodbye, Some(Lang::En)),
    ("good bye", Goodbye, Some(Lang::En)),
    ("see you", Goodbye, Some(Lang::En)),
    ("see ya", Goodbye, Some(Lang::En)),
    ("good night", Goodbye, Some(Lang::En)),
    ("take care", Goodbye, Some(Lang::En)),
    ("tschuss", Goodbye, Some(Lang::De)),
    ("auf wiedersehen", Goodbye, Some(Lang::De)),
    ("bis bald", Goodbye, Some(Lang::De)),
    ("ciao", Goodbye, None),
    ("au revoir", Goodbye, Some(Lang::Fr)),
    ("a bientot", Goodbye, Some(Lang::Fr)),
    ("bonne journee", Goodbye, Some(Lang::Fr)),
    ("adios", Goodbye, Some(Lang::Es)),
    ("hasta luego", Goodbye, Some(Lang::Es)),
    ("hasta pronto", Goodbye, Some(Lang::Es)),
    ("how are you", HowAreYou, Some(Lang::En)),
    ("how are you doing", HowAreYou, Some(Lang::En)),
    ("how it going", HowAreYou, Some(Lang::En)),
    ("wie geht es dir", HowAreYou, Some(Lang::De)),
    ("wie geht es ihnen", HowAreYou, Some(Lang::De)),
    ("wie gehts", HowAreYou, Some(Lang::De)),
    ("ca va", HowAreYou, Some(Lang::Fr)),
    ("comment allez vous", HowAreYou, Some(Lang::Fr)),
    ("que tal", HowAreYou, Some(Lang::Es)),
    ("como estas", HowAreYou, Some(Lang::Es)),
    ("are you a bot", Identity, Some(Lang::En)),
    ("are you a robot", Identity, Some(Lang::En)),
    ("are you an ai", Identity, Some(Lang::En)),
    ("are you human", Identity, Some(Lang::En)),
    ("are you a human", Identity, Some(Lang::En)),
    ("are you real", Identity, Some(Lang::En)),
    ("are you a real person", Identity, Some(Lang::En)),
    ("is this a bot", Identity, Some(Lang::En)),
    ("who are you", Identity, Some(Lang::En)),
    ("bist du ein bot", Identity, Some(Lang::De)),
    ("sind sie ein bot", Identity, Some(Lang::De)),
    ("est ce un robot", Identity, Some(Lang::Fr)),
    ("etes vous un robot", Identity, Some(Lang::Fr)),
    ("eres un bot", Identity, Some(Lang::Es)),
    ("eres un robot", Identity, Some(Lang::Es)),
    ("ok", Ack, None),
    ("okay", Ack, Some(Lang::En)),
    ("cool", Ack, None),
    ("great", Ack, Some(Lang::En)),
    ("perfect", Ack, Some(Lang::En)),
    ("alright", Ack, Some(Lang::En)),
    ("sounds good", Ack, Some(Lang::En)),
    ("got it", Ack, Some(Lang::En)),
    ("i see", Ack, Some(Lang::En)),
    ("alles klar", Ack, Some(Lang::De)),
    ("d accord", Ack, Some(Lang::Fr)),
    ("parfait", Ack, Some(Lang::Fr)),
    ("vale", Ack, Some(Lang::Es)),
    ("perfecto", Ack, Some(Lang::Es)),
];

/// Words that may surround small talk without making it a question.
const FILLER: &str = "\
    there all everyone guys folks team again so very much a lot for your the help have nice \
    good great day evening and you too oh ah well dear bot assistant zusammen sehr schon \
    einen tag vielmals fur die hilfe ihre tout le monde vous pour votre aide beaucoup encore \
    muy por su ayuda todos buen dia mil muchas y und et bien then now";

type Phrase = (Vec<&'static str>, Kind, Option<Lang>);

/// `PHRASES` split into words once.
fn phrases() -> &'static [Phrase] {
    static SPLIT: OnceLock<Vec<Phrase>> = OnceLock::new();
    SPLIT.get_or_init(|| {
        PHRASES
            .iter()
            .map(|(phrase, kind, lang)| (phrase.split(' ').collect(), *kind, *lang))
            .collect()
    })
}

/// Small talk found in a message.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SmallTalk {
    /// The highest-priority kind found, with its language when the phrase tells it.
    pub kind: Option<(Kind, Option<Lang>)>,
    /// Nothing but small talk and filler.
    pub pure: bool,
    /// The message without its small-talk phrases, for retrieval.
    pub rest: Vec<String>,
}

/// Finds small-talk phrases in normalised `words`.
pub(crate) fn scan(words: &[String]) -> SmallTalk {
    let mut found: Option<(Kind, Option<Lang>)> = None;
    let mut pure = true;
    let mut rest = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let longest = phrases()
            .iter()
            .filter(|(phrase, _, _)| phrase.first() == Some(&words[i].as_str()))
            .filter(|(phrase, _, _)| {
                i + phrase.len() <= words.len()
                    && phrase.iter().zip(&words[i..]).all(|(p, w)| p == w)
            })
            .map(|(phrase, kind, lang)| (phrase.len(), *kind, *lang))
            .max_by_key(|(n, _, _)| *n);
        if let Some((n, kind, lang)) = longest {
            if found.is_none_or(|(k, _)| kind > k) {
                found = Some((kind, lang));
            }
            // "good", "cool" and the like stay in a question; only whole-message acks count.
            if kind == Ack {
                rest.extend(words[i..i + n].iter().cloned());
            }
            i += n;
            continue;
        }
        if !FILLER.split_whitespace().any(|f| f == words[i]) {
            pure = false;
        }
        rest.push(words[i].clone());
        i += 1;
    }
    SmallTalk {
        pure: pure && found.is_some(),
        kind: found,
        rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::text::tokens;

    fn kind(text: &str) -> Option<Kind> {
        let talk = scan(&tokens(text));
        talk.pure.then_some(talk.kind.map(|(k, _)| k)).flatten()
    }

    #[test]
    fn recognises_small_talk_in_four_languages() {
        assert_eq!(kind("Hi there!"), Some(Greeting));
        assert_eq!(kind("Guten Morgen zusammen"), Some(Greeting));
        assert_eq!(kind("thanks a lot for your help"), Some(Thanks));
        assert_eq!(kind("Merci beaucoup !"), Some(Thanks));
        assert_eq!(kind("ok thanks, bye"), Some(Goodbye));
        assert_eq!(kind("¡Adiós!"), Some(Goodbye));
        assert_eq!(kind("how are you?"), Some(HowAreYou));
        assert_eq!(kind("are you a bot?"), Some(Identity));
        assert_eq!(kind("okay"), Some(Ack));
    }

    #[test]
    fn mixed_messages_keep_the_question() {
        let talk = scan(&tokens("Hi, where do we meet? Thanks"));
        assert!(!talk.pure);
        assert_eq!(talk.rest.join(" "), "where do we meet");
        assert_eq!(kind("how are your prices"), None);
        assert_eq!(kind("is it cool on the water"), None);
    }
}
